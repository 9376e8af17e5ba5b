"""Deadline clocks that can be paused, and the team's per-vault clock settings.

- The 72-hour first visit after a crisis flag (calendar hours, `clock.py`), here moved by its pauses
  and with the last office day inside its window (a flag raised before 설날 must be visited before it).
- Date clocks: a household's next visit, a follow-up task's due date. Due at the end of the due day;
  "about to be breached" from the working day before.
- Pause and resume with a reason, kept as `pauses` on the record. A clock's due time moves by the time
  it stood paused (date clocks by whole days, rounded up).
- `VaultSettings`: next-visit days per household category (falling back to `clock.NEXT_VISIT_DAYS`),
  working days before an unanswered hand-off escalates, working days to a follow-up's due date.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import TypeVar

from chandong_tui.casework.clock import (
    DEFAULT_NEXT_VISIT_DAYS,
    KST,
    NEXT_VISIT_DAYS,
    ClockState,
    Deadline,
    first_visit_clock,
    is_paused,
    now,
    paused_time,
)
from chandong_tui.casework.errors import Forbidden, IllegalTransition, NotFound
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.workdays import add_working_days, previous_working_day
from chandong_tui.model.enums import FlagState, HouseholdStatus, HouseholdTag, Role, TaskState
from chandong_tui.model.records import ClockPause, CrisisFlag, Household, Task, VaultSettings

_TAG_VALUES = frozenset(tag.value for tag in HouseholdTag)
SETTINGS_ID = "settings"
"""The id of a vault's one `VaultSettings` row."""


# -- pauses ----------------------------------------------------------------------------------
PausableRecord = CrisisFlag | Household | Task
"""The record kinds whose clock pauses: a flag's first visit, a household's next visit, a task's due date."""
Pausable = TypeVar("Pausable", CrisisFlag, Household, Task, PausableRecord)
"""One of them, kept as it was given: pausing a task gives a task back, and a caller that only knows
it holds one of the three (`PausableRecord`, the last constraint) gets one of the three back."""


def pause_clock(
    repo: CaseRepository, record: Pausable, reason: str, *, at: dt.datetime | None = None
) -> Pausable:
    """Stop `record`'s clock (a flag's first visit, a household's next visit, a task's due date) with
    a reason; `IllegalTransition` when it is already paused or has nothing left to count."""
    at = at or now()
    current: Pausable = _fresh(repo, record)
    if is_paused(current.pauses):
        raise IllegalTransition("err_clock_already_paused", record=current.id)
    _check_running(current)
    pause = ClockPause(paused_at=at, paused_by=repo.user_id, reason=reason)
    updated: Pausable = current.model_copy(update={"pauses": [*current.pauses, pause]})
    repo.save(updated)
    return updated


def resume_clock(
    repo: CaseRepository, record: Pausable, note: str = "", *, at: dt.datetime | None = None
) -> Pausable:
    """Start `record`'s paused clock again; the pause stays in its history."""
    at = at or now()
    current: Pausable = _fresh(repo, record)
    if not is_paused(current.pauses):
        raise IllegalTransition("err_clock_not_paused", record=current.id)
    pauses = [
        p.model_copy(
            update={"resumed_at": max(at, p.paused_at), "resumed_by": repo.user_id, "resume_note": note}
        )
        if p.resumed_at is None
        else p
        for p in current.pauses
    ]
    ClockPause.model_validate(pauses[-1].model_dump())  # the note's length
    updated = current.model_copy(update={"pauses": pauses})
    repo.save(updated)
    return updated


def _fresh(repo: CaseRepository, record: Pausable) -> Pausable:
    stored = repo.get(type(record), record.id)
    if stored is None:
        raise NotFound("err_no_record", kind=record.kind, record=record.id)
    return stored


def _check_running(record: PausableRecord) -> None:
    if isinstance(record, CrisisFlag) and (record.state is not FlagState.OPEN or record.first_visit_at):
        raise IllegalTransition("err_flag_clock_stopped", flag=record.id)
    if isinstance(record, Task) and record.state is not TaskState.OPEN:
        raise IllegalTransition("err_task_not_open", task=record.id, state=record.state)
    if isinstance(record, Household) and record.status is HouseholdStatus.CLOSED:
        raise IllegalTransition("err_household_closed", household=record.id)


