"""The monthly report: one row per dong (or per worker), one column per figure (`figures.FIGURES`).

Several vaults make a gu's report: one row per dong (or per worker of each dong) and a total row
whose figures are computed from the *summed* counts of every dong — ratios recomputed from summed
numerators and denominators, the median from the pooled hours of every flag. A by-worker report
always ends with a total row too, computed from the dongs' own figures (a household visited by two
workers is one household in the total).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import Role
from chandong_tui.reports.csv_out import Column, Header, render_csv
from chandong_tui.reports.figures import FIGURES, UNASSIGNED, Tally, compute, paused_gc
from chandong_tui.reports.month import Month

By = Literal["dong", "worker"]
BY_CHOICES = ("dong", "worker")
MAX_JOBS = 4

_IDENT_DONG = (
    Column("month", "월"),
    Column("dong_code", "행정기관코드"),
    Column("gu", "자치구"),
    Column("dong", "행정동"),
)
_IDENT_WORKER = (
    Column("worker_id", "직원 ID"),
    Column("worker_name", "직원"),
    Column("role", "직무"),
)
_TOTAL = {"ko": "합계", "keys": "total"}
_UNASSIGNED = {"ko": "(담당자 없음)", "keys": "(unassigned)"}


@dataclass(frozen=True)
class ReportRow:
    """One row: who it is about, and the tally of its figures."""

    dong_code: str
    gu: str
    dong: str
    tally: Tally
    worker_id: str | None = None
    worker_name: str = ""
    role: Role | None = None
    total: bool = False

    def cells(self, month: Month, by: By, header: Header) -> list[Any]:
        dong = _TOTAL[header] if self.total else self.dong
        ident: list[Any] = [str(month), self.dong_code, self.gu, dong]
        if by == "worker":
            if self.total:
                ident += ["", "", None]
            elif self.worker_id == UNASSIGNED:
                ident += ["", _UNASSIGNED[header], None]
            else:
                ident += [self.worker_id, self.worker_name, self.role]
        values = self.tally.values()
        return ident + [values[fig.key] for fig in FIGURES]


@dataclass(frozen=True)
class MonthlyReport:
    month: Month
    by: By
    rows: tuple[ReportRow, ...]
    total: ReportRow | None
    unreadable: int = 0
    """Rows the repository could not read (skipped; see `CaseRepository.unreadable`)."""

    def columns(self) -> list[Column]:
        ident = list(_IDENT_DONG) + (list(_IDENT_WORKER) if self.by == "worker" else [])
        return ident + [Column(fig.key, fig.ko) for fig in FIGURES]

    def table(self, header: Header = "ko") -> list[list[Any]]:
        rows = list(self.rows) + ([self.total] if self.total else [])
        return [row.cells(self.month, self.by, header) for row in rows]

    def to_csv(self, header: Header = "ko", encoding: str = "utf-8-sig") -> bytes:
        return render_csv(self.columns(), self.table(header), header=header, encoding=encoding)


@dataclass(frozen=True)
class VaultPart:
    """What one vault contributes to a report (picklable: computed in a worker process for a gu)."""

    vault_id: str
    root: str
    rows: tuple[ReportRow, ...]
    dong_row: ReportRow
    unreadable: int = 0


def vault_part(repo: CaseRepository, month: Month, by: By) -> VaultPart:
    """The rows of one vault (its dong, or its workers) and the dong's own row."""
    figures = compute(repo, month)
    dong = repo.dong()
    info = repo.session.info
    gu, name = (dong.gu, dong.name) if dong else ("", "")
    dong_row = ReportRow(info.dong_code, gu, name, figures.dong)
    rows = [dong_row]
    if by == "worker":
        workers = {w.id: w for w in repo.workers()}
        rows = [
            ReportRow(
                info.dong_code,
                gu,
                name,
                figures.by_worker.get(worker_id, Tally()),
                worker_id=worker_id,
                worker_name=workers[worker_id].name if worker_id in workers else "",
                role=workers[worker_id].role if worker_id in workers else None,
            )
            for worker_id in sorted(set(workers) | set(figures.by_worker), key=lambda i: (i == UNASSIGNED, i))
        ]
    unreadable = len(getattr(repo, "unreadable", ()) or ())
    return VaultPart(info.vault_id, str(info.root), tuple(rows), dong_row, unreadable)


