"""할 일: follow-up tasks of a household, added by hand or by a conference decision, then finished,
cancelled or handed to someone else.

```
add ──► OPEN ──finish (note)──► DONE
          │ ──cancel (reason)─► CANCELLED
          └──reassign──► OPEN (another assignee)
```

Who may: the case owner, the task's assignee or a supervisor (`permissions.is_owner_or_supervisor`
with the assignee as `also`; creating a task for oneself counts as being its assignee). Each step is
one save through the repository and one entry of the task's `history` (who, when, why), which the
household's timeline shows (`repository.timeline`). A finished or cancelled task's due-date clock
stops at that moment (`done_at`): 내 업무 and the supervisor queue list open tasks only. Tasks a
conference decided are the same records and follow the same steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chandong_tui.casework.actions import get_household, new_id
from chandong_tui.casework.clock import KST, Deadline, now
from chandong_tui.casework.deadlines import follow_up_due, settings_of, task_deadline
from chandong_tui.casework.errors import Forbidden, IllegalTransition, InvalidInput, NotFound, required_text
from chandong_tui.casework.permissions import is_owner_or_supervisor
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.workdays import MAX_SPAN_DAYS, add_working_days
from chandong_tui.model.enums import HouseholdStatus, TaskState, TaskStep
from chandong_tui.model.records import Household, Task, TaskEvent

RECENT = dt.timedelta(days=30)
"""A finished or cancelled task stays in a household's task list this long."""


@dataclass(frozen=True)
class TaskWithClock:
    """A task and where its due-date clock stands."""

    task: Task
    deadline: Deadline


# -- reading ---------------------------------------------------------------------------------
def get_task(repo: CaseRepository, task_id: str) -> Task:
    """The task with this id; `NotFound` when there is none."""
    task = repo.get(Task, task_id)
    if task is None:
        raise NotFound("err_no_task", task=task_id)
    return task


def may_act_on(repo: CaseRepository, task: Task, household: Household | None = None) -> bool:
    """Whether the signed-in user may finish, cancel or reassign `task` (the screens hide keys by it)."""
    if household is None and task.household_id:
        household = repo.household(task.household_id)
    case_owner = household.owner_id if household is not None else None
    return is_owner_or_supervisor(repo.user_id, repo.role, case_owner, also=(task.owner_id,))


def tasks_of_household(repo: CaseRepository, household_id: str, at: dt.datetime) -> list[TaskWithClock]:
    """The household's open tasks (soonest due first), then those finished or cancelled within
    `RECENT` of `at` (latest first)."""
    open_tasks, recent = [], []
    for task in repo.tasks_of(household_id):
        entry = TaskWithClock(task, task_deadline(task, at))
        if task.state is TaskState.OPEN:
            open_tasks.append(entry)
        elif _closed_lately(task, at):
            recent.append(entry)
    open_tasks.sort(key=lambda e: (e.task.due_on, e.task.id))
    recent.sort(key=lambda e: (e.task.done_at or at, e.task.id), reverse=True)
    return open_tasks + recent


def _closed_lately(task: Task, at: dt.datetime) -> bool:
    """Finished or cancelled within `RECENT` of `at` (a task closed before the time was kept: due then)."""
    if task.done_at is not None:
        return at - task.done_at <= RECENT
    return at.astimezone(KST).date() - task.due_on <= RECENT


def list_tasks(
    repo: CaseRepository, at: dt.datetime, *, mine: bool = False, open_only: bool = False
) -> list[TaskWithClock]:
    """Every task the user reads (only theirs with `mine`, only open ones with `open_only`): open
    ones first by due date, then the rest by due date."""
    me = repo.user_id
    tasks = repo.where(
        Task,
        lambda row: (
            (not mine or row.get("owner_id") == me) and (not open_only or row.get("state") == TaskState.OPEN)
        ),
    )
    found = [TaskWithClock(task, task_deadline(task, at)) for task in tasks]
    return sorted(found, key=lambda e: (e.task.state is not TaskState.OPEN, e.task.due_on, e.task.id))


