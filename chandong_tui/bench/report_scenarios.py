"""The report scenarios: the monthly report of the dong bench vault, and of a gu of 20 vaults.

Targets (docs/ARCHITECTURE.md §6): the dong report ≤ 0.5 s, the gu report over 20 vaults ≤ 10 s.

The gu's vaults are 20 different dongs (the first 20 행정동 of 송파구 by code), each generated at dong
size with its own seed (`chandong_tui.sample_data.generator.generate("dong", seed=…)`, then the dong
code swapped in), so every vault has its own id, keys and data. Building them takes a few minutes,
once; they are kept beside the dong bench vault (`<state dir>/bench/gu-reports-v2`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from chandong_tui.bench.dataset import BENCH_PASSPHRASE, BENCH_USER, bench_home
from chandong_tui.bench.measure import Timing, time_each
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.reports.month import Month
from chandong_tui.reports.monthly import combine, monthly_report_of_vaults, vault_part
from chandong_tui.vault.accounts import unlock
from chandong_tui.vault.local_state import state_home

GU_NAME = "송파구"
GU_SIZE = 20
GU_SEED = 7_000
_READY = "READY"


def report_month() -> Month:
    """The bench data's last full month (the generator's anchor month)."""
    from chandong_tui.sample_data.generator import DEFAULT_ANCHOR

    return Month(DEFAULT_ANCHOR.year, DEFAULT_ANCHOR.month)


def monthly_report(vault: Path, repeat: int, by: str = "dong") -> Timing:
    """The dong's monthly report CSV from an unlocked vault (figures and CSV bytes; no unlock)."""
    month = report_month()
    with unlock(vault, BENCH_USER, BENCH_PASSPHRASE) as session:

        def report() -> bytes:
            part = vault_part(CaseRepository(session), month, by)  # type: ignore[arg-type]
            return combine([part], month, by).to_csv()  # type: ignore[arg-type]

        return time_each(f"monthly report CSV, dong (by {by})", report, repeat)


def monthly_report_with_unlock(vault: Path, repeat: int) -> Timing:
    """What `chandong report monthly VAULT` does: unlock (KDF, cache), figures, CSV, close."""
    month = report_month()
    return time_each(
        "unlock + monthly report CSV, dong",
        lambda: monthly_report_of_vaults([vault], BENCH_USER, BENCH_PASSPHRASE, month).to_csv(),
        repeat,
    )


def gu_dir() -> Path:
    return state_home() / "bench" / "gu-reports-v2"


def _with_dong(doc: dict[str, Any], dong: Any) -> dict[str, Any]:
    """The generated 상도1동 moved to `dong`: its dong record and every record's own dong code."""
    old = doc["dong"]["id"]
    moved = dict(doc)
    moved["dong"] = dong.model_dump(mode="json")
    for section, value in doc.items():
        if isinstance(value, list):
            moved[section] = [
                {**item, "dong_code": dong.id} if item.get("dong_code") == old else item for item in value
            ]
    return moved


def ensure_gu_vaults(say: Callable[[str], object] = print) -> list[Path]:
    """The 20 vaults of the bench gu (built the first time)."""
    folder = gu_dir()
    roots = [folder / f"vault-{i:02d}" for i in range(GU_SIZE)]
    if (folder / _READY).exists():
        return roots
    from chandong_tui.casework.importer import import_file
    from chandong_tui.casework.setup import init_vault
    from chandong_tui.model.seoul_dongs import seoul_dongs
    from chandong_tui.sample_data.generator import generate

    dongs = sorted((d for d in seoul_dongs() if d.gu == GU_NAME), key=lambda d: d.id)[:GU_SIZE]
    say(f"building {GU_SIZE} dong-size vaults of {GU_NAME} in {folder} (once; a few minutes)…")
    folder.mkdir(parents=True, exist_ok=True)
    with bench_home(folder), tempfile.TemporaryDirectory() as tmp:
        for i, (root, dong) in enumerate(zip(roots, dongs, strict=True)):
            if root.exists():
                import shutil

                shutil.rmtree(root)
            data = Path(tmp) / f"{dong.id}.json"
            data.write_bytes(orjson.dumps(_with_dong(generate("dong", seed=GU_SEED + i), dong)))
            session = init_vault(root, dong.id, BENCH_USER, "벤치 관리자", BENCH_PASSPHRASE)
            with session:
                import_file(CaseRepository(session), data)
            say(f"  {i + 1}/{GU_SIZE} {dong.name}")
    (folder / _READY).write_text("ok")
    return roots


def gu_monthly_report(repeat: int, say: Callable[[str], object] = print, jobs: int | None = None) -> Timing:
    """The gu's monthly report over 20 vaults, as `chandong report monthly V1 … V20` makes it: each
    vault unlocked (KDF, cache), its figures computed, closed; worker processes (`jobs`)."""
    roots = ensure_gu_vaults(say)
    month = report_month()
    label = "default jobs" if jobs is None else f"jobs={jobs}"
    with bench_home(gu_dir()):
        return time_each(
            f"monthly report CSV, gu of {len(roots)} vaults ({label})",
            lambda: monthly_report_of_vaults(roots, BENCH_USER, BENCH_PASSPHRASE, month, jobs=jobs).to_csv(),
            repeat,
        )
