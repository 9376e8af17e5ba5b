"""자원연계 · 서비스의뢰 처리결과 in case work: every resource of a stored visit and every service of a
resolved flag is a link with a stable id; an outcome update is a record of its own (the visit is never
rewritten) that every PC reads the same way; who may update; links waiting past the vault's days show
on 내 업무 and in the supervisor queue; a health visit's note is a health detail. Checked against what
a fresh unlock reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chandong_tui.casework.clock import KST
from chandong_tui.casework.deadlines import save_settings
from chandong_tui.casework.errors import Forbidden, InvalidInput, NotFound
from chandong_tui.casework.links import (
    DEFAULT_WAIT_DAYS,
    get_link,
    history_of,
    link_id,
    links_needing_check,
    links_of_household,
    list_links,
    set_outcome,
)
from chandong_tui.casework.my_work import my_work
from chandong_tui.casework.queue import supervisor_queue
from chandong_tui.model.enums import HouseholdStatus, LinkState, VisitKind
from chandong_tui.model.records import CrisisFlag, Visit
from chandong_tui.reports.exports import build_export
from tests.conftest import opened
from tests.links_support import pending_link

AT = dt.datetime(2026, 11, 3, 10, 40, tzinfo=KST)


def test_a_stored_visits_resources_are_links_with_their_saved_outcome(demo_vault: Path) -> None:
    link, household_id, visit = pending_link(demo_vault)
    with opened(demo_vault, "officer") as repo:
        found = get_link(repo, link)
        resource = visit.resources[int(link.rsplit(".r", 1)[1]) - 1]
        assert (found.agency, found.service, found.category) == (
            resource.agency,
            resource.service,
            resource.category,
        )
        assert (found.outcome, found.requested_on, found.linked_by) == (
            LinkState.IN_PROGRESS,
            visit.visited_on,
            "planner",
        )
        assert found.updated_at is None and found.household_id == household_id
        every = {x.id for x in links_of_household(repo, household_id)}
        assert every == {
            link_id(v.id, n) for v in repo.visits_of(household_id) for n in range(1, len(v.resources) + 1)
        } | {
            link_id(f.id, n, service=True)
            for f in repo.flags_of(household_id)
            if f.resolved_at
            for n in range(1, len(f.services_linked) + 1)
        }


def test_setting_an_outcome_adds_a_record_and_leaves_the_visit_as_it_was(demo_vault: Path) -> None:
    link, household_id, visit = pending_link(demo_vault)
    with opened(demo_vault, "planner") as repo:
        updated = set_outcome(repo, link, LinkState.PROVIDED, "  주거급여  결정 통지 ", at=AT)
        assert (updated.outcome, updated.updated_by, updated.updated_at, updated.note) == (
            LinkState.PROVIDED,
            "planner",
            AT,
            "주거급여 결정 통지",
        )
    with opened(demo_vault, "supervisor") as repo:
        found = get_link(repo, link)
        assert (found.outcome, found.updated_by, found.updated_at, found.note) == (
            LinkState.PROVIDED,
            "planner",
            AT,
            "주거급여 결정 통지",
        )
        assert repo.get(Visit, visit.id) == visit  # evidence: the visit is not rewritten
        assert [u.outcome for u in history_of(repo, link)] == [LinkState.PROVIDED]


def test_the_newest_update_wins_whatever_order_they_were_saved_in(demo_vault: Path) -> None:
    link, _household_id, _visit = pending_link(demo_vault)
    with opened(demo_vault, "planner") as repo:
        set_outcome(repo, link, LinkState.STOPPED, "본인 중단", at=AT + dt.timedelta(hours=2))
        set_outcome(repo, link, LinkState.IN_PROGRESS, "확인 중", at=AT)  # typed later, happened earlier
    with opened(demo_vault, "planner") as repo:
        assert get_link(repo, link).outcome is LinkState.STOPPED
        assert [u.outcome for u in history_of(repo, link)] == [LinkState.IN_PROGRESS, LinkState.STOPPED]


def test_a_resolved_flags_services_are_links_requested_until_updated(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        flag = next(f for f in repo.all(CrisisFlag) if f.services_linked and f.resolved_at)
        link = link_id(flag.id, 1, service=True)
        found = get_link(repo, link)
        assert (found.service, found.outcome, found.category) == (
            flag.services_linked[0],
            LinkState.REQUESTED,
            None,
        )
        assert found.requested_on == flag.resolved_at.astimezone(KST).date()
        assert set_outcome(repo, link, "unavailable", at=AT).outcome is LinkState.UNAVAILABLE


def test_unknown_ids_outcomes_and_users_are_refused(demo_vault: Path) -> None:
    link, household_id, _visit = pending_link(demo_vault)
    with opened(demo_vault, "planner") as repo:
        for unknown in ("v-nope.r1", f"{link}9", "nothing", link.replace(".r", ".s")):
            with pytest.raises(NotFound):
                set_outcome(repo, unknown, LinkState.PROVIDED, at=AT)
        for outcome in ("requested", "done"):
            with pytest.raises(InvalidInput):
                set_outcome(repo, link, outcome, at=AT)
    with opened(demo_vault, "planner") as repo:
        owner = repo.household(household_id).owner_id  # type: ignore[union-attr]
    outsider = next(user for user in ("officer", "nurse", "counsellor") if user != owner)
    with opened(demo_vault, outsider) as repo:
        with pytest.raises(Forbidden):
            set_outcome(repo, link, LinkState.PROVIDED, at=AT)
        assert history_of(repo, link) == []


def test_links_waiting_past_the_vaults_days_need_a_check_until_updated(demo_vault: Path) -> None:
    link, household_id, visit = pending_link(demo_vault)
    with opened(demo_vault, "planner") as repo:
        set_outcome(repo, link, LinkState.IN_PROGRESS, "기관 확인 중", at=AT)
        just_in = AT + dt.timedelta(days=DEFAULT_WAIT_DAYS)
        late = AT + dt.timedelta(days=DEFAULT_WAIT_DAYS + 1)
        assert link not in {x.id for x in links_needing_check(repo, just_in, mine=True)}
        assert link in {x.id for x in links_needing_check(repo, late, mine=True)}
        assert link in {x.id for x in my_work(repo, late).links}
        closed = {s.id for s in repo.household_summaries() if s.status == "closed"}
        assert {
            x.id
            for x in list_links(repo, late, open_only=True, older_than=DEFAULT_WAIT_DAYS)
            if x.household_id not in closed
        } == {x.id for x in links_needing_check(repo, late)}
        assert all(x.awaiting for x in list_links(repo, late, open_only=True))
    with opened(demo_vault, "supervisor") as repo:
        assert link in {x.id for x in supervisor_queue(repo, late).links}
        save_settings(repo, {"link_outcome_days": 30})
        assert link not in {x.id for x in supervisor_queue(repo, late).links}
        save_settings(repo, {"link_outcome_days": None})
        household = repo.household(household_id)
        assert household is not None
        repo.save(household.model_copy(update={"status": HouseholdStatus.CLOSED}))
        assert link not in {x.id for x in links_needing_check(repo, late)}  # a closed case needs no check
        assert link in {x.id for x in list_links(repo, late, open_only=True)}  # still listed
        repo.save(household)
    with opened(demo_vault, "planner") as repo:
        set_outcome(repo, link, LinkState.PROVIDED, at=late)
        assert link not in {x.id for x in my_work(repo, late).links}
        assert link not in {x.id for x in list_links(repo, late, open_only=True)}


def test_mine_is_what_i_linked_or_my_cases(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        owners = {s.id: s.owner_id for s in repo.household_summaries()}
        mine = list_links(repo, AT, mine=True)
        assert mine and all("planner" in (x.linked_by, owners.get(x.household_id)) for x in mine)
        assert len(mine) < len(list_links(repo, AT))


def test_a_health_visits_note_is_for_nurses_and_supervisors_only(demo_vault: Path) -> None:
    with opened(demo_vault, "nurse") as repo:
        visit = next(v for v in repo.all(Visit) if v.visit_kind is VisitKind.HEALTH and v.note)
        other = next(v for v in repo.all(Visit) if v.visit_kind is not VisitKind.HEALTH and v.note)
        nurse_rows = {row[0]: row for row in build_export(repo, "visits", columns=["id", "note"]).rows}
        assert nurse_rows[visit.id][1] == visit.note
    with opened(demo_vault, "supervisor") as repo:
        assert repo.get(Visit, visit.id).note == visit.note  # type: ignore[union-attr]
    with opened(demo_vault, "officer") as repo:
        seen = repo.get(Visit, visit.id)
        assert seen is not None and seen.note == "" and seen.health_measures is None
        assert repo.get(Visit, other.id).note == other.note  # type: ignore[union-attr]
        rows = {row[0]: row for row in build_export(repo, "visits", columns=["id", "note"]).rows}
        assert rows[visit.id][1] == "" and rows[other.id][1] == other.note


def test_a_correction_of_a_visit_keeps_the_outcomes_recorded_on_it(demo_vault: Path) -> None:
    from chandong_tui.casework.actions import record_visit

    link, household_id, visit = pending_link(demo_vault)
    n = int(link.rsplit(".r", 1)[1])
    with opened(demo_vault, "planner") as repo:
        set_outcome(repo, link, LinkState.STOPPED, "본인 중단", at=AT)
        fields = visit.model_dump(exclude={"id", "worker_id", "revises"})
        revision = record_visit(repo, {**fields, "revises": visit.id, "note": "메모 고침"}, at=AT)
    corrected = link_id(revision.id, n)
    with opened(demo_vault, "supervisor") as repo:
        found = get_link(repo, corrected)
        assert (found.outcome, found.note, found.updated_by) == (LinkState.STOPPED, "본인 중단", "planner")
        with pytest.raises(NotFound):
            get_link(repo, link)  # the corrected visit's links are its correction's now
        listed = {x.id: x for x in list_links(repo, AT)}
        assert link not in listed and listed[corrected].outcome is LinkState.STOPPED
        assert {x.id for x in links_of_household(repo, household_id)} >= {corrected}
