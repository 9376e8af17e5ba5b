"""The sync scenarios: take in a month of another PC's ops, start a new PC, and the shared folder's
file count after a year of ten PCs.

Targets (docs/ARCHITECTURE.md §6): ingest ~1,000 ops of another PC ≤ 0.1 s; bootstrap a new PC at dong size
≤ 2 s; the file count bounded (packs: fewer than 64 chunks and at most 8 packs per PC, plus one
snapshot).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from itertools import count
from pathlib import Path

from chandong_tui.bench.dataset import BENCH_PASSPHRASE, BENCH_USER
from chandong_tui.bench.measure import Timing, time_each
from chandong_tui.vault import snapshots
from chandong_tui.vault.accounts import create_vault, unlock
from chandong_tui.vault.chunks import check_signature, open_file
from chandong_tui.vault.folder import read_marker
from chandong_tui.vault.local_state import state_home
from chandong_tui.vault.ops import decode_ops
from chandong_tui.vault.session import VaultSession
from chandong_tui.vault.share_files import Entry
from chandong_tui.vault.stored import device_folders, op_files, open_ops
from chandong_tui.vault.sync import sync_round

MONTH_OPS = 1_000
"""About one month of one PC's changes."""

OPS_PER_CHUNK = 10
"""A PC publishes every few seconds: a month arrives in many small chunks."""


@contextlib.contextmanager
def _other_pc(name: str) -> Iterator[None]:
    """Run the block as another PC (its own state folder beside this one's)."""
    old = os.environ.get("CHANDONG_HOME")
    os.environ["CHANDONG_HOME"] = str(state_home() / "other-pcs" / name)
    try:
        yield
    finally:
        if old is None:
            del os.environ["CHANDONG_HOME"]
        else:
            os.environ["CHANDONG_HOME"] = old


