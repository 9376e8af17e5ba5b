"""A day's case work in a real terminal (tmux), with keys alone: find a household, record a visit,
add a follow-up task, then mark it done; the vault holds the visit and the finished task afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.model.enums import TaskState, TaskStep
from tests.terminal_support import (
    HEAD,
    TASK_NOTE,
    TASK_TITLE,
    VISIT_NOTE,
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


def test_find_a_household_record_a_visit_add_a_task_and_finish_it(
    tmux: Tmux, tmp_path: Path, chandong_home: Path
) -> None:
    vault = tmp_path / "demo"
    tmux.start(then_report_exit(app_command(vault, chandong_home)))
    sign_in(tmux)
    open_household(tmux)
    record_visit(tmux)
    add_and_finish_task(tmux)
    tmux.keys("Escape", "C-q")
    assert "EXITED 0" in tmux.wait_for("EXITED")
    from chandong_tui.vault.accounts import unlock

    with unlock(vault, "planner", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        (household,) = [h for h in repo.household_summaries() if h.head_name == HEAD]
        notes = [v.note for v in repo.visits_of(household.id)]
        (task,) = repo.tasks_of(household.id)
    assert VISIT_NOTE in notes
    assert (task.title, task.owner_id, task.state, task.created_by) == (
        TASK_TITLE,
        "planner",
        TaskState.DONE,
        "planner",
    )
    assert [(e.step, e.actor_id, e.note) for e in task.history] == [(TaskStep.DONE, "planner", TASK_NOTE)]
