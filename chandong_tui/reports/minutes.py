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

from chandong_tui.casework.clock import KST
from chandong_tui.casework.conferences import revisions_of
from chandong_tui.casework.errors import IllegalTransition
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.i18n import t as tr
from chandong_tui.model.enums import ConferenceState
from chandong_tui.model.records import Attendee, Conference, Task
from chandong_tui.model.terminal_text import cells
from chandong_tui.model.terminal_text import safe_line as shown
from chandong_tui.reports.csv_out import Column
from chandong_tui.reports.exports import Export, check_reason, record_export

WIDTH = 80
"""The printout's width in terminal cells (Korean letters take two)."""
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


def build_minutes(repo: CaseRepository, conference_id: str) -> Minutes:
    """The rows of the sealed minutes, recording nothing (reading them on screen is not a hand-out)."""
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
    return Minutes(conference, Export("minutes", None, COLUMNS, tuple(rows), unmasked=False))


def hand_out_minutes(
    repo: CaseRepository, conference_id: str, *, reason: str, now: dt.datetime | None = None
) -> Minutes:
    """Check the reason, build the rows of the sealed minutes and record the hand-out in the log."""
    text = check_reason(reason)
    minutes = build_minutes(repo, conference_id)
    export = minutes.export
    audit_id = record_export(repo, export, f"{minutes.conference.id}: {text}", now)
    return Minutes(minutes.conference, Export("minutes", None, COLUMNS, export.rows, False, audit_id))


def _task_line(task: Task) -> str:
    return f"{task.title} ({task.owner_id}, {task.due_on.isoformat()})"


def render_text(repo: CaseRepository, minutes: Minutes, lang: str = "ko") -> str:
    """The minutes for an 80-column printout in Korean: heading, attendees, each household's
    decision, note and follow-ups, the minutes text, and the seal (and the revision's reason)."""
    c = minutes.conference
    rule = "=" * WIDTH
    lines = [rule, _centre(f"{tr('minutes_title', lang)} · {c.conference_kind.label(lang)}"), rule]
    lines.append(
        f"{tr('minutes_when', lang)}: {c.scheduled_at.astimezone(KST):%Y-%m-%d %H:%M}  {shown(c.place)}"
    )
    lines.append(f"{tr('minutes_facilitator', lang)}: {_worker(repo, c.facilitator_id)}")
    staff = [shown(a.name) for a in c.attendees if a.worker_id]
    outside = [_outside(a) for a in c.attendees if not a.worker_id]
    lines += _wrapped(f"{tr('minutes_staff', lang)}: ", ", ".join(staff) or "-")
    lines += _wrapped(f"{tr('minutes_outside', lang)}: ", ", ".join(outside) or "-")
    lines.append("-" * WIDTH)
    headers = [col.ko for col in minutes.export.columns]
    for n, row in enumerate(minutes.export.rows, 1):
        fields = dict(zip(headers, row, strict=True))
        decision = fields["결정"].label(lang) if fields["결정"] else "-"
        lines.append(f"{n}. {row[3]} ({row[4]}) · {decision}")
        if row[6]:
            lines += _wrapped(f"   {tr('minutes_note', lang)}: ", shown(row[6]))
        for task in filter(None, str(row[7]).split("; ")):
            lines += _wrapped(f"   {tr('minutes_task', lang)}: ", shown(task))
    lines.append("-" * WIDTH)
    for paragraph in (c.minutes or "-").splitlines() or ["-"]:
        lines += _wrapped("", shown(paragraph))
    lines.append("-" * WIDTH)
    sealed = f"{c.sealed_at.astimezone(KST):%Y-%m-%d %H:%M}" if c.sealed_at else "-"
    lines.append(f"{tr('minutes_sealed', lang)}: {sealed} {_worker(repo, c.sealed_by)}")
    if c.revises:
        lines += _wrapped(f"{tr('minutes_revision', lang)}: ", shown(c.revision_note))
    return "\n".join(lines) + "\n"


def _worker(repo: CaseRepository, worker_id: str | None) -> str:
    worker = repo.worker(worker_id) if worker_id else None
    return shown(worker.name) if worker else shown(worker_id or "-")


def _outside(attendee: Attendee) -> str:
    """`한가람 (동작구 정신건강복지센터, 위원)`: the name, then the organisation and role when given."""
    about = ", ".join(shown(v) for v in (attendee.organisation, attendee.role) if v)
    return f"{shown(attendee.name)} ({about})" if about else shown(attendee.name)


def _centre(text: str) -> str:
    return " " * max(0, (WIDTH - cells(text)) // 2) + text


def _wrapped(lead: str, text: str) -> list[str]:
    """`lead` + `text`, broken into lines of at most `WIDTH` cells, continuation lines indented."""
    indent = " " * cells(lead)
    lines: list[str] = []
    line = lead
    for word in text.split(" "):
        candidate = word if line in (lead, indent) else " " + word
        if cells(line + candidate) > WIDTH and line not in (lead, indent):
            lines.append(line)
            line, candidate = indent, word
        while cells(line + candidate) > WIDTH:  # a word longer than the line: cut it
            room = WIDTH - cells(line)
            cut = next(i for i in range(len(candidate), 0, -1) if cells(candidate[:i]) <= room)
            lines.append(line + candidate[:cut])
            line, candidate = indent, candidate[cut:]
        line += candidate
    lines.append(line)
    return lines
