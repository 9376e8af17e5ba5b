"""The storage scenarios and their baselines. Each returns `Timing`s; the runner pairs them."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from itertools import count
from pathlib import Path

from chandong_tui.bench.dataset import BENCH_PASSPHRASE, BENCH_USER
from chandong_tui.bench.measure import Timing, time_each
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import TargetGroup, VisitKind
from chandong_tui.model.records import Visit
from chandong_tui.vault.accounts import unlock
from chandong_tui.vault.cache import visible
from chandong_tui.vault.crypto import KdfParams
from chandong_tui.vault.folder import read_marker
from chandong_tui.vault.keyring import latest_user_file
from chandong_tui.vault.local_state import state_home

MINIMAL_APP = (
    "from textual.app import App\n"
    "class Minimal(App):\n"
    "    def on_mount(self):\n"
    "        self.call_after_refresh(self.exit)\n"
    "Minimal().run(headless=True)\n"
)


def save_visit(vault: Path, repeat: int) -> Timing:
    """A durable save of one visit into the open dong vault (outbox fsync + cache merge)."""
    with unlock(vault, BENCH_USER, BENCH_PASSPHRASE) as session:
        repo = CaseRepository(session)
        household = next(iter(repo.household_summaries())).id
        numbers = count()

        def save() -> None:
            repo.save(
                Visit(
                    id=f"bench-{os.getpid()}-{next(numbers)}",
                    household_id=household,
                    worker_id=BENCH_USER,
                    visited_on=dt.date.today(),
                    visit_kind=VisitKind.REGULAR,
                    target_group=TargetGroup.ELDERLY,
                    note="벤치마크 방문 기록",
                )
            )

        return time_each("save one visit (durable)", save, repeat)


def tinydb_insert(vault: Path, repeat: int) -> Timing:
    """Baseline: plain TinyDB (JSONStorage) insert of one visit into a file of the same records."""
    from tinydb import TinyDB

    with unlock(vault, BENCH_USER, BENCH_PASSPHRASE) as session:
        tables = {
            name: [visible(doc) for doc in rows.values()]
            for name, rows in (session.table("visit").storage.read() or {}).items()
            if name != "_meta"
        }
    with tempfile.TemporaryDirectory() as tmp:
        # The file `insert_multiple` would leave, written at once as TinyDB writes it (`json.dumps`);
        # building it table by table rewrites the growing file each time: seconds not measured.
        plain = Path(tmp) / "plain.json"
        numbered = {name: {str(i): doc for i, doc in enumerate(docs, 1)} for name, docs in tables.items()}
        plain.write_text(json.dumps(numbered))
        db = TinyDB(plain)
        sample = dict(tables["visit"][0])
        timing = time_each(
            "plain TinyDB insert (baseline)", lambda: db.table("visit").insert(dict(sample)), repeat
        )
        db.close()
    return timing


def fsync_append(repeat: int) -> Timing:
    """Baseline: append 300 bytes to a file and fsync."""
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "log", "ab") as handle:

        def append() -> None:
            handle.write(b"x" * 300)
            handle.flush()
            os.fsync(handle.fileno())

        return time_each("fsync'ed append (baseline)", append, repeat)


def passphrase_kdf(vault: Path, repeat: int) -> Timing:
    """The Argon2id step of unlocking, alone (same parameters as the user file)."""
    info = read_marker(vault)
    doc = latest_user_file(vault, info.vault_id, BENCH_USER)
    assert doc is not None
    params = KdfParams(**doc["kdf"])
    return time_each("passphrase KDF (Argon2id)", lambda: params.derive(BENCH_PASSPHRASE), repeat)


def open_warm(vault: Path, repeat: int) -> Timing:
    """Unlock and open with a warm cache (includes the KDF)."""
    return time_each(
        "unlock + open, warm cache", lambda: unlock(vault, BENCH_USER, BENCH_PASSPHRASE).close(), repeat
    )


def open_rebuild(vault: Path, repeat: int) -> Timing:
    """Unlock with no cache: every op read from the chunks and merged again (includes the KDF)."""
    info = read_marker(vault)

    def drop_cache() -> None:
        for cache in (state_home() / "vaults" / info.vault_id).rglob("cache.tdb"):
            cache.unlink()

    from chandong_tui.bench.sync_scenarios import without_snapshots

    with without_snapshots(vault):  # every op, not a snapshot (`sync_scenarios.bootstrap_from_snapshot`)
        timing = time_each(
            "unlock + rebuild cache from ops",
            # not published: a close seeing no snapshot would write one (24 MB, timed) beside the
            # hidden ones, which it cannot replace: one more in the bench vault every run
            lambda: unlock(vault, BENCH_USER, BENCH_PASSPHRASE).close(publish=False),
            repeat,
            setup=drop_cache,
        )
    # A rebuilt cache has its values shared by the next session's close (`LocalCache.flush`): done
    # here, untimed, so the scenarios after this one open the cache as a PC keeps it.
    unlock(vault, BENCH_USER, BENCH_PASSPHRASE).close()
    return timing


def minimal_textual_app(repeat: int) -> Timing:
    """Baseline: a new Python process starting a minimal Textual app until its first refresh."""
    command = [sys.executable, "-c", MINIMAL_APP]
    return time_each(
        "minimal Textual app start (baseline)",
        lambda: subprocess.run(command, check=True, capture_output=True, timeout=60),
        repeat,
    )
