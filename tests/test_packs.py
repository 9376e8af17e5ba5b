"""Packs keep each PC's folder small and lose nothing: every op, every access-log event, any reader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chandong_tui.casework.audit import verify_log
from chandong_tui.vault.packs import MERGE_AT, PACK_AT
from chandong_tui.vault.session import VaultSession
from chandong_tui.vault.share_files import classify
from chandong_tui.vault.sync import sync_round
from chandong_tui.vault.verify import verify_vault
from tests.share_support import pc, shared_vault


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return shared_vault(tmp_path, monkeypatch)


def kinds(root: Path, device: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in (root / "devices" / device).iterdir():
        kind = classify(path.name).kind
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def publish_many(session: VaultSession, rows: range) -> None:
    for i in rows:
        session.write("visit", f"v-{i}", {"n": i})
        sync_round(session)  # one chunk per save, as a busy TUI does


def test_a_year_of_chunks_stays_a_bounded_number_of_files_and_reads_whole(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pc("b", vault, monkeypatch):
        pass
    saves = PACK_AT * (MERGE_AT + 2) + 5
    with pc("a", vault, monkeypatch) as a:
        publish_many(a, range(saves // 2))
        device = a.device
    with pc("b", vault, monkeypatch) as b:  # has read the first half (some of it from packs)
        assert all(b.table("visit").get_row(f"v-{i}") for i in range(saves // 2))
    with pc("a", vault, monkeypatch) as a:
        publish_many(a, range(saves // 2, saves))
    counts = kinds(vault, device)
    assert counts.get("chunk", 0) < PACK_AT and counts.get("pack", 0) <= MERGE_AT, counts
    assert sum(counts.values()) < saves // 10  # instead of one file per save
    for name in ("b", "c"):  # a PC that had read half, and a new one
        with pc(name, vault, monkeypatch) as reader:
            missing = [i for i in range(saves) if reader.table("visit").get_row(f"v-{i}") is None]
            assert missing == [] and reader.problems == []
            assert verify_vault(reader).ok
    with pc("c", vault, monkeypatch) as reader:  # the access log's events (logins, edits) are all there
        report = verify_log(reader)
        assert report.ok, report


def test_a_crash_between_pack_and_delete_leaves_both_and_loses_nothing(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pc("a", vault, monkeypatch) as a:
        device = a.device
        folder = vault / "devices" / device
        publish_many(a, range(PACK_AT - 2))
        kept = tmp_path / "kept"
        shutil.copytree(folder, kept)
        publish_many(a, range(PACK_AT - 2, PACK_AT + 3))
    assert kinds(vault, device).get("pack") == 1
    for path in kept.iterdir():  # as if the chunks had not been deleted yet
        if not (folder / path.name).exists():
            shutil.copy(path, folder / path.name)
    with pc("b", vault, monkeypatch) as b:
        assert all(b.table("visit").get_row(f"v-{i}") for i in range(PACK_AT + 3)) and not b.problems
    with pc("a", vault, monkeypatch) as a:
        publish_many(a, range(PACK_AT + 3, PACK_AT * 2 + 3))
        a.write("visit", "last", {"n": -1})
    with pc("b", vault, monkeypatch) as b:
        assert b.table("visit").get_row("last") is not None and not b.problems
        assert verify_vault(b).ok


def test_a_tampered_pack_is_reported_and_kept(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pc("a", vault, monkeypatch) as a:
        publish_many(a, range(PACK_AT + 1))
        (pack,) = [p for p in (vault / "devices" / a.device).iterdir() if classify(p.name).kind == "pack"]
    data = bytearray(pack.read_bytes())
    data[-3] ^= 0x10
    pack.write_bytes(bytes(data))
    with pc("b", vault, monkeypatch) as b:
        assert b.table("visit").get_row("v-0") is None
        assert [p.path for p in b.problems] == [str(pack.relative_to(vault))]
        assert not verify_vault(b).ok
    assert pack.read_bytes() == bytes(data)
