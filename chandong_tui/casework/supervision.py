"""What a 복지슈퍼바이저 does to cases: approve or return a closure, reassign, comment.

Closing a case takes two people: the owner (or a conference's decision) asks, a supervisor approves
or returns it, each time with a comment. Every step is an append-only `CaseEvent`; the household's
`status` and `owner_id` say where the case stands now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from chandong_tui.casework.access import Forbidden
from chandong_tui.casework.actions import new_id
from chandong_tui.casework.clock import now
from chandong_tui.casework.converters import from_row, is_deleted
from chandong_tui.casework.errors import IllegalTransition, required_text
from chandong_tui.casework.handoffs import WAITING, move_open_tasks
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import CaseAction, HandoffState, HandoffStep, HouseholdStatus, Role
from chandong_tui.model.records import CaseEvent, Handoff, HandoffEvent, Household, Record

CLOSABLE = frozenset({HouseholdStatus.OPEN, HouseholdStatus.MONITORING})


def case_events_of(repo: CaseRepository, household_id: str) -> list[CaseEvent]:
    """The household's case events, oldest first."""
    events = [
        from_row(CaseEvent, row_id, doc)
        for row_id, doc in repo.rows(CaseEvent.kind).items()
        if doc.get("household_id") == household_id and not is_deleted(doc)
    ]
    return sorted(events, key=lambda e: (e.at, e.id))


def closure_request_of(repo: CaseRepository, household_id: str) -> CaseEvent | None:
    """The latest closure request of the household."""
    asked = [e for e in case_events_of(repo, household_id) if e.action is CaseAction.CLOSURE_REQUESTED]
    return asked[-1] if asked else None


def request_closure(
    repo: CaseRepository, household_id: str, note: str, *, at: dt.datetime | None = None
) -> CaseEvent:
    """Ask a supervisor to close the case (its owner or a supervisor)."""
    household = _household(repo, household_id)
    if repo.user_id != household.owner_id and repo.role != Role.SUPERVISOR:
        raise Forbidden("only the case owner or a supervisor asks to close a case")
    changed = closure_request_records(
        repo, household, required_text(note, "say why the case closes"), at or now()
    )
    repo.save_many(changed)
    return changed[-1]  # type: ignore[return-value]


def closure_request_records(
    repo: CaseRepository, household: Household, note: str, at: dt.datetime
) -> list[Record]:
    """The household awaiting approval and the request's event (not saved); for conferences too."""
    if household.status not in CLOSABLE:
        raise IllegalTransition(f"household {household.id} is {household.status.value}")
    waiting = [h for h in repo.handoffs_of(household.id) if h.state in WAITING]
    if waiting:
        raise IllegalTransition(f"household {household.id} has hand-off {waiting[0].id} open")
    event = _event(repo, household, CaseAction.CLOSURE_REQUESTED, note, at, previous_status=household.status)
    return [household.model_copy(update={"status": HouseholdStatus.CLOSURE_REQUESTED}), event]


def approve_closure(
    repo: CaseRepository, household_id: str, comment: str, *, at: dt.datetime | None = None
) -> CaseEvent:
    """Close the case (supervisors), with a comment."""
    return _decide_closure(repo, household_id, comment, at, CaseAction.CLOSURE_APPROVED)


def return_closure(
    repo: CaseRepository, household_id: str, comment: str, *, at: dt.datetime | None = None
) -> CaseEvent:
    """Send the closure back (supervisors), with a comment; the case returns to the status it had."""
    return _decide_closure(repo, household_id, comment, at, CaseAction.CLOSURE_RETURNED)


def _decide_closure(
    repo: CaseRepository, household_id: str, comment: str, at: dt.datetime | None, action: CaseAction
) -> CaseEvent:
    _supervisor(repo, "approves or returns a closure")
    household = _household(repo, household_id)
    if household.status is not HouseholdStatus.CLOSURE_REQUESTED:
        raise IllegalTransition(f"household {household_id} is {household.status.value}, no closure awaits")
    note = required_text(comment, "a supervisor's decision on a closure needs a comment")
    if action is CaseAction.CLOSURE_APPROVED:
        status = HouseholdStatus.CLOSED
    else:
        asked = closure_request_of(repo, household_id)
        status = (asked.previous_status if asked else None) or HouseholdStatus.OPEN
    event = _event(repo, household, action, note, at or now(), previous_status=household.status)
    repo.save_many([household.model_copy(update={"status": status}), event])
    return event


def reassign(
    repo: CaseRepository,
    household_ids: Iterable[str],
    to_worker_id: str,
    comment: str = "",
    *,
    at: dt.datetime | None = None,
) -> list[CaseEvent]:
    """Give one or many cases to `to_worker_id` (supervisors), in one batch: each moves with its open
    tasks; a hand-off still open on it is cancelled (its history says why). Households the worker
    already owns are left as they are."""
    _supervisor(repo, "reassigns cases")
    at = at or now()
    worker = repo.worker(to_worker_id)
    if worker is None or not worker.active:
        raise LookupError(f"no active worker {to_worker_id!r}")
    changed: list[Record] = []
    events = []
    for household_id in dict.fromkeys(household_ids):
        household = _household(repo, household_id)
        if household.status is HouseholdStatus.CLOSED:
            raise IllegalTransition(f"household {household_id} is closed")
        if household.owner_id == to_worker_id:
            continue
        event = _event(repo, household, CaseAction.REASSIGNED, comment, at, to_owner_id=to_worker_id)
        changed += [household.model_copy(update={"owner_id": to_worker_id}), event]
        changed += move_open_tasks(repo, household_id, household.owner_id, to_worker_id)
        changed += _cancelled_handoffs(repo, household_id, at)
        events.append(event)
    repo.save_many(changed)
    return events


def _cancelled_handoffs(repo: CaseRepository, household_id: str, at: dt.datetime) -> list[Handoff]:
    cancel = HandoffEvent(
        at=at,
        actor_id=repo.user_id,
        state=HandoffState.CANCELLED,
        step=HandoffStep.CANCEL,
        note="담당자 재배정",
    )
    return [
        h.model_copy(update={"state": HandoffState.CANCELLED, "history": [*h.history, cancel]})
        for h in repo.handoffs_of(household_id)
        if h.state in WAITING
    ]


def comment(
    repo: CaseRepository, household_id: str, text: str, *, at: dt.datetime | None = None
) -> CaseEvent:
    """A comment on a case, kept with its history."""
    household = _household(repo, household_id)
    event = _event(
        repo, household, CaseAction.COMMENT, required_text(text, "a comment cannot be empty"), at or now()
    )
    repo.save(event)
    return event


# -- helpers ---------------------------------------------------------------------------------
def _event(
    repo: CaseRepository,
    household: Household,
    action: CaseAction,
    note: str,
    at: dt.datetime,
    *,
    previous_status: HouseholdStatus | None = None,
    to_owner_id: str | None = None,
) -> CaseEvent:
    return CaseEvent(
        id=new_id("ce"),
        household_id=household.id,
        at=at,
        actor_id=repo.user_id,
        action=action,
        note=note,
        from_owner_id=household.owner_id,
        to_owner_id=to_owner_id,
        previous_status=previous_status,
    )


def _household(repo: CaseRepository, household_id: str) -> Household:
    household = repo.household(household_id)
    if household is None:
        raise LookupError(f"no household {household_id!r}")
    return household


def _supervisor(repo: CaseRepository, what: str) -> None:
    if repo.role != Role.SUPERVISOR:
        raise Forbidden(f"only a supervisor {what}")
