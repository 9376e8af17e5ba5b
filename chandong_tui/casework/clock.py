"""Time as case work counts it: Korean time, the 72-hour first-visit clock, next-visit intervals.

돌봄SOS asks for a first visit within 72 hours of a crisis flag being raised. The clock is computed,
never stored: from `found_at` (when the crisis was found; `raised_at` when not given) until
`first_visit_at` (set by the first in-person visit after it),
moved by the time it stood paused. `ClockState` and `Deadline` are shared by every deadline clock
(the date clocks and their settings are in `deadlines`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from chandong_tui.model.enums import HouseholdTag

if TYPE_CHECKING:
    from chandong_tui.model.records import ClockPause, CrisisFlag, Household

KST = dt.timezone(dt.timedelta(hours=9), "KST")
"""Seoul time. Korea has had no daylight saving time since 1988, so Asia/Seoul is this fixed offset for
every date a vault holds; a fixed offset also avoids the tz database (absent on Windows without `tzdata`)."""
FIRST_VISIT_WINDOW = dt.timedelta(hours=72)
"""돌봄SOS: a crisis household is visited within 72 hours of being flagged."""
FIRST_VISIT_WARNING = dt.timedelta(hours=12)
"""Under this much time left, the clock is highlighted."""

NEXT_VISIT_DAYS: dict[HouseholdTag, int] = {
    HouseholdTag.POVERTY_CRISIS: 14,
    HouseholdTag.BLIND_SPOT: 14,
    HouseholdTag.ELDERLY_ALONE: 30,
    HouseholdTag.NEWBORN: 30,
    HouseholdTag.DISABILITY: 30,
    HouseholdTag.SINGLE_PARENT: 60,
    HouseholdTag.TURNING_65: 90,
}
"""Days to the next visit by household category; a household with several tags takes the shortest."""
DEFAULT_NEXT_VISIT_DAYS = 90


def now() -> dt.datetime:
    """The current time in Korea (aware)."""
    return dt.datetime.now(KST)


def next_visit_default(household: Household | None, visited_on: dt.date) -> dt.date:
    """The next visit due date the form proposes, from the household's category."""
    tags = household.tags if household is not None else []
    days = min(
        (NEXT_VISIT_DAYS.get(HouseholdTag(tag), DEFAULT_NEXT_VISIT_DAYS) for tag in tags), default=None
    )
    return visited_on + dt.timedelta(days=days or DEFAULT_NEXT_VISIT_DAYS)


class ClockState(StrEnum):
    """Where a deadline clock stands (the 72-hour first visit, a next visit, a task's due date)."""

    RUNNING = "running"
    WARNING = "warning"
    """About to be breached (a first visit: less than `FIRST_VISIT_WARNING` left)."""
    BREACHED = "breached"
    """Past due without what it waits for (a first visit: 72 hours passed)."""
    PAUSED = "paused"
    """Stopped for a reason (e.g. the person is in hospital); the due time moves by the pause."""
    MET = "met"
    """Done in time."""
    LATE = "late"
    """Done, but after the due time."""

    @property
    def stopped(self) -> bool:
        return self in (ClockState.MET, ClockState.LATE)

    @property
    def pressing(self) -> bool:
        """Breached or about to be: what the supervisor queue shows."""
        return self in (ClockState.WARNING, ClockState.BREACHED)


@dataclass(frozen=True)
class Deadline:
    """A clock at a given moment: when it is due (pauses included) and what is left."""

    due_at: dt.datetime
    remaining: dt.timedelta
    """Time left (negative once breached); frozen when the clock stopped."""
    state: ClockState
    paused_for: dt.timedelta = dt.timedelta()

    @property
    def stopped(self) -> bool:
        return self.state.stopped


def is_paused(pauses: Iterable[ClockPause]) -> bool:
    return any(p.resumed_at is None for p in pauses)


def paused_time(pauses: Iterable[ClockPause], until: dt.datetime) -> dt.timedelta:
    """How long the clock stood paused before `until`."""
    total = dt.timedelta()
    for pause in pauses:
        end = min(pause.resumed_at or until, until)
        if end > pause.paused_at:
            total += end - pause.paused_at
    return total


def first_visit_clock(flag: CrisisFlag, at: dt.datetime) -> Deadline:
    """The flag's 72-hour first-visit clock as it stands at `at`, moved by its pauses."""
    end = flag.first_visit_at or at
    paused = paused_time(flag.pauses, end)
    due_at = flag.clock_start + FIRST_VISIT_WINDOW + paused
    remaining = due_at - end
    if flag.first_visit_at is not None:
        state = ClockState.MET if remaining >= dt.timedelta() else ClockState.LATE
    elif is_paused(flag.pauses):
        state = ClockState.PAUSED
    elif remaining < dt.timedelta():
        state = ClockState.BREACHED
    elif remaining < FIRST_VISIT_WARNING:
        state = ClockState.WARNING
    else:
        state = ClockState.RUNNING
    return Deadline(due_at, remaining, state, paused)


def format_remaining(remaining: dt.timedelta) -> str:
    """`71:59` style hours:minutes, with a minus sign once past."""
    minutes = (
        int(remaining.total_seconds() // 60)
        if remaining >= dt.timedelta()
        else -int((-remaining).total_seconds() // 60)
    )
    sign = "-" if minutes < 0 else ""
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{mins:02d}"
