"""Issue 16, attack 2 (snapshots): a planted snapshot, chosen as "newest" by the count its writer put in
its name, hid every crisis flag on a new PC, and `verify` skipped snapshots. Now a snapshot is signed,
its signer must be a member now, it names what it covers and is checked against the folder before use
(`vault/snapshots.py`), and `verify` checks every one."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from chandong_tui.vault import snapshots
from chandong_tui.vault.chunks import ChunkHeader, write_chunk
from chandong_tui.vault.keyring import Identity
from chandong_tui.vault.share_files import snapshot_name
from chandong_tui.vault.verify import verify_vault
from tests.writers_support import (
    attacker_device_key,
    member_keys,
    new_device,
    officer_keys,
    on_pc,
    team_vault,
)

EMPTY = {
    "_meta": {"state": {"chunks": {}}},
    "crisis_flag": {},
    "household": {"h-1": {"address": "가짜", "_c": []}},
}


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(snapshots, "SNAPSHOT_EVERY_OPS", 1)
    return team_vault(tmp_path, monkeypatch)


def _plant(root: Path, identity: Identity, scratch: Path, key: bytes, epoch: int, covers: dict) -> Path:  # type: ignore[type-arg]
    """A snapshot with the highest count in its name, signed by `identity` from a new device."""
    device = new_device()
    folder = root / "devices" / device
    folder.mkdir(parents=True)
    signer = attacker_device_key(root, identity, device, scratch)
    vault_id = orjson.loads((root / "VAULT.json").read_bytes())["vault_id"]
    header = ChunkHeader(vault_id, device, 999_999_999, "snapshot", epoch, 0, 0, covers=covers)
    name = snapshot_name(999_999_999)
    return write_chunk(folder, header, orjson.dumps(EMPTY), key, name=name, signer=signer)


def _new_pc_sees_the_flag(root: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> tuple[str, str]:
    with on_pc(name, root, monkeypatch, "nurse") as nurse:
        flag = nurse.table("crisis_flag").get_row("f-1")
        household = nurse.table("household").get_row("h-1")
        assert flag is not None and household is not None, nurse.bootstrapped_from
        return household["address"], nurse.bootstrapped_from


def test_a_removed_members_snapshot_is_not_used(
    vault: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Removed member (the officer, key of epoch 1) plants a signed snapshot with the highest count in its
    name, without the crisis flag and with another address: a nurse's new PC does not start from it,
    and `verify` names it."""
    identity, keys = officer_keys(vault)
    path = _plant(vault, identity, tmp_path / "officer-pc", keys[1], 1, {})
    address, started = _new_pc_sees_the_flag(vault, monkeypatch, "nurse-new")
    assert address == "상도로 1" and path.name not in started
    with on_pc("boss", vault, monkeypatch) as boss:
        assert any(
            path.name in p.path and "snapshot refused" in p.reason for p in verify_vault(boss).problems
        )


def test_a_members_snapshot_claiming_chunks_that_do_not_exist_is_refused(
    vault: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Malicious member (the planner) signs a snapshot that claims to cover far more of the boss's device
    than exists, to be taken as the newest: it is checked against the folder and refused."""
    with on_pc("boss", vault, monkeypatch) as boss:
        boss_device = boss.device
    identity, keys = member_keys(vault, "planner")
    path = _plant(vault, identity, tmp_path / "planner-pc", keys[2], 2, {boss_device: [10_000, "0" * 64]})
    address, started = _new_pc_sees_the_flag(vault, monkeypatch, "nurse-new")
    assert address == "상도로 1" and path.name not in started
    with on_pc("boss", vault, monkeypatch) as boss:
        problems = verify_vault(boss).problems
    assert any(path.name in p.path and "does not hold" in p.reason for p in problems), problems


def test_a_genuine_snapshot_is_signed_checked_and_used(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The snapshot a member's PC writes names what it covers, verifies, and starts a new PC."""
    (snap,) = snapshots.snapshots(snapshots_info(vault, monkeypatch))
    address, started = _new_pc_sees_the_flag(vault, monkeypatch, "nurse-new")
    assert started.endswith(snap.path.name) and address == "상도로 1"
    with on_pc("boss", vault, monkeypatch) as boss:
        report = verify_vault(boss)
    assert report.ok and report.snapshots >= 1, report.problems


def snapshots_info(root: Path, monkeypatch: pytest.MonkeyPatch):
    with on_pc("boss", root, monkeypatch) as boss:
        return boss.info


def test_a_snapshot_of_before_a_removal_is_a_note_not_a_problem(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A genuine snapshot written before an admin removed a member is in an older key epoch: new PCs do
    not start from it, and `verify` notes it without calling the vault damaged."""
    from chandong_tui.vault.accounts import remove_user

    with on_pc("boss", vault, monkeypatch) as boss:
        monkeypatch.setattr(snapshots, "SNAPSHOT_EVERY_OPS", 10**9)
        remove_user(boss, "planner")
    with on_pc("boss", vault, monkeypatch) as boss:
        report = verify_vault(boss)
    assert report.ok, report.problems
    assert any("older snapshot" in n.reason for n in report.notes), report.notes