# -- the clocks ------------------------------------------------------------------------------
def last_office_day(flag: CrisisFlag, at: dt.datetime) -> dt.date | None:
    """The last working day on which the first visit still falls inside the 72 hours (pauses
    included), or None when the whole window is holidays and weekend (a 당직 visit is needed)."""
    due = first_visit_clock(flag, at).due_at.astimezone(KST)
    raised_on = flag.clock_start.astimezone(KST).date()
    last = previous_working_day(due.date())
    if last == due.date() and due.time() == dt.time():  # due at midnight: that day is already late
        last = previous_working_day(last - dt.timedelta(days=1))
    return last if last >= raised_on else None


def date_deadline(
    due_on: dt.date,
    pauses: Iterable[ClockPause],
    at: dt.datetime,
    *,
    done_at: dt.datetime | None = None,
) -> Deadline:
    """A clock due at the end of `due_on` (KST), moved by whole paused days; stopped at `done_at`."""
    pauses = list(pauses)
    end = done_at or at
    paused = paused_time(pauses, end)
    shifted = due_on + dt.timedelta(days=math.ceil(paused / dt.timedelta(days=1)))
    due_at = dt.datetime.combine(shifted + dt.timedelta(days=1), dt.time(), tzinfo=KST)
    remaining = due_at - end
    today = end.astimezone(KST).date()
    if done_at is not None:
        state = ClockState.MET if remaining >= dt.timedelta() else ClockState.LATE
    elif is_paused(pauses):
        state = ClockState.PAUSED
    elif remaining <= dt.timedelta():  # the due day is over
        state = ClockState.BREACHED
    elif today >= _warn_from(shifted):
        state = ClockState.WARNING
    else:
        state = ClockState.RUNNING
    return Deadline(due_at, remaining, state, paused)


def _warn_from(due_on: dt.date) -> dt.date:
    """The working day before `due_on`: a clock due after a long holiday warns before it starts."""
    return add_working_days(due_on, -1)


def last_pressing_due(at: dt.datetime) -> dt.date:
    """The last due day whose date clock, never paused, is pressing (warning or breached) at `at`.

    A clock due on a later day is running, so a scan of thousands (the supervisor queue's next
    visits) compares dates instead of building a `Deadline` for each. Before today it is breached;
    from today on it warns from the working day before it, and that day only moves later with the
    due day, so the pressing days are today and the days after it up to the one returned.
    """
    today = at.astimezone(KST).date()
    day = today
    while _warn_from(day + dt.timedelta(days=1)) <= today:
        day += dt.timedelta(days=1)
    return day


def task_deadline(task: Task, at: dt.datetime) -> Deadline:
    """A follow-up task's clock; done or cancelled tasks are stopped at `done_at` (or `at`)."""
    done_at = task.done_at or (at if task.state is not TaskState.OPEN else None)
    return date_deadline(task.due_on, task.pauses, at, done_at=done_at)


# -- settings --------------------------------------------------------------------------------
def settings_of(repo: CaseRepository) -> VaultSettings:
    """The vault's clock settings (the defaults when none were saved)."""
    return repo.get(VaultSettings, SETTINGS_ID) or VaultSettings(id=SETTINGS_ID)


def save_settings(repo: CaseRepository, changes: Mapping[str, object]) -> VaultSettings:
    """Change the vault's clock settings (supervisors only); validated by the model."""
    if repo.role != Role.SUPERVISOR:
        raise Forbidden("err_supervisor_settings")
    current = settings_of(repo)
    updated = VaultSettings.model_validate({**current.model_dump(), **changes, "id": SETTINGS_ID})
    repo.save(updated)
    return updated


def next_visit_days(tags: Iterable[str], settings: VaultSettings) -> int:
    """Days to the next visit for a household with `tags`: the shortest of its categories, from the
    vault's settings or else the built-in defaults."""
    known = [HouseholdTag(tag) for tag in tags if tag in _TAG_VALUES]
    days = [
        settings.next_visit_days.get(tag, NEXT_VISIT_DAYS.get(tag, DEFAULT_NEXT_VISIT_DAYS)) for tag in known
    ]
    return min(days, default=DEFAULT_NEXT_VISIT_DAYS)


def next_visit_due(household: Household | None, visited_on: dt.date, settings: VaultSettings) -> dt.date:
    """The next visit a form proposes after a visit on `visited_on`."""
    tags = household.tags if household is not None else []
    return visited_on + dt.timedelta(days=next_visit_days(tags, settings))


def follow_up_due(day: dt.date, settings: VaultSettings) -> dt.date:
    """A follow-up task's default due date: the vault's working days after `day`."""
    return add_working_days(day, settings.follow_up_working_days)
