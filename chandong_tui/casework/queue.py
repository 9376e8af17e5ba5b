"""The supervisor queue (복지슈퍼바이저): where the dong's cases need a supervisor's eye now.

Caseload per worker; overdue visits; clocks breached or about to be (first visit after a crisis flag,
follow-up tasks, next visits due within a working day); households with no owner; hand-offs waiting
(escalated ones first); closures awaiting approval; links waiting too long for their outcome
(`links`). Filters: 통, worker, household tag, crisis level; `overdue` keeps only what is already late.

Fast at dong size (3,000 households, 30,000 visits): raw cache rows are scanned and only the rows kept
are validated, as `my_work` does. The queue only reads; the actions are in `supervision` and
`handoffs`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from chandong_tui.casework.clock import KST, ClockState, Deadline, first_visit_clock
from chandong_tui.casework.converters import from_row, is_deleted
from chandong_tui.casework.deadlines import date_deadline, last_pressing_due, settings_of, task_deadline
from chandong_tui.casework.handoffs import WAITING, escalation_at, is_escalated, sent_at
from chandong_tui.casework.links import Link, links_needing_check
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import CaseAction, FlagState, HandoffState, HouseholdStatus, TaskState
from chandong_tui.model.records import (
    CaseEvent,
    ClockPause,
    CrisisFlag,
    Handoff,
    Household,
    Task,
    Worker,
)

_LEVEL_RANK = {"urgent": 0, "crisis": 1, "watch": 2}


@dataclass(frozen=True)
class QueueFilter:
    """Which cases the queue shows; None means any."""

    tong: int | None = None
    worker_id: str | None = None
    tag: str | None = None
    level: str | None = None
    """The level of an open crisis flag (urgent, crisis, watch)."""
    overdue: bool = False
    """Only what is already late: overdue visits, breached clocks, escalated hand-offs."""


@dataclass(frozen=True)
class CaseRow:
    """A household as the queue shows it (no names or addresses: the TUI looks those up)."""

    id: str
    tong: int
    ban: int
    tags: tuple[str, ...]
    owner_id: str | None
    status: str
    level: str | None
    """The most urgent level among its open crisis flags."""


@dataclass(frozen=True)
class Caseload:
    """One worker's load."""

    worker_id: str
    name: str
    role: str
    households: int = 0
    open_flags: int = 0
    overdue_visits: int = 0
    open_tasks: int = 0
    overdue_tasks: int = 0
    handoffs_waiting: int = 0


@dataclass(frozen=True)
class OverdueVisit:
    household: CaseRow
    due_on: dt.date
    last_visit_on: dt.date
    deadline: Deadline


class ClockKind(StrEnum):
    FIRST_VISIT = "first_visit"
    TASK = "task"
    NEXT_VISIT = "next_visit"


@dataclass(frozen=True)
class ClockItem:
    """A clock breached or about to be."""

    kind: ClockKind
    record_id: str
    household: CaseRow | None
    owner_id: str | None
    deadline: Deadline
    title: str = ""


@dataclass(frozen=True)
class WaitingHandoff:
    handoff: Handoff
    household: CaseRow | None
    sent_at: dt.datetime | None
    escalation_at: dt.datetime | None
    escalated: bool


@dataclass(frozen=True)
class ClosureAwaiting:
    household: CaseRow
    request: CaseEvent | None


@dataclass
class SupervisorQueue:
    """The queue at `at` under `filters`."""

    at: dt.datetime
    filters: QueueFilter
    caseload: list[Caseload] = field(default_factory=list)
    overdue_visits: list[OverdueVisit] = field(default_factory=list)
    clocks: list[ClockItem] = field(default_factory=list)
    unowned: list[CaseRow] = field(default_factory=list)
    handoffs: list[WaitingHandoff] = field(default_factory=list)
    closures: list[ClosureAwaiting] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    """Links still 요청/진행중 after the vault's wait (처리결과 확인 필요) on the shown cases."""


def supervisor_queue(
    repo: CaseRepository, at: dt.datetime, filters: QueueFilter | None = None
) -> SupervisorQueue:
    """The queue as it stands at `at`."""
    filters = filters or QueueFilter()
    cases = _case_rows(repo)
    shown = {hid: row for hid, row in cases.items() if _matches(row, filters)}
    queue = SupervisorQueue(at=at, filters=filters)
    queue.overdue_visits, next_visit_clocks = _visits(repo, shown, at)
    tasks = _open_tasks(repo, cases, filters, at)
    queue.clocks = sorted(
        _flag_clocks(repo, shown, at) + [c for c in tasks if c.deadline.state.pressing] + next_visit_clocks,
        key=lambda c: (c.deadline.remaining, c.kind, c.record_id),
    )
    queue.handoffs = _waiting_handoffs(repo, cases, shown, filters, at)
    queue.unowned = [] if filters.worker_id else [r for r in shown.values() if r.owner_id is None]
    queue.closures = _closures(repo, shown)
    queue.links = [link for link in links_needing_check(repo, at) if link.household_id in shown]
    queue.caseload = _caseload(repo, cases, filters, queue, tasks)
    return _only_overdue(queue) if filters.overdue else queue


