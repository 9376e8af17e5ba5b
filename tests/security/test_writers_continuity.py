"""Issue 16, attack 8: deleting a device's newest chunk, or one in the middle, went unreported, and the
owning PC then reused the number. Now each device's files are chained (`vault/continuity.py`)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from chandong_tui.vault.chunks import CHUNK_NAME, read_header
from chandong_tui.vault.sync import sync_round
from chandong_tui.vault.verify import verify_vault
from tests.writers_support import attacker_device_key, forge, member_keys, on_pc, op, team_vault


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = team_vault(tmp_path, monkeypatch)
    with on_pc("nurse", root, monkeypatch, "nurse") as nurse:
        for n in range(1, 5):
            nurse.write("household", f"h-n{n}", {"address": f"노량진로 {n}"})
            nurse.publish()
    return root


def _nurse_chunks(root: Path, device: str) -> list[Path]:
    return sorted(p for p in (root / "devices" / device).iterdir() if CHUNK_NAME.match(p.name))


def _nurse_device(root: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    with on_pc("nurse", root, monkeypatch, "nurse") as nurse:
        return nurse.device


def _old(path: Path) -> None:
    """As if a sync tool delivered it long ago (a gap is not blamed on a copy still under way)."""
    past = time.time() - 3600
    os.utime(path, (past, past))


def test_a_deleted_middle_chunk_is_reported_by_sync_and_verify_on_a_new_pc(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outsider with write access to the share deletes one of the nurse's chunks in the middle: a new PC
    says which chunk of which device is missing, at sync and in `verify`."""
    device = _nurse_device(vault, monkeypatch)
    chunks = _nurse_chunks(vault, device)
    chunks[1].unlink()
    for path in chunks[2:]:
        _old(path)
    missing = int(CHUNK_NAME.match(chunks[1].name).group(1))  # type: ignore[union-attr]
    line = f"device {device}: chunk {missing} missing"
    with on_pc("new", vault, monkeypatch) as boss:
        assert any(line in p.reason for p in boss.problems), boss.problems
        assert any(line in p.reason for p in verify_vault(boss).problems)


def test_a_deleted_newest_chunk_is_reported_by_a_pc_that_read_it(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outsider deletes the nurse's newest chunk after the boss's PC read it: that PC's sync and verify
    say the device's newest chunk is gone."""
    device = _nurse_device(vault, monkeypatch)
    with on_pc("boss", vault, monkeypatch):
        pass  # reads everything
    newest = _nurse_chunks(vault, device)[-1]
    newest.unlink()
    seq = int(CHUNK_NAME.match(newest.name).group(1))  # type: ignore[union-attr]
    with on_pc("boss", vault, monkeypatch) as boss:
        round_ = sync_round(boss)
        assert any(f"device {device}" in p.reason and "gone" in p.reason for p in boss.problems), (
            boss.problems,
            round_,
        )
        report = verify_vault(boss)
        assert any(f"chunk {seq} gone" in p.reason for p in report.problems), report.problems


def test_the_owning_pc_never_reuses_a_published_number(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outsider deletes the nurse's newest chunk: the nurse's PC publishes its next chunk under a new
    number, naming the deleted one as its predecessor (readers see the gap, never a second chunk n)."""
    device = _nurse_device(vault, monkeypatch)
    newest = _nurse_chunks(vault, device)[-1]
    seq = int(CHUNK_NAME.match(newest.name).group(1))  # type: ignore[union-attr]
    last_op = read_header(newest.read_bytes())[0].last_op
    newest.unlink()
    for cache in (vault.parent.parent / "pc-nurse").rglob("cache.*"):
        cache.unlink()  # and the PC's cache lost too: its state folder's own mark still counts
    with on_pc("nurse", vault, monkeypatch, "nurse") as nurse:
        saved = nurse.write("household", "h-n9", {"address": "노량진로 9"})
        nurse.publish()
        assert nurse.own_chunk_seq == seq + 1
        assert int(saved.id.rsplit(".", 1)[1]) > last_op  # no op number reused either
    assert not (vault / "devices" / device / newest.name).exists()
    for path in _nurse_chunks(vault, device):
        _old(path)
    with on_pc("new", vault, monkeypatch) as boss:
        assert any(f"device {device}: chunk {seq} missing" in p.reason for p in boss.problems)


def test_a_replaced_chunk_is_reported(vault: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Malicious member (the planner) replaces the nurse's newest chunk, which the boss's PC read, by one
    of their own under the same number: the boss's PC reports the chunk replaced."""
    device = _nurse_device(vault, monkeypatch)
    with on_pc("boss", vault, monkeypatch):
        pass
    newest = _nurse_chunks(vault, device)[-1]
    seq = int(CHUNK_NAME.match(newest.name).group(1))  # type: ignore[union-attr]
    identity, keys = member_keys(vault, "planner")
    signer = attacker_device_key(vault, identity, device, tmp_path / "planner-pc")
    newest.unlink()
    forge(
        vault, device, seq, [op(device, 900, "planner", "household", "h-x", {"tong": 1})], keys[2], 2, signer
    )
    with on_pc("boss", vault, monkeypatch) as boss:
        sync_round(boss)
        assert any(
            f"device {device}: chunk {seq} is not the file this PC read" in p.reason for p in boss.problems
        )
        assert any("replaced" in p.reason for p in verify_vault(boss).problems)
