"""사례회의: schedule a case conference, build its agenda, run the meeting, seal the minutes.

```
schedule ──► SCHEDULED ──start──► IN_PROGRESS ──seal──► SEALED ──revise──► (a new SEALED record)
```

In meeting mode each household on the agenda gets a decision (continue, close, refer to the gu,
emergency support, other); its follow-ups become `Task`s with an owner and a due date (by default the
vault's working days after the meeting). A decision to close asks a supervisor to approve the closure.
Sealed minutes are never changed: a correction is a new conference record whose `revises` names the
one it corrects, as visits do; readers show the newest revision.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chandong_tui.casework.actions import get_household, new_id
from chandong_tui.casework.clock import KST, now
from chandong_tui.casework.converters import is_deleted
from chandong_tui.casework.deadlines import follow_up_due, settings_of
from chandong_tui.casework.errors import Forbidden, IllegalTransition, NotFound, required_text
from chandong_tui.casework.permissions import require_owner_or_supervisor
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.supervision import CLOSABLE, closure_request_records
from chandong_tui.model.enums import (
    ConferenceKind,
    ConferenceState,
    Decision,
    FlagState,
    HandoffState,
    HouseholdStatus,
    LabelledEnum,
    Role,
)
from chandong_tui.model.records import AgendaItem, Attendee, Conference, Household, Record, Task

ORGANISER_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR})
"""Who schedules conferences (동 사례관리 담당자, 복지슈퍼바이저); the facilitator runs the meeting."""
LONG_OPEN_FLAG = dt.timedelta(days=14)
"""A crisis flag open this long is suggested for a conference."""
DECLINES_FOR_CONFERENCE = 2
"""Hand-offs of a household declined this many times: suggested for a conference."""
EDITABLE = ("conference_kind", "scheduled_at", "place", "facilitator_id", "attendees")


class AgendaReason(LabelledEnum):
    """Why a household is suggested for a conference's agenda."""

    LONG_OPEN_FLAG = "long_open_flag", "위기 장기 미해결", "Crisis flag open for long"
    NEEDS_CONFERENCE = "needs_conference", "사례회의 필요 표시", "Marked as needing a conference"
    DECLINED_TWICE = "declined_twice", "이관 2회 이상 거절", "Hand-off declined twice"


@dataclass(frozen=True)
class Suggestion:
    """A household worth putting on an agenda, and why."""

    household_id: str
    reasons: tuple[AgendaReason, ...]


# -- reading ---------------------------------------------------------------------------------
def current_conferences(repo: CaseRepository) -> list[Conference]:
    """Every conference as it now reads: the newest revision of sealed minutes, by time."""
    conferences = repo.all(Conference)
    revised = {c.revises for c in conferences if c.revises}
    return sorted((c for c in conferences if c.id not in revised), key=lambda c: (c.scheduled_at, c.id))


def revisions_of(repo: CaseRepository, conference_id: str) -> list[Conference]:
    """The conference and its revisions, oldest first (a revision of a revision is followed too)."""
    by_revised = {c.revises: c for c in repo.all(Conference) if c.revises}
    chain = [get_conference(repo, conference_id)]
    while chain[-1].id in by_revised:
        chain.append(by_revised[chain[-1].id])
    return chain


def get_conference(repo: CaseRepository, conference_id: str) -> Conference:
    conference = repo.get(Conference, conference_id)
    if conference is None:
        raise NotFound("err_no_conference", conference=conference_id)
    return conference


def standing_members(repo: CaseRepository) -> list[Attendee]:
    """A 사례관리위원회's standing outside members: those of its newest meeting, offered again when the
    next committee meeting is scheduled (kept with the meetings themselves, no list of its own)."""
    committees = [c for c in current_conferences(repo) if c.conference_kind is ConferenceKind.COMMITTEE]
    if not committees:
        return []
    return [a for a in committees[-1].attendees if not a.worker_id]