# -- steps -----------------------------------------------------------------------------------
def due_date(
    repo: CaseRepository, today: dt.date, *, due_on: dt.date | None = None, in_days: int | None = None
) -> dt.date:
    """A new task's due date: `due_on`, or `in_days` working days after `today`, or by default the
    vault's follow-up working days; never before today."""
    if due_on is not None and in_days is not None:
        raise InvalidInput("err_task_due_both")
    if in_days is not None:
        if not 0 <= in_days <= MAX_SPAN_DAYS:
            raise InvalidInput("err_task_in_days", days=in_days, most=MAX_SPAN_DAYS)
        return add_working_days(today, in_days)
    if due_on is None:
        return follow_up_due(today, settings_of(repo))
    if due_on < today:
        raise InvalidInput("err_task_due_past", due=due_on.isoformat())
    return due_on


def add_task(
    repo: CaseRepository,
    household_id: str,
    *,
    title: str,
    due_on: dt.date | None = None,
    in_days: int | None = None,
    owner_id: str | None = None,
    at: dt.datetime | None = None,
) -> Task:
    """A new open task on a household, for `owner_id` (default: the case owner, else the user), due
    on `due_on` or `in_days` working days from today (default: the vault's follow-up days)."""
    at = at or now()
    household = get_household(repo, household_id)
    if household.status is HouseholdStatus.CLOSED:
        raise IllegalTransition("err_household_closed", household=household.id)
    assignee = owner_id or household.owner_id or repo.user_id
    if repo.worker(assignee) is None:
        raise NotFound("err_no_worker", worker=assignee)
    if not is_owner_or_supervisor(repo.user_id, repo.role, household.owner_id, also=(assignee,)):
        raise Forbidden("err_task_add_not_allowed", household=household.id)
    task = Task.model_validate(
        {
            "id": new_id("t"),
            "title": title,
            "owner_id": assignee,
            "due_on": due_date(repo, at.astimezone(KST).date(), due_on=due_on, in_days=in_days),
            "household_id": household.id,
            "created_by": repo.user_id,
            "created_at": at,
        }
    )
    repo.save(task)
    return task


def finish_task(repo: CaseRepository, task_id: str, note: str = "", *, at: dt.datetime | None = None) -> Task:
    """Mark an open task done, with an optional note; its clock stops now."""
    at = at or now()
    task = _changeable(repo, task_id)
    event = _event(repo, TaskStep.DONE, at, note.strip())
    return _save(repo, task, {"state": TaskState.DONE, "done_at": at}, event)


def cancel_task(repo: CaseRepository, task_id: str, reason: str, *, at: dt.datetime | None = None) -> Task:
    """Cancel an open task, saying why (required); its clock stops now."""
    at = at or now()
    task = _changeable(repo, task_id)
    why = required_text(reason, "err_task_needs_reason")
    event = _event(repo, TaskStep.CANCELLED, at, why)
    return _save(repo, task, {"state": TaskState.CANCELLED, "done_at": at}, event)


def reassign_task(
    repo: CaseRepository, task_id: str, to_worker_id: str, note: str = "", *, at: dt.datetime | None = None
) -> Task:
    """Give an open task to another worker; its due date and clock stay as they are."""
    at = at or now()
    task = _changeable(repo, task_id)
    if repo.worker(to_worker_id) is None:
        raise NotFound("err_no_worker", worker=to_worker_id)
    if to_worker_id == task.owner_id:
        raise IllegalTransition("err_task_same_assignee", task=task.id, worker=to_worker_id)
    event = _event(repo, TaskStep.REASSIGNED, at, note.strip(), task.owner_id, to_worker_id)
    return _save(repo, task, {"owner_id": to_worker_id}, event)


# -- helpers ---------------------------------------------------------------------------------
def _changeable(repo: CaseRepository, task_id: str) -> Task:
    task = get_task(repo, task_id)
    if not may_act_on(repo, task):
        raise Forbidden("err_task_not_allowed", task=task.id, assignee=task.owner_id)
    if task.state is not TaskState.OPEN:
        raise IllegalTransition("err_task_not_open", task=task.id, state=task.state)
    return task


def _event(
    repo: CaseRepository,
    step: TaskStep,
    at: dt.datetime,
    note: str,
    from_owner_id: str | None = None,
    to_owner_id: str | None = None,
) -> TaskEvent:
    return TaskEvent.model_validate(
        {
            "at": at,
            "actor_id": repo.user_id,
            "step": step,
            "note": note,
            "from_owner_id": from_owner_id,
            "to_owner_id": to_owner_id,
        }
    )


def _save(repo: CaseRepository, task: Task, changes: dict[str, object], event: TaskEvent) -> Task:
    updated = task.model_copy(update={**changes, "history": [*task.history, event]})
    repo.save(updated)
    return updated