# -- households ------------------------------------------------------------------------------
def _case_rows(repo: CaseRepository) -> dict[str, CaseRow]:
    """Every household not closed, from raw rows, with its open flags' most urgent level."""
    levels: dict[str, str] = {}
    for doc in repo.rows(CrisisFlag.kind).values():
        if doc.get("state") == FlagState.OPEN and not is_deleted(doc):
            hid, level = doc.get("household_id", ""), doc.get("level", "watch")
            if _LEVEL_RANK.get(level, 3) < _LEVEL_RANK.get(levels.get(hid, ""), 3):
                levels[hid] = level
    rows = {}
    for row_id, doc in repo.rows(Household.kind).items():
        if is_deleted(doc) or doc.get("status") == HouseholdStatus.CLOSED:
            continue
        rows[row_id] = CaseRow(
            id=row_id,
            tong=int(doc.get("tong", 0)),
            ban=int(doc.get("ban", 0)),
            tags=tuple(doc.get("tags", ())),
            owner_id=doc.get("owner_id"),
            status=str(doc.get("status", "")),
            level=levels.get(row_id),
        )
    return rows


def _matches(row: CaseRow, filters: QueueFilter) -> bool:
    return (filters.worker_id is None or row.owner_id == filters.worker_id) and _matches_place(row, filters)


def _matches_place(row: CaseRow | None, filters: QueueFilter) -> bool:
    """The 통, tag and level filters (a record without a household passes only when none is set)."""
    if filters.tong is None and filters.tag is None and filters.level is None:
        return True
    return (
        row is not None
        and (filters.tong is None or row.tong == filters.tong)
        and (filters.tag is None or filters.tag in row.tags)
        and (filters.level is None or row.level == filters.level)
    )


def _place(row: CaseRow | None) -> tuple[int, int, str]:
    return (row.tong, row.ban, row.id) if row else (0, 0, "")


# -- visits ----------------------------------------------------------------------------------
def _visits(
    repo: CaseRepository, shown: dict[str, CaseRow], at: dt.datetime
) -> tuple[list[OverdueVisit], list[ClockItem]]:
    """Overdue next visits, and those about to be (as clocks), of the shown households."""
    households = repo.rows(Household.kind)
    running_after = last_pressing_due(at)
    overdue, soon = [], []
    for hid, (visited, due) in repo.latest_visits().items():
        if hid not in shown:
            continue
        try:
            due_on = dt.date.fromisoformat(due)
        except ValueError:
            continue  # no next visit planned, or an unreadable date
        stored_pauses = households[hid].get("pauses")
        if due_on > running_after and not stored_pauses:
            continue  # still running: most of the dong's households on most days
        try:
            last_on = dt.date.fromisoformat(visited)
        except ValueError:
            continue
        pauses = [ClockPause.model_validate(p) for p in stored_pauses or ()]
        deadline = date_deadline(due_on, pauses, at)
        if deadline.state is ClockState.BREACHED:
            overdue.append(OverdueVisit(shown[hid], due_on, last_on, deadline))
        elif deadline.state is ClockState.WARNING:
            soon.append(ClockItem(ClockKind.NEXT_VISIT, hid, shown[hid], shown[hid].owner_id, deadline))
    overdue.sort(key=lambda v: (v.due_on, *_place(v.household)))
    return overdue, soon


# -- clocks ----------------------------------------------------------------------------------
def _flag_clocks(repo: CaseRepository, shown: dict[str, CaseRow], at: dt.datetime) -> list[ClockItem]:
    """First-visit clocks of open flags still waiting for their visit, breached or about to be."""
    found = []
    for row_id, doc in repo.rows(CrisisFlag.kind).items():
        if (
            doc.get("state") != FlagState.OPEN
            or doc.get("first_visit_at")
            or is_deleted(doc)
            or doc.get("household_id") not in shown
        ):
            continue
        flag = from_row(CrisisFlag, row_id, doc)
        deadline = first_visit_clock(flag, at)
        if deadline.state.pressing:
            row = shown[flag.household_id]
            found.append(
                ClockItem(ClockKind.FIRST_VISIT, flag.id, row, row.owner_id, deadline, flag.level.value)
            )
    return found