def week_view(repo: CaseRepository, day: dt.date) -> list[tuple[dt.date, list[Conference]]]:
    """Monday to Sunday of the week holding `day`, each with its conferences in time order."""
    monday = day - dt.timedelta(days=day.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    by_day: dict[dt.date, list[Conference]] = defaultdict(list)
    for conference in current_conferences(repo):
        by_day[conference.scheduled_at.astimezone(KST).date()].append(conference)
    return [(d, by_day.get(d, [])) for d in days]


def next_undecided(conference: Conference) -> AgendaItem | None:
    """The first agenda item still without a decision (meeting mode walks them in order)."""
    return next((item for item in conference.agenda if item.decision is None), None)


def agenda_suggestions(repo: CaseRepository, at: dt.datetime) -> list[Suggestion]:
    """Open households worth a conference, not already on the agenda of one to come: marked as
    needing one, a crisis flag open longer than `LONG_OPEN_FLAG`, or hand-offs declined twice."""
    reasons: dict[str, list[AgendaReason]] = defaultdict(list)
    households = repo.rows(Household.kind)
    for row_id, doc in households.items():
        if doc.get("needs_conference") and not is_deleted(doc):
            reasons[row_id].append(AgendaReason.NEEDS_CONFERENCE)
    cutoff = at - LONG_OPEN_FLAG
    for doc in repo.rows("crisis_flag").values():
        if (
            doc.get("state") == FlagState.OPEN
            and not is_deleted(doc)
            and _before(doc.get("raised_at"), cutoff)
        ):
            _add_once(reasons[doc.get("household_id", "")], AgendaReason.LONG_OPEN_FLAG)
    declines: dict[str, int] = defaultdict(int)
    for doc in repo.rows("handoff").values():
        if not is_deleted(doc):
            declined = sum(1 for e in doc.get("history", ()) if e.get("state") == HandoffState.DECLINED)
            declines[doc.get("household_id", "")] += declined
    for household_id, count in declines.items():
        if count >= DECLINES_FOR_CONFERENCE:
            reasons[household_id].append(AgendaReason.DECLINED_TWICE)
    planned = {
        item.household_id
        for c in current_conferences(repo)
        if c.state is not ConferenceState.SEALED
        for item in c.agenda
    }
    return [
        Suggestion(hid, tuple(sorted(found, key=list(AgendaReason).index)))
        for hid, found in sorted(reasons.items())
        if hid in households
        and hid not in planned
        and not is_deleted(households[hid])
        and households[hid].get("status") != HouseholdStatus.CLOSED
    ]


def _before(stamp: Any, cutoff: dt.datetime) -> bool:
    try:
        return dt.datetime.fromisoformat(str(stamp)) < cutoff
    except (TypeError, ValueError):
        return False  # an unreadable or naive time in a row: not a suggestion


def _add_once(found: list[AgendaReason], reason: AgendaReason) -> None:
    if reason not in found:
        found.append(reason)


# -- scheduling ------------------------------------------------------------------------------
def schedule_conference(
    repo: CaseRepository,
    *,
    conference_kind: str,
    scheduled_at: dt.datetime,
    place: str = "",
    facilitator_id: str | None = None,
    attendees: Iterable[Mapping[str, Any] | Attendee] = (),
    agenda: Iterable[str | tuple[str, str]] = (),
) -> Conference:
    """A new conference of the vault's dong; `agenda` lists household ids (or (id, reason) pairs)."""
    if repo.role not in ORGANISER_ROLES:
        raise Forbidden("err_organisers_schedule")
    dong = repo.dong()
    if dong is None:
        raise NotFound("err_no_dong_record")
    items = [_agenda_item(repo, entry) for entry in dict.fromkeys(agenda)]
    conference = Conference.model_validate(
        {
            "id": new_id("c"),
            "dong_code": dong.id,
            "conference_kind": conference_kind,
            "scheduled_at": scheduled_at,
            "place": place,
            "facilitator_id": _worker_id(repo, facilitator_id or repo.user_id),
            "attendees": [a.model_dump() if isinstance(a, Attendee) else dict(a) for a in attendees],
            "agenda": _unique(items),
        }
    )
    repo.save(conference)
    return conference


def update_conference(repo: CaseRepository, conference_id: str, changes: Mapping[str, Any]) -> Conference:
    """Change the time, place, kind, facilitator or attendees of a conference not yet sealed."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)} here")
    conference = _editable(repo, conference_id)
    if "facilitator_id" in changes:
        _worker_id(repo, str(changes["facilitator_id"]))
    updated = Conference.model_validate({**conference.model_dump(), **changes})
    repo.save(updated)
    return updated


def add_to_agenda(
    repo: CaseRepository, conference_id: str, household_id: str, reason: str = ""
) -> Conference:
    """Put a household on the agenda (before the minutes are sealed)."""
    conference = _editable(repo, conference_id)
    if any(item.household_id == household_id for item in conference.agenda):
        raise IllegalTransition("err_already_on_agenda", household=household_id, conference=conference_id)
    item = _agenda_item(repo, (household_id, reason))
    return _save(repo, conference.model_copy(update={"agenda": [*conference.agenda, item]}))


def remove_from_agenda(repo: CaseRepository, conference_id: str, household_id: str) -> Conference:
    """Take an undecided household off the agenda."""
    conference = _editable(repo, conference_id)
    item = _item(conference, household_id)
    if item.decision is not None:
        raise IllegalTransition("err_already_decided", household=household_id, conference=conference_id)
    agenda = [i for i in conference.agenda if i.household_id != household_id]
    return _save(repo, conference.model_copy(update={"agenda": agenda}))


def move_on_agenda(repo: CaseRepository, conference_id: str, household_id: str, offset: int) -> Conference:
    """Move a household up (`offset` < 0) or down the agenda before the meeting; meeting mode walks
    the agenda in this order. At either end it stays where it is."""
    conference = _editable(repo, conference_id)
    if conference.state is not ConferenceState.SCHEDULED:
        raise IllegalTransition("err_not_scheduled", conference=conference_id, state=conference.state)
    agenda = list(conference.agenda)
    index = agenda.index(_item(conference, household_id))
    target = max(0, min(len(agenda) - 1, index + offset))
    agenda.insert(target, agenda.pop(index))
    return _save(repo, conference.model_copy(update={"agenda": agenda}))


def _agenda_item(repo: CaseRepository, entry: str | tuple[str, str]) -> AgendaItem:
    household_id, reason = (entry, "") if isinstance(entry, str) else entry
    get_household(repo, household_id)
    return AgendaItem(household_id=household_id, reason=reason)


def _unique(items: list[AgendaItem]) -> list[AgendaItem]:
    seen: dict[str, AgendaItem] = {}
    for item in items:
        seen.setdefault(item.household_id, item)
    return list(seen.values())


# -- meeting mode ----------------------------------------------------------------------------
def start_meeting(repo: CaseRepository, conference_id: str, *, at: dt.datetime | None = None) -> Conference:
    """Open meeting mode (the facilitator or a supervisor)."""
    conference = _run_by_me(repo, conference_id)
    if conference.state is not ConferenceState.SCHEDULED:
        raise IllegalTransition("err_not_scheduled", conference=conference_id, state=conference.state)
    return _save(
        repo, conference.model_copy(update={"state": ConferenceState.IN_PROGRESS, "started_at": at or now()})
    )


def record_decision(
    repo: CaseRepository,
    conference_id: str,
    household_id: str,
    decision: Decision | str,
    *,
    note: str = "",
    follow_ups: Iterable[Mapping[str, Any]] = (),
    at: dt.datetime | None = None,
) -> tuple[Conference, list[Task]]:
    """Record the decision for one household of the agenda, its follow-up tasks (`title`, `owner_id`
    (default: the case owner), `due_on` (default: the vault's working days after today)), all in one
    batch. Deciding again replaces the decision and adds the new tasks to the earlier ones."""
    at = at or now()
    conference = _in_meeting(repo, conference_id)
    item = _item(conference, household_id)
    household = get_household(repo, household_id)
    decision = Decision(decision)
    tasks = [_task(repo, conference, household, spec, at) for spec in follow_ups]
    decided = item.model_copy(
        update={"decision": decision, "note": note, "task_ids": [*item.task_ids, *(t.id for t in tasks)]}
    )
    AgendaItem.model_validate(decided.model_dump())  # the note's length
    agenda = [decided if i.household_id == household_id else i for i in conference.agenda]
    updated = conference.model_copy(update={"agenda": agenda})
    changed: list[Record] = [updated, *tasks]
    household = household.model_copy(update={"needs_conference": False})
    if decision is Decision.CLOSE and household.status in CLOSABLE:
        changed += closure_request_records(repo, household, note or decision.ko, at)
    else:
        changed.append(household)
    repo.save_many(changed)
    return updated, tasks


def _task(
    repo: CaseRepository,
    conference: Conference,
    household: Household,
    spec: Mapping[str, Any],
    at: dt.datetime,
) -> Task:
    owner = spec.get("owner_id") or household.owner_id or repo.user_id
    due_on = spec.get("due_on") or follow_up_due(at.astimezone(KST).date(), settings_of(repo))
    return Task.model_validate(
        {
            "id": new_id("t"),
            "title": spec.get("title", ""),
            "owner_id": _worker_id(repo, str(owner)),
            "due_on": due_on,
            "household_id": household.id,
            "conference_id": conference.id,
            "created_by": repo.user_id,
            "created_at": at,
        }
    )


def seal_minutes(
    repo: CaseRepository, conference_id: str, minutes: str = "", *, at: dt.datetime | None = None
) -> Conference:
    """Close the meeting and seal its minutes; every household on the agenda needs a decision."""
    conference = _run_by_me(repo, conference_id)
    check_sealable(conference)
    sealed = Conference.model_validate(
        {
            **conference.model_dump(),
            "minutes": minutes,
            "state": ConferenceState.SEALED,
            "sealed_at": at or now(),
            "sealed_by": repo.user_id,
        }
    )
    return _save(repo, sealed)


def check_sealable(conference: Conference) -> None:
    """Refuse sealing before the meeting has started (or once sealed) and while a household on the
    agenda is undecided; screens ask this before the confirmation, `seal_minutes` again on saving."""
    if conference.state is not ConferenceState.IN_PROGRESS:
        raise IllegalTransition("err_not_in_meeting", conference=conference.id, state=conference.state)
    undecided = [item.household_id for item in conference.agenda if item.decision is None]
    if undecided:
        raise IllegalTransition("err_undecided", households=", ".join(undecided))


def revise_minutes(
    repo: CaseRepository,
    conference_id: str,
    *,
    reason: str,
    minutes: str | None = None,
    notes: Mapping[str, str] | None = None,
    at: dt.datetime | None = None,
) -> Conference:
    """Correct sealed minutes: a new sealed record revising the newest one, with why; the minutes
    text and the per-household notes can change, decisions and their tasks stay."""
    latest = revisions_of(repo, conference_id)[-1]
    if latest.state is not ConferenceState.SEALED:
        raise IllegalTransition("err_not_sealed", conference=conference_id)
    _require_facilitator(repo, latest)
    notes = dict(notes or {})
    unknown = set(notes) - {item.household_id for item in latest.agenda}
    if unknown:
        raise NotFound("err_not_on_agenda", households=", ".join(sorted(unknown)), conference=latest.id)
    agenda = [
        item.model_copy(update={"note": notes.get(item.household_id, item.note)}) for item in latest.agenda
    ]
    revision = Conference.model_validate(
        {
            **latest.model_dump(),
            "id": new_id("c"),
            "agenda": [item.model_dump() for item in agenda],
            "minutes": latest.minutes if minutes is None else minutes,
            "sealed_at": at or now(),
            "sealed_by": repo.user_id,
            "revises": latest.id,
            "revision_note": required_text(reason, "err_revision_needs_reason"),
        }
    )
    return _save(repo, revision)


# -- helpers ---------------------------------------------------------------------------------
def _editable(repo: CaseRepository, conference_id: str) -> Conference:
    conference = _run_by_me(repo, conference_id)
    if conference.state is ConferenceState.SEALED:
        raise IllegalTransition("err_minutes_sealed", conference=conference_id)
    return conference


def _run_by_me(repo: CaseRepository, conference_id: str) -> Conference:
    conference = get_conference(repo, conference_id)
    _require_facilitator(repo, conference)
    return conference


def _in_meeting(repo: CaseRepository, conference_id: str) -> Conference:
    """The conference, run by the user and in meeting mode (deciding and sealing need both)."""
    conference = _run_by_me(repo, conference_id)
    if conference.state is not ConferenceState.IN_PROGRESS:
        raise IllegalTransition("err_not_in_meeting", conference=conference_id, state=conference.state)
    return conference


def _require_facilitator(repo: CaseRepository, conference: Conference) -> None:
    require_owner_or_supervisor(
        repo.user_id,
        repo.role,
        conference.facilitator_id,
        "err_facilitator_runs",
        facilitator=conference.facilitator_id,
        conference=conference.id,
    )


def _item(conference: Conference, household_id: str) -> AgendaItem:
    for item in conference.agenda:
        if item.household_id == household_id:
            return item
    raise NotFound("err_not_on_agenda", households=household_id, conference=conference.id)


def _worker_id(repo: CaseRepository, worker_id: str) -> str:
    if repo.worker(worker_id) is None:
        raise NotFound("err_no_worker", worker=worker_id)
    return worker_id


def _save(repo: CaseRepository, conference: Conference) -> Conference:
    repo.save(conference)
    return conference
