"""Each worker's own next-visit clock: a nurse's health-visit rhythm and a planner's visit rhythm on
one household are two clocks, each on its worker's 내 업무 (whoever owns the case); "다음 방문 없음"
with a reason stops only that worker's clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from chandong_tui.casework.actions import record_visit
from chandong_tui.casework.clock import KST
from chandong_tui.casework.my_work import my_work
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import Role, TargetGroup, VisitKind
from chandong_tui.model.records import Visit, Worker
from tests.casework_support import quiet_planner_case
from tests.conftest import opened

AT = dt.datetime(2026, 11, 3, 10, 40, tzinfo=KST)
TODAY = AT.date()


def visit(
    repo: CaseRepository, household_id: str, days_ago: int, due_in: int | None, reason: str = ""
) -> Visit:
    """A visit by the signed-in worker `days_ago` days before today, next due `due_in` days after it."""
    day = TODAY - dt.timedelta(days=days_ago)
    data: dict[str, object] = {
        "household_id": household_id,
        "visited_on": day.isoformat(),
        "visit_kind": VisitKind.HEALTH if repo.role == "visiting_nurse" else VisitKind.REGULAR,
        "target_group": TargetGroup.ELDERLY,
        "note": "방문",
    }
    if due_in is not None:
        data["next_visit_due"] = (day + dt.timedelta(days=due_in)).isoformat()
    if reason:
        data["no_next_visit_reason"] = reason
    return record_visit(repo, data, at=AT)


def unvisited_by_nurse(repo: CaseRepository) -> list[str]:
    """Open planner cases the nurse never visited (so her clock there is only what a test sets)."""
    return [
        s.id
        for s in repo.household_summaries()
        if s.owner_id == "planner"
        and s.status == "open"
        and all(v.worker_id != "nurse" for v in repo.visits_of(s.id))
    ]


def due_for(vault: Path, user: str) -> dict[str, dt.date]:
    with opened(vault, user) as repo:
        return {d.household.id: d.due_on for d in my_work(repo, AT).visits_due}


def test_a_nurse_and_a_planner_keep_separate_clocks_on_one_household(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household_id = unvisited_by_nurse(repo)[0]
        visit(repo, household_id, days_ago=1, due_in=30)  # the planner's next visit: not yet due
    with opened(demo_vault, "nurse") as repo:
        assert repo.household(household_id).owner_id == "planner"  # type: ignore[union-attr]
        visit(repo, household_id, days_ago=20, due_in=14)  # the nurse's: due six days ago
    nurse, planner = due_for(demo_vault, "nurse"), due_for(demo_vault, "planner")
    assert nurse[household_id] == TODAY - dt.timedelta(days=6)  # on the nurse's 내 업무, not her case
    assert household_id not in planner  # the nurse's later visit does not move the planner's clock
    with opened(demo_vault, "supervisor") as repo:
        whole = {(d.household.id, d.worker_id): d.due_on for d in my_work(repo, AT).visits_due}
    assert whole[(household_id, "nurse")] == TODAY - dt.timedelta(days=6)
    assert (household_id, "planner") not in whole


def test_a_nurse_sees_every_household_she_set_a_visit_for(demo_vault: Path) -> None:
    """Not only the one she owns: each household she visited with a due date past is hers to visit."""
    with opened(demo_vault, "nurse") as repo:
        others = unvisited_by_nurse(repo)
        for household_id in others[:5]:
            visit(repo, household_id, days_ago=40, due_in=30)
    due = due_for(demo_vault, "nurse")
    assert {h: due[h] for h in others[:5]} == dict.fromkeys(others[:5], TODAY - dt.timedelta(days=10))


def test_no_next_visit_with_a_reason_stops_only_that_workers_clock(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household_id = unvisited_by_nurse(repo)[0]
        visit(repo, household_id, days_ago=40, due_in=30)
    with opened(demo_vault, "nurse") as repo:
        visit(repo, household_id, days_ago=40, due_in=30)
    assert household_id in due_for(demo_vault, "nurse") and household_id in due_for(demo_vault, "planner")
    with opened(demo_vault, "nurse") as repo:
        stored = visit(repo, household_id, days_ago=0, due_in=None, reason="혈압 안정, 간호 종료")
    assert (stored.next_visit_due, stored.no_next_visit_reason) == (None, "혈압 안정, 간호 종료")
    assert household_id not in due_for(demo_vault, "nurse")
    assert due_for(demo_vault, "planner")[household_id] == TODAY - dt.timedelta(days=10)


def test_a_due_date_and_no_next_visit_together_are_refused(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household_id = quiet_planner_case(repo)
        with pytest.raises(ValidationError) as caught:
            visit(repo, household_id, days_ago=0, due_in=30, reason="전출 예정")
        assert caught.value.errors()[0]["type"] == "next_visit_both"
        assert all(v.note != "방문" for v in repo.visits_of(household_id))


def test_a_second_planner_visiting_takes_the_planner_clock_over(demo_vault: Path) -> None:
    """Clocks are per household and role: the latest planner visit sets the planner clock, for the
    planner who made it; the nurse's clock on the same household stays hers."""
    with opened(demo_vault, "planner") as repo:
        household_id = unvisited_by_nurse(repo)[0]
        visit(repo, household_id, days_ago=40, due_in=30)
    with opened(demo_vault, "nurse") as repo:
        visit(repo, household_id, days_ago=30, due_in=20)
    later = Visit(
        id="v-planner2",
        household_id=household_id,
        worker_id="planner2",
        visited_on=TODAY - dt.timedelta(days=5),
        visit_kind=VisitKind.REGULAR,
        target_group=TargetGroup.ELDERLY,
        next_visit_due=TODAY - dt.timedelta(days=1),
    )
    with opened(demo_vault, "supervisor") as repo:
        dong = repo.dong()
        assert dong is not None
        repo.save(Worker(id="planner2", name="김둘째", role=Role.WELFARE_PLANNER, dong_code=dong.id))
        repo.save(later)
        whole = {(d.household.id, d.worker_id): d.due_on for d in my_work(repo, AT).visits_due}
    assert whole[(household_id, "nurse")] == TODAY - dt.timedelta(days=10)
    assert whole[(household_id, "planner2")] == TODAY - dt.timedelta(days=1)
    assert (household_id, "planner") not in whole  # her clock passed to the planner who came later
    assert household_id not in due_for(demo_vault, "planner")
