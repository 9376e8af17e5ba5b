"""A new PC starts from a snapshot and ends where replaying every op would."""

from __future__ import annotations

from pathlib import Path

import pytest

from chandong_tui.vault import snapshots
from chandong_tui.vault.cache import visible
from chandong_tui.vault.merge import VALUES
from chandong_tui.vault.session import VaultSession
from chandong_tui.vault.sync import sync_round
from tests.share_support import pc, shared_vault


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(snapshots, "SNAPSHOT_EVERY_OPS", 100)
    return shared_vault(tmp_path, monkeypatch)


def state(session: VaultSession) -> dict[str, object]:
    """Every record as shown, with the live values of its sensitive fields."""
    tables = session.cache.storage.read() or {}
    return {
        f"{table}/{row}": (visible(doc), {k: sorted(v["live"]) for k, v in doc.get(VALUES, {}).items()})
        for table, rows in tables.items()
        if not table.startswith("_")
        for row, doc in rows.items()
    }


def fill(session: VaultSession, start: int, count: int) -> None:
    for i in range(start, start + count):
        session.write("household", f"h{i % 40}", {"tong": i % 9 + 1, "owner_id": f"w{i % 3}"})
        if i % 10 == 0:
            sync_round(session)


def test_a_new_pc_starts_from_the_newest_snapshot_and_matches_a_full_replay(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pc("a", vault, monkeypatch) as a:
        fill(a, 0, 150)
    (first,) = snapshots.snapshots(a.info)
    with pc("b", vault, monkeypatch) as b:
        fill(b, 150, 30)  # newer than the snapshot: read from chunks
        assert b.bootstrapped_from == str(first.path.relative_to(vault))
    with pc("c", vault, monkeypatch) as c:
        assert c.bootstrapped_from and c.last_ingest.chunks < 10  # the rest came from the snapshot
        from_snapshot = state(c)
    aside = vault.parent / "aside.snap"
    for snap in snapshots.snapshots(a.info):
        snap.path.rename(aside)
    with pc("d", vault, monkeypatch) as d:  # replays every op
        assert d.bootstrapped_from == ""
        assert state(d) == from_snapshot
        d.write("household", "h1", {"tong": 9})  # a new PC's write after a snapshot start still wins
        assert d.table("household").get_row("h1")["tong"] == 9


def test_a_tampered_snapshot_is_skipped_and_reported(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pc("a", vault, monkeypatch) as a:
        fill(a, 0, 150)
        expected = state(a)
    (snap,) = snapshots.snapshots(a.info)
    data = bytearray(snap.path.read_bytes())
    data[-7] ^= 1
    snap.path.write_bytes(bytes(data))
    with pc("b", vault, monkeypatch) as b:
        assert b.bootstrapped_from == ""
        assert any("snapshot skipped" in p.reason for p in b.problems)
        assert {k: v for k, v in state(b).items() if k in expected} == expected
