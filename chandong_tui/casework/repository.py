"""The typed repository every screen and command uses: records in, records out, no TinyDB outside.

It reads rows from the session's cache, converts them (`converters`), applies what the user's role
may see (`access`), keeps small indices (rows by household) rebuilt when the cache changes, and
turns saves into durable ops.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError

from chandong_tui.casework.access import guard_fields, redact_member, redact_visit
from chandong_tui.casework.clock import KST
from chandong_tui.casework.converters import changed_fields, from_row, is_deleted
from chandong_tui.casework.revisions import current_rows
from chandong_tui.model.enums import FlagState, TaskStep
from chandong_tui.model.records import (
    Conference,
    CrisisFlag,
    Dong,
    Handoff,
    Household,
    Member,
    Record,
    Task,
    Visit,
    Worker,
)
from chandong_tui.vault.session import VaultSession

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class TaskChange:
    """One step of a follow-up task (created, done, cancelled, reassigned) with who and why, as a
    line of its household's history."""

    id: str
    task: Task
    step: TaskStep
    actor_id: str | None
    note: str = ""
    to_owner_id: str | None = None


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a household's history."""

    at: dt.datetime
    record: Visit | CrisisFlag | Conference | Handoff | TaskChange


@dataclass(frozen=True)
class HouseholdSummary:
    """What a list row shows, read straight from the cache (no full validation)."""

    id: str
    head_name: str
    member_names: tuple[str, ...]
    tong: int
    ban: int
    address: str
    tags: tuple[str, ...]
    owner_id: str | None
    status: str
    open_flag_level: str | None
    phone_tails: tuple[str, ...]


