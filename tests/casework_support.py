"""Casework helpers shared by test modules: picking a demo case, adding a task."""

from __future__ import annotations

import datetime as dt

from chandong_tui.casework.handoffs import waiting_handoff_of
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.records import Task


def quiet_planner_case(repo: CaseRepository, skip: tuple[str, ...] = ()) -> str:
    """An open household of the planner with no hand-off waiting."""
    for summary in repo.household_summaries():
        if (
            summary.owner_id == "planner"
            and summary.status == "open"
            and summary.id not in skip
            and waiting_handoff_of(repo, summary.id) is None
        ):
            return summary.id
    raise AssertionError("the demo has open planner cases")


def add_task(repo: CaseRepository, household_id: str, owner: str, task_id: str) -> Task:
    task = Task(
        id=task_id,
        title="방문 후 서비스 연계 확인",
        owner_id=owner,
        due_on=dt.date(2026, 11, 10),
        household_id=household_id,
    )
    repo.save(task)
    return task
