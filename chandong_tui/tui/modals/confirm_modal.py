"""`ConfirmModal`: a yes/no question; Enter or `y` answers yes, Esc or `n` answers no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from chandong_tui.tui.base import ChandongModal
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.footer import SteadyFooter


class ConfirmModal(ChandongModal[bool]):
    """Asks one question; dismisses with True (yes) or False (no)."""

    BINDINGS = [
        Binding("enter,y", "answer(True)", "key_yes", id="confirm.yes", show=True, tooltip="tip_yes"),
        Binding("escape,n", "answer(False)", "key_no", id="confirm.no", show=True, tooltip="tip_no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(text(self.question), id="confirm-question")
        yield SteadyFooter()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
