"""`chandong demo` in a real terminal (tmux): unlock, search and open a household with keys alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chandong_tui.casework.setup import DEMO_PASSPHRASE
from tests.terminal_support import Tmux, app_command, needs_tmux, then_report_exit, tmux_session

pytestmark = [needs_tmux, pytest.mark.timeout(120)]


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    yield from tmux_session()


def test_demo_in_a_real_terminal(tmux: Tmux, tmp_path: Path, chandong_home: Path) -> None:
    vault = tmp_path / "demo"
    tmux.start(then_report_exit(app_command(vault, chandong_home)))
    tmux.wait_for("사용자 ID", timeout=60)
    tmux.keys("planner", "Tab", DEMO_PASSPHRASE, "Enter")
    tmux.wait_for("내 업무")
    tmux.keys("l")
    listing = tmux.wait_for("200가구")
    assert "통-반" in listing
    tmux.keys("김철수")
    tmux.wait_for("1/200")
    tmux.keys("Enter")
    detail = tmux.wait_for("가구원")
    assert "김철수" in detail
    tmux.keys("Escape", "C-q")
    assert "EXITED 0" in tmux.wait_for("EXITED")
    from chandong_tui.vault.session import unlock

    with unlock(vault, "planner", DEMO_PASSPHRASE) as session:  # the app released its slot and closed cleanly
        assert session.device in {p.name for p in (vault / "devices").iterdir()}
