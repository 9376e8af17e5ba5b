"""Command-palette entries ("category: verb"), offered only when they make sense on the current screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider

from chandong_tui.i18n import t
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.household_screen import HouseholdScreen
from chandong_tui.tui.screens.households_screen import HouseholdsScreen
from chandong_tui.tui.screens.report_screen import SUPERVISOR, ReportScreen


class ChandongCommands(Provider):
    """The main actions of chandong for the command palette (ctrl+p)."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """(title, help, callback) for every command available now."""
        app = self.app
        lang = getattr(app, "lang", "ko")
        screen = self.screen
        if getattr(app, "repo", None) is not None and not isinstance(screen, DashboardScreen):
            yield t("cmd_my_work", lang), t("cmd_my_work_help", lang), app.action_show_dashboard  # type: ignore[attr-defined]
        if getattr(app, "repo", None) is not None and not isinstance(screen, HouseholdsScreen):
            yield (
                t("cmd_households_open", lang),
                t("cmd_households_open_help", lang),
                app.action_show_households,
            )  # type: ignore[attr-defined]
        if isinstance(screen, HouseholdsScreen):
            yield (
                t("cmd_households_search", lang),
                t("cmd_households_search_help", lang),
                screen.action_focus_search,
            )
            if screen.household_list.current is not None:
                yield (
                    t("cmd_household_open", lang),
                    t("cmd_household_open_help", lang),
                    screen.household_list.action_select,
                )
        if isinstance(screen, (HouseholdsScreen, DashboardScreen)) and screen.repo.role == SUPERVISOR:
            yield t("cmd_report_open", lang), t("cmd_report_open_help", lang), screen.action_open_report
        if isinstance(screen, ReportScreen) and screen.allowed:
            yield t("cmd_report_export", lang), t("cmd_report_export_help", lang), screen.action_export
        if isinstance(screen, (HouseholdScreen, ReportScreen)):
            yield t("cmd_back", lang), t("cmd_back_help", lang), screen.action_back
        if hasattr(app, "action_toggle_low_bandwidth"):
            yield (
                t("cmd_low_bandwidth", lang),
                t("cmd_low_bandwidth_help", lang),
                app.action_toggle_low_bandwidth,
            )
        yield t("cmd_quit", lang), t("cmd_quit_help", lang), app.action_quit

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
