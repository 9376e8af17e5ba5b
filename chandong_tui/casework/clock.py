"""Time as case work counts it: Korean time, the 72-hour first-visit clock, next-visit intervals.

돌봄SOS asks for a first visit within 72 hours of a crisis flag being raised. The clock is computed,
never stored: from `raised_at` until `first_visit_at` (set by the first in-person visit after it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from chandong_tui.model.enums import HouseholdTag

if TYPE_CHECKING:
    from chandong_tui.model.records import CrisisFlag, Household

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
    """Where a flag's first-visit clock stands."""

    RUNNING = "running"
    WARNING = "warning"
    """Less than `FIRST_VISIT_WARNING` left."""
    BREACHED = "breached"
    """72 hours passed without a first visit."""
    MET = "met"
    """Visited in time."""
    LATE = "late"
    """Visited, but after the 72 hours."""


@dataclass(frozen=True)
class FirstVisitClock:
    """The 72-hour clock of one crisis flag at a given moment."""

    due_at: dt.datetime
    remaining: dt.timedelta
    """Time left (negative once breached); frozen at the first visit."""
    state: ClockState

    @property
    def stopped(self) -> bool:
        return self.state in (ClockState.MET, ClockState.LATE)


def first_visit_clock(flag: CrisisFlag, at: dt.datetime) -> FirstVisitClock:
    """The flag's first-visit clock as it stands at `at`."""
    due_at = flag.raised_at + FIRST_VISIT_WINDOW
    if flag.first_visit_at is not None:
        remaining = due_at - flag.first_visit_at
        return FirstVisitClock(
            due_at, remaining, ClockState.MET if remaining >= dt.timedelta() else ClockState.LATE
        )
    remaining = due_at - at
    if remaining < dt.timedelta():
        state = ClockState.BREACHED
    elif remaining < FIRST_VISIT_WARNING:
        state = ClockState.WARNING
    else:
        state = ClockState.RUNNING
    return FirstVisitClock(due_at, remaining, state)


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
