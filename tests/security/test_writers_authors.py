"""Issue 16, attack 2: anyone holding an epoch's key wrote history under any name. Now every file is
signed by a device key its user certifies, a reader takes it only from a member of its epoch, and an
op's author is its signer (`vault/writers.py`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chandong_tui.vault.accounts import remove_user
from chandong_tui.vault.verify import verify_vault
from tests.writers_support import (
    OutsiderKey,
    attacker_device_key,
    forge,
    member_keys,
    new_device,
    officer_keys,
    on_pc,
    op,
    team_vault,
)


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return team_vault(tmp_path, monkeypatch)


def _flag(root: Path, monkeypatch: pytest.MonkeyPatch, pc: str) -> dict[str, object]:
    with on_pc(pc, root, monkeypatch, "nurse") as nurse:
        row = nurse.table("crisis_flag").get_row("f-1")
        assert row is not None
        return dict(row)


def test_removed_member_closes_a_crisis_flag_unsigned_from_a_new_device(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Removed member (the officer, with the key of epoch 1) writes an unsigned chunk from a new device
    folder closing the crisis flag as `supervisor`: a new PC does not apply it, and `verify` names it."""
    _identity, keys = officer_keys(vault)
    device = new_device()
    closing = op(device, 1, "boss", "crisis_flag", "f-1", {"status": "closed", "level": "watch"})
    path = forge(vault, device, 1, [closing], keys[1], 1)
    assert _flag(vault, monkeypatch, "nurse-new")["status"] == "open"
    with on_pc("boss", vault, monkeypatch) as boss:
        report = verify_vault(boss)
        assert any(path.name in p.path and "forged" in p.reason for p in report.problems), report.problems


def test_removed_member_signs_as_themselves_but_claims_the_supervisor(
    vault: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Removed member signs the chunk with a device key they certified, the op's actor text saying
    `boss`: refused and reported (the author is the signer; and a removed user's files are read only
    when certified at the removal)."""
    identity, keys = officer_keys(vault)
    device = new_device()
    signer = attacker_device_key(vault, identity, device, tmp_path / "officer-pc")
    closing = op(device, 1, "boss", "crisis_flag", "f-1", {"status": "closed"})
    path = forge(vault, device, 1, [closing], keys[1], 1, signer=signer)
    with on_pc("nurse", vault, monkeypatch, "nurse") as nurse:
        assert nurse.table("crisis_flag").get_row("f-1")["status"] == "open"
        refused = [p.reason for p in nurse.problems if path.name in p.path]
        assert refused and ("forged author" in refused[0] or "removed from the vault" in refused[0]), refused


def test_removed_member_cannot_write_in_the_epoch_they_were_removed_from(
    vault: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Removed member signs a chunk in the newest epoch (say they learnt its key from a copy): they hold
    no grant of it, so it is refused whatever it says."""
    identity, _keys = officer_keys(vault)
    _boss, boss_keys = member_keys(vault, "boss")
    device = new_device()
    signer = attacker_device_key(vault, identity, device, tmp_path / "officer-pc")
    closing = op(device, 1, "officer", "crisis_flag", "f-1", {"status": "closed"})
    forge(vault, device, 1, [closing], boss_keys[2], 2, signer=signer)
    assert _flag(vault, monkeypatch, "nurse-new")["status"] == "open"


def test_outsider_certifies_a_key_nobody_granted(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outsider with write access to the share and a vault key (leaked) signs with a key of their own,
    certified by a signing key no grant names: refused."""
    _boss, keys = member_keys(vault, "boss")
    device = new_device()
    closing = op(device, 1, "boss", "crisis_flag", "f-1", {"status": "closed"})
    path = forge(vault, device, 1, [closing], keys[2], 2, signer=OutsiderKey(vault, device, "boss"))
    with on_pc("nurse", vault, monkeypatch, "nurse") as nurse:
        assert nurse.table("crisis_flag").get_row("f-1")["status"] == "open"
        assert any(path.name in p.path and "certificate" in p.reason for p in nurse.problems)


def test_malicious_member_writes_as_another_member(
    vault: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Malicious member (the planner) signs a chunk whose op says the nurse wrote it: refused; the same
    op under the planner's own name is taken, and shows the planner as its author."""
    identity, keys = member_keys(vault, "planner")
    device = new_device()
    signer = attacker_device_key(vault, identity, device, tmp_path / "planner-pc")
    forged = op(device, 1, "nurse", "household", "h-1", {"address": "다른 주소 9"})
    forge(vault, device, 1, [forged], keys[2], 2, signer=signer)
    with on_pc("boss", vault, monkeypatch) as boss:
        assert boss.table("household").get_row("h-1")["address"] == "상도로 1"
        assert any("forged author" in p.reason for p in verify_vault(boss).problems)


def test_removed_member_signing_as_themselves_in_their_old_epoch_is_refused(
    vault: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Removed member (the officer) signs, as themselves, a chunk of epoch 1 (which they were a member
    of) closing the flag: files of a removed user are read only when an admin certified them at the
    removal, so it is refused and reported."""
    identity, keys = officer_keys(vault)
    device = new_device()
    signer = attacker_device_key(vault, identity, device, tmp_path / "officer-pc")
    closing = op(device, 1, "officer", "crisis_flag", "f-1", {"status": "closed"})
    path = forge(vault, device, 1, [closing], keys[1], 1, signer=signer)
    assert _flag(vault, monkeypatch, "nurse-new")["status"] == "open"
    with on_pc("boss", vault, monkeypatch) as boss:
        problems = verify_vault(boss).problems
    assert any(path.name in p.path and "removed from the vault" in p.reason for p in problems), problems


def test_what_a_member_wrote_before_their_removal_is_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The planner's saves, published before an admin removed them, stay readable on a new PC: the
    removal certified them."""
    root = team_vault(tmp_path, monkeypatch)
    with on_pc("planner", root, monkeypatch, "planner") as planner:
        planner.write("household", "h-p", {"address": "장승배기로 5"})
    with on_pc("boss", root, monkeypatch) as boss:
        remove_user(boss, "planner")
    with on_pc("nurse-new", root, monkeypatch, "nurse") as nurse:
        assert nurse.table("household").get_row("h-p")["address"] == "장승배기로 5"
        assert not [p for p in nurse.problems if "removed" in p.reason]
