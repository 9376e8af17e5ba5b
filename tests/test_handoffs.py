"""사례 이관 as a state machine, checked against what a fresh unlock reads: an accepted hand-off carries
the case's ownership, open tasks and running clocks; a declined or returned one keeps the case with
its owner and loses nothing; every step is kept in `history`; escalation after three working days."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chandong_tui.casework.access import Forbidden
from chandong_tui.casework.clock import KST, first_visit_clock
from chandong_tui.casework.errors import IllegalTransition, InvalidInput, MissingText, NotFound
from chandong_tui.casework.handoffs import (
    accept_handoff,
    answer_handoff,
    cancel_handoff,
    decline_handoff,
    escalate_overdue,
    escalation_at,
    history_lines,
    is_escalated,
    request_handoff,
    return_handoff,
    waiting_handoff_of,
)
from chandong_tui.casework.my_work import my_work
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import HandoffState, HandoffStep, HouseholdStatus, TaskState
from chandong_tui.model.records import CrisisFlag, Handoff, Household, VaultSettings
from tests.casework_support import add_task, quiet_planner_case
from tests.conftest import opened

AT = dt.datetime(2026, 11, 3, 10, 40, tzinfo=KST)
LATER = AT + dt.timedelta(hours=2)


def planner_case_with_running_clock(repo: CaseRepository) -> str:
    """A household the planner owns with an open flag still waiting for its first visit."""
    for flag in repo.all(CrisisFlag):
        household = repo.household(flag.household_id)
        if (
            flag.state == "open"
            and flag.first_visit_at is None
            and household is not None
            and household.owner_id == "planner"
            and waiting_handoff_of(repo, household.id) is None
        ):
            return household.id
    raise AssertionError("the demo has a planner case with a running clock")


def snapshot(repo: CaseRepository, household_id: str) -> dict[str, Any]:
    """Everything about the case except its hand-offs."""
    return {
        "household": repo.household(household_id),
        "flags": repo.flags_of(household_id),
        "visits": repo.visits_of(household_id),
        "tasks": sorted(repo.tasks_of(household_id), key=lambda t: t.id),
        "members": repo.members_of(household_id),
    }


# -- accept ----------------------------------------------------------------------------------
def test_accepted_handoff_carries_owner_tasks_and_clocks(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        hid = planner_case_with_running_clock(repo)
        mine = add_task(repo, hid, "planner", "t-carried")
        other = add_task(repo, hid, "officer", "t-officers")
        (flag,) = [f for f in repo.flags_of(hid) if f.state == "open" and f.first_visit_at is None][:1]
        due_before = first_visit_clock(flag, AT).due_at
        handoff = request_handoff(
            repo,
            hid,
            target="worker",
            to_worker_id="nurse",
            reason="건강 욕구 중심",
            summary="고혈압, 독거",
            at=AT,
        )
        with pytest.raises(Forbidden):
            accept_handoff(repo, handoff.id, at=LATER)  # the sender cannot accept for the receiver
        assert [h.id for h in my_work(repo, AT).handoffs] == []
    with opened(demo_vault, "nurse") as repo:
        assert handoff.id in [h.id for h in my_work(repo, AT).handoffs]  # the receiver's dashboard
        accept_handoff(repo, handoff.id, "인수합니다", at=LATER)
    with opened(demo_vault, "nurse") as repo:
        household = repo.household(hid)
        tasks = {t.id: t for t in repo.tasks_of(hid)}
        stored = repo.get(Handoff, handoff.id)
        work = my_work(repo, LATER)
    assert household is not None and household.owner_id == "nurse"
    assert tasks[mine.id].owner_id == "nurse" and tasks[mine.id].state is TaskState.OPEN
    assert tasks[other.id].owner_id == "officer"  # someone else's task stays theirs
    assert mine.id in [t.id for t in work.tasks]
    carried = [f for f in work.flags if f.flag.id == flag.id]
    assert carried and first_visit_clock(carried[0].flag, AT).due_at == due_before  # the clock runs on
    assert stored is not None and stored.state is HandoffState.ACCEPTED
    assert [(e.step, e.actor_id, e.state) for e in stored.history] == [
        (HandoffStep.REQUEST, "planner", HandoffState.REQUESTED),
        (HandoffStep.ACCEPT, "nurse", HandoffState.ACCEPTED),
    ]
    assert stored.reason == "건강 욕구 중심" and stored.summary == "고혈압, 독거"
    lines = history_lines(stored)
    assert lines[0].startswith("2026-11-03 10:40 planner 이관 요청")
    assert lines[1] == "2026-11-03 12:40 nurse 수락: 인수합니다"
    assert history_lines(stored, "en")[1].endswith("nurse Accepted: 인수합니다")
    assert history_lines(stored, names={"nurse": "이정민"})[1] == "2026-11-03 12:40 이정민 수락: 인수합니다"


# -- decline and return keep everything ------------------------------------------------------
def test_declined_handoff_keeps_the_case_with_its_owner_and_loses_nothing(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        hid = planner_case_with_running_clock(repo)
        add_task(repo, hid, "planner", "t-stays")
        before = snapshot(repo, hid)
        handoff = request_handoff(repo, hid, target="worker", to_worker_id="nurse", reason="담당 조정", at=AT)
    with opened(demo_vault, "nurse") as repo:
        with pytest.raises(MissingText, match="reason") as refused:
            decline_handoff(repo, handoff.id, "  ", at=LATER)
        assert refused.value.key == "err_decline_needs_reason"
        assert refused.value.message() == "거절 사유를 입력하세요"
        decline_handoff(repo, handoff.id, "담당 사례가 많습니다", at=LATER)
        with pytest.raises(IllegalTransition, match="declined") as refused:
            accept_handoff(repo, handoff.id, at=LATER)
        assert refused.value.key == "err_handoff_not_waiting"
        assert "거절" in refused.value.message()  # the state by its Korean label
    with opened(demo_vault, "planner") as repo:
        after = snapshot(repo, hid)
        stored = repo.get(Handoff, handoff.id)
        work = my_work(repo, LATER)
    assert after == before
    assert "t-stays" in [t.id for t in work.tasks]
    assert stored is not None and stored.state is HandoffState.DECLINED
    assert stored.history[-1].note == "담당 사례가 많습니다" and stored.history[-1].actor_id == "nurse"


def test_returned_handoff_keeps_everything_until_answered_then_accepted(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        hid = planner_case_with_running_clock(repo)
        before = snapshot(repo, hid)
        handoff = request_handoff(repo, hid, target="worker", to_worker_id="nurse", reason="건강관리", at=AT)
    with opened(demo_vault, "nurse") as repo:
        return_handoff(repo, handoff.id, "최근 혈압 기록이 있나요?", at=LATER)
        with pytest.raises(Forbidden) as refused:
            answer_handoff(repo, handoff.id, "네", at=LATER)  # only the sender answers
        assert refused.value.key == "err_sender_changes"
    with opened(demo_vault, "planner") as repo:
        assert snapshot(repo, hid) == before
        with pytest.raises(IllegalTransition):
            request_handoff(repo, hid, target="worker", to_worker_id="officer", reason="x", at=LATER)
        answer_handoff(repo, handoff.id, "10월 방문 기록에 있습니다", at=LATER + dt.timedelta(hours=1))
        assert snapshot(repo, hid) == before
    with opened(demo_vault, "nurse") as repo:
        accept_handoff(repo, handoff.id, at=LATER + dt.timedelta(hours=2))
    with opened(demo_vault, "supervisor") as repo:
        stored = repo.get(Handoff, handoff.id)
        household = repo.household(hid)
    assert stored is not None and household is not None
    assert [e.step for e in stored.history] == [
        HandoffStep.REQUEST,
        HandoffStep.RETURN,
        HandoffStep.ANSWER,
        HandoffStep.ACCEPT,
    ]
    assert stored.history[1].note == "최근 혈압 기록이 있나요?"
    assert household.owner_id == "nurse"


def test_illegal_steps_raise_clear_errors(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        with pytest.raises(NotFound) as refused:
            request_handoff(repo, hid, target="worker", to_worker_id="nobody", reason="x", at=AT)
        assert refused.value.key == "err_no_active_worker"
        with pytest.raises(IllegalTransition, match="already owns") as refused:
            request_handoff(repo, hid, target="worker", to_worker_id="planner", reason="x", at=AT)
        assert refused.value.key == "err_already_owner"
        with pytest.raises(InvalidInput, match="dong") as refused:
            request_handoff(repo, hid, target="dong", reason="전출", at=AT)
        assert refused.value.key == "err_handoff_needs_dong"
        with pytest.raises(MissingText, match="reason") as refused:
            request_handoff(repo, hid, target="gu", reason="", at=AT)
        assert refused.value.key == "err_handoff_needs_reason"
        handoff = request_handoff(repo, hid, target="worker", to_worker_id="nurse", reason="x", at=AT)
        with pytest.raises(IllegalTransition, match=handoff.id) as refused:
            request_handoff(repo, hid, target="gu", reason="복합 욕구", at=AT)
        assert refused.value.key == "err_handoff_open"
        with pytest.raises(IllegalTransition, match="not returned") as refused:
            answer_handoff(repo, handoff.id, "답", at=AT)
        assert refused.value.key == "err_handoff_not_returned"
        cancel_handoff(repo, handoff.id, "가구 사정 변경", at=LATER)
        with pytest.raises(IllegalTransition, match="already cancelled") as refused:
            cancel_handoff(repo, handoff.id, at=LATER)
        assert refused.value.key == "err_handoff_finished"
    with opened(demo_vault, "officer") as repo, pytest.raises(Forbidden) as refused:
        request_handoff(repo, hid, target="gu", reason="x", at=LATER)  # not the owner
    assert refused.value.key == "err_owner_hands_on"


# -- outside the dong ------------------------------------------------------------------------
def test_gu_and_dong_answers_are_recorded_by_a_supervisor(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        to_gu = quiet_planner_case(repo)
        moving = quiet_planner_case(repo, skip=(to_gu,))
        gu = request_handoff(repo, to_gu, target="gu", reason="복합 욕구", at=AT)
        dong = request_handoff(repo, moving, target="dong", to_dong_code="1159054000", reason="전출", at=AT)
        with pytest.raises(Forbidden, match="supervisor") as refused:
            accept_handoff(repo, gu.id, at=LATER)
        assert refused.value.key == "err_supervisor_answers_outside"
    with opened(demo_vault, "supervisor") as repo:
        accept_handoff(repo, gu.id, "구 통합사례관리 접수", at=LATER)
        accept_handoff(repo, dong.id, "상도2동 접수", at=LATER)
    with opened(demo_vault, "planner") as repo:
        stays, moved = repo.household(to_gu), repo.household(moving)
    assert stays is not None and stays.owner_id == "planner" and stays.status is HouseholdStatus.OPEN
    assert moved is not None and moved.status is HouseholdStatus.CLOSED


# -- escalation ------------------------------------------------------------------------------
def test_unanswered_three_working_days_escalates_across_seollal(demo_vault: Path) -> None:
    friday = dt.datetime(2027, 2, 5, 10, 0, tzinfo=KST)  # the Friday before 설날 2027
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        handoff = request_handoff(repo, hid, target="worker", to_worker_id="nurse", reason="x", at=friday)
    due = dt.datetime(2027, 2, 12, 10, 0, tzinfo=KST)  # Wed 10, Thu 11, Fri 12 Feb
    rules = VaultSettings(id="settings")
    assert escalation_at(handoff, rules) == due
    assert not is_escalated(handoff, due - dt.timedelta(minutes=1), rules)
    assert is_escalated(handoff, due, rules)
    with opened(demo_vault, "supervisor") as repo:
        escalated = escalate_overdue(repo, at=due)
        assert handoff.id in [h.id for h in escalated]
        assert escalate_overdue(repo, at=due + dt.timedelta(hours=1)) == []  # once
    with opened(demo_vault, "nurse") as repo:
        stored = repo.get(Handoff, handoff.id)
        assert stored is not None and stored.escalated_at == due
        assert stored.state is HandoffState.REQUESTED  # still the nurse's to answer
        assert stored.history[-1].step is HandoffStep.ESCALATE
        return_handoff(repo, handoff.id, "질문", at=due + dt.timedelta(hours=1))
    with opened(demo_vault, "planner") as repo:
        answer_handoff(repo, handoff.id, "답", at=due + dt.timedelta(hours=2))
    with opened(demo_vault, "supervisor") as repo:
        again = repo.get(Handoff, handoff.id)
        assert again is not None and again.escalated_at == due  # the earlier escalation stays recorded
        fresh_due = dt.datetime(2027, 2, 17, 12, 0, tzinfo=KST)  # a fresh three working days
        assert escalation_at(again, rules) == fresh_due
        assert not is_escalated(again, fresh_due - dt.timedelta(minutes=1), rules)
        assert escalate_overdue(repo, at=fresh_due - dt.timedelta(minutes=1)) == []
        assert [h.id for h in escalate_overdue(repo, at=fresh_due)] == [handoff.id]
    with opened(demo_vault, "nurse") as repo:
        stored = repo.get(Handoff, handoff.id)
    assert stored is not None and stored.escalated_at == fresh_due
    assert [e.step for e in stored.history].count(HandoffStep.ESCALATE) == 2


# -- property: any sequence of steps keeps one owner and a complete history ------------------
STEPS = ("accept", "decline", "return", "answer", "cancel")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(STEPS), max_size=6))
def test_any_sequence_of_steps_keeps_one_owner_and_every_step(demo_template: Path, steps: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "v"
        shutil.copytree(demo_template, vault)
        with opened(vault, "supervisor") as repo:
            hid = quiet_planner_case(repo)
            tasks_before = sorted(repo.tasks_of(hid), key=lambda t: t.id)
            handoff = request_handoff(repo, hid, target="worker", to_worker_id="nurse", reason="x", at=AT)
            state, done = HandoffState.REQUESTED, 1
            for i, step in enumerate(steps):
                when = AT + dt.timedelta(minutes=i + 1)
                expected = _expected(state, step)
                action = {
                    "accept": lambda: accept_handoff(repo, handoff.id, at=when),  # noqa: B023
                    "decline": lambda: decline_handoff(repo, handoff.id, "r", at=when),  # noqa: B023
                    "return": lambda: return_handoff(repo, handoff.id, "q", at=when),  # noqa: B023
                    "answer": lambda: answer_handoff(repo, handoff.id, "a", at=when),  # noqa: B023
                    "cancel": lambda: cancel_handoff(repo, handoff.id, at=when),  # noqa: B023
                }[step]
                if expected is None:
                    with pytest.raises(IllegalTransition):
                        action()
                else:
                    action()
                    state, done = expected, done + 1
        with opened(vault, "planner") as repo:
            stored = repo.get(Handoff, handoff.id)
            household = repo.household(hid)
            tasks_after = sorted(repo.tasks_of(hid), key=lambda t: t.id)
        assert stored is not None and household is not None
        assert stored.state is state and len(stored.history) == done
        assert household.owner_id == ("nurse" if state is HandoffState.ACCEPTED else "planner")
        assert [t.id for t in tasks_after] == [t.id for t in tasks_before]
        if state is not HandoffState.ACCEPTED:
            assert tasks_after == tasks_before


def _expected(state: HandoffState, step: str) -> HandoffState | None:
    """The state machine as the module docstring draws it."""
    table = {
        (HandoffState.REQUESTED, "accept"): HandoffState.ACCEPTED,
        (HandoffState.REQUESTED, "decline"): HandoffState.DECLINED,
        (HandoffState.REQUESTED, "return"): HandoffState.RETURNED,
        (HandoffState.REQUESTED, "cancel"): HandoffState.CANCELLED,
        (HandoffState.RETURNED, "answer"): HandoffState.REQUESTED,
        (HandoffState.RETURNED, "cancel"): HandoffState.CANCELLED,
    }
    return table.get((state, step))


def test_household_untouched_by_a_request(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        before = repo.household(hid)
        request_handoff(repo, hid, target="gu", reason="복합 욕구", at=AT)
    with opened(demo_vault, "planner") as repo:
        assert repo.household(hid) == before
        assert isinstance(repo.household(hid), Household)


def test_sent_waiting_lists_my_open_handoffs_returned_first(demo_vault: Path) -> None:
    from chandong_tui.casework.handoffs import sent_waiting

    with opened(demo_vault, "planner") as repo:
        first = quiet_planner_case(repo)
        second = quiet_planner_case(repo, skip=(first,))
        asked = request_handoff(repo, first, target="worker", to_worker_id="nurse", reason="건강", at=AT)
        waiting = request_handoff(repo, second, target="worker", to_worker_id="nurse", reason="건강", at=AT)
    with opened(demo_vault, "nurse") as repo:
        return_handoff(repo, asked.id, "기록은?", at=LATER)
        assert sent_waiting(repo) == []  # the nurse sent none
    with opened(demo_vault, "planner") as repo:
        sent = sent_waiting(repo)
        assert all(
            h.from_worker_id == "planner" and h.state in (HandoffState.REQUESTED, HandoffState.RETURNED)
            for h in sent
        )
        states = [h.state for h in sent]
        assert states == sorted(states, key=lambda s: s is not HandoffState.RETURNED)
        ids = [h.id for h in sent]
        assert asked.id in ids and waiting.id in ids and ids.index(asked.id) < ids.index(waiting.id)
    with opened(demo_vault, "supervisor") as repo:
        assert {asked.id, waiting.id} <= {h.id for h in sent_waiting(repo)}
