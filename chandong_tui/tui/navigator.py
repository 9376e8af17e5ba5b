"""Going from screen to screen, in one place.

`show(kind, make)` is the rule of the main screens: back to the screen of that kind when it is open
below (what is above it closes), else a new one (`make()`) pushed above; the function keys (f2 내 업무,
f3 the household list, f4 the week) and the palette go through it. Records open above the current
screen (`household(id)`, `handoff(id)`, `conference(id)`).

The screens' modules are imported inside the methods, on first use: the app starts (and draws its
unlock screen) without them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.screen import Screen

from chandong_tui.i18n import t

if TYPE_CHECKING:
    from chandong_tui.tui.app import ChandongApp

S = TypeVar("S", bound=Screen[Any])


class Navigator:
    """Shows the app's screens (see the module docstring)."""

    def __init__(self, app: ChandongApp) -> None:
        self.app = app

    # -- the rule ----------------------------------------------------------------------------
    def is_open(self, kind: type[Screen[Any]]) -> bool:
        return any(isinstance(screen, kind) for screen in self.app.screen_stack)

    def is_showing(self, kind: type[Screen[Any]]) -> bool:
        return isinstance(self.app.screen, kind)

    def show(self, kind: type[S], make: Callable[[], S], *, above_my_work: bool = False) -> None:
        """Back to the open screen of `kind`, else `make()` pushed on top (on 내 업무 alone first
        when `above_my_work`)."""
        if self.is_open(kind):
            while not isinstance(self.app.screen, kind):
                self.app.pop_screen()
            return
        if above_my_work:
            self.my_work()
        self.app.push_screen(make())

    def _supervisor(self, refusal: str) -> bool:
        """Whether the signed-in user is a supervisor; others get a line saying why not."""
        if self.app.is_supervisor():
            return True
        self.app.notify(t(refusal, self.app.lang), severity="warning")
        return False

    # -- the main screens --------------------------------------------------------------------
    def on_my_work(self) -> bool:
        from chandong_tui.tui.screens.dashboard_screen import DashboardScreen

        return self.is_showing(DashboardScreen)

    def my_work(self) -> None:
        """Back to 내 업무, the base of the stack (nothing stays open above it)."""
        from chandong_tui.tui.screens.dashboard_screen import DashboardScreen

        while len(self.app.screen_stack) > 1 and not self.is_showing(DashboardScreen):
            self.app.pop_screen()

    def households(self) -> None:
        from chandong_tui.tui.screens.households_screen import HouseholdsScreen

        self.show(HouseholdsScreen, HouseholdsScreen, above_my_work=True)

    def on_households(self) -> bool:
        from chandong_tui.tui.screens.households_screen import HouseholdsScreen

        return self.is_showing(HouseholdsScreen)

    def week(self) -> None:
        from chandong_tui.tui.screens.week_screen import WeekScreen

        self.show(WeekScreen, WeekScreen, above_my_work=True)

    def on_week(self) -> bool:
        from chandong_tui.tui.screens.week_screen import WeekScreen

        return self.is_showing(WeekScreen)

    def conflicts(self) -> None:
        from chandong_tui.tui.screens.conflicts_screen import ConflictsScreen

        self.show(ConflictsScreen, ConflictsScreen)

    def on_conflicts(self) -> bool:
        from chandong_tui.tui.screens.conflicts_screen import ConflictsScreen

        return self.is_showing(ConflictsScreen)

    def queue(self) -> None:
        """The supervisor queue (supervisors only)."""
        from chandong_tui.tui.screens.queue_screen import QueueScreen

        if self._supervisor("queue_supervisor_only"):
            self.show(QueueScreen, QueueScreen)

    def on_queue(self) -> bool:
        from chandong_tui.tui.screens.queue_screen import QueueScreen

        return self.is_showing(QueueScreen)

    def access_log(self) -> None:
        """The access log review (supervisors only)."""
        from chandong_tui.tui.screens.access_log_screen import AccessLogScreen

        if self._supervisor("access_log_supervisor_only"):
            self.show(AccessLogScreen, AccessLogScreen)

    def on_access_log(self) -> bool:
        from chandong_tui.tui.screens.access_log_screen import AccessLogScreen

        return self.is_showing(AccessLogScreen)

    def report(self) -> None:
        """The monthly report (supervisors only)."""
        if self._supervisor("report_supervisor_only"):
            from chandong_tui.tui.screens.report_screen import ReportScreen

            self.show(ReportScreen, ReportScreen)

    def on_report(self) -> bool:
        from chandong_tui.tui.screens.report_screen import ReportScreen

        return self.is_showing(ReportScreen)

    # -- records -----------------------------------------------------------------------------
    def household(self, household_id: str) -> None:
        from chandong_tui.tui.screens.household_screen import HouseholdScreen

        self.app.push_screen(HouseholdScreen(household_id))

    def handoff(self, handoff_id: str) -> None:
        from chandong_tui.tui.screens.handoff_screen import HandoffScreen

        self.app.push_screen(HandoffScreen(handoff_id))

    def conference(self, conference_id: str) -> None:
        from chandong_tui.tui.screens.conference_screen import ConferenceScreen

        self.app.push_screen(ConferenceScreen(conference_id))
