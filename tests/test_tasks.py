"""할 일 in case work: a task added to a household (due on a date or in working days), marked done,
cancelled with a reason, reassigned; who may; every step on the household's timeline with who, when
and why; a finished task's clock stops (gone from 내 업무 and the supervisor queue), conference tasks
included. Checked against what a fresh unlock reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chandong_tui.casework.clock import KST, ClockState
from chandong_tui.casework.conferences import record_decision, schedule_conference, start_meeting
from chandong_tui.casework.deadlines import follow_up_due, pause_clock, settings_of, task_deadline
from chandong_tui.casework.errors import Forbidden, IllegalTransition, InvalidInput, MissingText, NotFound
from chandong_tui.casework.my_work import my_work
from chandong_tui.casework.queue import ClockKind, QueueFilter, supervisor_queue
from chandong_tui.casework.repository import CaseRepository, TaskChange
from chandong_tui.casework.tasks import (
    add_task,
    cancel_task,
    finish_task,
    get_task,
    list_tasks,
    may_act_on,
    reassign_task,
    tasks_of_household,
)
from chandong_tui.model.enums import HouseholdStatus, TaskState, TaskStep
from chandong_tui.model.records import Task
from tests.conftest import opened

AT = dt.datetime(2026, 11, 3, 10, 40, tzinfo=KST)
"""A Tuesday."""
LATER = AT + dt.timedelta(hours=2)
OVERDUE_TASK = "task-0012"
"""The demo's open conference task (a counsellor's case and task), due 2026-01-30: long overdue."""


def planner_case(repo: CaseRepository) -> str:
    return next(s.id for s in repo.household_summaries() if s.owner_id == "planner" and s.status == "open")


def changes(repo: CaseRepository, household_id: str, task_id: str) -> list[tuple[dt.datetime, TaskChange]]:
    """The task's lines on the household's timeline, oldest first."""
    found = [
        (e.at, e.record)
        for e in repo.timeline(household_id)
        if isinstance(e.record, TaskChange) and e.record.task.id == task_id
    ]
    return sorted(found, key=lambda pair: pair[0])


def new_task(vault: Path, user: str = "planner", **kwargs: object) -> tuple[str, str]:
    """(household id, task id) of a task the planner adds on one of their cases."""
    with opened(vault, user) as repo:
        household_id = planner_case(repo)
        spec: dict[str, object] = {"title": "기초수급 신청 서류 확인", "due_on": dt.date(2026, 11, 10)}
        task = add_task(repo, household_id, **{**spec, **kwargs}, at=AT)  # type: ignore[arg-type]
        return household_id, task.id


# -- adding --------------------------------------------------------------------------------------
def test_added_task_is_stored_open_with_who_and_when_and_on_the_timeline(demo_vault: Path) -> None:
    household_id, task_id = new_task(demo_vault)
    with opened(demo_vault, "supervisor") as repo:
        task = get_task(repo, task_id)
        assert (task.state, task.owner_id, task.due_on) == (TaskState.OPEN, "planner", dt.date(2026, 11, 10))
        assert (task.household_id, task.created_by, task.created_at) == (household_id, "planner", AT)
        assert task.conference_id is None and task.history == []
        [(at, created)] = changes(repo, household_id, task_id)
        assert (at, created.step, created.actor_id, created.to_owner_id) == (
            AT,
            TaskStep.CREATED,
            "planner",
            "planner",
        )
        assert [e.task.id for e in tasks_of_household(repo, household_id, LATER)][0] == task_id


def test_due_in_working_days_skips_weekends_and_holidays(demo_vault: Path) -> None:
    friday_before_seollal = dt.datetime(2027, 2, 5, 9, 0, tzinfo=KST)
    with opened(demo_vault, "planner") as repo:
        household_id = planner_case(repo)
        task = add_task(repo, household_id, title="설 연휴 뒤 안부 확인", in_days=1, at=friday_before_seollal)
        assert task.due_on == dt.date(2027, 2, 10)  # not Monday the 8th: 설날 and its substitute day
        by_default = add_task(repo, household_id, title="기본 기한", at=AT)
        assert by_default.due_on == follow_up_due(AT.date(), settings_of(repo)) > AT.date()
        today = add_task(repo, household_id, title="오늘", in_days=0, at=AT)
        assert today.due_on == AT.date()


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"due_on": dt.date(2026, 11, 2)}, "err_task_due_past"),
        ({"due_on": dt.date(2026, 11, 10), "in_days": 3}, "err_task_due_both"),
        ({"in_days": -1}, "err_task_in_days"),
        ({"in_days": 100_000}, "err_task_in_days"),
    ],
)
def test_a_due_date_that_does_not_fit_is_refused(demo_vault: Path, kwargs: dict, key: str) -> None:
    with opened(demo_vault, "planner") as repo:
        household_id = planner_case(repo)
        before = len(repo.tasks_of(household_id))
        with pytest.raises(InvalidInput) as refused:
            add_task(repo, household_id, title="확인", at=AT, **kwargs)
        assert refused.value.key == key
        assert len(repo.tasks_of(household_id)) == before


def test_adding_is_refused_for_unknown_records_closed_cases_and_other_peoples_cases(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household_id = planner_case(repo)
        with pytest.raises(NotFound, match="no household 'hh-nope'"):
            add_task(repo, "hh-nope", title="확인", at=AT)
        with pytest.raises(NotFound) as no_worker:
            add_task(repo, household_id, title="확인", owner_id="ghost", at=AT)
        assert no_worker.value.key == "err_no_worker"
        closed = next(s.id for s in repo.household_summaries() if s.status == HouseholdStatus.CLOSED)
    with opened(demo_vault, "supervisor") as repo:
        with pytest.raises(IllegalTransition) as closed_case:
            add_task(repo, closed, title="확인", at=AT)
        assert closed_case.value.key == "err_household_closed"
    with opened(demo_vault, "officer") as repo:
        with pytest.raises(Forbidden) as not_theirs:
            add_task(repo, household_id, title="확인", owner_id="planner", at=AT)
        assert not_theirs.value.key == "err_task_add_not_allowed"
        mine = add_task(repo, household_id, title="순찰 때 들르기", owner_id="officer", at=AT)
        assert mine.owner_id == "officer"  # anyone may add a task for themselves


def test_an_empty_title_is_refused_by_the_model(demo_vault: Path) -> None:
    from pydantic import ValidationError

    with opened(demo_vault, "planner") as repo:
        with pytest.raises(ValidationError) as refused:
            add_task(repo, planner_case(repo), title="  ", at=AT)
        assert refused.value.errors()[0]["loc"] == ("title",)


# -- done, cancelled, reassigned ----------------------------------------------------------------
def test_done_with_a_note_stops_the_clock_and_shows_who_when_and_why(demo_vault: Path) -> None:
    household_id, task_id = new_task(demo_vault, owner_id="nurse")
    with opened(demo_vault, "planner") as repo:  # the case owner, not the assignee
        done = finish_task(repo, task_id, "서류 접수 완료", at=LATER)
        assert (done.state, done.done_at) == (TaskState.DONE, LATER)
    with opened(demo_vault, "officer") as repo:
        task = get_task(repo, task_id)
        assert task.state is TaskState.DONE
        [event] = task.history
        assert (event.step, event.actor_id, event.at, event.note) == (
            TaskStep.DONE,
            "planner",
            LATER,
            "서류 접수 완료",
        )
        assert task_deadline(task, AT + dt.timedelta(days=60)).state is ClockState.MET
        listed = [e.task.id for e in tasks_of_household(repo, household_id, LATER + dt.timedelta(days=30))]
        assert task_id in listed  # closed lately: still in the household's list
        gone = [e.task.id for e in tasks_of_household(repo, household_id, LATER + dt.timedelta(days=31))]
        assert task_id not in gone
        steps = [(c.step, c.actor_id, c.note) for _at, c in changes(repo, household_id, task_id)]
        assert steps == [(TaskStep.CREATED, "planner", ""), (TaskStep.DONE, "planner", "서류 접수 완료")]
    with opened(demo_vault, "nurse") as repo:  # the assignee
        refused = (
            lambda: finish_task(repo, task_id, at=LATER),
            lambda: cancel_task(repo, task_id, "중복", at=LATER),
            lambda: reassign_task(repo, task_id, "planner", at=LATER),
        )
        for step in refused:
            with pytest.raises(IllegalTransition) as again:
                step()
            assert again.value.key == "err_task_not_open"
        with pytest.raises(IllegalTransition):
            pause_clock(repo, get_task(repo, task_id), "입원")  # a stopped clock does not pause
        assert get_task(repo, task_id).history == [event]


def test_cancel_needs_a_reason_and_the_assignee_may_cancel(demo_vault: Path) -> None:
    household_id, task_id = new_task(demo_vault, owner_id="nurse")
    with opened(demo_vault, "nurse") as repo:
        for empty in ("", "   "):
            with pytest.raises(MissingText) as refused:
                cancel_task(repo, task_id, empty, at=LATER)
            assert refused.value.key == "err_task_needs_reason"
        assert get_task(repo, task_id).state is TaskState.OPEN
        cancelled = cancel_task(repo, task_id, "  가구가 이사함 ", at=LATER)
    with opened(demo_vault, "supervisor") as repo:
        task = get_task(repo, task_id)
        assert (task.state, task.done_at, task.history[-1].note) == (
            TaskState.CANCELLED,
            LATER,
            "가구가 이사함",
        )
        assert cancelled == task
        [_created, (at, change)] = changes(repo, household_id, task_id)
        assert (at, change.step, change.actor_id, change.note) == (
            LATER,
            TaskStep.CANCELLED,
            "nurse",
            "가구가 이사함",
        )
        assert task_id not in [e.task.id for e in list_tasks(repo, LATER, open_only=True)]
        assert task_id in [e.task.id for e in list_tasks(repo, LATER)]


def test_reassign_moves_the_task_and_keeps_its_due_date(demo_vault: Path) -> None:
    household_id, task_id = new_task(demo_vault)
    with opened(demo_vault, "planner") as repo:
        with pytest.raises(IllegalTransition) as same:
            reassign_task(repo, task_id, "planner", at=LATER)
        assert same.value.key == "err_task_same_assignee"
        with pytest.raises(NotFound):
            reassign_task(repo, task_id, "ghost", at=LATER)
        moved = reassign_task(repo, task_id, "nurse", "건강 확인이 먼저", at=LATER)
        assert (moved.owner_id, moved.due_on, moved.state) == ("nurse", dt.date(2026, 11, 10), TaskState.OPEN)
    with opened(demo_vault, "nurse") as repo:
        assert task_id in [e.task.id for e in list_tasks(repo, LATER, mine=True)]
        [(_, created), (_, change)] = changes(repo, household_id, task_id)
        assert created.to_owner_id == "planner"  # as it was created
        assert (change.step, change.actor_id, change.to_owner_id, change.note) == (
            TaskStep.REASSIGNED,
            "planner",
            "nurse",
            "건강 확인이 먼저",
        )
        assert get_task(repo, task_id).history[-1].from_owner_id == "planner"
    with opened(demo_vault, "planner") as repo:
        assert task_id not in [e.task.id for e in list_tasks(repo, LATER, mine=True)]


def test_only_the_case_owner_the_assignee_or_a_supervisor_changes_a_task(demo_vault: Path) -> None:
    _household_id, task_id = new_task(demo_vault, owner_id="nurse")
    with opened(demo_vault, "officer") as repo:  # neither the case's owner nor the task's
        task = get_task(repo, task_id)
        assert not may_act_on(repo, task)
        for step in (
            lambda: finish_task(repo, task_id, at=LATER),
            lambda: cancel_task(repo, task_id, "필요 없음", at=LATER),
            lambda: reassign_task(repo, task_id, "officer", at=LATER),
        ):
            with pytest.raises(Forbidden) as refused:
                step()
            assert refused.value.key == "err_task_not_allowed"
        assert get_task(repo, task_id) == task
    for allowed in ("planner", "nurse", "supervisor"):
        with opened(demo_vault, allowed) as repo:
            assert may_act_on(repo, get_task(repo, task_id))
    with opened(demo_vault, "supervisor") as repo:
        assert finish_task(repo, task_id, at=LATER).state is TaskState.DONE
        assert get_task(repo, task_id).history[-1].actor_id == "supervisor"


def test_unknown_task_ids_are_not_found(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        for step in (
            lambda: finish_task(repo, "t-nope", at=LATER),
            lambda: cancel_task(repo, "t-nope", "x", at=LATER),
            lambda: reassign_task(repo, "t-nope", "planner", at=LATER),
        ):
            with pytest.raises(NotFound) as missing:
                step()
            assert missing.value.key == "err_no_task"
            assert "t-nope" in str(missing.value)


# -- clocks stop ---------------------------------------------------------------------------------
def _overdue_on_my_work(repo: CaseRepository) -> list[str]:
    return [task.id for task in my_work(repo, AT).tasks]


def _task_clocks(repo: CaseRepository) -> list[str]:
    queue = supervisor_queue(repo, AT, QueueFilter())
    return [c.record_id for c in queue.clocks if c.kind is ClockKind.TASK]


def _overdue_count(repo: CaseRepository, worker_id: str) -> int:
    queue = supervisor_queue(repo, AT, QueueFilter())
    return next(load.overdue_tasks for load in queue.caseload if load.worker_id == worker_id)


def test_a_done_task_is_no_longer_overdue_on_my_work_or_the_queue(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:  # 내 업무 of a supervisor: the whole dong
        assert task_deadline(get_task(repo, OVERDUE_TASK), AT).state is ClockState.BREACHED
        assert OVERDUE_TASK in _overdue_on_my_work(repo)
        assert OVERDUE_TASK in _task_clocks(repo)
        overdue_before = _overdue_count(repo, "counsellor")
        assert overdue_before >= 1
        finish_task(repo, OVERDUE_TASK, "지급 확인", at=AT)  # a conference's task, the same steps
    with opened(demo_vault, "supervisor") as repo:
        assert OVERDUE_TASK not in _overdue_on_my_work(repo)
        assert OVERDUE_TASK not in _task_clocks(repo)
        assert _overdue_count(repo, "counsellor") == overdue_before - 1
        assert task_deadline(get_task(repo, OVERDUE_TASK), AT + dt.timedelta(days=9)).state is ClockState.LATE


def test_a_cancelled_conference_task_leaves_the_queue(demo_vault: Path) -> None:
    meeting = dt.datetime(2026, 10, 1, 14, 0, tzinfo=KST)
    with opened(demo_vault, "supervisor") as repo:
        household_id = planner_case(repo)
        conference = schedule_conference(
            repo, conference_kind="integrated", scheduled_at=meeting, agenda=[household_id]
        )
        start_meeting(repo, conference.id, at=meeting)
        _conf, [task] = record_decision(
            repo,
            conference.id,
            household_id,
            "continue",
            follow_ups=[{"title": "병원 동행", "due_on": dt.date(2026, 10, 20)}],
            at=meeting,
        )
        assert task.id in _task_clocks(repo)  # due 10-20, breached on 11-03
    with opened(demo_vault, "planner") as repo:  # the case owner and, by default, the assignee
        cancel_task(repo, task.id, "가족이 동행하기로 함", at=AT)
        assert task.id not in _overdue_on_my_work(repo)
    with opened(demo_vault, "supervisor") as repo:
        assert task.id not in _task_clocks(repo)
        stored = repo.get(Task, task.id)
        assert stored is not None and stored.conference_id == conference.id
        assert [c.step for _at, c in changes(repo, household_id, task.id)][-1] is TaskStep.CANCELLED


def test_the_ownership_rule_counts_the_assignee_only_when_named() -> None:
    from chandong_tui.casework.permissions import NURSE, SUPERVISOR, is_owner_or_supervisor

    assert not is_owner_or_supervisor("nurse", NURSE, "planner")
    assert is_owner_or_supervisor("nurse", NURSE, "planner", also=("nurse",))
    assert not is_owner_or_supervisor("nurse", NURSE, "planner", also=("officer", None))
    assert not is_owner_or_supervisor("", NURSE, "planner", also=("",))  # no user is nobody's assignee
    assert is_owner_or_supervisor("boss", SUPERVISOR, "planner")
