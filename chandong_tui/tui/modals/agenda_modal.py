"""`AgendaSearchModal`: put any household on a conference's agenda, found as in the household list.

The search box and the list are the household list's own (`HouseholdList`, whose filter is
`household_filter.HouseholdFilter`: name, address, 통/반 such as `3-2`, initials such as `ㄱㅊㅅ`);
households already on the agenda are left out. Typing narrows the list, ↓ moves into it, Enter puts
the highlighted household on the agenda, Esc adds nothing. (Suggested households stay on `a`.)
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from chandong_tui.i18n import t
from chandong_tui.tui.base import ChandongModal
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.footer import SteadyFooter
from chandong_tui.tui.widgets.household_list import HouseholdList


class AgendaSearchModal(ChandongModal[str | None]):
    """Dismisses with the id of the household picked, or None."""

    DEFAULT_CSS = """
    AgendaSearchModal { align: center middle; }
    AgendaSearchModal > #agenda-box { width: 100%; max-width: 110; height: 100%; max-height: 30;
        border: round $accent; padding: 0 1; }
    AgendaSearchModal #agenda-title { text-style: bold; height: auto; }
    AgendaSearchModal #agenda-households { height: 1fr; }
    """

    BINDINGS = [
        Binding("down", "to_list", "key_down", id="agenda_search.list", show=False),
        Binding("escape", "cancel", "key_cancel", id="agenda_search.cancel", show=True, tooltip="tip_cancel"),
    ]

    def __init__(self, conference_title: str, on_agenda: frozenset[str]) -> None:
        super().__init__()
        self.conference_title = conference_title
        self.on_agenda = on_agenda

    def compose(self) -> ComposeResult:
        with Vertical(id="agenda-box"):
            yield Static(
                text(t("agenda_search_title", self.lang, conference=self.conference_title)), id="agenda-title"
            )
            yield Input(placeholder=t("agenda_search_hint", self.lang), id="agenda-search")
            yield HouseholdList(self.lang, id="agenda-households")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#agenda-search", Input).focus()

    def reload(self) -> None:
        owners = {worker.id: worker.name for worker in self.repo.workers()}
        summaries = [s for s in self.repo.household_summaries() if s.id not in self.on_agenda]
        self.query_one(HouseholdList).load(summaries, owners)

    @on(Input.Changed, "#agenda-search")
    def narrow(self, event: Input.Changed) -> None:
        self.query_one(HouseholdList).filter(event.value)

    @on(Input.Submitted, "#agenda-search")
    def pick_current(self) -> None:
        self.query_one(HouseholdList).action_select()

    @on(HouseholdList.Opened)
    def picked(self, event: HouseholdList.Opened) -> None:
        event.stop()
        self.dismiss(event.summary.id)

    def action_to_list(self) -> None:
        self.query_one(HouseholdList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
