"""How the first-visit clock reads on every screen, paused clocks included."""

from __future__ import annotations

import datetime as dt

from chandong_tui.casework.clock import KST, first_visit_clock
from chandong_tui.model.records import ClockPause, CrisisFlag
from chandong_tui.tui.flag_text import CLOCK_STYLES, clock_label

RAISED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=KST)


def a_flag(**changes: object) -> CrisisFlag:
    fields = {
        "id": "flag-1",
        "household_id": "hh-1",
        "level": "urgent",
        "reasons": ["illness"],
        "raised_by": "planner",
        "raised_at": RAISED,
    }
    return CrisisFlag.model_validate({**fields, **changes})


def test_a_paused_clock_says_so_and_keeps_its_time_left() -> None:
    pause = ClockPause(paused_at=RAISED + dt.timedelta(hours=2), paused_by="planner", reason="입원 중")
    clock = first_visit_clock(a_flag(pauses=[pause]), RAISED + dt.timedelta(days=9))
    assert clock_label(clock, "en") == "Paused · 70:00 left"
    assert clock_label(clock, "ko") == "일시정지 · 남은 70:00"
    assert CLOCK_STYLES[clock.state] == "italic"


def test_every_clock_state_has_a_style() -> None:
    from chandong_tui.casework.clock import ClockState

    assert set(CLOCK_STYLES) == set(ClockState)