def _open_tasks(
    repo: CaseRepository, cases: dict[str, CaseRow], filters: QueueFilter, at: dt.datetime
) -> list[ClockItem]:
    """Every open task in the filters, with its clock (the caseload counts them all)."""
    found = []
    for row_id, doc in repo.rows(Task.kind).items():
        if doc.get("state") != TaskState.OPEN or is_deleted(doc):
            continue
        if filters.worker_id is not None and doc.get("owner_id") != filters.worker_id:
            continue
        row = cases.get(doc.get("household_id") or "")
        if not _matches_place(row, filters):
            continue
        task = from_row(Task, row_id, doc)
        found.append(
            ClockItem(ClockKind.TASK, task.id, row, task.owner_id, task_deadline(task, at), task.title)
        )
    return found


# -- hand-offs and closures ------------------------------------------------------------------
def _waiting_handoffs(
    repo: CaseRepository,
    cases: dict[str, CaseRow],
    shown: dict[str, CaseRow],
    filters: QueueFilter,
    at: dt.datetime,
) -> list[WaitingHandoff]:
    settings = settings_of(repo)
    found = []
    for row_id, doc in repo.rows(Handoff.kind).items():
        if doc.get("state") not in WAITING or is_deleted(doc):
            continue
        hid = doc.get("household_id", "")
        mine = filters.worker_id in (doc.get("from_worker_id"), doc.get("to_worker_id"))
        if filters.worker_id is not None and not mine:
            continue
        if hid not in (cases if filters.worker_id is not None else shown):
            continue  # with a worker filter, a hand-off to the worker shows though they do not own it yet
        handoff = from_row(Handoff, row_id, doc)
        found.append(
            WaitingHandoff(
                handoff,
                cases.get(hid),
                sent_at(handoff),
                escalation_at(handoff, settings),
                is_escalated(handoff, at, settings),
            )
        )
    return sorted(found, key=lambda w: (not w.escalated, w.sent_at or at, w.handoff.id))


def _closures(repo: CaseRepository, shown: dict[str, CaseRow]) -> list[ClosureAwaiting]:
    waiting = {hid: row for hid, row in shown.items() if row.status == HouseholdStatus.CLOSURE_REQUESTED}
    requests: dict[str, CaseEvent] = {}
    for row_id, doc in repo.rows(CaseEvent.kind).items():
        hid = doc.get("household_id", "")
        if hid in waiting and doc.get("action") == CaseAction.CLOSURE_REQUESTED and not is_deleted(doc):
            event = from_row(CaseEvent, row_id, doc)
            if hid not in requests or (event.at, event.id) > (requests[hid].at, requests[hid].id):
                requests[hid] = event
    found = [ClosureAwaiting(row, requests.get(hid)) for hid, row in waiting.items()]
    return sorted(
        found,
        key=lambda c: (c.request.at if c.request else dt.datetime.max.replace(tzinfo=KST), c.household.id),
    )


# -- caseload --------------------------------------------------------------------------------
def _caseload(
    repo: CaseRepository,
    cases: dict[str, CaseRow],
    filters: QueueFilter,
    queue: SupervisorQueue,
    tasks: Iterable[ClockItem],
) -> list[Caseload]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in cases.values():
        if row.owner_id and _matches(row, filters):
            counts[row.owner_id]["households"] += 1
            counts[row.owner_id]["open_flags"] += row.level is not None
    for visit in queue.overdue_visits:
        if visit.household.owner_id:
            counts[visit.household.owner_id]["overdue_visits"] += 1
    for task in tasks:
        if task.owner_id:
            counts[task.owner_id]["open_tasks"] += 1
            counts[task.owner_id]["overdue_tasks"] += task.deadline.state is ClockState.BREACHED
    for waiting in queue.handoffs:
        receiver = waiting.handoff.to_worker_id
        if waiting.handoff.state is HandoffState.REQUESTED and receiver:
            counts[receiver]["handoffs_waiting"] += 1
    workers = {w.id: w for w in repo.all(Worker)}
    wanted = (
        [filters.worker_id]
        if filters.worker_id
        else sorted(set(counts) | {w for w in workers if workers[w].active})
    )
    return [
        Caseload(
            worker_id=wid,
            name=workers[wid].name if wid in workers else "",
            role=workers[wid].role.value if wid in workers else "",
            **counts.get(wid, {}),
        )
        for wid in wanted
    ]


def _only_overdue(queue: SupervisorQueue) -> SupervisorQueue:
    return replace(
        queue,
        clocks=[c for c in queue.clocks if c.deadline.state is ClockState.BREACHED],
        handoffs=[h for h in queue.handoffs if h.escalated],
        unowned=[],
        closures=[],
    )
