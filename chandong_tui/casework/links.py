"""자원연계 · 서비스의뢰 처리결과: following up the resources linked on visits and the services linked
when a crisis flag is resolved.

A *link* is not stored as a record of its own: it is a resource of a visit (`Visit.resources`) or a
service of a resolved flag (`CrisisFlag.services_linked`), named by a stable id derived from where it
is, `<visit id>.r<n>` or `<flag id>.s<n>` (n counts from 1). So every link ever saved, the demo's
included, is followable without rewriting the visit (visits are evidence, never overwritten).

Its outcome is kept in `LinkOutcome` records, one per update (who, when, the outcome, a note),
append-only: two PCs updating one link both keep their update and every PC reads the same newest
one, by (`at`, `id`). Before any update a visit's resource has the outcome it was saved with
(`Outcome` read as a `LinkState`: 진행중 stays 진행중) and a flag's service is 요청.

A link waits for its outcome while 요청 or 진행중; it needs a look (처리결과 확인 필요, on 내 업무 and
in the supervisor queue) once it has waited longer than the vault's `link_outcome_days` (default
`DEFAULT_WAIT_DAYS`) since the last word on it (the request, or the latest update: a worker who
checks and records "still 진행중" restarts the wait).

Who may update: the worker who linked it (the visit's worker), the case owner or a supervisor
(`permissions.is_owner_or_supervisor`, as for tasks).

Dong-wide lists scan raw cache rows (30,000 visits at dong size) and validate nothing they do not
keep, like `my_work`; a household's links come from its indexed visits and flags.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from chandong_tui.casework.actions import new_id
from chandong_tui.casework.clock import KST, now
from chandong_tui.casework.converters import is_deleted
from chandong_tui.casework.deadlines import settings_of
from chandong_tui.casework.errors import Forbidden, InvalidInput, NotFound
from chandong_tui.casework.permissions import is_owner_or_supervisor
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import FlagState, HouseholdStatus, LinkState, Outcome, ResourceCategory, Role
from chandong_tui.model.records import CrisisFlag, Household, LinkOutcome, Visit

DEFAULT_WAIT_DAYS = 14
"""Days a link may wait for its outcome before it needs a look, unless the vault says otherwise."""

FROM_STORED = {
    Outcome.PENDING: LinkState.IN_PROGRESS,
    Outcome.PROVIDED: LinkState.PROVIDED,
    Outcome.DECLINED: LinkState.REFUSED,
    Outcome.INELIGIBLE: LinkState.UNAVAILABLE,
}
"""The outcome a visit's resource was saved with, as a link state."""

_AWAITING_SAVED = frozenset({Outcome.PENDING.value, LinkState.REQUESTED.value})
"""Saved outcomes (a visit's `Outcome`, a flag's service 요청) that still await an outcome."""

SETTABLE = tuple(state for state in LinkState if state is not LinkState.REQUESTED)
"""The outcomes an update may set (요청 is where a link starts)."""

_ID = re.compile(r"^(?P<source>.+)\.(?P<part>[rs])(?P<n>[1-9][0-9]*)$")


@dataclass(frozen=True)
class Link:
    """One followed link and where it stands."""

    id: str
    household_id: str
    source_id: str
    """The visit or crisis flag it was linked on."""
    agency: str
    service: str
    category: ResourceCategory | None
    """What it provides (None for a flag's service, saved as text only)."""
    requested_on: dt.date
    linked_by: str | None
    """The visit's worker (None for a flag's service: who resolved a flag is not stored)."""
    outcome: LinkState
    updated_at: dt.datetime | None = None
    """When the outcome was last updated (None: as linked)."""
    updated_by: str | None = None
    note: str = ""

    @property
    def awaiting(self) -> bool:
        return self.outcome.awaiting

    def since(self) -> dt.date:
        """The day of the last word on it: its latest update, else its request."""
        return self.updated_at.astimezone(KST).date() if self.updated_at else self.requested_on

    def waiting_days(self, at: dt.datetime) -> int:
        return (at.astimezone(KST).date() - self.since()).days

    def needs_check(self, at: dt.datetime, days: int) -> bool:
        """Still 요청/진행중 more than `days` days after the last word on it (처리결과 확인 필요)."""
        return self.awaiting and self.waiting_days(at) > days


