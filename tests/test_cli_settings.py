"""`chandong settings`: the deadline clocks a dong team sets for itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from chandong_tui.casework.deadlines import settings_of
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.model.enums import HouseholdTag
from tests.conftest import main_in_process, opened


@pytest.fixture(autouse=True)
def demo_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)


def test_a_supervisor_sets_next_visit_days_and_escalation(
    demo_vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = demo_vault.as_posix()
    args = ("--next-visit", "elderly_alone=21", "--escalation-days", "5", "--user", "supervisor")
    assert main_in_process("settings", vault, *args) == 0
    out = capsys.readouterr().out
    assert "next_visit_days.elderly_alone\t21\tvault" in out and "handoff_escalation_working_days\t5" in out
    with opened(demo_vault, "planner") as repo:
        settings = settings_of(repo)
        assert settings.next_visit_days == {HouseholdTag.ELDERLY_ALONE: 21}
        assert settings.handoff_escalation_working_days == 5
    assert (
        main_in_process("settings", vault, "--next-visit", "elderly_alone=default", "--user", "supervisor")
        == 0
    )
    assert "next_visit_days.elderly_alone\t30\tdefault" in capsys.readouterr().out


def test_bad_values_and_other_roles_are_refused(demo_vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vault = demo_vault.as_posix()
    assert main_in_process("settings", vault, "--next-visit", "elderly_alone=0", "--user", "supervisor") == 2
    assert "greater than or equal to 1" in capsys.readouterr().err
    assert main_in_process("settings", vault, "--next-visit", "nobody=3", "--user", "supervisor") == 2
    assert "unknown household tag" in capsys.readouterr().err
    assert main_in_process("settings", vault, "--escalation-days", "2", "--user", "planner") == 3
    assert main_in_process("settings", vault, "--user", "planner") == 0  # anyone may read them
    with opened(demo_vault, "supervisor") as repo:
        assert settings_of(repo).handoff_escalation_working_days == 3
