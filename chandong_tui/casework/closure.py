"""사례 종결 and 재개: what is still open on a case before it is closed, and reopening a closed one.

Closing takes two people (`supervision`: the owner asks with a reason — 목표 달성, 전출, 사망, 서비스
거부, 타기관 이관, 연락 두절, 기타 — and a supervisor approves or returns it). Before asking, the form
lists what is still open on the case (`open_items`: open tasks, open crisis flags, a hand-off still
waiting, which blocks the request), so nothing is closed over by accident. A closed case is reopened
by its owner or a supervisor with a reason (`reopen_case`), back to 관리중; like every case step it is
an append-only `CaseEvent`, so the timeline shows both, with who, when and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chandong_tui.casework.actions import get_household
from chandong_tui.casework.clock import now
from chandong_tui.casework.errors import IllegalTransition, required_text
from chandong_tui.casework.handoffs import WAITING
from chandong_tui.casework.permissions import require_owner_or_supervisor
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.supervision import case_event
from chandong_tui.model.enums import CaseAction, FlagState, HouseholdStatus, TaskState
from chandong_tui.model.records import CaseEvent, CrisisFlag, Handoff, Task


@dataclass(frozen=True)
class OpenItems:
    """What is still open on a case."""

    tasks: list[Task]
    """Open tasks, soonest due first."""
    flags: list[CrisisFlag]
    """Open crisis flags, newest first."""
    handoffs: list[Handoff]
    """Hand-offs still waiting for an answer (a closure request is refused while one is)."""

    def __bool__(self) -> bool:
        return bool(self.tasks or self.flags or self.handoffs)


def open_items(repo: CaseRepository, household_id: str) -> OpenItems:
    """The household's open tasks, open flags and waiting hand-offs."""
    tasks = [task for task in repo.tasks_of(household_id) if task.state is TaskState.OPEN]
    return OpenItems(
        tasks=sorted(tasks, key=lambda task: (task.due_on, task.id)),
        flags=[flag for flag in repo.flags_of(household_id) if flag.state is FlagState.OPEN],
        handoffs=[h for h in repo.handoffs_of(household_id) if h.state in WAITING],
    )


def reopen_case(
    repo: CaseRepository, household_id: str, reason: str, *, at: dt.datetime | None = None
) -> CaseEvent:
    """Open a closed case again (its owner or a supervisor), saying why; it is 관리중 again."""
    household = get_household(repo, household_id)
    require_owner_or_supervisor(repo.user_id, repo.role, household.owner_id, "err_owner_reopens")
    if household.status is not HouseholdStatus.CLOSED:
        raise IllegalTransition("err_household_not_closed", household=household.id, status=household.status)
    why = required_text(reason, "err_reopen_needs_reason")
    event = case_event(
        repo, household, CaseAction.REOPENED, why, at or now(), previous_status=HouseholdStatus.CLOSED
    )
    repo.save_many([household.model_copy(update={"status": HouseholdStatus.OPEN}), event])
    return event