def _write_month(vault: Path, run: int) -> list[tuple[Path, Entry, str]]:
    """Another PC saves a month of visits, publishing as it goes (and packing as it closes); returns
    the files that hold them."""
    numbers = count()
    fingerprint = read_marker(vault).fingerprint  # the other PC's first open: its user confirms it
    with (
        _other_pc("month-writer"),
        unlock(vault, BENCH_USER, BENCH_PASSPHRASE, fingerprint=fingerprint) as other,
    ):
        devices, device = other.info.devices, other.device
        before = {path for path, _ in op_files(devices, device)}
        for _ in range(MONTH_OPS // OPS_PER_CHUNK):
            batch = [("visit", f"month-{run}-{next(numbers)}", {"note": "이번 달 방문", "n": run})]
            other.write_batch(batch * OPS_PER_CHUNK)
            other.publish()
    return [(p, e, device) for p, e in op_files(devices, device) if p not in before]


def ingest_month(vault: Path, repeat: int) -> tuple[Timing, Timing]:
    """(ingest of a month of another PC's ops into the open dong vault, raw read of the same files)."""
    info = read_marker(vault)
    ingest, raw = [], []
    with unlock(vault, BENCH_USER, BENCH_PASSPHRASE) as session:
        for run in range(repeat):
            files = _write_month(vault, run)

            def read_raw(files: list[tuple[Path, Entry, str]] = files) -> list[object]:
                writers = session.writers()
                return [open_ops(p, e, info.vault_id, d, session.keys.get, writers) for p, e, d in files]

            raw.append(time_each("", read_raw, 1).samples[0])
            ingest.append(time_each("", session.ingest, 1).samples[0])
    ops = f"{MONTH_OPS:,} ops in {MONTH_OPS // OPS_PER_CHUNK} chunks"
    return (
        Timing(f"ingest another PC's month ({ops})", tuple(ingest)),
        Timing("read + decrypt + decode the same files (baseline)", tuple(raw)),
    )


def check_month(vault: Path, repeat: int) -> tuple[Timing, Timing]:
    """(checking who wrote a month of another PC's files: signatures, device certificates, authors;
    reading the same files whole, those checks included), issue 16's authenticated writers."""
    info = read_marker(vault)
    checks, reads = [], []
    with unlock(vault, BENCH_USER, BENCH_PASSPHRASE) as session:
        files = _write_month(vault, 1_000)
        decoded = []
        for path, entry, device in files:
            pack = entry.kind == "pack"
            kind, first = ("pack", entry.first) if pack else ("ops", 0)
            found = open_file(
                path, info.vault_id, device, session.keys.get, entry.seq, kind=kind, first=first
            )
            decoded.append((path.read_bytes(), found, decode_ops(found.payload), device))

        def check() -> None:
            writers = session.writers()  # a fresh one: every certificate checked again
            for data, found, ops, device in decoded:
                check_signature(data)
                writers.check_ops(ops, writers.check(found, device), device)

        def read() -> None:
            writers = session.writers()
            for path, entry, device in files:
                open_ops(path, entry, info.vault_id, device, session.keys.get, writers)

        for _ in range(repeat):
            checks.append(time_each("", check, 1).samples[0])
            reads.append(time_each("", read, 1).samples[0])
    return (
        Timing(f"check the writers of another PC's month ({len(files)} files)", tuple(checks)),
        Timing("read + verify + decode the same files (baseline)", tuple(reads)),
    )


def check_snapshot(vault: Path, repeat: int) -> Timing:
    """Check the newest snapshot as a new PC does before using it: open it, its signer, what it covers."""
    samples = []
    with unlock(vault, BENCH_USER, BENCH_PASSPHRASE) as session:
        if not snapshots.snapshots(session.info):
            snapshots.write(session, session.ops_merged)
        newest = snapshots.snapshots(session.info)[0]
        for _ in range(repeat):
            started = time.perf_counter()
            snapshots.check(session.info, newest, session.keys.get, session.writers())
            samples.append(time.perf_counter() - started)
    return Timing("check a snapshot (open, signer, what it covers)", tuple(samples))


def _drop_cache(vault: Path) -> None:
    info = read_marker(vault)
    for cache in (state_home() / "vaults" / info.vault_id).rglob("cache.tdb"):
        cache.unlink()


@contextlib.contextmanager
def without_snapshots(vault: Path) -> Iterator[None]:
    """Hide the vault's snapshots inside the block (a bootstrap from every op)."""
    info = read_marker(vault)
    hidden = [(s.path, s.path.with_name(f".hidden-{s.path.name}")) for s in snapshots.snapshots(info)]
    for path, aside in hidden:
        path.rename(aside)
    try:
        yield
    finally:
        for path, aside in hidden:
            aside.rename(path)


def bootstrap_from_snapshot(vault: Path, repeat: int) -> Timing:
    """A PC without a cache unlocks: newest snapshot, then the chunks after it (includes the KDF;
    until the session is open, not its close)."""
    with unlock(vault, BENCH_USER, BENCH_PASSPHRASE) as session:
        if not snapshots.snapshots(session.info):
            snapshots.write(session, session.ops_merged)
    samples = []
    for _ in range(repeat):
        _drop_cache(vault)
        started = time.perf_counter()
        session = unlock(vault, BENCH_USER, BENCH_PASSPHRASE)
        samples.append(time.perf_counter() - started)
        assert session.bootstrapped_from, "no snapshot was used"
        session.close(publish=False)
    unlock(vault, BENCH_USER, BENCH_PASSPHRASE).close()  # leave a warm cache for what follows
    return Timing("new PC: unlock + snapshot + newer chunks", tuple(samples))


def share_file_count(pcs: int, saves: int) -> tuple[int, int, int]:
    """Files in `devices/` after `pcs` PCs each published `saves` chunks (one per save, packing as
    they go); returns (files, saves in all, the bound)."""
    from chandong_tui.vault.packs import MERGE_AT, PACK_AT

    with tempfile.TemporaryDirectory(prefix="chandong-bench-year-") as tmp:
        root = Path(tmp) / "vault"
        with _other_pc("year-0"):
            create_vault(root, "1159053000", "bench", BENCH_PASSPHRASE).close()
        fingerprint = read_marker(root).fingerprint  # each other PC confirms it at its first open
        sessions: list[VaultSession] = []
        for pc in range(pcs):
            with _other_pc(f"year-{pc}"):
                sessions.append(unlock(root, "bench", BENCH_PASSPHRASE, fingerprint=fingerprint))
        for i in range(saves):
            for pc, session in enumerate(sessions):
                session.write("visit", f"y-{pc}-{i}", {"n": i})
                sync_round(session)
        for session in sessions:
            session.close()
        files = sum(len(os.listdir(root / "devices" / d)) for d in device_folders(root / "devices"))
    return files, pcs * saves, pcs * (PACK_AT - 1 + MERGE_AT + 1)
