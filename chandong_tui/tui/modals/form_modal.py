"""`FormModal`: the shape every data-entry form shares.

- Fields are `FormField`s: a label, the input widget, and an error line beside it.
- Ctrl+S saves: the subclass's `submit()` builds the data and calls casework, which validates with the
  pydantic model; a `ValidationError` is shown beside the fields it names (first location item is the
  field name), case-work refusals (`CaseworkError`) in the form's message line, in the user's language;
  any other exception is a bug and is not dressed up as a form message.
  Saving is synchronous and durable (an fsync'ed op) before "저장됨" is shown and the form closes.
- Esc closes at once when nothing was typed, and asks before dropping edits otherwise.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static, TextArea

from chandong_tui.casework.errors import CaseworkError, FieldRefused
from chandong_tui.i18n import t
from chandong_tui.model.fields import explain_error
from chandong_tui.tui.base import ChandongModal
from chandong_tui.tui.modals.confirm_modal import ConfirmModal
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.footer import SteadyFooter

T = TypeVar("T")


class FormField(Vertical):
    """One labelled field: `label`, the `widget`, and `#error-<name>` for what is wrong with it."""

    DEFAULT_CSS = """
    FormField { height: auto; }
    FormField > Horizontal { height: auto; }
    FormField .field-label { width: 16; padding: 0 1 0 0; }
    FormField { margin-bottom: 1; }
    FormField .field-error { height: auto; padding-left: 16; color: $error; text-style: bold; display: none; }
    FormField .field-error.-shown { display: block; }
    """

    def __init__(self, label: str, widget: Widget, name: str) -> None:
        super().__init__(id=f"field-{name}")
        self.label = label
        self.widget = widget
        self.field_name = name

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(text(self.label), classes="field-label")
            yield self.widget
        yield Static("", id=f"error-{self.field_name}", classes="field-error")

    def on_mount(self) -> None:
        # One row per input, without borders: a whole visit fits on an 80×24 screen.
        for widget in self.query("Input, Select, SelectionList, TextArea"):
            widget.compact = True  # type: ignore[attr-defined]


class FormModal(ChandongModal[T | None], Generic[T]):
    """A data-entry form; subclasses implement `fields()` and `submit()`."""

    DEFAULT_CSS = """
    FormModal { align: center middle; background: $background; }
    FormModal > #form-box { width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; }
    FormModal #form-title { text-style: bold; height: 1; dock: top; }
    FormModal #form-fields { height: auto; max-height: 1fr; }
    FormModal #form-message { height: auto; color: $text-muted; dock: bottom; }
    FormModal #form-message.-error { color: $error; text-style: bold; }
    """

    SAVED_TOAST = True
    """Whether a successful submit says "저장됨" (False for forms that store no record)."""

    BINDINGS = [
        Binding(
            "ctrl+s", "save", "key_save", id="form.save", show=True, priority=True, tooltip="tip_save_form"
        ),
        Binding("escape", "cancel", "key_cancel", id="form.cancel", show=True, tooltip="tip_cancel_form"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.form_title = title
        self.dirty = False
        """True once the user changed anything: Esc then asks before dropping it."""
        self._armed = False
        self._saved = False
        """True once a save went through: a second Ctrl+S before the form closes does nothing."""

    # -- to implement ----------------------------------------------------------------------
    def fields(self) -> ComposeResult:
        """The form's `FormField`s (and any other widgets), top to bottom."""
        raise NotImplementedError

    def submit(self) -> T:
        """Read the widgets, save through casework, return the saved result (raise to refuse)."""
        raise NotImplementedError

    # -- shape -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(text(self.form_title), id="form-title")
            # Not focusable: the first field takes the focus, and a focus passing through the
            # container would restyle every field of the form (about 0.15 s on the visit form).
            with VerticalScroll(id="form-fields", can_focus=False):
                yield from self.fields()
            yield Static("", id="form-message")
        yield SteadyFooter()

    def on_mount(self) -> None:
        fields = self.query(FormField)
        if fields:
            fields.first().widget.focus()
        # Widgets post Changed messages while they are set up; edits count from the first refresh on.
        self.call_after_refresh(self._arm)

    def _arm(self) -> None:
        self._armed = True

    @on(Input.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    def mark_dirty(self) -> None:
        if self._armed:
            self.dirty = True

    # -- reading widgets -------------------------------------------------------------------
    def value_of(self, widget_id: str) -> Any:
        """The value of the input widget `#widget_id` (None for an empty Select or Input)."""
        widget = self.query_one(f"#{widget_id}")
        if isinstance(widget, Select):
            return None if widget.is_blank() else widget.value
        if isinstance(widget, SelectionList):
            return list(widget.selected)
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Checkbox):
            return widget.value
        if isinstance(widget, Input):
            return widget.value.strip() or None
        raise TypeError(f"no value for {type(widget).__name__}")

    # -- saving ----------------------------------------------------------------------------
    def action_save(self) -> None:
        if self._saved:
            return
        self.clear_errors()
        try:
            result = self.submit()
        except ValidationError as exc:
            self.show_errors(exc)
            return
        except CaseworkError as exc:
            self.say(exc.message(self.lang), error=True)
            if isinstance(exc, FieldRefused):
                self.show_beside(exc.field, exc.message(self.lang))
            return
        self._saved = True
        if self.SAVED_TOAST:
            self.app.notify(t("saved", self.lang), timeout=3)
        self.dismiss(result)

    def clear_errors(self) -> None:
        for error in self.query(".field-error"):
            error.remove_class("-shown")
            if isinstance(error, Static):
                error.update("")
        self.say("", error=False)

    def error_location(self, loc: tuple[Any, ...]) -> tuple[Any, ...]:
        """Where on the form the model location `loc` is (a subclass maps list indices to rows)."""
        return loc

    def show_errors(self, exc: ValidationError, prefix: tuple[Any, ...] = ()) -> None:
        """Each error beside the most specific field its location names (`#error-resources-0` for
        `("resources", 0, "agency")` when the form has it, else `#error-resources`); the rest in the
        message line."""
        placed: dict[str, list[str]] = {}
        unplaced = []
        for error in exc.errors():
            loc = self.error_location((*prefix, *error["loc"]))
            shortest = max(1, min(len(prefix) + 1, len(loc)))
            names = ("-".join(str(part) for part in loc[:end]) for end in range(len(loc), shortest - 1, -1))
            name = next((name for name in names if self.query(f"#error-{name}")), "")
            message = explain_error(dict(error), self.lang)
            if name:
                placed.setdefault(name, []).append(message)
            else:
                where = ".".join(str(part) for part in loc)
                unplaced.append(f"{where}: {message}" if where else message)
        for name, messages in placed.items():
            target = self.query_one(f"#error-{name}", Static)
            target.update(text("\n".join(messages)))
            target.add_class("-shown")
        if unplaced:
            self.say("\n".join(unplaced), error=True)
        else:
            self.say(t("form_has_errors", self.lang), error=True)
        self._focus_first_error()

    def show_beside(self, field: str, message: str) -> None:
        """`message` beside the form field `field` (when the form has it), which takes the focus."""
        targets = self.query(f"#error-{field}")
        if targets:
            target = targets.first(Static)
            target.update(text(message))
            target.add_class("-shown")
            self._focus_first_error()

    def _focus_first_error(self) -> None:
        for field in self.query(FormField):
            if field.query(".field-error.-shown"):
                field.widget.focus()
                field.scroll_visible(animate=False)
                return

    def say(self, message: str, *, error: bool) -> None:
        line = self.query_one("#form-message", Static)
        line.update(text(message))
        line.set_class(error, "-error")

    # -- leaving ---------------------------------------------------------------------------
    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(drop: bool | None) -> None:
            if drop:
                self.dismiss(None)

        self.app.push_screen(ConfirmModal(t("drop_edits", self.lang)), answered)
