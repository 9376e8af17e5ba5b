"""The errors case-work steps raise for people: a catalogue key and its values, never English text.

A step that is refused (not allowed, not found, not possible in the record's state, a reason left
empty) raises a `CaseworkError`; a screen shows `message(lang)` in the user's language, the command
line prints `str(exc)` (English). Screens catch only these, so a plain `ValueError` or `KeyError`
from a bug is never dressed up as a form message. Values that are labelled enums (a state, a role)
are shown by their label in the message's language.
"""

from __future__ import annotations

from chandong_tui.i18n import CATALOGUE, Lang, t
from chandong_tui.model.enums import LabelledEnum


class CaseworkError(Exception):
    """A refusal for people: `key` names its text in the catalogue, `params` fill its placeholders."""

    def __init__(self, key: str, **params: object) -> None:
        if key not in CATALOGUE:  # a programming error: every refusal has its text in both languages
            raise KeyError(f"no catalogue text {key!r}")
        super().__init__(key, params)
        self.key = key
        self.params = params

    def message(self, lang: Lang | str = Lang.KO) -> str:
        """The one-line message in `lang`."""
        return t(self.key, lang, **{name: _shown(value, lang) for name, value in self.params.items()})

    def __str__(self) -> str:
        return self.message(Lang.EN)

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its class, key and values: a refusal raised in a worker process (a gu's monthly
        report runs one per vault) reaches the parent whole."""
        return (_rebuilt, (type(self), self.key, self.params))


class IllegalTransition(CaseworkError):
    """This step is not possible now (e.g. accepting a hand-off already declined)."""


class Forbidden(CaseworkError):
    """The user may not do this: their role, or the record is someone else's."""


class NotFound(CaseworkError):
    """The record the step names does not exist (or no longer does)."""


class MissingText(CaseworkError):
    """A reason, a question, an answer or a comment the step needs was left empty."""


class InvalidInput(CaseworkError):
    """What was given does not make a valid step (e.g. a household without members)."""


class FieldRefused(InvalidInput):
    """Refused because of what one form field holds (or lacks): a form shows the message beside
    `field` (e.g. an empty visit, beside its first field)."""

    field: str = ""

    def __init__(self, field: str, key: str, **params: object) -> None:
        super().__init__(key, **params)
        self.field = field


def required_text(text: str | None, key: str) -> str:
    """`text` stripped; `MissingText(key)` when it is empty (a reason, a question, a comment)."""
    stripped = str(text or "").strip()
    if not stripped:
        raise MissingText(key)
    return stripped


def _rebuilt(cls: type[CaseworkError], key: str, params: dict[str, object]) -> CaseworkError:
    error = cls.__new__(cls)
    CaseworkError.__init__(error, key, **params)
    return error


def _shown(value: object, lang: Lang | str) -> object:
    if isinstance(value, LabelledEnum):
        return value.en.lower() if lang == Lang.EN else value.ko
    return value
