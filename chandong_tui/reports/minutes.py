"""Sealed minutes of a 사례회의 handed out: one row per household on the agenda, for `chandong
conference minutes` (text for printing, CSV for a spreadsheet).

Only sealed minutes are handed out (the newest revision: a correction is read, never the minutes it
corrects). Households are named by id and 통/반 only, never by name, phone or 주민등록번호, so the
printout carries no identifier to mask; the hand-out is still recorded in the access log like every
export (`exports.record_export`), with its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chandong_tui.casework.conferences import revisions_of
from chandong_tui.casework.errors import IllegalTransition
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import ConferenceState
from chandong_tui.model.records import Conference, Task
from chandong_tui.reports.csv_out import Column
from chandong_tui.reports.exports import Export, check_reason, record_export

COLUMNS = (
    Column("conference_id", "회의 ID"),
    Column("scheduled_at", "일시"),
    Column("conference_kind", "회의 종류"),
    Column("household_id", "가구 ID"),
    Column("tong_ban", "통/반"),
    Column("decision", "결정"),
    Column("note", "의견"),
    Column("tasks", "후속 업무"),
)


@dataclass(frozen=True)
class Minutes:
    """Sealed minutes as handed out: the conference (newest revision) and one row per household."""

    conference: Conference
    export: Export

    def to_csv(self, encoding: str = "utf-8-sig") -> bytes:
        return self.export.to_csv("ko", encoding)


def sealed_minutes(repo: CaseRepository, conference_id: str) -> Conference:
    """The newest revision of the conference; refused unless its minutes are sealed."""
    latest = revisions_of(repo, conference_id)[-1]
    if latest.state is not ConferenceState.SEALED:
        raise IllegalTransition("err_not_sealed", conference=conference_id)
    return latest


def hand_out_minutes(
    repo: CaseRepository, conference_id: str, *, reason: str, now: dt.datetime | None = None
) -> Minutes:
    """Check the reason, build the rows of the sealed minutes and record the hand-out in the log."""
    text = check_reason(reason)
    conference = sealed_minutes(repo, conference_id)
    tasks = {t.id: t for t in repo.all(Task)}
    rows = []
    for item in conference.agenda:
        household = repo.household(item.household_id)
        where = f"{household.tong}통 {household.ban}반" if household else ""
        titles = [_task_line(tasks[tid]) for tid in item.task_ids if tid in tasks]
        rows.append(
            (
                conference.id,
                conference.scheduled_at,
                conference.conference_kind,
                item.household_id,
                where,
                item.decision,
                item.note,
                "; ".join(titles),
            )
        )
    export = Export("minutes", None, COLUMNS, tuple(rows), unmasked=False)
    audit_id = record_export(repo, export, f"{conference.id}: {text}", now)
    return Minutes(conference, Export("minutes", None, COLUMNS, tuple(rows), False, audit_id))


def _task_line(task: Task) -> str:
    return f"{task.title} ({task.owner_id}, {task.due_on.isoformat()})"
