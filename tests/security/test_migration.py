"""Issue 16, migration: a vault made by the code before the membership history (tests/data/
legacy_vault, see its README) opens and is upgraded once by an admin."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chandong_tui.vault import upgrade
from chandong_tui.vault.accounts import remove_user, unlock
from chandong_tui.vault.errors import AuthError, BadInput
from chandong_tui.vault.members import NotUpgraded
from chandong_tui.vault.verify import verify_vault
from tests.conftest import REPO, main_in_process

LEGACY = REPO / "tests" / "data" / "legacy_vault"
PASS = "legacy-vault-2026"
HOUSEHOLD = "h-9072b3c7a1a94aa9"


@pytest.fixture
def legacy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(LEGACY, root)
    monkeypatch.setenv("CHANDONG_PASSPHRASE", PASS)
    return root


def test_a_worker_is_told_to_wait_for_the_upgrade(legacy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before the upgrade: one clear line for everyone (the old keyring is not trusted)."""
    with pytest.raises(NotUpgraded):
        unlock(legacy, "planner", PASS)
    assert main_in_process("verify", str(legacy), "--user", "planner") == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "chandong upgrade" in err[0]


def test_only_a_supervisor_upgrades(legacy: Path) -> None:
    with pytest.raises(AuthError):
        upgrade.upgrade_vault(legacy, "planner", PASS)
    with pytest.raises(AuthError):
        upgrade.upgrade_vault(legacy, "officer", PASS)  # removed before the upgrade
    assert not (legacy / "members").exists()


def test_the_upgrade_carries_the_members_and_says_what_changed(
    legacy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []

    def step(context: upgrade.UpgradeContext) -> str:
        seen.append(len(context.keys))
        return "a further step ran"

    monkeypatch.setattr(upgrade, "UPGRADE_STEPS", [step])
    assert main_in_process("upgrade", str(legacy), "--user", "supervisor") == 0
    err = capsys.readouterr().err
    assert "members, roles and keys now come only from a signed history" in err
    assert "3 member(s), 1 removed login(s), key epoch 2" in err
    assert "fingerprint " in err and "a further step ran" in err
    assert seen == [2]
    with unlock(legacy, "planner", PASS) as planner:
        assert planner.table("household").get_row(HOUSEHOLD) is not None
        assert planner.epoch == 2 and planner.role == "welfare_planner"
    with pytest.raises(AuthError):
        unlock(legacy, "officer", PASS)
    with unlock(legacy, "supervisor", PASS) as admin:
        report = verify_vault(admin)
        assert report.ok, report.problems
        assert any(n.path == "README.md" for n in report.notes)  # the test data's own README is left alone
        remove_user(admin, "nurse")  # and the new features work on it
    with pytest.raises(BadInput):
        upgrade.upgrade_vault(legacy, "supervisor", PASS)
    with pytest.raises(AuthError):
        unlock(legacy, "nurse", PASS)