def combine(parts: Sequence[VaultPart], month: Month, by: By) -> MonthlyReport:
    """One report from the parts of one or several vaults (rows by dong code; a total row for a gu or
    a by-worker report, from the dongs' own tallies)."""
    if by not in BY_CHOICES:
        raise ValueError(f"unknown grouping {by!r}: use dong or worker")
    seen: dict[str, str] = {}
    for part in parts:
        if part.vault_id in seen:
            raise ValueError(f"the same vault was given twice: {seen[part.vault_id]} and {part.root}")
        seen[part.vault_id] = part.root
    ordered = sorted(parts, key=lambda part: part.dong_row.dong_code)  # stable: argument order breaks ties
    rows = tuple(row for part in ordered for row in part.rows)
    total = None
    if len(parts) > 1 or by == "worker":
        dongs = [part.dong_row for part in ordered]
        gus = sorted({d.gu for d in dongs})
        total = ReportRow(
            "", gus[0] if len(gus) == 1 else "", "", Tally.total(d.tally for d in dongs), total=True
        )
    return MonthlyReport(month, by, rows, total, sum(part.unreadable for part in parts))


def monthly_report(repos: Sequence[CaseRepository], month: Month, by: By = "dong") -> MonthlyReport:
    """The report of vaults already open (one: a dong; several: a gu)."""
    if by not in BY_CHOICES:
        raise ValueError(f"unknown grouping {by!r}: use dong or worker")
    return combine([vault_part(repo, month, by) for repo in repos], month, by)


def part_of_vault(root: str, user: str, passphrase: str, month: Month, by: By) -> VaultPart:
    """Unlock one vault, compute its part, close it (nothing is written)."""
    from chandong_tui.vault.accounts import unlock

    with paused_gc(), unlock(Path(root), user, passphrase) as session:
        return vault_part(CaseRepository(session), month, by)


def _pool_context() -> multiprocessing.context.BaseContext:
    """`fork` on Linux (no re-import, fast); `spawn` elsewhere (Windows has nothing else), which
    needs the `if __name__ == "__main__":` guard in `chandong_tui/__main__.py`."""
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def monthly_report_of_vaults(
    roots: Sequence[str | Path],
    user: str,
    passphrase: str,
    month: Month,
    by: By = "dong",
    jobs: int | None = None,
) -> MonthlyReport:
    """The report of vaults opened one at a time (a gu's 20 vaults are never all in memory at once),
    in `jobs` worker processes (default: one per CPU, at most 4) when there are several.

    Vaults are independent, so a gu report parallelises cleanly; unlocking (Argon2id, reading the
    cache) is most of the cost. The passphrase reaches the workers through the pool's pipe only.
    """
    from chandong_tui.vault.folder import read_marker

    if by not in BY_CHOICES:
        raise ValueError(f"unknown grouping {by!r}: use dong or worker")
    paths = [str(root) for root in roots]
    seen: dict[str, str] = {}
    for root in paths:  # refuse a folder that is not a vault, or one given twice, before any work
        vault_id = read_marker(Path(root)).vault_id
        if vault_id in seen:
            raise ValueError(f"the same vault was given twice: {seen[vault_id]} and {root}")
        seen[vault_id] = root
    jobs = min(len(paths), jobs or min(os.cpu_count() or 1, MAX_JOBS))
    if jobs <= 1:
        parts = [part_of_vault(root, user, passphrase, month, by) for root in paths]
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_pool_context()) as pool:
            futures = [pool.submit(part_of_vault, root, user, passphrase, month, by) for root in paths]
            parts = [future.result() for future in futures]
    return combine(parts, month, by)
