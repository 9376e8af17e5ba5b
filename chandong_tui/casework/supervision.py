"""What a 복지슈퍼바이저 does to cases: approve or return a closure, reassign, comment.

Closing a case takes two people: the owner (or a conference's decision) asks, a supervisor approves
or returns it, each time with a comment. Every step is an append-only `CaseEvent`; the household's
`status` and `owner_id` say where the case stands now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from chandong_tui.casework.actions import get_household, new_id
from chandong_tui.casework.clock import now
from chandong_tui.casework.converters import from_row, is_deleted
from chandong_tui.casework.errors import Forbidden, IllegalTransition, NotFound, required_text
from chandong_tui.casework.handoffs import WAITING, move_open_tasks
from chandong_tui.casework.permissions import require_owner_or_supervisor
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import (
    CaseAction,
    ClosureReason,
    HandoffState,
    HandoffStep,
    HouseholdStatus,
    Role,
)
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
    repo: CaseRepository,
    household_id: str,
    note: str,
    *,
    reason: ClosureReason | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """Ask a supervisor to close the case (its owner or a supervisor), for `reason` (목표 달성, 전출, …)
    with a note; the note is required when no reason or 기타 is given. `closure.open_items` lists what
    is still open on the case, for the form to show first."""
    household = get_household(repo, household_id)
    require_owner_or_supervisor(repo.user_id, repo.role, household.owner_id, "err_owner_asks_closure")
    if reason is None or reason is ClosureReason.OTHER:
        note = required_text(note, "err_closure_needs_reason")
    changed = closure_request_records(repo, household, note.strip(), at or now(), reason)
    repo.save_many(changed)
    return changed[-1]  # type: ignore[return-value]


def closure_request_records(
    repo: CaseRepository,
    household: Household,
    note: str,
    at: dt.datetime,
    reason: ClosureReason | None = None,
) -> list[Record]:
    """The household awaiting approval and the request's event (not saved); for conferences too."""
    if household.status not in CLOSABLE:
        raise IllegalTransition("err_household_not_closable", household=household.id, status=household.status)
    waiting = [h for h in repo.handoffs_of(household.id) if h.state in WAITING]
    if waiting:
        raise IllegalTransition("err_handoff_open", household=household.id, handoff=waiting[0].id)
    event = case_event(
        repo,
        household,
        CaseAction.CLOSURE_REQUESTED,
        note,
        at,
        previous_status=household.status,
        closure_reason=reason,
    )
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
    _supervisor(repo, "err_supervisor_decides_closure")
    household = get_household(repo, household_id)
    if household.status is not HouseholdStatus.CLOSURE_REQUESTED:
        raise IllegalTransition("err_no_closure_awaits", household=household_id, status=household.status)
    note = required_text(comment, "err_closure_needs_comment")
    if action is CaseAction.CLOSURE_APPROVED:
        status = HouseholdStatus.CLOSED
    else:
        asked = closure_request_of(repo, household_id)
        status = (asked.previous_status if asked else None) or HouseholdStatus.OPEN
    event = case_event(repo, household, action, note, at or now(), previous_status=household.status)
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
    _supervisor(repo, "err_supervisor_reassigns")
    at = at or now()
    worker = repo.worker(to_worker_id)
    if worker is None or not worker.active:
        raise NotFound("err_no_active_worker", worker=to_worker_id)
    changed: list[Record] = []
    events = []
    for household_id in dict.fromkeys(household_ids):
        household = get_household(repo, household_id)
        if household.status is HouseholdStatus.CLOSED:
            raise IllegalTransition("err_household_closed", household=household_id)
        if household.owner_id == to_worker_id:
            continue
        event = case_event(repo, household, CaseAction.REASSIGNED, comment, at, to_owner_id=to_worker_id)
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
    household = get_household(repo, household_id)
    note = required_text(text, "err_comment_empty")
    event = case_event(repo, household, CaseAction.COMMENT, note, at or now())
    repo.save(event)
    return event


# -- helpers ---------------------------------------------------------------------------------
def case_event(
    repo: CaseRepository,
    household: Household,
    action: CaseAction,
    note: str,
    at: dt.datetime,
    *,
    previous_status: HouseholdStatus | None = None,
    to_owner_id: str | None = None,
    closure_reason: ClosureReason | None = None,
) -> CaseEvent:
    """One step on `household`'s case by the signed-in user (not saved)."""
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
        closure_reason=closure_reason,
    )


def _supervisor(repo: CaseRepository, key: str) -> None:
    """`Forbidden(key)` unless the user is a supervisor."""
    if repo.role != Role.SUPERVISOR:
        raise Forbidden(key)
