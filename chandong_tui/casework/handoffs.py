"""사례 이관: handing a case to another worker, another dong or the 구청 통합사례관리.

```
request ──► REQUESTED ──accept──► ACCEPTED      (ownership, open tasks and clocks move with the case)
               │  ▲  ├──decline─► DECLINED      (the case stays with its owner, nothing changes)
               │  │  └──return──► RETURNED ──answer──► REQUESTED
               │  └──────────────────┘
               └──cancel (also from RETURNED)──► CANCELLED
```

One hand-off waits per household at a time, and a case has one owner: a worker accepts a hand-off
addressed to them; the answer of another dong or the gu is recorded by a supervisor. A hand-off
unanswered for three working days (a vault setting) counts as escalated to the supervisor queue;
`escalate_overdue` also writes that step into its history. Every step is a `HandoffEvent` in `history`.

The clocks of a case (first visit after a crisis flag, next visit, follow-up tasks) belong to the
household, so they follow the new owner as they stand; tasks the old owner held on the household are
handed over with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from chandong_tui.casework.actions import get_household, new_id
from chandong_tui.casework.clock import KST, now
from chandong_tui.casework.deadlines import settings_of
from chandong_tui.casework.errors import Forbidden, IllegalTransition, InvalidInput, NotFound, required_text
from chandong_tui.casework.permissions import require_owner_or_supervisor
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.workdays import add_working_days
from chandong_tui.i18n import Lang
from chandong_tui.model.enums import (
    HandoffState,
    HandoffStep,
    HandoffTarget,
    HouseholdStatus,
    Role,
    TaskState,
)
from chandong_tui.model.records import Handoff, HandoffEvent, Household, Record, Task, VaultSettings

WAITING = frozenset({HandoffState.REQUESTED, HandoffState.RETURNED})
"""States in which a hand-off is still open (the household can have only one)."""


# -- reading ---------------------------------------------------------------------------------
def get_handoff(repo: CaseRepository, handoff_id: str) -> Handoff:
    handoff = repo.get(Handoff, handoff_id)
    if handoff is None:
        raise NotFound("err_no_handoff", handoff=handoff_id)
    return handoff


def waiting_handoff_of(repo: CaseRepository, household_id: str) -> Handoff | None:
    """The household's hand-off still open, if any."""
    return next((h for h in repo.handoffs_of(household_id) if h.state in WAITING), None)


def sent_waiting(repo: CaseRepository) -> list[Handoff]:
    """Open hand-offs the signed-in user sent (a supervisor: every open one): those returned with a
    question first (they wait for the user's answer), then the rest, oldest first."""
    me, everyone = repo.user_id, repo.role == Role.SUPERVISOR
    found = repo.where(
        Handoff,
        lambda row: row.get("state") in WAITING and (everyone or row.get("from_worker_id") == me),
    )
    return sorted(
        found,
        key=lambda h: (h.state is not HandoffState.RETURNED, h.history[-1].at if h.history else now(), h.id),
    )


def sent_at(handoff: Handoff) -> dt.datetime | None:
    """When the hand-off was last sent (requested, or answered after a question)."""
    sent = [e.at for e in handoff.history if e.state is HandoffState.REQUESTED]
    return max(sent) if sent else None


def escalation_at(handoff: Handoff, settings: VaultSettings) -> dt.datetime | None:
    """When a requested hand-off counts as escalated if still unanswered: the same time of day, the
    vault's number of working days (3 by default) after it was sent; None unless it waits an answer."""
    sent = sent_at(handoff)
    if handoff.state is not HandoffState.REQUESTED or sent is None:
        return None
    local = sent.astimezone(KST)
    day = add_working_days(local.date(), settings.handoff_escalation_working_days)
    return dt.datetime.combine(day, local.timetz())


def is_escalated(handoff: Handoff, at: dt.datetime, settings: VaultSettings) -> bool:
    """Escalated to the supervisor: marked so since it was last sent, or unanswered past its time."""
    if handoff.state is not HandoffState.REQUESTED:
        return False
    due = escalation_at(handoff, settings)
    return _marked_escalated(handoff) or (due is not None and at >= due)


def _marked_escalated(handoff: Handoff) -> bool:
    """Whether `escalated_at` belongs to the current sending (an answer after a question starts a
    fresh count; the earlier escalation stays in the history)."""
    sent = sent_at(handoff)
    return handoff.escalated_at is not None and (sent is None or handoff.escalated_at >= sent)


def times_declined(handoffs: Iterable[Handoff]) -> int:
    """How many times hand-offs of a household were declined (a conference suggestion at two)."""
    return sum(1 for h in handoffs for e in h.history if e.state is HandoffState.DECLINED)