def link_id(source_id: str, n: int, *, service: bool = False) -> str:
    """The id of the `n`-th (from 1) resource of a visit, or service of a flag."""
    return f"{source_id}.{'s' if service else 'r'}{n}"


def wait_days(repo: CaseRepository) -> int:
    """The vault's `link_outcome_days`, else `DEFAULT_WAIT_DAYS`."""
    return settings_of(repo).link_outcome_days or DEFAULT_WAIT_DAYS


# -- reading ---------------------------------------------------------------------------------
def _day(value: Any) -> dt.date | None:
    """The Seoul day of a stored date or time (None when unreadable)."""
    text = str(value or "")
    try:
        if len(text) > 10:
            return dt.datetime.fromisoformat(text).astimezone(KST).date()
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


Wanted = Callable[[str, int, str, str], bool]
"""A cheap test of a link before it is built: (visit or flag id, n, the outcome it was saved with, the
ISO day it was requested on)."""

_PENDING = Outcome.PENDING.value
_REQUESTED = LinkState.REQUESTED.value


def _visit_links(row_id: str, doc: Mapping[str, Any], wanted: Wanted | None = None) -> list[Link]:
    """The links of one stored visit row, as saved (those `wanted`, when given); the day is read only
    when a link is built."""
    found: list[Link] = []
    day_text = str(doc.get("visited_on", ""))
    day: dt.date | None = None
    for n, resource in enumerate(doc.get("resources") or (), start=1):
        saved = resource.get("outcome", _PENDING)
        if wanted is not None and not wanted(row_id, n, saved, day_text):
            continue
        day = day or _day(day_text)
        try:
            category = ResourceCategory(resource.get("category"))
            state = FROM_STORED[Outcome(saved)]
        except ValueError:
            continue  # a row this version cannot read: the visit screens say so
        if day is None:
            break
        found.append(
            Link(
                link_id(row_id, n),
                str(doc.get("household_id", "")),
                row_id,
                str(resource.get("agency", "")),
                str(resource.get("service", "")),
                category,
                day,
                doc.get("worker_id"),
                state,
            )
        )
    return found


def _flag_links(row_id: str, doc: Mapping[str, Any], wanted: Wanted | None = None) -> list[Link]:
    """The services of one stored resolved flag row, each 요청 as saved."""
    services = doc.get("services_linked")
    day = _day(doc.get("resolved_at")) if services and doc.get("state") == FlagState.RESOLVED else None
    if day is None:
        return []
    hid = str(doc.get("household_id", ""))
    return [
        Link(
            link_id(row_id, n, service=True),
            hid,
            row_id,
            "",
            str(service),
            None,
            day,
            None,
            LinkState.REQUESTED,
        )
        for n, service in enumerate(services or (), start=1)
        if wanted is None or wanted(row_id, n, _REQUESTED, day.isoformat())
    ]


def _newest_updates(
    rows: Iterable[tuple[str, Mapping[str, Any]]],
) -> dict[str, tuple[dt.datetime, str, Mapping[str, Any]]]:
    """Link id → its newest update (time, id, row), by (`at`, `id`): the same on every PC."""
    newest: dict[str, tuple[dt.datetime, str, Mapping[str, Any]]] = {}
    for row_id, doc in rows:
        if is_deleted(doc):
            continue
        try:
            at = dt.datetime.fromisoformat(str(doc.get("at")))
        except ValueError:
            continue
        key = str(doc.get("link_id", ""))
        if key not in newest or (at, row_id) > newest[key][:2]:
            newest[key] = (at, row_id, doc)
    return newest


Update = tuple[dt.datetime, str, Mapping[str, Any]]


