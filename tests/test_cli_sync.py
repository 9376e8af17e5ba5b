"""`chandong sync` and `chandong conflicts` on the demo vault, two PCs (state folders) on one folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chandong_tui.casework.conflicts import conflicts
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.model.records import Household
from chandong_tui.vault.accounts import unlock
from tests.conftest import main_in_process


@pytest.fixture(autouse=True)
def demo_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)


def on_pc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str) -> None:
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / f"pc-{name}"))


def change_owner(vault: Path, user: str, household_id: str, owner: str) -> None:
    """Save on this PC without publishing (the other PC cannot see it yet)."""
    session = unlock(vault, user, DEMO_PASSPHRASE)
    repo = CaseRepository(session)
    household = repo.household(household_id)
    assert household is not None
    repo.save(household.model_copy(update={"owner_id": owner}))
    session.close(publish=False)


def test_sync_publishes_and_takes_in_and_says_so(
    demo_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    on_pc(monkeypatch, tmp_path, "a")
    with unlock(demo_vault, "planner", DEMO_PASSPHRASE) as session:
        hid = CaseRepository(session).household_summaries()[0].id
    change_owner(demo_vault, "planner", hid, "nurse")
    assert main_in_process("sync", demo_vault.as_posix(), "--user", "planner", "--format", "json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["published"] >= 2 and out["waiting"] == 0 and out["problems"] == []  # the save and logins
    on_pc(monkeypatch, tmp_path, "b")
    assert main_in_process("sync", demo_vault.as_posix(), "--user", "nurse") == 0
    text = capsys.readouterr().out
    assert "took in" in text and "conflicts to review: 0" in text
    with unlock(demo_vault, "nurse", DEMO_PASSPHRASE) as session:
        household = CaseRepository(session).household(hid)
        assert household is not None and household.owner_id == "nurse"


def test_sync_refuses_a_folder_without_its_marker(
    demo_vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (demo_vault / "VAULT.json").rename(demo_vault.parent / "VAULT.json.aside")
    # refused (exit 4), as the README says
    assert main_in_process("sync", demo_vault.as_posix(), "--user", "planner") == 4
    assert "VAULT.json" in capsys.readouterr().err  # never initialised, one line


def test_concurrent_owner_changes_are_listed_and_resolved(
    demo_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    on_pc(monkeypatch, tmp_path, "a")
    with unlock(demo_vault, "supervisor", DEMO_PASSPHRASE) as session:
        hid = CaseRepository(session).household_summaries()[0].id
    change_owner(demo_vault, "supervisor", hid, "nurse")  # PC A, offline
    on_pc(monkeypatch, tmp_path, "b")
    change_owner(demo_vault, "supervisor", hid, "officer")  # PC B at the same time
    for name in ("a", "b", "a"):
        on_pc(monkeypatch, tmp_path, name)
        main_in_process("sync", demo_vault.as_posix(), "--user", "supervisor")
    capsys.readouterr()
    assert (
        main_in_process("conflicts", demo_vault.as_posix(), "--user", "supervisor", "--format", "json") == 0
    )
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["table"], listed["row"], listed["field"]) == ("household", hid, "owner_id")
    assert sorted(v["value"] for v in listed["values"]) == ["nurse", "officer"]
    keep = next(v["write_id"] for v in listed["values"] if v["value"] == "officer")
    args = (
        "conflicts",
        demo_vault.as_posix(),
        "--user",
        "supervisor",
        "--resolve",
        listed["key"],
        "--keep",
        keep,
    )
    capsys.readouterr()
    assert main_in_process(*args[:-1], "not-a-write") == 2  # a refusal, one line, no traceback
    refused = f"chandong: error: {listed['key']}: not-a-write is not one of its values\n"
    assert capsys.readouterr().err == refused
    assert main_in_process(*args) == 0
    for name in ("a", "b"):
        on_pc(monkeypatch, tmp_path, name)
        main_in_process("sync", demo_vault.as_posix(), "--user", "supervisor")
        with unlock(demo_vault, "supervisor", DEMO_PASSPHRASE) as session:
            repo = CaseRepository(session)
            assert conflicts(repo) == []
            stored = repo.get(Household, hid)
            assert stored is not None and stored.owner_id == "officer"


def test_new_device_is_refused_where_nothing_was_cloned(
    demo_vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main_in_process("sync", demo_vault.as_posix(), "--user", "planner", "--new-device") == 2
    assert "publishes normally" in capsys.readouterr().err