class CaseRepository:
    """Records of one unlocked vault, as the signed-in user may see them."""

    def __init__(self, session: VaultSession) -> None:
        self.session = session
        self._generation = -1
        self._derived: dict[str, Any] = {}
        """Indices and lists computed from the rows, kept until the cache changes (see `_derived_now`)."""
        self.unreadable: dict[tuple[str, str], str] = {}
        """Rows skipped because they do not validate: (kind, id) → why."""

    @property
    def role(self) -> str:
        return self.session.role

    @property
    def user_id(self) -> str:
        return self.session.user_id

    @property
    def version(self) -> int:
        """Moves whenever records change (a save here, other PCs' changes merged): equal versions,
        same records."""
        return self.session.cache.generation

    # -- generic -------------------------------------------------------------------------
    def get(self, cls: type[R], record_id: str) -> R | None:
        """The record, or None when it is absent, deleted or unreadable (then noted in `unreadable`)."""
        doc = self.session.table(cls.kind).get_row(record_id)
        if doc is None or is_deleted(doc):
            return None
        return self._read(cls, record_id, doc)

    def all(self, cls: type[R]) -> list[R]:
        """Every readable record of a kind."""
        rows = self.rows(cls.kind)
        found = (self._read(cls, row_id, doc) for row_id, doc in rows.items() if not is_deleted(doc))
        return [record for record in found if record is not None]

    def where(self, cls: type[R], keep: Callable[[Mapping[str, Any]], bool]) -> list[R]:
        """The readable records of a kind whose raw row passes `keep`: a fast scan that validates only
        the rows it keeps (the rows are never deleted ones; `keep` must not modify them)."""
        rows = self.rows(cls.kind)
        found = (
            self._read(cls, row_id, doc) for row_id, doc in rows.items() if not is_deleted(doc) and keep(doc)
        )
        return [record for record in found if record is not None]

    def rows(self, kind: str) -> Mapping[str, Mapping[str, Any]]:
        """The raw rows of a kind as stored in the cache (id → fields), deleted ones included; for
        fast scans that validate only what they keep. Never modify them."""
        return (self.session.table(kind).storage.read() or {}).get(kind, {})

    def _read(self, cls: type[R], row_id: str, doc: Mapping[str, Any]) -> R | None:
        try:
            return self._shown(from_row(cls, row_id, doc))
        except ValidationError as exc:
            # A row this version cannot read (a newer PC's format, a damaged merge): skip it, say so.
            self.unreadable[(cls.kind, row_id)] = f"{exc.error_count()} invalid field(s)"
            return None

    def _shown(self, record: R) -> R:
        if isinstance(record, Member):
            return redact_member(record, self.role)  # type: ignore[return-value]
        if isinstance(record, Visit):
            return redact_visit(record, self.role)  # type: ignore[return-value]
        return record

    def save(self, record: Record) -> bool:
        """Durably store `record` (only what changed); False when nothing changed."""
        return bool(self.save_many([record]))

    def save_many(self, records: Iterable[Record]) -> int:
        """Durably store several records at once, all or nothing; returns how many changed."""
        changes = []
        for record in records:
            doc = self.session.table(record.kind).get_row(record.id)
            fields = guard_fields(record.kind, changed_fields(record, doc), self.role)
            if fields:
                changes.append((record.kind, record.id, fields))
        self.session.write_batch(changes)
        return len(changes)

    # -- indices -------------------------------------------------------------------------
    def _derived_now(self) -> dict[str, Any]:
        """What was derived from the rows, emptied whenever the cache has changed since."""
        if self._generation != self.session.cache.generation:
            self._derived = {}
            self._generation = self.session.cache.generation
        return self._derived

    def _rows_of_household(self, kind: str, household_id: str) -> list[str]:
        derived = self._derived_now()
        index = derived.get(f"by_household:{kind}")
        if index is None:
            index = defaultdict(list)
            for row_id, doc in self.rows(kind).items():
                if not is_deleted(doc):
                    index[doc.get("household_id")].append(row_id)
            derived[f"by_household:{kind}"] = index
        return index.get(household_id, [])

    def _of_household(self, cls: type[R], household_id: str) -> list[R]:
        found = (self.get(cls, row_id) for row_id in self._rows_of_household(cls.kind, household_id))
        return [record for record in found if record is not None]

    # -- typed reads ---------------------------------------------------------------------
    def dong(self) -> Dong | None:
        return self.get(Dong, self.session.info.dong_code)

    def workers(self) -> list[Worker]:
        return sorted(self.all(Worker), key=lambda w: w.id)

    def worker(self, worker_id: str) -> Worker | None:
        return self.get(Worker, worker_id)

    def household(self, household_id: str) -> Household | None:
        return self.get(Household, household_id)

    def members_of(self, household_id: str) -> list[Member]:
        """The household's members, current ones first (the head first), then those who moved out or
        died."""
        members = self._of_household(Member, household_id)
        return sorted(members, key=lambda m: (not m.current, m.relation != "head", m.birth_date, m.id))

    def visits_of(self, household_id: str) -> list[Visit]:
        return sorted(
            self._of_household(Visit, household_id), key=lambda v: (v.visited_on, v.id), reverse=True
        )

    def current_visits_of(self, household_id: str, *, withdrawn: bool = True) -> list[Visit]:
        """The newest revision of each of the household's visits, latest visit first; withdrawn
        ones (잘못 입력) too unless `withdrawn` is False (`revisions.current_rows`)."""
        rows = self.rows(Visit.kind)
        mine = {row_id: rows[row_id] for row_id in self._rows_of_household(Visit.kind, household_id)}
        found = (self.get(Visit, row_id) for row_id in current_rows(mine, withdrawn=withdrawn))
        visits = [visit for visit in found if visit is not None]
        return sorted(visits, key=lambda v: (v.visited_on, v.id), reverse=True)

    def flags_of(self, household_id: str) -> list[CrisisFlag]:
        return sorted(self._of_household(CrisisFlag, household_id), key=lambda f: f.raised_at, reverse=True)

    def handoffs_of(self, household_id: str) -> list[Handoff]:
        return self._of_household(Handoff, household_id)

    def conferences_of(self, household_id: str) -> list[Conference]:
        return [c for c in self.all(Conference) if any(a.household_id == household_id for a in c.agenda)]

    def tasks_of(self, household_id: str) -> list[Task]:
        return self._of_household(Task, household_id)

    def timeline(self, household_id: str) -> list[TimelineEntry]:
        """Visits (their newest revisions), flags, conferences, hand-offs and task steps of a household,
        newest first."""
        entries = [TimelineEntry(_start_of(v.visited_on), v) for v in self.current_visits_of(household_id)]
        entries += [TimelineEntry(f.raised_at, f) for f in self.flags_of(household_id)]
        entries += [TimelineEntry(c.scheduled_at, c) for c in self.conferences_of(household_id)]
        entries += [
            TimelineEntry(h.history[0].at if h.history else _start_of(dt.date.min), h)
            for h in self.handoffs_of(household_id)
        ]
        for task in self.tasks_of(household_id):
            entries += _task_changes(task)
        return sorted(entries, key=lambda e: (e.at, e.record.id), reverse=True)

    def latest_visits(self) -> Mapping[str, tuple[str, str]]:
        """Household → (visited on, next visit due) of its latest visit (newest revisions, withdrawn
        ones left out: `revisions.current_rows`), as stored (ISO dates; "" when absent); computed once
        per cache change (do not modify)."""
        return self._visit_clocks()[0]

    def latest_visits_by_worker(self) -> Mapping[tuple[str, str], tuple[str, str]]:
        """(household, worker) → (visited on, next visit due): each worker's own visit rhythm. Per
        household and role, the latest visit (its newest revision; withdrawn ones left out) sets the
        clock and gives it to the worker who made it: a nurse's health visits and a planner's visits
        are separate clocks, and a planner who visits a household after another planner takes its
        planner clock over (the first one's is no longer due). Computed with `latest_visits`, once per
        cache change (do not modify)."""
        return self._visit_clocks()[1]

    def _visit_clocks(
        self,
    ) -> tuple[dict[str, tuple[str, str]], dict[tuple[str, str], tuple[str, str]]]:
        derived = self._derived_now()
        if "latest_visits" not in derived:
            derived["latest_visits"] = self._find_latest_visits()
        return derived["latest_visits"]

    def _find_latest_visits(
        self,
    ) -> tuple[dict[str, tuple[str, str]], dict[tuple[str, str], tuple[str, str]]]:
        live = {row_id: doc for row_id, doc in self.rows(Visit.kind).items() if not is_deleted(doc)}
        # household → [(visited_on, id, due, worker)] of each visit's newest revision
        candidates: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
        for row_id, doc in current_rows(live).items():
            visit = (
                str(doc.get("visited_on", "")),
                row_id,
                str(doc.get("next_visit_due") or ""),
                str(doc.get("worker_id", "")),
            )
            candidates[str(doc.get("household_id", ""))].append(visit)
        roles = {wid: str(doc.get("role", "")) for wid, doc in self.rows(Worker.kind).items()}
        latest: dict[str, tuple[str, str]] = {}
        by_worker: dict[tuple[str, str], tuple[str, str]] = {}
        for hid, visits in candidates.items():
            kept = sorted(visits)
            if kept:
                latest[hid] = (kept[-1][0], kept[-1][2])
            by_role: dict[str, tuple[str, str, str]] = {}  # role → (worker, visited_on, due)
            for visited_on, _id, due, worker in kept:  # oldest first: each role's latest stays
                by_role[roles.get(worker) or worker] = (worker, visited_on, due)
            for worker, visited_on, due in by_role.values():
                by_worker[(hid, worker)] = (visited_on, due)
        return latest, by_worker

    def household_summaries(self) -> list[HouseholdSummary]:
        """Every household as a list row, sorted by 통, 반 and address (computed once per cache change;
        the list is shared: do not modify it)."""
        derived = self._derived_now()
        if "summaries" not in derived:
            derived["summaries"] = self._summarise_households()
        return derived["summaries"]

    def _summarise_households(self) -> list[HouseholdSummary]:
        tables = self.session.table(Household.kind).storage.read() or {}
        members_by_household: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for doc in tables.get(Member.kind, {}).values():
            if not is_deleted(doc):
                members_by_household[doc.get("household_id")].append(doc)
        open_levels: dict[str, str] = {}
        for doc in tables.get(CrisisFlag.kind, {}).values():
            if doc.get("state") == FlagState.OPEN and not is_deleted(doc):
                hid = doc.get("household_id")
                open_levels[hid] = min(
                    open_levels.get(hid, "watch"), doc.get("level", "watch"), key=_level_rank
                )
        summaries = []
        for row_id, doc in tables.get(Household.kind, {}).items():
            if is_deleted(doc):
                continue
            members = sorted(
                members_by_household.get(row_id, []),
                key=lambda m: (bool(m.get("left_on")), m.get("relation") != "head"),
            )
            summaries.append(
                HouseholdSummary(
                    id=row_id,
                    head_name=members[0].get("name", "") if members else "",
                    member_names=tuple(m.get("name", "") for m in members),
                    tong=int(doc.get("tong", 0)),
                    ban=int(doc.get("ban", 0)),
                    address=" ".join(
                        x for x in (doc.get("road_address", ""), doc.get("address_detail", "")) if x
                    ),
                    tags=tuple(doc.get("tags", ())),
                    owner_id=doc.get("owner_id"),
                    status=doc.get("status", ""),
                    open_flag_level=open_levels.get(row_id),
                    phone_tails=tuple(m["phone"][-4:] for m in members if m.get("phone")),
                )
            )
        return sorted(summaries, key=lambda s: (s.tong, s.ban, s.address, s.id))


_LEVEL_ORDER = {"urgent": 0, "crisis": 1, "watch": 2}


def _level_rank(level: str) -> int:
    return _LEVEL_ORDER.get(level, 3)


def _task_changes(task: Task) -> list[TimelineEntry]:
    """The task's creation (when its time is known) and each later step, as timeline entries."""
    entries = []
    if task.created_at is not None:
        first_owner = next((e.from_owner_id for e in task.history if e.step is TaskStep.REASSIGNED), None)
        created = TaskChange(
            f"{task.id}.created", task, TaskStep.CREATED, task.created_by, "", first_owner or task.owner_id
        )
        entries.append(TimelineEntry(task.created_at, created))
    for n, event in enumerate(task.history):
        change = TaskChange(f"{task.id}.{n}", task, event.step, event.actor_id, event.note, event.to_owner_id)
        entries.append(TimelineEntry(event.at, change))
    return entries


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=KST)
