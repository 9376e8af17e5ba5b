"""Faults of a shared folder, one test each: a clear report, nothing lost, nothing of others touched.

Each PC is a `CHANDONG_HOME` of its own (its device id, outbox and cache) on one vault folder.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from chandong_tui.casework.audit import all_events, verify_log
from chandong_tui.vault import session as session_module
from chandong_tui.vault.accounts import create_vault
from chandong_tui.vault.cache import visible
from chandong_tui.vault.chunks import CHUNK_NAME
from chandong_tui.vault.errors import BadInput
from chandong_tui.vault.new_device import move_to_new_device
from chandong_tui.vault.session import VaultSession
from chandong_tui.vault.sync import collect, sync_round
from chandong_tui.vault.verify import verify_vault
from tests.conftest import PASSPHRASE
from tests.share_support import DONG, pc, shared_vault


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return shared_vault(tmp_path, monkeypatch)


def row(session: VaultSession, table: str, row_id: str) -> dict[str, object] | None:
    doc = session.table(table).get_row(row_id)
    return visible(doc) if doc else None


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def untouched(root: Path, before: dict[str, bytes]) -> bool:
    """Every file that was there is still there, byte for byte (PCs add files of their own)."""
    now = files_of(root)
    return {name: now.get(name) for name in before} == before


def chunks_of(root: Path, device: str) -> list[Path]:
    return sorted(p for p in (root / "devices" / device).iterdir() if CHUNK_NAME.match(p.name))


def test_share_gone_keeps_saves_and_publishes_them_when_it_is_back(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = vault.parent / "unmounted"
    with pc("a", vault, monkeypatch) as a:
        a.write("household", "h1", {"tong": 1})
        vault.rename(elsewhere)  # the share is unmounted: its mount point is an empty folder
        vault.mkdir()
        a.write("household", "h1", {"tong": 2})
        result = sync_round(a)
        assert "VAULT.json is missing" in result.refused and result.waiting >= 2
        assert list(vault.iterdir()) == []  # nothing created in the empty mount point
        vault.rmdir()
        elsewhere.rename(vault)  # mounted again
        result = sync_round(a)
        assert not result.refused and result.published >= 2 and result.waiting == 0
    with pc("b", vault, monkeypatch) as b:
        assert row(b, "household", "h1") == {"tong": 2}


def test_share_unreachable_while_writing_reports_offline_and_loses_nothing(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An SMB share that stops answering (EIO on write) cannot be made here: the chunk writer raises it."""
    real_write = session_module.write_chunk

    def unreachable(*_args: object, **_kwargs: object) -> Path:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    with pc("a", vault, monkeypatch) as a:
        a.write("household", "h1", {"tong": 7})
        monkeypatch.setattr(session_module, "write_chunk", unreachable)
        result = sync_round(a)
        assert "unreachable" in result.offline and result.waiting >= 1
        monkeypatch.setattr(session_module, "write_chunk", real_write)
        assert sync_round(a).published >= 1
    with pc("b", vault, monkeypatch) as b:
        assert row(b, "household", "h1") == {"tong": 7}


