"""The benchmark vaults: generated once per scale from `chandong_tui.sample_data.generator`, then reused."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from chandong_tui.casework.importer import import_file
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import init_vault
from chandong_tui.vault.local_state import state_home

BENCH_USER = "benchadmin"
BENCH_PASSPHRASE = "chandong-bench"
_READY = "READY"


@contextmanager
def bench_home(folder: Path) -> Iterator[None]:
    """Point `CHANDONG_HOME` at the bench's own state dir while inside (the user's state is untouched)."""
    old = os.environ.get("CHANDONG_HOME")
    os.environ["CHANDONG_HOME"] = str(folder / "home")
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("CHANDONG_HOME", None)
        else:
            os.environ["CHANDONG_HOME"] = old


def bench_dir(scale: str) -> Path:
    return state_home() / "bench" / f"{scale}-v2"


def ensure_vault(scale: str, say=print) -> Path:
    """The bench vault of `scale` (built the first time: generate, import, publish)."""
    folder = bench_dir(scale)
    if (folder / _READY).exists():
        return folder
    from chandong_tui.sample_data.generator import generate

    say(f"building the {scale} bench vault in {folder} (once)…")
    folder.mkdir(parents=True, exist_ok=True)
    for stale in (folder / "vault", folder / "home"):
        if stale.exists():
            import shutil

            shutil.rmtree(stale)
    with bench_home(folder), tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "dong.json"
        data.write_bytes(orjson.dumps(generate("dong")))
        session = init_vault(folder / "vault", "1159053000", BENCH_USER, "벤치 관리자", BENCH_PASSPHRASE)
        with session:
            import_file(CaseRepository(session), data)
    (folder / _READY).write_text("ok")
    return folder
