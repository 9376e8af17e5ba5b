"""내 업무: what `my_work` lists for a worker, checked against the demo vault and independent
computations from the typed repository."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chandong_tui.casework.actions import raise_flag, record_visit
from chandong_tui.casework.clock import KST, ClockState, first_visit_clock
from chandong_tui.casework.my_work import CONFERENCE_HORIZON, MyWork, my_work
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import (
    ConferenceState,
    FlagState,
    HandoffState,
    HandoffTarget,
    TargetGroup,
    TaskState,
    VisitKind,
)
from chandong_tui.model.records import Conference, CrisisFlag, Handoff, HandoffEvent, Task, Visit
from tests.conftest import opened

AT = dt.datetime(2026, 11, 3, 10, 40, tzinfo=KST)
TODAY = AT.date()


def expected_due(
    repo: CaseRepository, today: dt.date, worker: str | None = None
) -> dict[tuple[str, str], tuple[dt.date, dt.date]]:
    """(household, worker) → (due on, last visited on): per household and role, the latest visit that
    no other visit revises, when its next visit is due by `today` and the case is not closed; only
    `worker`'s clocks unless None (everyone's)."""
    roles = {w.id: w.role for w in repo.workers()}
    due = {}
    for summary in repo.household_summaries():
        if summary.status == "closed":
            continue
        visits = repo.visits_of(summary.id)
        revised = {v.revises for v in visits if v.revises}
        current = [v for v in visits if v.id not in revised]
        for role in {roles.get(v.worker_id) for v in current}:
            latest = max(
                (v for v in current if roles.get(v.worker_id) == role), key=lambda v: (v.visited_on, v.id)
            )
            mine = worker in (None, latest.worker_id)
            if mine and latest.next_visit_due is not None and latest.next_visit_due <= today:
                due[(summary.id, latest.worker_id)] = (latest.next_visit_due, latest.visited_on)
    return due


def owned_by(repo: CaseRepository, user: str) -> set[str]:
    return {s.id for s in repo.household_summaries() if s.owner_id == user}


def due_map(work: MyWork) -> dict[tuple[str, str], tuple[dt.date, dt.date]]:
    return {(d.household.id, d.worker_id): (d.due_on, d.last_visit_on) for d in work.visits_due}


def due_households(work: MyWork) -> set[str]:
    return {d.household.id for d in work.visits_due}


# -- visits due ------------------------------------------------------------------------------------
def test_planner_visits_due_match_an_independent_computation(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        work = my_work(repo, AT)
        expected = expected_due(repo, TODAY, "planner")
    assert not work.whole_dong
    assert work.visits_due, "the demo has visits due for the planner"
    assert all(d.worker_id == "planner" and d.due_on <= TODAY for d in work.visits_due)
    assert all(d.days_overdue(TODAY) >= 0 for d in work.visits_due)
    assert due_map(work) == expected
    assert len(work.visits_due) == len(expected)  # one line per household
    keys = [(d.due_on, d.household.tong, d.household.ban) for d in work.visits_due]
    assert keys == sorted(keys)


def test_visits_due_follow_the_day(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        earlier = due_map(my_work(repo, AT - dt.timedelta(days=30)))
        now = due_map(my_work(repo, AT))
        assert earlier == expected_due(repo, TODAY - dt.timedelta(days=30), "planner")
    assert set(earlier) < set(now)


def test_visit_with_a_future_due_date_clears_the_household(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        before = my_work(repo, AT)
        target = before.visits_due[0].household.id
        visit = record_visit(
            repo,
            {
                "household_id": target,
                "visited_on": TODAY.isoformat(),
                "visit_kind": VisitKind.REGULAR,
                "target_group": TargetGroup.ELDERLY,
                "note": "안부 확인",
                "next_visit_due": (TODAY + dt.timedelta(days=30)).isoformat(),
            },
            at=AT,
        )
        after_in_session = due_map(my_work(repo, AT))
    with opened(demo_vault, "planner") as repo:
        after = due_map(my_work(repo, AT))
        later = due_map(my_work(repo, AT + dt.timedelta(days=30)))
    assert (target, "planner") not in after_in_session and (target, "planner") not in after
    assert set(after) == set(due_map(before)) - {(target, "planner")}
    assert later[(target, "planner")] == (visit.next_visit_due, TODAY)  # due again a month later


def _latest_due_visit(repo: CaseRepository, household_id: str) -> Visit:
    latest = [v for v in repo.visits_of(household_id) if v.worker_id == "planner"][0]
    assert latest.next_visit_due is not None
    return latest


@pytest.mark.parametrize(
    ("revision_id", "days_earlier"),
    [("v-000000-fix", 0), ("zz-fix", 0), ("v-000000-fix", 3), ("zz-fix", 3)],
    ids=["lower-id", "higher-id", "lower-id-earlier-date", "higher-id-earlier-date"],
)
def test_a_revised_visit_is_replaced_by_its_revision(
    demo_vault: Path, revision_id: str, days_earlier: int
) -> None:
    """A correction (a new visit with `revises`) counts instead of the visit it corrects, whatever
    its id and even when it moves the visit to an earlier day."""
    with opened(demo_vault, "planner") as repo:
        due = my_work(repo, AT).visits_due[0]
        original = _latest_due_visit(repo, due.household.id)
        corrected_due = TODAY - dt.timedelta(days=1)
        revision = original.model_copy(
            update={
                "id": revision_id,
                "revises": original.id,
                "visited_on": original.visited_on - dt.timedelta(days=days_earlier),
                "next_visit_due": corrected_due,
                "note": "방문 기록 정정",
            }
        )
        repo.save(revision)
        work = my_work(repo, AT)
        expected = expected_due(repo, TODAY, "planner")
    assert due_map(work)[(due.household.id, "planner")] == (corrected_due, revision.visited_on)
    assert due_map(work) == expected


def test_a_revision_pushing_the_due_date_clears_the_household(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        due = my_work(repo, AT).visits_due[0]
        original = _latest_due_visit(repo, due.household.id)
        repo.save(
            original.model_copy(
                update={
                    "id": "v-000000-fix",
                    "revises": original.id,
                    "next_visit_due": TODAY + dt.timedelta(days=7),
                }
            )
        )
        assert due.household.id not in due_households(my_work(repo, AT))


def test_closed_households_have_no_visits_due(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        work = my_work(repo, AT)
        closed = {s.id for s in repo.household_summaries() if s.status == "closed"}
    assert closed and not closed & due_households(work)


# -- flags -----------------------------------------------------------------------------------------
def test_planner_flags_are_the_open_ones_of_her_households_or_raised_by_her(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household = next(
            s.id for s in repo.household_summaries() if s.owner_id == "officer" and not repo.flags_of(s.id)
        )
        raised_elsewhere = raise_flag(
            repo,
            {"household_id": household, "level": "watch", "reasons": ["other"]},
            at=AT - dt.timedelta(hours=2),
        )
        work = my_work(repo, AT)
        mine = owned_by(repo, "planner")
        expected = {
            f.id
            for f in repo.all(CrisisFlag)
            if f.state is FlagState.OPEN and (f.household_id in mine or f.raised_by == "planner")
        }
    shown = [item.flag for item in work.flags]
    assert {f.id for f in shown} == expected and len(shown) == len(expected)
    assert raised_elsewhere.id in expected
    assert all(f.state is FlagState.OPEN for f in shown)
    assert any(f.household_id not in mine for f in shown)  # the one she raised on an officer's case
    for item in work.flags:
        assert item.clock == first_visit_clock(item.flag, AT)
        assert item.household is not None and item.household.id == item.flag.household_id
    running = [item for item in work.flags if not item.clock.stopped]
    assert work.flags[: len(running)] == running  # clocks still running come first
    assert [item.clock.remaining for item in running] == sorted(item.clock.remaining for item in running)
    states = {item.clock.state for item in work.flags}
    assert {ClockState.BREACHED, ClockState.WARNING, ClockState.RUNNING} <= states


def test_supervisor_sees_the_whole_dong(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        planner = my_work(repo, AT)
    with opened(demo_vault, "supervisor") as repo:
        work = my_work(repo, AT)
        expected = expected_due(repo, TODAY)
        open_flags = {f.id for f in repo.all(CrisisFlag) if f.state is FlagState.OPEN}
        open_tasks = {t.id for t in repo.all(Task) if t.state is TaskState.OPEN}
    assert work.whole_dong
    assert due_map(work) == expected
    assert set(due_map(planner)) <= set(due_map(work)) and len(work.visits_due) > len(planner.visits_due)
    assert {item.flag.id for item in work.flags} == open_flags
    assert len(work.flags) >= len(planner.flags)
    assert len(work.conferences) >= len(planner.conferences)
    assert {t.id for t in work.tasks} == open_tasks


# -- hand-offs, conferences, tasks -----------------------------------------------------------------
def _handoff(handoff_id: str, to: str | None, state: HandoffState = HandoffState.REQUESTED) -> Handoff:
    return Handoff(
        id=handoff_id,
        household_id="hh-0105",
        from_worker_id="officer",
        target=HandoffTarget.WORKER if to else HandoffTarget.DONG,
        to_worker_id=to,
        to_dong_code=None if to else "1159054000",
        reason="담당 통 변경",
        state=state,
        history=[
            HandoffEvent(at=AT - dt.timedelta(days=1), actor_id="officer", state=HandoffState.REQUESTED)
        ],
    )


def test_handoffs_are_only_those_waiting_for_the_user(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        repo.save_many(
            [
                _handoff("ho-test-1", "planner"),
                _handoff("ho-test-2", "nurse"),
                _handoff("ho-test-3", "planner", HandoffState.ACCEPTED),
                _handoff("ho-test-4", None),
            ]
        )
    with opened(demo_vault, "planner") as repo:
        planner = my_work(repo, AT)
        requested_to_planner = {
            h.id
            for h in repo.all(Handoff)
            if h.state is HandoffState.REQUESTED and h.to_worker_id == "planner"
        }
    with opened(demo_vault, "nurse") as repo:
        nurse = my_work(repo, AT)
    assert [h.id for h in planner.handoffs] == ["ho-test-1"] == sorted(requested_to_planner)
    assert [h.id for h in nurse.handoffs] == ["ho-test-2"]


def test_conferences_within_two_weeks_and_scheduled(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        work = my_work(repo, AT)
        every = repo.all(Conference)
        mine = owned_by(repo, "planner")
    assert work.conferences, "the demo has a conference coming for the planner"
    for conference in work.conferences:
        assert conference.state is ConferenceState.SCHEDULED
        assert AT <= conference.scheduled_at <= AT + CONFERENCE_HORIZON
        assert (
            conference.facilitator_id == "planner"
            or any(a.worker_id == "planner" for a in conference.attendees)
            or any(item.household_id in mine for item in conference.agenda)
        )
    shown = {c.id for c in work.conferences}
    assert all(c.id not in shown for c in every if c.state is not ConferenceState.SCHEDULED)
    later = [
        c for c in every if c.state is ConferenceState.SCHEDULED and c.scheduled_at > AT + CONFERENCE_HORIZON
    ]
    assert later and not shown & {c.id for c in later}
    times = [c.scheduled_at for c in work.conferences]
    assert times == sorted(times)


def test_tasks_are_the_users_open_ones(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        repo.save_many(
            [
                Task(id="task-t1", title="서류 보완", owner_id="planner", due_on=TODAY),
                Task(id="task-t2", title="끝난 일", owner_id="planner", due_on=TODAY, state=TaskState.DONE),
                Task(id="task-t3", title="남의 일", owner_id="officer", due_on=TODAY),
                Task(
                    id="task-t0", title="먼저 할 일", owner_id="planner", due_on=TODAY - dt.timedelta(days=2)
                ),
            ]
        )
        work = my_work(repo, AT)
    assert [t.id for t in work.tasks] == ["task-t0", "task-t1"]
