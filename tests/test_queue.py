"""The supervisor queue against independent computations from the typed repository, its filters, and
the supervisor's actions (reassign one or many, approve or return a closure, comment) read back after
a fresh unlock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chandong_tui.casework.access import Forbidden
from chandong_tui.casework.actions import raise_flag
from chandong_tui.casework.clock import KST, ClockState
from chandong_tui.casework.deadlines import pause_clock
from chandong_tui.casework.errors import IllegalTransition, MissingText
from chandong_tui.casework.handoffs import request_handoff, waiting_handoff_of
from chandong_tui.casework.queue import ClockKind, QueueFilter, supervisor_queue
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.supervision import (
    approve_closure,
    case_events_of,
    comment,
    reassign,
    request_closure,
    return_closure,
)
from chandong_tui.model.enums import CaseAction, HandoffState, HouseholdStatus, TaskState
from chandong_tui.model.records import Handoff, Task
from tests.conftest import opened

AT = dt.datetime(2026, 11, 3, 10, 40, tzinfo=KST)
TODAY = AT.date()


def overdue_by_hand(repo: CaseRepository) -> dict[str, dt.date]:
    """Open households whose latest visit (revisions replacing what they revise) was due before today."""
    found = {}
    for summary in repo.household_summaries():
        if summary.status == "closed":
            continue
        visits = repo.visits_of(summary.id)
        revised = {v.revises for v in visits if v.revises}
        current = [v for v in visits if v.id not in revised]
        if current:
            latest = max(current, key=lambda v: (v.visited_on, v.id))
            if latest.next_visit_due is not None and latest.next_visit_due < TODAY:
                found[summary.id] = latest.next_visit_due
    return found


def open_planner_cases(repo: CaseRepository, n: int) -> list[str]:
    found = [
        s.id
        for s in repo.household_summaries()
        if s.owner_id == "planner" and s.status == "open" and waiting_handoff_of(repo, s.id) is None
    ]
    return found[:n]


def test_queue_matches_the_repository(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        queue = supervisor_queue(repo, AT)
        summaries = [s for s in repo.household_summaries() if s.status != "closed"]
        overdue = overdue_by_hand(repo)
        waiting = [h for h in repo.all(Handoff) if h.state in (HandoffState.REQUESTED, HandoffState.RETURNED)]
        open_tasks = [t for t in repo.all(Task) if t.state is TaskState.OPEN]
    assert {v.household.id: v.due_on for v in queue.overdue_visits} == overdue
    assert [v.due_on for v in queue.overdue_visits] == sorted(overdue.values())
    assert {h.id for h in queue.unowned} == {s.id for s in summaries if s.owner_id is None}
    closing = {s.id for s in summaries if s.status == HouseholdStatus.CLOSURE_REQUESTED}
    assert {c.household.id for c in queue.closures} == closing
    assert {w.handoff.id for w in queue.handoffs} == {h.id for h in waiting}
    escalated = [w.escalated for w in queue.handoffs]
    assert escalated == sorted(escalated, reverse=True)  # escalated ones first
    loads = {c.worker_id: c for c in queue.caseload}
    for worker in ("planner", "officer", "counsellor"):
        owned = [s for s in summaries if s.owner_id == worker]
        assert loads[worker].households == len(owned)
        assert loads[worker].open_flags == sum(s.open_flag_level is not None for s in owned)
        assert loads[worker].overdue_visits == sum(hid in overdue for hid in (s.id for s in owned))
        assert loads[worker].open_tasks == sum(t.owner_id == worker for t in open_tasks)
    assert all(c.deadline.state.pressing for c in queue.clocks)
    assert [c.deadline.remaining for c in queue.clocks] == sorted(c.deadline.remaining for c in queue.clocks)


def test_filters(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        whole = supervisor_queue(repo, AT)
        by_tong = supervisor_queue(repo, AT, QueueFilter(tong=whole.overdue_visits[0].household.tong))
        planner = supervisor_queue(repo, AT, QueueFilter(worker_id="planner"))
        elderly = supervisor_queue(repo, AT, QueueFilter(tag="elderly_alone"))
        urgent = supervisor_queue(repo, AT, QueueFilter(level="urgent"))
        late = supervisor_queue(repo, AT, QueueFilter(overdue=True))
    tong = by_tong.filters.tong
    assert by_tong.overdue_visits and all(v.household.tong == tong for v in by_tong.overdue_visits)
    assert {v.household.id for v in by_tong.overdue_visits} == {
        v.household.id for v in whole.overdue_visits if v.household.tong == tong
    }
    assert planner.overdue_visits and all(v.household.owner_id == "planner" for v in planner.overdue_visits)
    assert [c.worker_id for c in planner.caseload] == ["planner"] and planner.unowned == []
    assert all(c.owner_id == "planner" for c in planner.clocks)
    assert all("elderly_alone" in v.household.tags for v in elderly.overdue_visits)
    assert all(c.household is None or c.household.level == "urgent" for c in urgent.clocks)
    assert all(v.household.level == "urgent" for v in urgent.overdue_visits)
    assert all(c.deadline.state is ClockState.BREACHED for c in late.clocks)
    assert all(h.escalated for h in late.handoffs) and late.unowned == [] and late.closures == []


def test_clocks_breached_about_to_be_and_paused(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        a, b, c = open_planner_cases(repo, 3)
        data = {"level": "crisis", "reasons": ["arrears"]}
        late = raise_flag(repo, {**data, "household_id": a}, at=AT - dt.timedelta(hours=80))
        soon = raise_flag(repo, {**data, "household_id": b}, at=AT - dt.timedelta(hours=65))
        paused = raise_flag(repo, {**data, "household_id": c}, at=AT - dt.timedelta(hours=80))
        pause_clock(repo, paused, "연락 두절, 경찰 확인 중", at=AT - dt.timedelta(hours=79))
    with opened(demo_vault, "supervisor") as repo:
        clocks = {
            c.record_id: c for c in supervisor_queue(repo, AT).clocks if c.kind is ClockKind.FIRST_VISIT
        }
    assert clocks[late.id].deadline.state is ClockState.BREACHED
    assert clocks[soon.id].deadline.state is ClockState.WARNING
    assert clocks[late.id].owner_id == "planner" and clocks[late.id].household.id == a  # type: ignore[union-attr]
    assert paused.id not in clocks


def test_reassign_many_moves_tasks_and_cancels_open_handoffs(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        a, b = open_planner_cases(repo, 2)
        repo.save(Task(id="t-moves", title="연계 확인", owner_id="planner", due_on=TODAY, household_id=a))
        handoff = request_handoff(repo, b, target="worker", to_worker_id="nurse", reason="x", at=AT)
        with pytest.raises(Forbidden) as refused:
            reassign(repo, [a], "officer")
        assert refused.value.key == "err_supervisor_reassigns"
    with opened(demo_vault, "supervisor") as repo:
        before = {c.worker_id: c.households for c in supervisor_queue(repo, AT).caseload}
        events = reassign(repo, [a, b, a], "officer", "휴직 대체", at=AT)
        assert reassign(repo, [a], "officer", at=AT) == []  # already theirs
    with opened(demo_vault, "officer") as repo:
        after = {c.worker_id: c.households for c in supervisor_queue(repo, AT).caseload}
        owners = {hid: repo.household(hid).owner_id for hid in (a, b)}  # type: ignore[union-attr]
        task = repo.get(Task, "t-moves")
        cancelled = repo.get(Handoff, handoff.id)
        history = case_events_of(repo, a)
    assert len(events) == 2
    assert owners == {a: "officer", b: "officer"}
    assert task is not None and task.owner_id == "officer"
    assert cancelled is not None and cancelled.state is HandoffState.CANCELLED
    assert cancelled.history[-1].actor_id == "supervisor" and cancelled.history[-1].note == "담당자 재배정"
    assert [(e.action, e.from_owner_id, e.to_owner_id, e.note) for e in history] == [
        (CaseAction.REASSIGNED, "planner", "officer", "휴직 대체")
    ]
    assert after["planner"] == before["planner"] - 2 and after["officer"] == before["officer"] + 2


def test_closure_needs_a_supervisor_with_a_comment(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        closing, returning = open_planner_cases(repo, 2)
        monitoring = repo.household(returning).model_copy(update={"status": HouseholdStatus.MONITORING})  # type: ignore[union-attr]
        repo.save(monitoring)
        request_closure(repo, closing, "목표 달성", at=AT)
        request_closure(repo, returning, "전출 예정", at=AT)
        with pytest.raises(IllegalTransition) as refused:
            request_closure(repo, closing, "again", at=AT)
        assert refused.value.key == "err_household_not_closable"
        with pytest.raises(Forbidden) as refused:
            approve_closure(repo, closing, "ok", at=AT)
        assert refused.value.key == "err_supervisor_decides_closure"
    with opened(demo_vault, "supervisor") as repo:
        waiting = {c.household.id: c.request for c in supervisor_queue(repo, AT).closures}
        with pytest.raises(MissingText, match="comment") as refused:
            approve_closure(repo, closing, " ", at=AT)
        assert refused.value.key == "err_closure_needs_comment"
        approve_closure(repo, closing, "종결 승인합니다", at=AT + dt.timedelta(hours=1))
        return_closure(repo, returning, "전출 확인 후 다시 요청", at=AT + dt.timedelta(hours=1))
        with pytest.raises(IllegalTransition, match="no closure awaits") as refused:
            approve_closure(repo, returning, "x", at=AT)
        assert refused.value.key == "err_no_closure_awaits"
        comment(repo, returning, "다음 달 재검토", at=AT + dt.timedelta(hours=2))
        remaining = {c.household.id for c in supervisor_queue(repo, AT).closures}
    with opened(demo_vault, "planner") as repo:
        closed, back = repo.household(closing), repo.household(returning)
        closed_events = case_events_of(repo, closing)
        back_events = case_events_of(repo, returning)
    assert waiting[closing] is not None and waiting[closing].note == "목표 달성"
    assert waiting[closing].actor_id == "planner"
    assert closing not in remaining and returning not in remaining
    assert closed is not None and closed.status is HouseholdStatus.CLOSED
    assert back is not None and back.status is HouseholdStatus.MONITORING  # the status it had
    assert [(e.action, e.actor_id, e.note) for e in closed_events] == [
        (CaseAction.CLOSURE_REQUESTED, "planner", "목표 달성"),
        (CaseAction.CLOSURE_APPROVED, "supervisor", "종결 승인합니다"),
    ]
    assert [e.action for e in back_events] == [
        CaseAction.CLOSURE_REQUESTED,
        CaseAction.CLOSURE_RETURNED,
        CaseAction.COMMENT,
    ]