def test_half_copied_chunk_is_pending_then_taken_in_once_complete(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pc("b", vault, monkeypatch) as b:
        pass  # PC B has read the vault once
    with pc("a", vault, monkeypatch) as a:
        a.write("household", "h1", {"tong": 3})
        a.publish()
        chunk = chunks_of(vault, a.device)[-1]
    whole = chunk.read_bytes()
    chunk.write_bytes(whole[: len(whole) // 2])  # what a sync tool shows mid-copy
    with pc("b", vault, monkeypatch) as b:
        rel = str(chunk.relative_to(vault))
        assert b.pending == [rel] and row(b, "household", "h1") is None and not b.problems
        chunk.write_bytes(whole)
        result = sync_round(b)
        assert result.ingest.chunks == 1 and b.pending == [] and row(b, "household", "h1") == {"tong": 3}


@pytest.mark.parametrize(
    "copy_name",
    [
        "{seq}.sync-conflict-20261207-101010-ABCDEFG.chunk",  # Syncthing
        "{seq} (conflicted copy 2026-12-07 101010).chunk",  # Nextcloud / Dropbox
        "{seq}-DESKTOP-7H2K.chunk",  # OneDrive
    ],
)
def test_conflict_copies_are_verified_ingested_once_and_left_in_place(
    vault: Path, monkeypatch: pytest.MonkeyPatch, copy_name: str
) -> None:
    with pc("a", vault, monkeypatch) as a:
        a.write("household", "h1", {"tong": 1})
        a.publish()
        a.write("household", "h2", {"tong": 2})
        a.publish()
        last = chunks_of(vault, a.device)[-1]
        seq = CHUNK_NAME.match(last.name).group(1)  # type: ignore[union-attr]
    copy = last.with_name(copy_name.format(seq=seq))
    last.rename(copy)  # only the sync tool's copy arrived
    tampered = last.with_name(copy_name.format(seq="0000000001"))
    data = bytearray(chunks_of(vault, a.device)[0].read_bytes())
    data[-5] ^= 1
    tampered.write_bytes(bytes(data))
    before = files_of(vault)
    with pc("b", vault, monkeypatch) as b:
        report = b.last_ingest
        assert row(b, "household", "h2") == {"tong": 2}  # taken in from the copy
        notes = {p.path: p.reason for p in report.copies}
        assert "verified" in notes[str(copy.relative_to(vault))]
        assert "does not verify" in notes[str(tampered.relative_to(vault))]
        again = sync_round(b).ingest
        assert [p.path for p in again.copies] == [str(tampered.relative_to(vault))]  # the good one: once
    assert untouched(vault, before)  # nothing moved, changed or deleted


def test_foreign_files_are_left_alone_and_do_not_disturb(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pc("a", vault, monkeypatch) as a:
        a.write("household", "h1", {"tong": 1})
        a.publish()
        folder = vault / "devices" / a.device
    for path in (
        vault / "desktop.ini",
        vault / "devices" / "Thumbs.db",
        folder / "~$보고서.xlsx",
        folder / ".DS_Store",
    ):
        path.write_bytes(b"\x00not ours")
    before = files_of(vault)
    with pc("b", vault, monkeypatch) as b:
        assert row(b, "household", "h1") == {"tong": 1} and not b.problems
        result = sync_round(b)
        assert {"devices/Thumbs.db", f"devices/{a.device}/.DS_Store"} <= set(result.ingest.foreign)
        assert verify_vault(b).ok
    assert untouched(vault, before)


def test_tampered_and_foreign_vault_chunks_are_reported_skipped_and_kept(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other-vault"
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "pc-other"))
    with create_vault(other, DONG, "boss", PASSPHRASE) as stranger:
        stranger.write("household", "x1", {"tong": 9})
        stranger.publish()
        (stray,) = chunks_of(other, stranger.device)
    with pc("a", vault, monkeypatch) as a:
        a.write("household", "h1", {"tong": 1})
        a.publish()
        folder = vault / "devices" / a.device
        planted = folder / f"{int(chunks_of(vault, a.device)[-1].name[:10]) + 5:010d}.chunk"
    shutil.copy(stray, planted)
    before = files_of(vault)
    with pc("b", vault, monkeypatch) as b:
        assert row(b, "household", "h1") == {"tong": 1} and row(b, "household", "x1") is None
        assert any(p.path.endswith(planted.name) and "another vault" in p.reason for p in b.problems)
    assert untouched(vault, before)


def test_a_cloned_pc_is_detected_and_stops_publishing(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pc("a", vault, monkeypatch) as a:
        a.write("household", "h1", {"tong": 1})
    shutil.copytree(tmp_path / "pc-a", tmp_path / "pc-clone")  # a disk image of PC A
    with pc("a", vault, monkeypatch) as a:
        a.write("household", "h2", {"tong": 2})  # PC A goes on working and publishes
    with pc("clone", vault, monkeypatch) as clone:
        assert "another PC" in clone.publishing_stopped
        clone.write("household", "h3", {"tong": 3})
        result = sync_round(clone)
        assert "another PC" in result.refused and result.waiting >= 1  # kept in its outbox
    with pc("b", vault, monkeypatch) as b:
        assert row(b, "household", "h2") == {"tong": 2} and row(b, "household", "h3") is None
        assert verify_vault(b).ok  # PC A's chunks are intact
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "pc-clone"))
    moved = move_to_new_device(vault, "boss", PASSPHRASE)  # the fix: a new id, the saves carried over
    assert moved.new_device != moved.old_device and moved.records >= 1 and moved.events >= 1
    with pc("clone", vault, monkeypatch) as clone:
        assert clone.device == moved.new_device and not clone.publishing_stopped
    with pc("b", vault, monkeypatch) as b:
        assert row(b, "household", "h3") == {"tong": 3} and verify_vault(b).ok
        events = [e for e in all_events(b) if e.detail.get("carried_from", "").startswith(moved.old_device)]
        assert events  # the clone's access-log events were carried, not dropped
        assert verify_log(b).ok
    with pytest.raises(BadInput):  # nothing to fix any more
        move_to_new_device(vault, "boss", PASSPHRASE)


def test_a_clock_far_ahead_is_stored_flagged_and_does_not_move_ours(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_2030 = 1_893_456_000_000
    with pc("a", vault, monkeypatch) as a:
        a.clock._now_ms = lambda: in_2030  # this PC's clock says 2030
        a.write("household", "h1", {"tong": 4})
    with pc("b", vault, monkeypatch) as b:
        assert row(b, "household", "h1") == {"tong": 4}  # stored and merged
        assert b.last_ingest.far_future >= 1
        assert b.clock.tick().ms < in_2030  # our clock did not jump


def test_a_file_vanishing_mid_scan_is_skipped_and_read_next_round(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pc("b", vault, monkeypatch):
        pass
    with pc("a", vault, monkeypatch) as a:
        a.write("household", "h1", {"tong": 5})
    with pc("b", vault, monkeypatch) as b:
        real_listdir = os.listdir

        def stale_listing(path: str | Path) -> list[str]:
            names = real_listdir(path)
            return [*names, "0000009999.chunk"] if Path(path).name == a.device else names

        monkeypatch.setattr(os, "listdir", stale_listing)  # a share's cached listing names a gone file
        collected = collect(b)
        monkeypatch.setattr(os, "listdir", real_listdir)
        assert collected.report.vanished == 1 and not collected.report.problems
        assert row(b, "household", "h1") == {"tong": 5}


def test_most_known_files_missing_is_refused_never_taken_for_deletion(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pc("a", vault, monkeypatch) as a:
        for i in range(12):
            a.write("household", f"h{i}", {"tong": i + 1})
            a.publish()
    with pc("b", vault, monkeypatch) as b:
        assert row(b, "household", "h11") == {"tong": 12}
        aside = vault.parent / "aside"
        aside.mkdir()
        chunks = chunks_of(vault, a.device)
        for chunk in chunks[:-2]:
            chunk.rename(aside / chunk.name)  # a half-synced or wrong folder
        b.write("household", "h99", {"tong": 9})
        result = sync_round(b)
        assert "only 2 of the" in result.refused and result.waiting >= 1
        assert row(b, "household", "h0") == {"tong": 1}  # nothing treated as deleted
        for chunk in aside.iterdir():
            chunk.rename(vault / "devices" / a.device / chunk.name)
        assert not sync_round(b).refused and b.unpublished == 0