def history_lines(
    handoff: Handoff, lang: Lang | str = Lang.KO, names: Mapping[str, str] | None = None
) -> list[str]:
    """The hand-off's history as lines for people, oldest first; `names` maps worker ids to the
    names shown (ids stay as they are when absent)."""
    names = names or {}
    lines = []
    for event in handoff.history:
        what = event.step.label(lang) if event.step is not None else event.state.label(lang)
        note = " ".join(event.note.split())
        when = event.at.astimezone(KST).strftime("%Y-%m-%d %H:%M")
        actor = names.get(event.actor_id, event.actor_id)
        lines.append(f"{when} {actor} {what}" + (f": {note}" if note else ""))
    return lines


# -- steps -----------------------------------------------------------------------------------
def request_handoff(
    repo: CaseRepository,
    household_id: str,
    *,
    target: HandoffTarget | str,
    reason: str,
    summary: str = "",
    to_worker_id: str | None = None,
    to_dong_code: str | None = None,
    at: dt.datetime | None = None,
) -> Handoff:
    """Ask to hand the household's case on; by its owner, or a supervisor."""
    at = at or now()
    household = get_household(repo, household_id)
    if household.status is HouseholdStatus.CLOSED:
        raise IllegalTransition("err_household_closed", household=household_id)
    require_owner_or_supervisor(repo.user_id, repo.role, household.owner_id, "err_owner_hands_on")
    waiting = waiting_handoff_of(repo, household_id)
    if waiting is not None:
        raise IllegalTransition("err_handoff_open", household=household_id, handoff=waiting.id)
    target = HandoffTarget(target)
    _check_receiver(repo, household, target, to_worker_id, to_dong_code)
    handoff = Handoff.model_validate(
        {
            "id": new_id("ho"),
            "household_id": household_id,
            "from_worker_id": household.owner_id or repo.user_id,
            "target": target,
            "to_worker_id": to_worker_id if target is HandoffTarget.WORKER else None,
            "to_dong_code": to_dong_code if target is HandoffTarget.DONG else None,
            "reason": required_text(reason, "err_handoff_needs_reason"),
            "summary": summary,
            "history": [_event(repo, at, HandoffStep.REQUEST, HandoffState.REQUESTED)],
        }
    )
    repo.save(handoff)
    return handoff


def _check_receiver(
    repo: CaseRepository,
    household: Household,
    target: HandoffTarget,
    to_worker_id: str | None,
    to_dong_code: str | None,
) -> None:
    if target is HandoffTarget.WORKER:
        worker = repo.worker(to_worker_id or "")
        if worker is None or not worker.active:
            raise NotFound("err_no_active_worker", worker=to_worker_id or "")
        if worker.id == household.owner_id:
            raise IllegalTransition("err_already_owner", worker=worker.id, household=household.id)
    elif target is HandoffTarget.DONG and (not to_dong_code or to_dong_code == household.dong_code):
        raise InvalidInput("err_handoff_needs_dong")


def accept_handoff(
    repo: CaseRepository, handoff_id: str, note: str = "", *, at: dt.datetime | None = None
) -> Handoff:
    """Take the case: a worker becomes its owner with the household's open tasks; a case accepted by
    another dong is closed here (it moved); one accepted by the gu stays with its owner, who now
    works with the gu's case manager."""
    at = at or now()
    handoff = _answerable(repo, handoff_id)
    household = get_household(repo, handoff.household_id)
    if household.owner_id not in (None, handoff.from_worker_id):
        raise IllegalTransition("err_owner_changed", household=household.id, handoff=handoff.id)
    changed: list[Record] = [_step(repo, handoff, at, HandoffStep.ACCEPT, HandoffState.ACCEPTED, note)]
    if handoff.target is HandoffTarget.WORKER and handoff.to_worker_id:
        changed.append(household.model_copy(update={"owner_id": handoff.to_worker_id}))
        changed += move_open_tasks(repo, household.id, handoff.from_worker_id, handoff.to_worker_id)
    elif handoff.target is HandoffTarget.DONG:
        changed.append(household.model_copy(update={"status": HouseholdStatus.CLOSED}))
    repo.save_many(changed)
    return changed[0]  # type: ignore[return-value]


def move_open_tasks(repo: CaseRepository, household_id: str, from_id: str | None, to_id: str) -> list[Task]:
    """The household's open tasks held by `from_id` (all of them when None), given to `to_id`."""
    return [
        task.model_copy(update={"owner_id": to_id})
        for task in repo.tasks_of(household_id)
        if task.state is TaskState.OPEN and (from_id is None or task.owner_id == from_id)
    ]


