"""`NoteModal`: a form of one text (a reason, a question, an answer, a comment) saved through casework.

Decline a hand-off, send it back with a question, answer it, approve or return a closure, comment on
a case: each is one text and one casework call. The text is required unless `required=False`; a blank
one is refused beside the field, in the user's language, before casework is asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.widgets import Static

from chandong_tui.tui.modals.form_modal import FormField, FormModal
from chandong_tui.tui.modals.visit_modal import SafeTextArea
from chandong_tui.tui.text import text

R = TypeVar("R")


def require_filled(values: dict[str, object], names: Iterable[str]) -> None:
    """Raise a `ValidationError` naming every field of `names` left blank (shown beside each)."""
    missing = [name for name in names if not str(values.get(name) or "").strip()]
    if missing:
        raise ValidationError.from_exception_data(
            "form", [{"type": "missing", "loc": (name,), "input": None} for name in missing]
        )


class NoteModal(FormModal[R]):
    """One text, saved by `save(text)`; dismisses with what `save` returned."""

    DEFAULT_CSS = """
    NoteModal #note-intro { height: auto; padding: 1 0 0 0; }
    NoteModal FormField > Horizontal > SafeTextArea { width: 1fr; height: 5; }
    """

    def __init__(
        self,
        title: str,
        label: str,
        save: Callable[[str], R],
        *,
        intro: str = "",
        initial: str = "",
        required: bool = True,
    ) -> None:
        super().__init__(title)
        self.label = label
        self.save = save
        self.intro = intro
        self.initial = initial
        self.required = required

    def fields(self) -> ComposeResult:
        if self.intro:
            yield Static(text(self.intro), id="note-intro")
        yield FormField(self.label, SafeTextArea(self.initial, id="note"), "note")

    def submit(self) -> R:
        note = str(self.value_of("note") or "").strip()
        if self.required:
            require_filled({"note": note}, ["note"])
        return self.save(note)
