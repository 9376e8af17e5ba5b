"""Closing a case with a reason after seeing what is still open on it, and reopening a closed one with
a reason: each an append-only case event, with who, when and why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chandong_tui.casework.actions import raise_flag
from chandong_tui.casework.clock import KST
from chandong_tui.casework.closure import open_items, reopen_case
from chandong_tui.casework.errors import Forbidden, IllegalTransition, MissingText
from chandong_tui.casework.supervision import approve_closure, case_events_of, request_closure
from chandong_tui.casework.tasks import add_task, finish_task
from chandong_tui.model.enums import CaseAction, ClosureReason, HouseholdStatus
from tests.casework_support import quiet_planner_case
from tests.conftest import opened

AT = dt.datetime(2026, 11, 3, 10, 40, tzinfo=KST)


def test_open_items_are_the_open_tasks_flags_and_waiting_handoffs(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household_id = quiet_planner_case(repo)
        before = open_items(repo, household_id)
        later = add_task(repo, household_id, title="서류 확인", due_on=dt.date(2026, 11, 20), at=AT)
        soon = add_task(repo, household_id, title="병원 동행", due_on=dt.date(2026, 11, 5), at=AT)
        done = add_task(repo, household_id, title="끝난 일", due_on=dt.date(2026, 11, 6), at=AT)
        finish_task(repo, done.id, at=AT)
        flag = raise_flag(repo, {"household_id": household_id, "level": "watch", "reasons": ["other"]}, at=AT)
        items = open_items(repo, household_id)
    assert len(items.tasks) == len(before.tasks) + 2  # the finished one is not open
    assert [t.id for t in items.tasks if t.id in (soon.id, later.id, done.id)] == [soon.id, later.id]
    assert flag.id in {f.id for f in items.flags} and bool(items)
    assert items.handoffs == []


def test_a_closure_request_keeps_its_reason_and_only_other_needs_a_note(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household_id = quiet_planner_case(repo)
        with pytest.raises(MissingText) as refused:
            request_closure(repo, household_id, " ", reason=ClosureReason.OTHER, at=AT)
        assert refused.value.key == "err_closure_needs_reason"
        event = request_closure(repo, household_id, "", reason=ClosureReason.MOVED_OUT, at=AT)
        household = repo.household(household_id)
        (stored,) = case_events_of(repo, household_id)
    assert household is not None and household.status is HouseholdStatus.CLOSURE_REQUESTED
    assert stored == event
    assert (stored.action, stored.closure_reason, stored.note, stored.actor_id) == (
        CaseAction.CLOSURE_REQUESTED,
        ClosureReason.MOVED_OUT,
        "",
        "planner",
    )


def test_a_closed_case_is_reopened_with_a_reason_by_its_owner_or_a_supervisor(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household_id = quiet_planner_case(repo)
        with pytest.raises(IllegalTransition) as refused:
            reopen_case(repo, household_id, "다시 봅니다", at=AT)  # not closed
        assert refused.value.key == "err_household_not_closed"
        request_closure(repo, household_id, "사망 확인", reason=ClosureReason.DECEASED, at=AT)
    with opened(demo_vault, "supervisor") as repo:
        approve_closure(repo, household_id, "확인", at=AT + dt.timedelta(hours=1))
    with opened(demo_vault, "officer") as repo:
        with pytest.raises(Forbidden) as refused:
            reopen_case(repo, household_id, "제보", at=AT)
        assert refused.value.key == "err_owner_reopens"
    with opened(demo_vault, "planner") as repo:
        with pytest.raises(MissingText) as missing:
            reopen_case(repo, household_id, "  ", at=AT)
        assert missing.value.key == "err_reopen_needs_reason"
        reopen_case(repo, household_id, "가족이 재신청", at=AT + dt.timedelta(days=2))
        household = repo.household(household_id)
        events = case_events_of(repo, household_id)
    assert household is not None and household.status is HouseholdStatus.OPEN
    assert [(e.action, e.actor_id, e.note, e.closure_reason, e.previous_status) for e in events] == [
        (CaseAction.CLOSURE_REQUESTED, "planner", "사망 확인", ClosureReason.DECEASED, HouseholdStatus.OPEN),
        (CaseAction.CLOSURE_APPROVED, "supervisor", "확인", None, HouseholdStatus.CLOSURE_REQUESTED),
        (CaseAction.REOPENED, "planner", "가족이 재신청", None, HouseholdStatus.CLOSED),
    ]