def decline_handoff(
    repo: CaseRepository, handoff_id: str, reason: str, *, at: dt.datetime | None = None
) -> Handoff:
    """Refuse the case, with a reason; it stays with its owner, nothing else changes."""
    handoff = _answerable(repo, handoff_id)
    note = required_text(reason, "err_decline_needs_reason")
    return _save_step(repo, handoff, at, HandoffStep.DECLINE, HandoffState.DECLINED, note)


def return_handoff(
    repo: CaseRepository, handoff_id: str, question: str, *, at: dt.datetime | None = None
) -> Handoff:
    """Send the hand-off back with a question; the case stays with its owner until answered."""
    handoff = _answerable(repo, handoff_id)
    note = required_text(question, "err_return_needs_question")
    return _save_step(repo, handoff, at, HandoffStep.RETURN, HandoffState.RETURNED, note)


def answer_handoff(
    repo: CaseRepository, handoff_id: str, answer: str, *, at: dt.datetime | None = None
) -> Handoff:
    """Answer the receiver's question and send the hand-off again (its escalation count restarts)."""
    handoff = get_handoff(repo, handoff_id)
    if handoff.state is not HandoffState.RETURNED:
        raise IllegalTransition("err_handoff_not_returned", handoff=handoff.id, state=handoff.state)
    _check_sender(repo, handoff)
    note = required_text(answer, "err_answer_empty")
    return _save_step(repo, handoff, at, HandoffStep.ANSWER, HandoffState.REQUESTED, note)


def cancel_handoff(
    repo: CaseRepository, handoff_id: str, note: str = "", *, at: dt.datetime | None = None
) -> Handoff:
    """Withdraw an open hand-off (its sender or a supervisor)."""
    handoff = get_handoff(repo, handoff_id)
    if handoff.state not in WAITING:
        raise IllegalTransition("err_handoff_finished", handoff=handoff.id, state=handoff.state)
    _check_sender(repo, handoff)
    return _save_step(repo, handoff, at, HandoffStep.CANCEL, HandoffState.CANCELLED, note)


def escalate_overdue(repo: CaseRepository, *, at: dt.datetime | None = None) -> list[Handoff]:
    """Mark every hand-off unanswered past its escalation time as escalated, with a history step."""
    at = at or now()
    settings = settings_of(repo)
    escalated = []
    # Only requested hand-offs can escalate: the others are not validated (a thousand at dong size).
    for handoff in repo.where(Handoff, lambda row: row.get("state") == HandoffState.REQUESTED):
        due = escalation_at(handoff, settings)
        if not _marked_escalated(handoff) and due is not None and at >= due:
            step = _step(repo, handoff, at, HandoffStep.ESCALATE, HandoffState.REQUESTED)
            escalated.append(step.model_copy(update={"escalated_at": at}))
    repo.save_many(escalated)
    return escalated


# -- helpers ---------------------------------------------------------------------------------
def _answerable(repo: CaseRepository, handoff_id: str) -> Handoff:
    """The hand-off, when it waits for an answer the signed-in user may give."""
    handoff = get_handoff(repo, handoff_id)
    if handoff.state is not HandoffState.REQUESTED:
        raise IllegalTransition("err_handoff_not_waiting", handoff=handoff.id, state=handoff.state)
    if repo.role == Role.SUPERVISOR:
        return handoff
    if handoff.target is not HandoffTarget.WORKER:
        raise Forbidden("err_supervisor_answers_outside")
    if repo.user_id != handoff.to_worker_id:
        raise Forbidden("err_handoff_addressed", handoff=handoff.id, worker=handoff.to_worker_id or "")
    return handoff


def _check_sender(repo: CaseRepository, handoff: Handoff) -> None:
    require_owner_or_supervisor(
        repo.user_id,
        repo.role,
        handoff.from_worker_id,
        "err_sender_changes",
        sender=handoff.from_worker_id,
        handoff=handoff.id,
    )


def _event(
    repo: CaseRepository, at: dt.datetime, step: HandoffStep, state: HandoffState, note: str = ""
) -> HandoffEvent:
    return HandoffEvent(at=at, actor_id=repo.user_id, state=state, note=note, step=step)


def _step(
    repo: CaseRepository,
    handoff: Handoff,
    at: dt.datetime,
    step: HandoffStep,
    state: HandoffState,
    note: str = "",
) -> Handoff:
    """The hand-off moved to `state`, with the step appended to its history (not saved)."""
    event = _event(repo, at, step, state, note)
    return handoff.model_copy(update={"state": state, "history": [*handoff.history, event]})


def _save_step(
    repo: CaseRepository,
    handoff: Handoff,
    at: dt.datetime | None,
    step: HandoffStep,
    state: HandoffState,
    note: str,
) -> Handoff:
    moved = _step(repo, handoff, at or now(), step, state, note)
    repo.save(moved)
    return moved
