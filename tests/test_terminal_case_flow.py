"""A case followed over a working week in a real terminal (tmux), with keys alone: find a household,
record a visit that links a resource, later record that resource's outcome, then add a follow-up task
and close it. Afterwards the vault holds the visit with its resource, the outcome and the finished task."""

from __future__ import annotations

from pathlib import Path

import pytest

from chandong_tui.casework.links import links_of_household
from chandong_tui.model.enums import LinkState, TaskState
from tests.conftest import opened
from tests.terminal_support import (
    HEAD,
    RESOURCE,
    TASK_TITLE,
    Tmux,
    add_and_finish_task,
    app_command,
    needs_tmux,
    open_household,
    record_visit,
    sign_in,
    then_report_exit,
)

pytestmark = [needs_tmux, pytest.mark.timeout(180)]

OUTCOME_NOTE = "급여 결정 통지"


def test_a_visit_with_a_resource_its_outcome_later_and_a_task_closed(
    tmux: Tmux, tmp_path: Path, chandong_home: Path
) -> None:
    agency, service = RESOURCE
    vault = tmp_path / "demo"
    tmux.start(then_report_exit(app_command(vault, chandong_home)), width=100, height=30)
    sign_in(tmux)
    open_household(tmux)
    record_visit(tmux, with_resource=True)  # its resource waits for an outcome on the screen now
    tmux.keys("o")
    picked = tmux.wait_for("처리결과")
    if "어느 연계인가요?" in picked:  # the household has older links waiting: ours is the newest, last
        tmux.settle()
        tmux.keys("End", "Enter")
        tmux.wait_for(f"{agency} / {service} · 진행중")  # the form of our link
    tmux.settle()
    tmux.keys("Enter", "Down", "Enter")  # 처리결과: open the list, 진행중 → 제공, take it
    tmux.keys("Tab")  # 메모
    tmux.type(OUTCOME_NOTE)
    tmux.settle()
    tmux.keys("C-s")
    tmux.wait_for("저장됨")
    tmux.wait_gone(f"진행중   {agency} / {service}")  # no longer waiting
    tmux.wait_gone("저장됨", timeout=10)
    add_and_finish_task(tmux)
    tmux.keys("Escape", "C-q")
    assert "EXITED 0" in tmux.wait_for("EXITED")
    with opened(vault, "supervisor") as repo:
        (household,) = [h for h in repo.household_summaries() if h.head_name == HEAD]
        ours = [link for link in links_of_household(repo, household.id) if link.service == service]
        (task,) = [task for task in repo.tasks_of(household.id) if task.title == TASK_TITLE]
    assert [(link.agency, link.outcome, link.note, link.updated_by) for link in ours] == [
        (agency, LinkState.PROVIDED, OUTCOME_NOTE, "planner")
    ]
    assert task.state is TaskState.DONE
