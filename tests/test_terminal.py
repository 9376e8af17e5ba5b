"""`chandong demo` in a real terminal (tmux): unlock, search and open a household, record a visit and
raise a crisis flag, with keys alone; the vault holds both afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from chandong_tui.casework.setup import DEMO_PASSPHRASE
from tests.terminal_support import (
    Tmux,
    app_command,
    needs_tmux,
    open_household,
    sign_in,
    then_report_exit,
    visit_and_flag_with_keys_alone,
)

pytestmark = [needs_tmux, pytest.mark.timeout(120)]


def test_demo_in_a_real_terminal(tmux: Tmux, tmp_path: Path, chandong_home: Path) -> None:
    vault = tmp_path / "demo"
    tmux.start(then_report_exit(app_command(vault, chandong_home)))
    sign_in(tmux)
    open_household(tmux)
    tmux.keys("Escape", "C-q")
    assert "EXITED 0" in tmux.wait_for("EXITED")
    from chandong_tui.vault.accounts import unlock

    with unlock(vault, "planner", DEMO_PASSPHRASE) as session:  # the app released its slot and closed cleanly
        assert session.device in {p.name for p in (vault / "devices").iterdir()}


def test_visit_and_flag_with_keys_alone(tmux: Tmux, tmp_path: Path, chandong_home: Path) -> None:
    vault = tmp_path / "demo"
    visit_and_flag_with_keys_alone(tmux, app_command(vault, chandong_home), vault)
