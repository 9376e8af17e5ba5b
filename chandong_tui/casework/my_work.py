"""내 업무: what the signed-in worker has to do now, for the dashboard.

Visits due (today or overdue) by the worker's own next-visit clocks, open crisis flags with their
72-hour clock, hand-offs waiting for the worker's answer, upcoming case conferences, open tasks and
linked resources still waiting for their outcome (`links`). Supervisors see the whole dong. Visits are
scanned as raw cache rows (30,000 at dong size) and only the rows kept are validated, so the dashboard
is ready quickly.

The next-visit clock belongs to the worker who set it (`repository.latest_visits_by_worker`): a nurse's
health-visit rhythm and a planner's visit rhythm on the same household are two clocks (one per role,
held by whoever of that role visited last), each on its worker's 내 업무, whoever owns the case. A
worker's later visit with "다음 방문 없음" (no due date, a reason) stops that worker's clock only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from chandong_tui.casework.clock import KST, Deadline, first_visit_clock
from chandong_tui.casework.links import Link, links_needing_check
from chandong_tui.casework.repository import CaseRepository, HouseholdSummary
from chandong_tui.model.enums import ConferenceState, FlagState, HandoffState, Role, TaskState
from chandong_tui.model.records import Conference, CrisisFlag, Handoff, Task

CONFERENCE_HORIZON = dt.timedelta(days=14)
"""Conferences shown when they start within this time."""


@dataclass(frozen=True)
class DueVisit:
    """A worker's next visit to a household, due today or earlier."""

    household: HouseholdSummary
    due_on: dt.date
    last_visit_on: dt.date
    worker_id: str = ""
    """Whose clock it is: the worker whose latest visit set the due date."""

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.due_on).days


@dataclass(frozen=True)
class FlagWithClock:
    """An open crisis flag and where its first-visit clock stands."""

    flag: CrisisFlag
    household: HouseholdSummary | None
    clock: Deadline


@dataclass
class MyWork:
    """Everything the dashboard shows, computed at `at`."""

    at: dt.datetime
    whole_dong: bool
    """True for supervisors: the lists cover every worker's cases."""
    visits_due: list[DueVisit] = field(default_factory=list)
    flags: list[FlagWithClock] = field(default_factory=list)
    handoffs: list[Handoff] = field(default_factory=list)
    conferences: list[Conference] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    households: dict[str, HouseholdSummary] = field(default_factory=dict)
    """Every household's list row by id, so each line can name its household (head, 통/반)."""
    links: list[Link] = field(default_factory=list)
    """Links the worker made or on their cases still 요청/진행중 after the vault's wait (처리결과
    확인 필요), longest waiting first."""


def my_work(repo: CaseRepository, at: dt.datetime) -> MyWork:
    """The signed-in worker's work as it stands at `at`."""
    me = repo.user_id
    whole_dong = repo.role == Role.SUPERVISOR
    today = at.astimezone(KST).date()
    households = {summary.id: summary for summary in repo.household_summaries()}
    mine = {hid for hid, s in households.items() if whole_dong or s.owner_id == me}
    work = MyWork(at=at, whole_dong=whole_dong, households=households)
    work.visits_due = _visits_due(repo, households, whole_dong, today)
    work.flags = _open_flags(repo, households, mine, at)
    work.handoffs = sorted(
        repo.where(
            Handoff,
            lambda row: (
                row.get("state") == HandoffState.REQUESTED
                and (row.get("to_worker_id") == me or (whole_dong and bool(row.get("to_worker_id"))))
            ),
        ),
        key=lambda h: (h.history[0].at if h.history else at, h.id),
    )
    soon = _days_around(at, CONFERENCE_HORIZON)
    work.conferences = sorted(
        (
            c
            for c in repo.where(
                Conference,
                lambda row: (
                    row.get("state") == ConferenceState.SCHEDULED
                    and str(row.get("scheduled_at", ""))[:10] in soon
                ),
            )
            if _upcoming(c, at) and (whole_dong or _concerns(c, me, mine))
        ),
        key=lambda c: c.scheduled_at,
    )
    work.tasks = sorted(
        repo.where(
            Task, lambda row: row.get("state") == TaskState.OPEN and (whole_dong or row.get("owner_id") == me)
        ),
        key=lambda task: (task.due_on, task.id),
    )
    work.links = links_needing_check(repo, at, mine=True)
    return work


def _days_around(at: dt.datetime, horizon: dt.timedelta) -> frozenset[str]:
    """ISO dates a stored time between `at` and `at + horizon` can start with, in any time zone."""
    first, last = (at - dt.timedelta(days=1)).date(), (at + horizon + dt.timedelta(days=1)).date()
    return frozenset((first + dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1))


def _visits_due(
    repo: CaseRepository, households: dict[str, HouseholdSummary], whole_dong: bool, today: dt.date
) -> list[DueVisit]:
    """The user's next-visit clocks (every worker's for a supervisor) due today or earlier, closed
    households left out."""
    me = repo.user_id
    due = []
    for (hid, worker), (visited_on, next_due) in repo.latest_visits_by_worker().items():
        if not next_due or (worker != me and not whole_dong):
            continue
        household = households.get(hid)
        if household is None or household.status == "closed":
            continue
        try:
            due_on, last_on = dt.date.fromisoformat(next_due), dt.date.fromisoformat(visited_on)
        except ValueError:
            continue  # an unreadable date in a row: the household list still shows the household
        if due_on <= today:
            due.append(DueVisit(household, due_on, last_on, worker))
    return sorted(
        due, key=lambda d: (d.due_on, d.household.tong, d.household.ban, d.household.id, d.worker_id)
    )


def _open_flags(
    repo: CaseRepository, households: dict[str, HouseholdSummary], mine: set[str], at: dt.datetime
) -> list[FlagWithClock]:
    me = repo.user_id
    flags = repo.where(
        CrisisFlag,
        lambda row: (
            row.get("state") == FlagState.OPEN
            and (row.get("household_id") in mine or row.get("raised_by") == me)
        ),
    )
    found = [
        FlagWithClock(flag, households.get(flag.household_id), first_visit_clock(flag, at)) for flag in flags
    ]
    # Clocks still running first, the most urgent on top; then the rest by level.
    return sorted(
        found,
        key=lambda f: (
            f.clock.stopped,
            f.clock.remaining if not f.clock.stopped else dt.timedelta(),
            f.flag.id,
        ),
    )


def _upcoming(conference: Conference, at: dt.datetime) -> bool:
    return (
        conference.state is ConferenceState.SCHEDULED
        and at <= conference.scheduled_at <= at + CONFERENCE_HORIZON
    )


def _concerns(conference: Conference, me: str, mine: set[str]) -> bool:
    return (
        conference.facilitator_id == me
        or any(a.worker_id == me for a in conference.attendees)
        or any(item.household_id in mine for item in conference.agenda)
    )
