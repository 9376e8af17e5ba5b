"""The supervisor queue's fast paths give what the full computation gives.

`last_pressing_due` lets the queue skip building a deadline for every household whose next visit is
still far off; these tests compare it with `date_deadline` itself, across 설날 2027 and any day, and
the queue's next-visit lines with a computation of every household's clock by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from chandong_tui.casework.clock import KST, ClockState
from chandong_tui.casework.deadlines import date_deadline, last_pressing_due, pause_clock
from chandong_tui.casework.queue import ClockKind, supervisor_queue
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.records import Household
from tests.conftest import opened

FRIDAY_BEFORE_SEOLLAL = dt.date(2027, 2, 5)


def moments() -> st.SearchStrategy[dt.datetime]:
    return st.datetimes(
        min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 12, 31), timezones=st.just(KST)
    )


@settings(max_examples=60, deadline=None)
@given(at=moments())
def test_a_clock_presses_exactly_up_to_the_last_pressing_due_day(at: dt.datetime) -> None:
    last = last_pressing_due(at)
    today = at.date()
    for offset in range(-3, 15):
        due = today + dt.timedelta(days=offset)
        pressing = date_deadline(due, [], at).state.pressing
        assert pressing == (due <= last), (due, at)


def test_before_seollal_the_days_after_the_holidays_already_press() -> None:
    at = dt.datetime.combine(FRIDAY_BEFORE_SEOLLAL, dt.time(12), tzinfo=KST)
    # Sat 6 – Tue 9 Feb are closed (설날 and its substitute day): a visit due Wed 10 Feb warns today.
    assert last_pressing_due(at) == dt.date(2027, 2, 10)
    assert date_deadline(dt.date(2027, 2, 11), [], at).state is ClockState.RUNNING


def next_visit_clocks_by_hand(repo: CaseRepository, at: dt.datetime) -> dict[str, ClockState]:
    """Every open household's latest-visit clock, computed with no shortcut: the pressing ones."""
    found = {}
    for summary in repo.household_summaries():
        if summary.status == "closed":
            continue
        visits = repo.visits_of(summary.id)
        revised = {v.revises for v in visits if v.revises}
        current = [v for v in visits if v.id not in revised]
        if not current:
            continue
        latest = max(current, key=lambda v: (v.visited_on, v.id))
        household = repo.get(Household, summary.id)
        if latest.next_visit_due is None or household is None:
            continue
        state = date_deadline(latest.next_visit_due, household.pauses, at).state
        if state.pressing:
            found[summary.id] = state
    return found


def test_queue_next_visits_match_every_clock_computed(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        dues = sorted(due for _, due in repo.latest_visits().values() if due)
        open_ids = {s.id for s in repo.household_summaries() if s.status != "closed"}
        paused_id = next(hid for hid, (_, due) in repo.latest_visits().items() if due and hid in open_ids)
        household = repo.get(Household, paused_id)
        assert household is not None
        pause_at = dt.datetime.combine(dt.date.fromisoformat(dues[0]), dt.time(9), tzinfo=KST)
        pause_clock(repo, household, "입원", at=pause_at - dt.timedelta(days=30))
        days = {dt.date.fromisoformat(due) for due in dues[:: max(1, len(dues) // 6)]}
        for day in sorted(days | {dt.date.fromisoformat(dues[-1]) + dt.timedelta(days=1)}):
            at = dt.datetime.combine(day, dt.time(10), tzinfo=KST)
            queue = supervisor_queue(repo, at)
            shown = {v.household.id: ClockState.BREACHED for v in queue.overdue_visits}
            shown |= {c.record_id: c.deadline.state for c in queue.clocks if c.kind is ClockKind.NEXT_VISIT}
            assert shown == next_visit_clocks_by_hand(repo, at), day
        assert paused_id not in shown  # a paused clock neither warns nor breaches