def _earlier_ids(
    rows: Mapping[str, Mapping[str, Any]], row_id: str, doc: Mapping[str, Any]
) -> dict[str, list[str]]:
    """For each link of a visit that corrects others (`revises`, followed back), the ids of the same
    resource (agency and service) on the visits it corrects: a correction keeps the outcomes recorded
    on what it corrects."""
    chain, seen, earlier = [], {row_id}, doc.get("revises")
    while earlier and earlier not in seen and earlier in rows:
        seen.add(earlier)
        chain.append((earlier, rows[earlier]))
        earlier = rows[earlier].get("revises")
    found: dict[str, list[str]] = {}
    for n, resource in enumerate(doc.get("resources") or () if chain else (), start=1):
        same = (resource.get("agency"), resource.get("service"))
        ids = [
            link_id(source, m)
            for source, old in chain
            for m, was in enumerate(old.get("resources") or (), start=1)
            if (was.get("agency"), was.get("service")) == same
        ]
        if ids:
            found[link_id(row_id, n)] = ids
    return found


def _update_of(link: str, updates: Mapping[str, Update], earlier: Mapping[str, list[str]]) -> Update | None:
    """The newest update of the link, or of the same resource on a visit it corrects."""
    found = [updates[x] for x in (link, *earlier.get(link, ())) if x in updates]
    return max(found, key=lambda update: update[:2], default=None)


def _with_outcome(link: Link, update: Update | None) -> Link:
    if update is None:
        return link
    at, _row_id, doc = update
    try:
        outcome = LinkState(str(doc.get("outcome")))
    except ValueError:
        return link
    return replace(
        link, outcome=outcome, updated_at=at, updated_by=doc.get("actor_id"), note=str(doc.get("note", ""))
    )


def links_of_household(repo: CaseRepository, household_id: str) -> list[Link]:
    """The household's links (visits' resources, then resolved flags' services), newest first, each
    with its current outcome. A visit that a newer revision corrects gives no links: its revision
    does; a visit withdrawn as entered in error (잘못 입력) gives none."""
    visits = repo.visits_of(household_id)
    revised = {v.revises for v in visits if v.revises}
    rows = repo.rows(Visit.kind)
    found: list[Link] = []
    earlier: dict[str, list[str]] = {}
    for visit in visits:
        if visit.id not in revised and not visit.withdrawn:
            found += _visit_links(visit.id, visit.model_dump(mode="json"))
            if visit.revises:
                earlier.update(_earlier_ids(rows, visit.id, rows.get(visit.id, {})))
    for flag in repo.flags_of(household_id):
        found += _flag_links(flag.id, flag.model_dump(mode="json"))
    updates = _newest_updates(
        (row_id, doc)
        for row_id, doc in repo.rows(LinkOutcome.kind).items()
        if doc.get("household_id") == household_id
    )
    found = [_with_outcome(link, _update_of(link.id, updates, earlier)) for link in found]
    return sorted(found, key=lambda link: (link.requested_on, link.id), reverse=True)


def list_links(
    repo: CaseRepository,
    at: dt.datetime,
    *,
    open_only: bool = False,
    older_than: int | None = None,
    mine: bool = False,
) -> list[Link]:
    """Every link of the dong (only those still awaiting an outcome with `open_only`; only those whose
    last word is more than `older_than` days before `at`; with `mine`, only links the user made or on
    the user's cases, every one for a supervisor), oldest last word first.

    Fast at dong size (30,000 visits): rows are scanned raw, and a link that was never updated is
    skipped before it is built when its saved outcome or its date already rules it out."""
    updates = _newest_updates(repo.rows(LinkOutcome.kind).items())
    owners = {hid: doc.get("owner_id") for hid, doc in repo.rows(Household.kind).items()}
    me, everyone = repo.user_id, repo.role == Role.SUPERVISOR
    # An ISO day is at most `cutoff` exactly when more than `older_than` days lie between it and `at`.
    cutoff = (at.astimezone(KST).date() - dt.timedelta(days=(older_than or 0) + 1)).isoformat()

    updated = {link.rsplit(".", 1)[0] for link in updates}  # visits and flags with an update

    earlier: dict[str, list[str]] = {}

    def wanted(source: str, n: int, saved: str, day: str) -> bool:
        if source in updated and any(link_id(source, n, service=s) in updates for s in (False, True)):
            return True
        if earlier and any(x in updates for x in earlier.get(link_id(source, n), ())):
            return True
        if open_only and saved not in _AWAITING_SAVED:
            return False
        return older_than is None or day[:10] <= cutoff

    def concerns_me(doc: Mapping[str, Any], linked_by: Any) -> bool:
        return not mine or everyone or me in (linked_by, owners.get(str(doc.get("household_id"))))

    revised: set[str] = set()
    with_resources = []
    rows = repo.rows(Visit.kind)
    for row_id, doc in rows.items():
        revises, resources = doc.get("revises"), doc.get("resources")
        if not (revises or resources) or is_deleted(doc):
            continue
        if revises:
            revised.add(revises)  # a revision may come before what it revises: dropped below
            earlier.update(_earlier_ids(rows, row_id, doc))
        if resources and concerns_me(doc, doc.get("worker_id")):
            with_resources.append((row_id, doc))
    candidates = [
        link
        for row_id, doc in with_resources
        if row_id not in revised and not doc.get("withdrawn")
        for link in _visit_links(row_id, doc, wanted)
    ]
    candidates += [
        link
        for row_id, doc in repo.rows(CrisisFlag.kind).items()
        if doc.get("services_linked") and not is_deleted(doc) and concerns_me(doc, None)
        for link in _flag_links(row_id, doc, wanted)
    ]
    found = []
    for bare in candidates:
        link = _with_outcome(bare, _update_of(bare.id, updates, earlier))
        if open_only and not link.awaiting:
            continue
        if older_than is not None and link.waiting_days(at) <= older_than:
            continue
        found.append(link)
    return sorted(found, key=lambda link: (link.since(), link.id))


