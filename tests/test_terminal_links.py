"""Following a link up in a real terminal (tmux), with keys alone: sign in, find and open a household,
`o` on a resource still 진행중, pick 제공 with a note, save; the timeline says so, and after quitting
the vault holds the outcome (a new outcome record, published)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chandong_tui.casework.links import links_of_household
from chandong_tui.model.enums import LinkState
from tests.conftest import opened
from tests.terminal_support import (
    HEAD,
    Tmux,
    app_command,
    needs_tmux,
    open_household,
    sign_in,
    then_report_exit,
)

pytestmark = [needs_tmux, pytest.mark.timeout(120)]

NOTE = "결정 통지 받음"


def head_household(vault: Path) -> str:
    with opened(vault, "planner") as repo:
        (household,) = [h for h in repo.household_summaries() if h.head_name == HEAD]
        return household.id


def test_a_links_outcome_with_keys_alone(tmux: Tmux, tmp_path: Path, chandong_home: Path) -> None:
    vault = tmp_path / "demo"
    tmux.start(then_report_exit(app_command(vault, chandong_home)), width=100, height=30)
    tmux.wait_for("사용자 ID", timeout=60)  # the demo vault is built (and closed) by now
    household_id = head_household(vault)
    with opened(vault, "planner") as repo:
        waiting = sorted(
            (link for link in links_of_household(repo, household_id) if link.awaiting),
            key=lambda link: (link.since(), link.id),
        )
    assert waiting, "the demo household has a link still 진행중"
    sign_in(tmux)
    detail = open_household(tmux)
    assert "처리결과 대기 연계" in detail and waiting[0].service in detail
    tmux.keys("o")
    if len(waiting) > 1:
        tmux.wait_for("어느 연계인가요?")
        tmux.keys("Enter")  # the one waiting longest, first in the list
    tmux.wait_for("처리결과 ·")
    tmux.settle()
    tmux.keys("Enter", "Down", "Enter")  # 처리결과: open the list, 진행중 → 제공, take it
    tmux.keys("Tab")  # 메모
    tmux.type(NOTE)
    tmux.settle()
    tmux.keys("C-s")
    tmux.wait_for("저장됨")
    tmux.wait_gone(f"진행중   {waiting[0].agency} / {waiting[0].service}")  # no longer waiting
    tmux.keys("PageDown")  # the timeline, below the sections
    tmux.wait_for(f"{waiting[0].service} → {LinkState.PROVIDED.ko} · {NOTE}")  # on the timeline
    tmux.keys("Escape", "C-q")
    assert "EXITED 0" in tmux.wait_for("EXITED")
    with opened(vault, "supervisor") as repo:
        (found,) = [link for link in links_of_household(repo, household_id) if link.id == waiting[0].id]
        assert (found.outcome, found.note, found.updated_by) == (LinkState.PROVIDED, NOTE, "planner")
        assert repo.session.carried_over == 0  # published on the way out
