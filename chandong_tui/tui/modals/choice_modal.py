"""`ChoiceModal`: pick one of a few options (a worker, a 통, a tag, a level, a household).

Enter picks the highlighted option, Esc picks none; arrows, Page Up/Down, Home/End move.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from chandong_tui.tui.base import ChandongModal
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.footer import SteadyFooter


class ChoiceModal(ChandongModal[str | None]):
    """`options` are (label, value) pairs; dismisses with the value picked, or None."""

    DEFAULT_CSS = """
    ChoiceModal { align: center middle; }
    ChoiceModal > #choice-box { width: 70; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; }
    ChoiceModal #choice-title { text-style: bold; height: auto; }
    ChoiceModal OptionList { height: auto; max-height: 14; }
    """

    BINDINGS = [
        Binding(
            "enter", "pick", "key_pick", id="choice.pick", show=True, priority=True, tooltip="tip_pick_choice"
        ),
        Binding(
            "escape", "cancel", "key_cancel", id="choice.cancel", show=True, tooltip="tip_pick_cancel_choice"
        ),
    ]

    def __init__(
        self,
        title: str,
        options: list[tuple[str, str]],
        current: str | None = None,
    ) -> None:
        super().__init__()
        self.choice_title = title
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-box"):
            yield Static(text(self.choice_title), id="choice-title")
            yield OptionList(*[Option(text(label), id=value) for label, value in self.options], id="choices")
        yield SteadyFooter()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [value for _label, value in self.options]
        options.highlighted = (
            values.index(self.current) if self.current in values else (0 if values else None)
        )
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_pick(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def action_cancel(self) -> None:
        self.dismiss(None)
