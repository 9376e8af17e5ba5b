"""`MinutesModal`: sealed minutes read in full, laid out as they print (`reports.minutes.render_text`:
80 columns, attendees, each household's decision, note and follow-ups, the seal and any addendum).
Reading on screen is not a hand-out, so nothing is logged; `chandong conference minutes` prints them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from chandong_tui.reports.minutes import build_minutes, render_text
from chandong_tui.tui.base import ChandongModal
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.footer import SteadyFooter


class MinutesModal(ChandongModal[None]):
    """The minutes of one sealed conference (its newest revision); Esc closes."""

    DEFAULT_CSS = """
    MinutesModal { align: center middle; }
    MinutesModal > #minutes-box { width: 84; max-width: 100%; height: 100%; border: round $accent; }
    """

    BINDINGS = [
        Binding("escape", "close", "key_close", id="minutes.close", show=True, tooltip="tip_close_minutes"),
    ]

    def __init__(self, conference_id: str) -> None:
        super().__init__()
        self.conference_id = conference_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="minutes-box"):
            yield Static(id="minutes-text")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#minutes-box").focus()

    def reload(self) -> None:
        minutes = build_minutes(self.repo, self.conference_id)
        self.query_one("#minutes-text", Static).update(text(render_text(self.repo, minutes, self.lang)))

    def action_close(self) -> None:
        self.dismiss(None)
