"""The household list: search box on top, the virtualised list below, keys in the footer."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from chandong_tui.casework.repository import CaseRepository
from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import Role
from chandong_tui.tui.bindings import localise_bindings
from chandong_tui.tui.screens.household_screen import HouseholdScreen
from chandong_tui.tui.screens.report_screen import SUPERVISOR, ReportScreen, hide_binding
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.household_list import HouseholdList


class HouseholdsScreen(Screen[None]):
    """Every household of the dong, filtered as the user types."""

    BINDINGS = [
        Binding("ctrl+q", "app.quit", "key_quit", id="households.quit", show=True, tooltip="tip_quit"),
        Binding(
            "slash,ctrl+f",
            "focus_search",
            "key_search",
            id="households.search",
            show=True,
            tooltip="tip_search",
        ),
        Binding(
            "ctrl+r,r", "open_report", "key_report", id="households.report", show=True, tooltip="tip_report"
        ),
        Binding("escape", "leave_search", "key_list", id="households.list", show=False, tooltip="tip_list"),
        # While typing in the search box, arrows and Enter still drive the list.
        Binding("down", "list('cursor_down')", "key_down", id="households.down", show=False),
        Binding("up", "list('cursor_up')", "key_up", id="households.up", show=False),
        Binding("pagedown", "list('page_down')", "key_page_down", id="households.page_down", show=False),
        Binding("pageup", "list('page_up')", "key_page_up", id="households.page_up", show=False),
    ]

    def __init__(self, repo: CaseRepository, lang: Lang | str = Lang.KO) -> None:
        super().__init__()
        localise_bindings(self, lang)
        self.repo = repo
        self.lang = lang
        if repo.role != SUPERVISOR:  # the report key works (and refuses) but is not offered
            hide_binding(self, "open_report")

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        yield Input(placeholder=t("search_hint", self.lang), id="search")
        yield Static("", id="count")
        yield HouseholdList(self.lang, id="households")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#title", Static).update(self._title())
        self.reload()
        self.query_one("#search", Input).focus()

    def _title(self):  # noqa: ANN202 - a Text
        dong = self.repo.dong()
        worker = self.repo.worker(self.repo.user_id)
        try:
            role = Role(self.repo.role).label(self.lang)
        except ValueError:
            role = self.repo.role
        return text(
            t(
                "signed_in",
                self.lang,
                dong=dong.name if dong else t("app_title", self.lang),
                name=worker.name if worker else self.repo.user_id,
                role=role,
            )
        )

    @property
    def household_list(self) -> HouseholdList:
        return self.query_one("#households", HouseholdList)

    def reload(self) -> None:
        """Read the households again from the repository."""
        owners = {worker.id: worker.name for worker in self.repo.workers()}
        self.household_list.load(self.repo.household_summaries(), owners)
        self._show_count()

    def _show_count(self) -> None:
        shown, total = len(self.household_list.rows), self.household_list.total
        line = (
            t("count_households", self.lang, n=total)
            if shown == total
            else t("count_filtered", self.lang, n=shown, total=total)
        )
        self.query_one("#count", Static).update(text(line))

    @on(Input.Changed, "#search")
    def narrow_list(self, event: Input.Changed) -> None:
        self.household_list.filter(event.value)
        self._show_count()

    @on(Input.Submitted, "#search")
    def open_current(self) -> None:
        self.household_list.action_select()

    @on(HouseholdList.Opened)
    def open_household(self, event: HouseholdList.Opened) -> None:
        self.app.push_screen(HouseholdScreen(self.repo, event.summary.id, self.lang))

    def action_open_report(self) -> None:
        if self.repo.role != SUPERVISOR:
            self.notify(t("report_supervisor_only", self.lang), severity="warning")
            return
        self.app.push_screen(ReportScreen(self.repo, self.lang))

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_leave_search(self) -> None:
        self.household_list.focus()

    def action_list(self, action: str) -> None:
        getattr(self.household_list, f"action_{action}")()