def links_needing_check(repo: CaseRepository, at: dt.datetime, *, mine: bool = False) -> list[Link]:
    """Links still 요청/진행중 after the vault's wait (처리결과 확인 필요), closed cases left out."""
    closed = {
        hid for hid, doc in repo.rows(Household.kind).items() if doc.get("status") == HouseholdStatus.CLOSED
    }
    found = list_links(repo, at, open_only=True, older_than=wait_days(repo), mine=mine)
    return [link for link in found if link.household_id not in closed]


def get_link(repo: CaseRepository, link: str) -> Link:
    """The link with this id, with its current outcome; `NotFound` when there is none."""
    match = _ID.match(link)
    source = repo.get(Visit, match["source"]) if match and match["part"] == "r" else None
    flag = repo.get(CrisisFlag, match["source"]) if match and match["part"] == "s" else None
    household_id = source.household_id if source else flag.household_id if flag else None
    if household_id is not None:
        for found in links_of_household(repo, household_id):
            if found.id == link:
                return found
    raise NotFound("err_no_link", link=link)


def may_update(repo: CaseRepository, link: Link, household: Household | None = None) -> bool:
    """Whether the signed-in user may update the link's outcome (the screens hide keys by it)."""
    household = household or repo.household(link.household_id)
    owner = household.owner_id if household is not None else None
    return is_owner_or_supervisor(repo.user_id, repo.role, owner, also=(link.linked_by,))


# -- updating --------------------------------------------------------------------------------
def set_outcome(
    repo: CaseRepository,
    link: str,
    outcome: LinkState | str,
    note: str = "",
    *,
    at: dt.datetime | None = None,
) -> Link:
    """Record the link's outcome now (with an optional note): one new `LinkOutcome`, nothing
    overwritten. Returns the link as it now stands."""
    at = at or now()
    try:
        state = LinkState(outcome)
    except ValueError:
        raise InvalidInput("err_link_outcome_unknown", outcome=outcome) from None
    if state not in SETTABLE:
        raise InvalidInput("err_link_outcome_unknown", outcome=outcome)
    current = get_link(repo, link)
    if not may_update(repo, current):
        raise Forbidden("err_link_not_allowed", link=current.id)
    update = LinkOutcome.model_validate(
        {
            "id": new_id("lo"),
            "link_id": current.id,
            "household_id": current.household_id,
            "outcome": state,
            "at": at,
            "actor_id": repo.user_id,
            "note": " ".join(note.split()),
        }
    )
    repo.save(update)
    return _with_outcome(current, (at, update.id, update.model_dump(mode="json")))


def history_of(repo: CaseRepository, link: str) -> list[LinkOutcome]:
    """Every outcome update of a link, oldest first."""
    updates = repo.where(LinkOutcome, lambda row: row.get("link_id") == link)
    return sorted(updates, key=lambda u: (u.at, u.id))
