"""The deadline clocks people pause and resume, found for a screen or a script.

`deadlines.pause_clock` / `resume_clock` change a clock; this module finds what they act on:

- `find_pausable`: the crisis flag, household or task with an id (`chandong clock pause|resume`).
- `clocks_of_household`: a household's clocks that can be paused or resumed now, most pressing first:
  the 72-hour first visit of each open flag not yet visited, the household's next visit (when one is
  planned and the case is not closed), the due date of each open task. A paused one is offered to resume.
- `pause_steps`: every pause and resume of those clocks, with who and why, for the household's timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chandong_tui.casework.clock import ClockState, Deadline, first_visit_clock
from chandong_tui.casework.deadlines import PausableRecord, date_deadline, task_deadline
from chandong_tui.casework.errors import NotFound
from chandong_tui.casework.queue import ClockKind
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import FlagState, HouseholdStatus, TaskState
from chandong_tui.model.records import ClockPause, CrisisFlag, Household, Task

PAUSABLE_KINDS: tuple[type[PausableRecord], ...] = (CrisisFlag, Household, Task)


@dataclass(frozen=True)
class PausableClock:
    """One clock of a household as it stands now."""

    kind: ClockKind
    record: PausableRecord
    deadline: Deadline

    @property
    def paused(self) -> bool:
        return self.deadline.state is ClockState.PAUSED


@dataclass(frozen=True)
class PauseStep:
    """One pause or resume of a clock, as a line of the household's history."""

    id: str
    at: dt.datetime
    kind: ClockKind
    record_id: str
    resumed: bool
    """False: the clock was paused (`text` is the reason); True: it started again (`text` the note)."""
    actor_id: str
    text: str


def clock_kind(record: PausableRecord) -> ClockKind:
    if isinstance(record, CrisisFlag):
        return ClockKind.FIRST_VISIT
    if isinstance(record, Household):
        return ClockKind.NEXT_VISIT
    return ClockKind.TASK


def find_pausable(repo: CaseRepository, record_id: str) -> PausableRecord:
    """The crisis flag, household or task with this id; `NotFound` when there is none (or an id
    names records of several kinds, which ids made by chandong never do)."""
    found = [record for cls in PAUSABLE_KINDS if (record := repo.get(cls, record_id)) is not None]
    if not found:
        raise NotFound("err_no_pausable", record=record_id)
    if len(found) > 1:
        kinds = ", ".join(record.kind for record in found)
        raise NotFound("err_ambiguous_id", record=record_id, kinds=kinds)
    return found[0]


def current_pause(record: PausableRecord) -> ClockPause | None:
    """The pause still running on `record`'s clock, if any."""
    return next((p for p in reversed(record.pauses) if p.resumed_at is None), None)


def next_visit_due(repo: CaseRepository, household_id: str) -> dt.date | None:
    """The next visit planned by the household's latest visit (None when none is)."""
    _visited, due = repo.latest_visits().get(household_id, ("", ""))
    try:
        return dt.date.fromisoformat(due) if due else None
    except ValueError:
        return None


def deadline_of(repo: CaseRepository, record: PausableRecord, at: dt.datetime) -> Deadline | None:
    """Where `record`'s clock stands at `at` (None for a household with no next visit planned)."""
    if isinstance(record, CrisisFlag):
        return first_visit_clock(record, at)
    if isinstance(record, Task):
        return task_deadline(record, at)
    due_on = next_visit_due(repo, record.id)
    return date_deadline(due_on, record.pauses, at) if due_on is not None else None


def clocks_of_household(repo: CaseRepository, household: Household, at: dt.datetime) -> list[PausableClock]:
    """The household's clocks that can be paused or resumed at `at`, least time left first."""
    candidates: list[PausableRecord] = [
        flag
        for flag in repo.flags_of(household.id)
        if flag.state is FlagState.OPEN and flag.first_visit_at is None
    ]
    if household.status is not HouseholdStatus.CLOSED:
        candidates.append(household)
    candidates += [task for task in repo.tasks_of(household.id) if task.state is TaskState.OPEN]
    clocks = []
    for record in candidates:
        deadline = deadline_of(repo, record, at)
        if deadline is not None:
            clocks.append(PausableClock(clock_kind(record), record, deadline))
    return sorted(clocks, key=lambda c: (c.deadline.remaining, c.kind, c.record.id))


def pause_steps(repo: CaseRepository, household_id: str) -> list[PauseStep]:
    """Every pause and resume of the household's clocks (its flags', its own, its tasks'), oldest first."""
    household = repo.household(household_id)
    records: list[PausableRecord] = [*repo.flags_of(household_id), *repo.tasks_of(household_id)]
    if household is not None:
        records.append(household)
    steps = []
    for record in records:
        kind = clock_kind(record)
        for n, pause in enumerate(record.pauses):
            steps.append(
                PauseStep(
                    f"{record.id}.pause{n}",
                    pause.paused_at,
                    kind,
                    record.id,
                    False,
                    pause.paused_by,
                    pause.reason,
                )
            )
            if pause.resumed_at is not None:
                steps.append(
                    PauseStep(
                        f"{record.id}.resume{n}",
                        pause.resumed_at,
                        kind,
                        record.id,
                        True,
                        pause.resumed_by or "",
                        pause.resume_note,
                    )
                )
    return sorted(steps, key=lambda s: (s.at, s.id))
