"""사례회의 from scheduling through meeting mode to sealed minutes and follow-up tasks, checked against
what a fresh unlock reads; agenda suggestions; revisions of sealed minutes; the week view."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chandong_tui.casework.access import Forbidden
from chandong_tui.casework.clock import KST
from chandong_tui.casework.conferences import (
    AgendaReason,
    add_to_agenda,
    agenda_suggestions,
    current_conferences,
    get_conference,
    move_on_agenda,
    next_undecided,
    record_decision,
    remove_from_agenda,
    revise_minutes,
    revisions_of,
    schedule_conference,
    seal_minutes,
    standing_members,
    start_meeting,
    update_conference,
    week_view,
)
from chandong_tui.casework.errors import IllegalTransition, MissingText, NotFound
from chandong_tui.casework.handoffs import decline_handoff, request_handoff
from chandong_tui.casework.supervision import case_events_of
from chandong_tui.model.enums import CaseAction, ConferenceState, Decision, HouseholdStatus, TaskState
from chandong_tui.model.records import Conference, CrisisFlag, Household, Task
from tests.conference_support import MEETING, open_cases
from tests.conftest import opened

AT = dt.datetime(2026, 11, 3, 10, 40, tzinfo=KST)
OUTSIDE = {"name": "한가람", "organisation": "동작구 정신건강복지센터"}


def test_conference_from_schedule_to_sealed_minutes_and_tasks(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        keep, close, refer = open_cases(repo, 3)
        repo.save(repo.household(keep).model_copy(update={"needs_conference": True}))  # type: ignore[union-attr]
        conference = schedule_conference(
            repo,
            conference_kind="integrated",
            scheduled_at=MEETING,
            place="동 주민센터 2층 회의실",
            attendees=[{"name": "박서연", "worker_id": "planner"}, OUTSIDE],
            agenda=[keep, (close, "목표 달성"), refer],
        )
        with pytest.raises(IllegalTransition, match="not in meeting mode") as refused:
            record_decision(repo, conference.id, keep, "continue", at=MEETING)
        assert refused.value.key == "err_not_in_meeting"
        start_meeting(repo, conference.id, at=MEETING)
        meeting = get_conference(repo, conference.id)
        assert next_undecided(meeting) is not None and next_undecided(meeting).household_id == keep  # type: ignore[union-attr]
        _, tasks = record_decision(
            repo,
            conference.id,
            keep,
            Decision.CONTINUE,
            note="월 1회 방문 유지",
            follow_ups=[{"title": "정신건강복지센터 연계 확인", "owner_id": "nurse"}, {"title": "재방문"}],
            at=MEETING,
        )
        record_decision(repo, conference.id, close, "close", note="목표 달성으로 종결", at=MEETING)
        with pytest.raises(IllegalTransition, match=refer) as refused:
            seal_minutes(repo, conference.id, "회의록", at=MEETING)
        assert refused.value.key == "err_undecided"
        record_decision(
            repo,
            conference.id,
            refer,
            "refer_gu",
            follow_ups=[{"title": "구 통합사례관리 의뢰서", "due_on": "2027-02-08"}],
            at=MEETING,
        )
        seal_minutes(repo, conference.id, "참석 4명. 3가구 논의.", at=MEETING + dt.timedelta(hours=1))
    with opened(demo_vault, "planner") as repo:
        sealed = repo.get(Conference, conference.id)
        stored_tasks = {t.id: t for t in repo.all(Task) if t.conference_id == conference.id}
        kept, closing = repo.household(keep), repo.household(close)
        events = case_events_of(repo, close)
        with pytest.raises(Forbidden) as refused:
            update_conference(repo, conference.id, {"place": "x"})
        assert refused.value.key == "err_facilitator_runs"
    assert sealed is not None and sealed.state is ConferenceState.SEALED
    assert sealed.sealed_by == "supervisor" and sealed.minutes == "참석 4명. 3가구 논의."
    assert sealed.started_at == MEETING and sealed.place == "동 주민센터 2층 회의실"
    assert [a.organisation for a in sealed.attendees] == ["", "동작구 정신건강복지센터"]
    assert [(i.household_id, i.decision) for i in sealed.agenda] == [
        (keep, Decision.CONTINUE),
        (close, Decision.CLOSE),
        (refer, Decision.REFER_GU),
    ]
    assert sealed.agenda[1].reason == "목표 달성"
    assert sealed.agenda[0].task_ids == [t.id for t in tasks]
    assert len(stored_tasks) == 3
    first, second = (stored_tasks[t.id] for t in tasks)
    assert (first.owner_id, first.household_id, first.state) == ("nurse", keep, TaskState.OPEN)
    assert second.owner_id == "planner"  # the case owner by default
    # The default due date is the vault's five working days after the meeting, across 설날.
    assert first.due_on == second.due_on == dt.date(2027, 2, 16)
    assert first.created_by == "supervisor" and first.created_at == MEETING
    assert stored_tasks[sealed.agenda[2].task_ids[0]].due_on == dt.date(2027, 2, 8)
    assert kept is not None and not kept.needs_conference
    assert closing is not None and closing.status is HouseholdStatus.CLOSURE_REQUESTED
    assert [e.action for e in events] == [CaseAction.CLOSURE_REQUESTED]
    assert events[0].note == "목표 달성으로 종결"


def test_sealed_minutes_are_revised_not_edited(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        (hid,) = open_cases(repo, 1)
        conference = schedule_conference(
            repo, conference_kind="dong", scheduled_at=MEETING, facilitator_id="supervisor", agenda=[hid]
        )
        start_meeting(repo, conference.id, at=MEETING)
        record_decision(repo, conference.id, hid, "continue", note="첫 메모", at=MEETING)
        seal_minutes(repo, conference.id, "원래 회의록", at=MEETING)
        with pytest.raises(IllegalTransition, match="sealed") as refused:
            add_to_agenda(repo, conference.id, open_cases(repo, 2)[1])
        assert refused.value.key == "err_minutes_sealed"
        with pytest.raises(MissingText, match="reason") as refused:
            revise_minutes(repo, conference.id, reason=" ", minutes="x")
        assert refused.value.key == "err_revision_needs_reason"
        first = revise_minutes(repo, conference.id, reason="오타 수정", minutes="고친 회의록", at=MEETING)
        second = revise_minutes(repo, conference.id, reason="메모 보완", notes={hid: "보완 메모"}, at=MEETING)
    with opened(demo_vault, "planner") as repo:
        original = repo.get(Conference, conference.id)
        chain = revisions_of(repo, conference.id)
        current = [c for c in current_conferences(repo) if c.id in {conference.id, first.id, second.id}]
    assert original is not None and original.minutes == "원래 회의록" and original.agenda[0].note == "첫 메모"
    assert [c.id for c in chain] == [conference.id, first.id, second.id]
    assert (chain[1].revises, chain[1].revision_note, chain[1].minutes) == (
        conference.id,
        "오타 수정",
        "고친 회의록",
    )
    assert (chain[2].revises, chain[2].minutes, chain[2].agenda[0].note) == (
        first.id,
        "고친 회의록",
        "보완 메모",
    )
    assert chain[2].agenda[0].decision is Decision.CONTINUE
    assert [c.id for c in current] == [second.id]


def test_only_organisers_schedule_and_the_facilitator_runs(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo, pytest.raises(Forbidden) as refused:
        schedule_conference(repo, conference_kind="dong", scheduled_at=MEETING)
    assert refused.value.key == "err_organisers_schedule"
    with opened(demo_vault, "supervisor") as repo:
        a, b = open_cases(repo, 2)
        conference = schedule_conference(
            repo, conference_kind="dong", scheduled_at=MEETING, facilitator_id="planner", agenda=[a]
        )
        with pytest.raises(NotFound) as refused:
            schedule_conference(repo, conference_kind="dong", scheduled_at=MEETING, facilitator_id="nobody")
        assert refused.value.key == "err_no_worker"
    with opened(demo_vault, "planner") as repo:
        add_to_agenda(repo, conference.id, b, "추가 안건")
        with pytest.raises(IllegalTransition, match="already on the agenda") as refused:
            add_to_agenda(repo, conference.id, b)
        assert refused.value.key == "err_already_on_agenda"
        remove_from_agenda(repo, conference.id, a)
        update_conference(repo, conference.id, {"place": "회의실 B", "attendees": [OUTSIDE]})
        start_meeting(repo, conference.id, at=MEETING)
        with pytest.raises(IllegalTransition, match="not scheduled") as refused:
            start_meeting(repo, conference.id, at=MEETING)
        assert refused.value.key == "err_not_scheduled"
    with opened(demo_vault, "nurse") as repo:
        with pytest.raises(Forbidden) as refused:
            record_decision(repo, conference.id, b, "continue", at=MEETING)
        assert refused.value.key == "err_facilitator_runs"
        stored = repo.get(Conference, conference.id)
    assert stored is not None and [i.household_id for i in stored.agenda] == [b]
    assert stored.place == "회의실 B" and stored.attendees[0].name == "한가람"
    assert stored.state is ConferenceState.IN_PROGRESS


def test_agenda_suggestions(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        target, marked_now = open_cases(repo, 2, owner="planner")
        repo.save(repo.household(marked_now).model_copy(update={"needs_conference": True}))  # type: ignore[union-attr]
        households = {h.id: h for h in repo.all(Household)}
        for reason in ("첫 번째", "두 번째"):
            handoff = request_handoff(repo, target, target="worker", to_worker_id="nurse", reason="x", at=AT)
            decline_handoff(repo, handoff.id, reason, at=AT)
        planned = {
            item.household_id
            for c in repo.all(Conference)
            if c.state is not ConferenceState.SEALED
            for item in c.agenda
        }
        suggestions = {s.household_id: s.reasons for s in agenda_suggestions(repo, AT)}
        flags = repo.all(CrisisFlag)
        scheduled = schedule_conference(repo, conference_kind="dong", scheduled_at=MEETING, agenda=[target])
        after = {s.household_id for s in agenda_suggestions(repo, AT)}
    assert suggestions[target] == (AgendaReason.DECLINED_TWICE,)
    assert suggestions[marked_now] == (AgendaReason.NEEDS_CONFERENCE,)
    open_ids = {hid for hid, h in households.items() if h.status != "closed"} - planned
    marked = {hid for hid in open_ids if households[hid].needs_conference}
    assert marked == {hid for hid, r in suggestions.items() if AgendaReason.NEEDS_CONFERENCE in r}
    long_open = {
        f.household_id
        for f in flags
        if f.state == "open" and AT - f.raised_at > dt.timedelta(days=14) and f.household_id in open_ids
    }
    assert long_open == {hid for hid, r in suggestions.items() if AgendaReason.LONG_OPEN_FLAG in r}
    assert not set(suggestions) & planned  # already on a conference to come
    assert scheduled.agenda[0].household_id not in after


def test_week_view(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        (hid,) = open_cases(repo, 1)
        monday = schedule_conference(
            repo, conference_kind="dong", scheduled_at=MEETING - dt.timedelta(days=4, hours=4), agenda=[hid]
        )
        friday = schedule_conference(repo, conference_kind="committee", scheduled_at=MEETING)
        start_meeting(repo, friday.id, at=MEETING)
        seal_minutes(repo, friday.id, "안건 없음", at=MEETING)
        revision = revise_minutes(repo, friday.id, reason="참석자 추가", at=MEETING)
        week = week_view(repo, dt.date(2027, 2, 7))  # the Sunday of that week
    assert [day for day, _ in week] == [dt.date(2027, 2, 1) + dt.timedelta(days=i) for i in range(7)]
    by_day = {day: [c.id for c in conferences] for day, conferences in week}
    assert monday.id in by_day[dt.date(2027, 2, 1)]
    assert revision.id in by_day[dt.date(2027, 2, 5)] and friday.id not in by_day[dt.date(2027, 2, 5)]


def test_agenda_reordered_before_the_meeting_only(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        a, b, c = open_cases(repo, 3)
        conference = schedule_conference(repo, conference_kind="dong", scheduled_at=MEETING, agenda=[a, b, c])
        move_on_agenda(repo, conference.id, c, -1)
        move_on_agenda(repo, conference.id, a, -1)  # already first: stays
        moved = move_on_agenda(repo, conference.id, a, 5)  # past the end: last
        with pytest.raises(NotFound):
            move_on_agenda(repo, conference.id, "h-nowhere", 1)
        start_meeting(repo, conference.id, at=MEETING)
        with pytest.raises(IllegalTransition) as refused:
            move_on_agenda(repo, conference.id, a, -1)
        assert refused.value.key == "err_not_scheduled"
    with opened(demo_vault, "planner") as repo:
        stored = get_conference(repo, conference.id)
    assert [i.household_id for i in moved.agenda] == [c, b, a]
    assert [i.household_id for i in stored.agenda] == [c, b, a]


def test_a_committee_keeps_its_standing_members(demo_vault: Path) -> None:
    """Outside attendees carry a role; the next 사례관리위원회 is offered its last meeting's outside
    members (staff are not carried over), other kinds of conference are not counted."""
    member = {"name": "최민수", "organisation": "상도종합사회복지관", "role": "위원장"}
    with opened(demo_vault, "supervisor") as repo:
        assert standing_members(repo) == [] or all(not a.worker_id for a in standing_members(repo))
        schedule_conference(
            repo,
            conference_kind="committee",
            scheduled_at=MEETING,
            attendees=[member, {"name": "박서연", "worker_id": "planner"}],
        )
        schedule_conference(
            repo, conference_kind="dong", scheduled_at=MEETING + dt.timedelta(days=1), attendees=[OUTSIDE]
        )
    with opened(demo_vault, "planner") as repo:
        standing = standing_members(repo)
    assert [(a.name, a.organisation, a.role, a.worker_id) for a in standing] == [
        ("최민수", "상도종합사회복지관", "위원장", None)
    ]
