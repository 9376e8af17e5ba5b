"""Working days with Korean public holidays, and the deadline clocks built on them: across 설날 2027
(Sat 6 Feb – Mon 8 Feb, with the substitute holiday on Tue 9 Feb), pauses kept on the record, and the
per-vault clock settings, read back after a fresh unlock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chandong_tui.casework.access import Forbidden
from chandong_tui.casework.actions import raise_flag
from chandong_tui.casework.clock import (
    DEFAULT_NEXT_VISIT_DAYS,
    KST,
    NEXT_VISIT_DAYS,
    ClockState,
    first_visit_clock,
)
from chandong_tui.casework.deadlines import (
    date_deadline,
    follow_up_due,
    last_office_day,
    next_visit_days,
    pause_clock,
    resume_clock,
    save_settings,
    settings_of,
)
from chandong_tui.casework.errors import IllegalTransition
from chandong_tui.casework.workdays import (
    add_working_days,
    holiday_name,
    is_working_day,
    next_working_day,
    previous_working_day,
    working_days_between,
)
from chandong_tui.model.enums import CrisisLevel, CrisisReason, HouseholdTag
from chandong_tui.model.records import CrisisFlag, VaultSettings
from tests.conftest import opened

D = dt.date
FRIDAY_BEFORE_SEOLLAL = D(2027, 2, 5)
FIRST_DAY_AFTER = D(2027, 2, 10)
"""Wednesday: the office opens again after 설날 and its substitute holiday."""


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KST)


def flag_raised(when: dt.datetime) -> CrisisFlag:
    return CrisisFlag(
        id="f-test",
        household_id="hh-0001",
        level=CrisisLevel.URGENT,
        reasons=[CrisisReason.ILLNESS],
        raised_by="planner",
        raised_at=when,
    )


# -- the calendar, as the library has it ------------------------------------------------------
def test_seollal_2027_comes_from_the_library() -> None:
    for day in (D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8), D(2027, 2, 9)):
        assert not is_working_day(day)
        assert "설날" in (holiday_name(day) or "")
    assert "대체" in (holiday_name(D(2027, 2, 9)) or "")  # the substitute day for the Sunday
    assert "Korean New Year" in (holiday_name(D(2027, 2, 9), "en") or "")
    assert is_working_day(FRIDAY_BEFORE_SEOLLAL) and is_working_day(FIRST_DAY_AFTER)
    assert holiday_name(FRIDAY_BEFORE_SEOLLAL) is None
    assert not is_working_day(D(2026, 9, 25))  # 추석 2026
    assert not is_working_day(D(2026, 10, 5))  # substitute for 개천절 on a Saturday


def test_working_days_across_seollal() -> None:
    assert add_working_days(FRIDAY_BEFORE_SEOLLAL, 1) == FIRST_DAY_AFTER
    assert add_working_days(FRIDAY_BEFORE_SEOLLAL, 3) == D(2027, 2, 12)
    assert add_working_days(FIRST_DAY_AFTER, -1) == FRIDAY_BEFORE_SEOLLAL
    assert add_working_days(D(2027, 2, 7), 0) == D(2027, 2, 7)
    assert working_days_between(FRIDAY_BEFORE_SEOLLAL, FIRST_DAY_AFTER) == 1
    assert working_days_between(FIRST_DAY_AFTER, FRIDAY_BEFORE_SEOLLAL) == -1
    assert working_days_between(D(2027, 2, 6), D(2027, 2, 9)) == 0
    assert next_working_day(D(2027, 2, 6)) == FIRST_DAY_AFTER
    assert previous_working_day(D(2027, 2, 9)) == FRIDAY_BEFORE_SEOLLAL
    with pytest.raises(ValueError):
        add_working_days(FRIDAY_BEFORE_SEOLLAL, 100_000)


@given(st.dates(D(2025, 1, 1), D(2028, 12, 31)), st.integers(-60, 60))
def test_counting_working_days_inverts_adding_them(start: dt.date, n: int) -> None:
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    if n:
        assert is_working_day(end)
        assert (end > start) == (n > 0)
        between = [start + dt.timedelta(days=i) for i in range(1, abs((end - start).days))]
        stepped = (
            between if n > 0 else [start - dt.timedelta(days=i) for i in range(1, abs((end - start).days))]
        )
        assert sum(is_working_day(d) for d in stepped) == abs(n) - 1


# -- the 72-hour clock before 설날 ---------------------------------------------------------------
def test_flag_raised_the_friday_before_seollal_must_be_visited_that_friday() -> None:
    flag = flag_raised(at(FRIDAY_BEFORE_SEOLLAL, 14))
    deadline = first_visit_clock(flag, at(FRIDAY_BEFORE_SEOLLAL, 15))
    assert deadline.due_at == at(D(2027, 2, 8), 14)  # 72 calendar hours: Monday, a holiday
    assert deadline.state is ClockState.RUNNING
    assert last_office_day(flag, at(FRIDAY_BEFORE_SEOLLAL, 15)) == FRIDAY_BEFORE_SEOLLAL
    # Raised on Thursday: due on the Sunday, so Friday is still the last office day.
    assert last_office_day(flag_raised(at(D(2027, 2, 4), 9)), at(D(2027, 2, 4), 9)) == FRIDAY_BEFORE_SEOLLAL
    # Raised on Wednesday before: due on Saturday 6 Feb; Friday again.
    assert last_office_day(flag_raised(at(D(2027, 2, 3), 9)), at(D(2027, 2, 3), 9)) == FRIDAY_BEFORE_SEOLLAL
    # Raised on the Saturday: the whole window is holiday, a 당직 visit is needed.
    assert last_office_day(flag_raised(at(D(2027, 2, 6), 10)), at(D(2027, 2, 6), 10)) is None
    # The Monday after the holiday the clock is breached.
    assert first_visit_clock(flag, at(FIRST_DAY_AFTER, 9)).state is ClockState.BREACHED


def test_date_clocks_warn_on_the_working_day_before_a_holiday_run() -> None:
    due = FIRST_DAY_AFTER
    assert date_deadline(due, [], at(D(2027, 2, 4), 12)).state is ClockState.RUNNING
    assert date_deadline(due, [], at(FRIDAY_BEFORE_SEOLLAL, 12)).state is ClockState.WARNING
    assert date_deadline(due, [], at(due, 23, 59)).state is ClockState.WARNING
    late = date_deadline(due, [], at(D(2027, 2, 11), 0))
    assert late.state is ClockState.BREACHED and late.remaining == dt.timedelta()
    assert date_deadline(due, [], at(D(2027, 2, 11), 9), done_at=at(due, 17)).state is ClockState.MET


# -- pause and resume, stored ----------------------------------------------------------------
def test_pausing_a_flag_clock_moves_it_and_keeps_history(demo_vault: Path) -> None:
    raised = at(FRIDAY_BEFORE_SEOLLAL, 14)
    with opened(demo_vault, "planner") as repo:
        household_id = next(s.id for s in repo.household_summaries() if s.owner_id == "planner")
        flag = raise_flag(
            repo, {"household_id": household_id, "level": "urgent", "reasons": ["illness"]}, at=raised
        )
        pause_clock(repo, flag, "입원 중 (병원 확인)", at=raised + dt.timedelta(hours=2))
        with pytest.raises(IllegalTransition, match="already paused") as refused:
            pause_clock(repo, flag, "again", at=raised + dt.timedelta(hours=3))
        assert refused.value.key == "err_clock_already_paused"
    with opened(demo_vault, "nurse") as repo:
        paused = repo.get(CrisisFlag, flag.id)
        assert paused is not None and len(paused.pauses) == 1
        assert first_visit_clock(paused, raised + dt.timedelta(days=5)).state is ClockState.PAUSED
        resume_clock(repo, paused, "퇴원", at=raised + dt.timedelta(hours=12))
        with pytest.raises(IllegalTransition, match="not paused") as refused:
            resume_clock(repo, paused, at=raised + dt.timedelta(hours=13))
        assert refused.value.key == "err_clock_not_paused"
    with opened(demo_vault, "supervisor") as repo:
        stored = repo.get(CrisisFlag, flag.id)
    assert stored is not None
    (pause,) = stored.pauses
    assert (pause.paused_by, pause.reason, pause.resumed_by, pause.resume_note) == (
        "planner",
        "입원 중 (병원 확인)",
        "nurse",
        "퇴원",
    )
    assert pause.resumed_at == raised + dt.timedelta(hours=12)
    deadline = first_visit_clock(stored, raised + dt.timedelta(hours=20))
    assert deadline.paused_for == dt.timedelta(hours=10)
    assert deadline.due_at == raised + dt.timedelta(hours=82)
    assert deadline.state is ClockState.RUNNING


def test_a_resolved_flag_has_no_clock_to_pause(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        resolved = next(f for f in repo.all(CrisisFlag) if f.state == "resolved")
        with pytest.raises(IllegalTransition) as refused:
            pause_clock(repo, resolved, "이유")
        assert refused.value.key == "err_flag_clock_stopped"


# -- settings --------------------------------------------------------------------------------
def test_next_visit_days_per_vault_fall_back_to_the_defaults(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        defaults = settings_of(repo)
        assert defaults == VaultSettings(id="settings")
        assert next_visit_days(["newborn"], defaults) == NEXT_VISIT_DAYS[HouseholdTag.NEWBORN]
        assert next_visit_days([], defaults) == DEFAULT_NEXT_VISIT_DAYS
        save_settings(repo, {"next_visit_days": {"newborn": 7}, "follow_up_working_days": 3})
    with opened(demo_vault, "planner") as repo:
        settings = settings_of(repo)
        with pytest.raises(Forbidden) as refused:
            save_settings(repo, {"follow_up_working_days": 1})
        assert refused.value.key == "err_supervisor_settings"
    assert settings.next_visit_days == {HouseholdTag.NEWBORN: 7}
    assert next_visit_days(["newborn", "turning_65"], settings) == 7
    assert next_visit_days(["elderly_alone"], settings) == NEXT_VISIT_DAYS[HouseholdTag.ELDERLY_ALONE]
    assert next_visit_days(["no-such-tag"], settings) == DEFAULT_NEXT_VISIT_DAYS
    assert follow_up_due(FRIDAY_BEFORE_SEOLLAL, settings) == D(2027, 2, 12)
    assert follow_up_due(FRIDAY_BEFORE_SEOLLAL, VaultSettings(id="settings")) == D(2027, 2, 16)
