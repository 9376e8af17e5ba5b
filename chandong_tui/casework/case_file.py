"""A household's whole case as the signed-in role may see it, read once and recorded as a `view` in the
access log: for `chandong show` (scripts, a printed case summary) and anything else that reads a case
back whole.

Everything comes through the repository, so what the role may not read is already gone (health
details, a health visit's note); registration and phone numbers are masked here for everyone (a
supervisor reveals one with a reason, `access.reveal_rrn`). A conference is given with this
household's agenda item only, never the other households discussed. The timeline is the household
screen's: visits, flags, conferences, hand-offs, task steps, case events and link outcome updates,
newest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from chandong_tui.casework.actions import get_household
from chandong_tui.casework.audit import log_view
from chandong_tui.casework.links import Link, links_of_household
from chandong_tui.casework.repository import CaseRepository, TaskChange
from chandong_tui.casework.supervision import case_events_of
from chandong_tui.i18n import Lang, t
from chandong_tui.model.fields import mask_phone, mask_rrn
from chandong_tui.model.records import (
    CaseEvent,
    Conference,
    CrisisFlag,
    Handoff,
    HealthMeasures,
    Household,
    LinkOutcome,
    Member,
    Task,
    Visit,
)


@dataclass(frozen=True)
class Moment:
    """One line of the case's timeline: when, what kind of record, which, who."""

    at: dt.datetime
    kind: str
    record_id: str
    actor_id: str | None
    record: Any


@dataclass
class CaseFile:
    """The case as read at once."""

    household: Household
    members: list[Member]
    visits: list[Visit]
    """Every visit, revisions included (newest first); `revised_by` says which correct which."""
    revised_by: dict[str, list[str]]
    flags: list[CrisisFlag]
    links: list[Link]
    tasks: list[Task]
    handoffs: list[Handoff]
    conferences: list[Conference]
    case_events: list[CaseEvent]
    timeline: list[Moment] = field(default_factory=list)


def read_case(repo: CaseRepository, household_id: str, *, log: bool = True) -> CaseFile:
    """The whole case of `household_id` (`NotFound` when there is none), recorded as a view."""
    household = get_household(repo, household_id)
    if log:
        log_view(repo, household.id)
    visits = repo.visits_of(household.id)
    revised_by: dict[str, list[str]] = {}
    for visit in visits:
        if visit.revises:
            revised_by.setdefault(visit.revises, []).append(visit.id)
    case = CaseFile(
        household=household,
        members=[_masked(member) for member in repo.members_of(household.id)],
        visits=visits,
        revised_by=revised_by,
        flags=repo.flags_of(household.id),
        links=links_of_household(repo, household.id),
        tasks=sorted(repo.tasks_of(household.id), key=lambda task: (task.due_on, task.id)),
        handoffs=repo.handoffs_of(household.id),
        conferences=[_only_this(c, household.id) for c in repo.conferences_of(household.id)],
        case_events=case_events_of(repo, household.id),
    )
    case.timeline = _timeline(repo, case)
    return case


def _masked(member: Member) -> Member:
    return member.model_copy(
        update={"rrn": mask_rrn(member.rrn) or None, "phone": mask_phone(member.phone) or None}
    )


def _only_this(conference: Conference, household_id: str) -> Conference:
    agenda = [item for item in conference.agenda if item.household_id == household_id]
    return conference.model_copy(update={"agenda": agenda, "minutes": ""})


def _actor(record: Any) -> str | None:
    if isinstance(record, Visit):
        return record.worker_id
    if isinstance(record, CrisisFlag):
        return record.raised_by
    if isinstance(record, Conference):
        return record.facilitator_id
    if isinstance(record, Handoff):
        return record.from_worker_id
    if isinstance(record, TaskChange | CaseEvent | LinkOutcome):
        return record.actor_id
    return None


def _timeline(repo: CaseRepository, case: CaseFile) -> list[Moment]:
    entries: list[tuple[dt.datetime, Any]] = [(e.at, e.record) for e in repo.timeline(case.household.id)]
    entries += [(event.at, event) for event in case.case_events]
    entries += [
        (update.at, update)
        for update in repo.where(LinkOutcome, lambda row: row.get("household_id") == case.household.id)
    ]
    moments = [
        Moment(
            at, "task" if isinstance(record, TaskChange) else record.kind, record.id, _actor(record), record
        )
        for at, record in entries
    ]
    return sorted(moments, key=lambda m: (m.at, m.record_id), reverse=True)


def measure_lines(measures: HealthMeasures, lang: Lang | str) -> list[str]:
    """`혈압 130/85 mmHg`, `혈당 110 mg/dL`, `체중 61.5 kg`, then the nurse's health note."""
    lines = []
    if measures.systolic is not None or measures.diastolic is not None:
        pressure = f"{measures.systolic or '-'}/{measures.diastolic or '-'}"
        lines.append(t("detail_blood_pressure", lang, value=pressure))
    if measures.glucose is not None:
        lines.append(t("detail_glucose", lang, value=measures.glucose))
    if measures.weight_kg is not None:
        lines.append(t("detail_weight", lang, value=f"{measures.weight_kg:g}"))
    if measures.note:
        lines.append(f"{t('health_note', lang)}: {measures.note}")
    return lines


def link_dict(link: Link) -> dict[str, Any]:
    """A link as JSON-ready values."""
    return {
        "link_id": link.id,
        "source_id": link.source_id,
        "agency": link.agency,
        "service": link.service,
        "category": link.category.value if link.category else None,
        "requested_on": link.requested_on.isoformat(),
        "linked_by": link.linked_by,
        "outcome": link.outcome.value,
        "outcome_at": link.updated_at.isoformat() if link.updated_at else None,
        "updated_by": link.updated_by,
        "note": link.note,
    }


def case_dict(case: CaseFile) -> dict[str, Any]:
    """The case as JSON-ready values (records as stored, stable keys)."""

    def dump(record: Any) -> dict[str, Any]:
        return dict(record.model_dump(mode="json", exclude_none=True))

    return {
        "household": dump(case.household),
        "members": [dump(member) for member in case.members],
        "visits": [{**dump(visit), "revised_by": case.revised_by.get(visit.id, [])} for visit in case.visits],
        "flags": [dump(flag) for flag in case.flags],
        "links": [link_dict(link) for link in case.links],
        "tasks": [dump(task) for task in case.tasks],
        "handoffs": [dump(handoff) for handoff in case.handoffs],
        "conferences": [dump(conference) for conference in case.conferences],
        "case_events": [dump(event) for event in case.case_events],
        "timeline": [
            {"at": m.at.isoformat(), "kind": m.kind, "id": m.record_id, "actor": m.actor_id}
            for m in case.timeline
        ],
    }
