"""The monthly report: one row per dong (or per worker), one column per figure (`figures.FIGURES`).

Several vaults make a gu's report: one row per dong (or per worker of each dong) and a total row
whose figures are computed from the *summed* counts of every dong — ratios recomputed from summed
numerators and denominators, the median from the pooled hours of every flag. A by-worker report
always ends with a total row too, computed from the dongs' own figures (a household visited by two
workers is one household in the total).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import Role
from chandong_tui.reports.csv_out import Column, Header, render_csv
from chandong_tui.reports.figures import FIGURES, UNASSIGNED, Tally, compute
from chandong_tui.reports.month import Month

By = Literal["dong", "worker"]
BY_CHOICES = ("dong", "worker")

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

    def columns(self) -> list[Column]:
        ident = list(_IDENT_DONG) + (list(_IDENT_WORKER) if self.by == "worker" else [])
        return ident + [Column(fig.key, fig.ko) for fig in FIGURES]

    def table(self, header: Header = "ko") -> list[list[Any]]:
        rows = list(self.rows) + ([self.total] if self.total else [])
        return [row.cells(self.month, self.by, header) for row in rows]

    def to_csv(self, header: Header = "ko", encoding: str = "utf-8-sig") -> bytes:
        return render_csv(self.columns(), self.table(header), header=header, encoding=encoding)


def vault_rows(repo: CaseRepository, month: Month, by: By) -> tuple[list[ReportRow], ReportRow]:
    """The rows of one vault (its dong, or its workers) and the dong's own row."""
    figures = compute(repo, month)
    dong = repo.dong()
    code = repo.session.info.dong_code
    gu, name = (dong.gu, dong.name) if dong else ("", "")
    dong_row = ReportRow(code, gu, name, figures.dong)
    if by == "dong":
        return [dong_row], dong_row
    workers = {w.id: w for w in repo.workers()}
    ids = set(workers) | set(figures.by_worker)
    rows = []
    for worker_id in sorted(ids, key=lambda i: (i == UNASSIGNED, i)):
        worker = workers.get(worker_id)
        rows.append(
            ReportRow(
                code,
                gu,
                name,
                figures.by_worker.get(worker_id, Tally()),
                worker_id=worker_id,
                worker_name=worker.name if worker else "",
                role=worker.role if worker else None,
            )
        )
    return rows, dong_row


def monthly_report(repos: Sequence[CaseRepository], month: Month, by: By = "dong") -> MonthlyReport:
    """The report of one vault (a dong) or several (a gu)."""
    if by not in BY_CHOICES:
        raise ValueError(f"unknown grouping {by!r}: use dong or worker")
    seen: dict[str, str] = {}
    for repo in repos:
        vault_id = repo.session.info.vault_id
        if vault_id in seen:
            raise ValueError(f"the same vault was given twice: {seen[vault_id]} and {repo.session.info.root}")
        seen[vault_id] = str(repo.session.info.root)
    parts = [vault_rows(repo, month, by) for repo in repos]
    parts.sort(key=lambda part: part[1].dong_code)  # stable: argument order only breaks ties
    rows = tuple(row for part_rows, _ in parts for row in part_rows)
    total = None
    if len(parts) > 1 or by == "worker":
        dongs = [dong_row for _, dong_row in parts]
        gus = sorted({d.gu for d in dongs})
        total = ReportRow(
            "", gus[0] if len(gus) == 1 else "", "", Tally.total(d.tally for d in dongs), total=True
        )
    return MonthlyReport(month, by, rows, total)
