"""The monthly figures of a dong (or of each worker), computed from the vault's records.

Every figure is a *count* (or a sum of won) — a numerator — so that figures of several vaults (a gu)
are added, never averaged. A ratio is kept as its numerator and denominator, both columns of the
report, and recomputed from the summed parts (1/2 and 3/4 give 4/6, not 0.625). The median hours to a
first visit is computed from the pooled list of hours of every flag of every vault, never as a median
of medians. `FIGURES` below is the single list of figures, in column order; `figures_markdown()`
renders the table of definitions for the README.

General rules
-------------
- **Seoul time decides the month** of anything with a time (`raised_at`, `resolved_at`,
  `scheduled_at`, hand-off events): Asia/Seoul, which is UTC+9 all year. A day (`visited_on`,
  `registered_on`) decides by its date.
- **Visits** are append-only; a corrected visit is replaced by its newest revision (a visit that
  another visit `revises` is not counted), and the revision's date decides.
- **"Visited"** (households visited, first visits, 출산가정 visited) means an in-person contact: any
  visit kind except 전화상담 (`phone`). Visit counts by kind count phone contacts too.
- **By worker**: each figure is attributed to one worker (the last part of each `DEFINITIONS`
  entry); rows for workers sum to the dong's counts, except figures of *distinct households*: a
  household visited by two workers counts once in each worker's row and once in the dong's (so the
  total row of a by-worker report is computed from the dong, not added up from worker rows). Figures
  attributed to a household's owner go to the row "unassigned" when the household has none.
- **Statuses are today's**: the vault keeps no history of a household's status or of a resource's
  outcome, so "open cases at month end" and "resource provided" use the current value (with the
  household's registration date and the visit date deciding the month). Hand-off states do have a
  history, and it is used.

The definitions of every figure are `DEFINITIONS` below (`figures_markdown()` renders them as a
table for the README).
"""

from __future__ import annotations

import datetime as dt
import gc
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import (
    ConferenceState,
    CrisisLevel,
    CrisisReason,
    HandoffState,
    HouseholdStatus,
    HouseholdTag,
    Outcome,
    ResourceCategory,
    Role,
    SupportKind,
    VisitKind,
)
from chandong_tui.model.records import Conference, CrisisFlag, Handoff, Household, Visit
from chandong_tui.reports.month import Month, parse_day, parse_instant
from chandong_tui.vault.ops import DELETED

FIRST_VISIT_HOURS = 72
HANDOFF_ANSWER_DAYS = 3
UNASSIGNED = ""
"""The worker key of figures whose household has no owner."""
_DONG = "\x00dong"
"""The scope key of the dong's own figures (never a worker id: ids start with a letter or digit)."""

Kind = Literal["count", "won", "ratio", "median"]


@dataclass(frozen=True)
class Figure:
    """One column of the monthly report."""

    key: str
    ko: str
    kind: Kind = "count"
    num: str = ""
    """For a ratio: the key of its numerator."""
    den: str = ""
    """For a ratio: the key of its denominator."""
    sample: str = ""
    """For a median: the key of its pooled samples."""


def _figures() -> tuple[Figure, ...]:
    f: list[Figure] = [Figure("visits", "방문상담 건수")]
    f += [Figure(f"visits_{k.value}", f"방문상담({k.ko})") for k in VisitKind]
    f += [Figure(f"visits_role_{r.value}", f"방문상담({r.ko})") for r in Role]
    f.append(Figure("households_visited", "방문 가구 수"))
    f += [Figure(f"households_visited_role_{r.value}", f"방문 가구({r.ko})") for r in Role]
    f += [
        Figure("crisis_flags_raised", "위기가구 발굴 건수"),
        Figure("crisis_households_new", "신규 위기가구"),
    ]
    f += [Figure(f"crisis_households_{lv.value}", f"신규 위기가구({lv.ko})") for lv in CrisisLevel]
    f += [Figure(f"crisis_households_reason_{r.value}", f"위기 사유({r.ko})") for r in CrisisReason]
    f += [
        Figure("first_visit_within_72h", "72시간 내 첫 방문"),
        Figure(
            "first_visit_within_72h_share",
            "72시간 내 첫 방문 비율",
            "ratio",
            num="first_visit_within_72h",
            den="crisis_flags_raised",
        ),
        Figure("crisis_flags_first_visited", "첫 방문 완료 위기가구"),
        Figure("first_visit_median_hours", "첫 방문까지 시간 중앙값", "median", sample="first_visit_hours"),
        Figure("turning65_households", "65세 도래 가구"),
        Figure("turning65_health_visited_ytd", "65세 도래 건강방문 가구(누적)"),
        Figure(
            "turning65_health_visit_rate_ytd",
            "65세 도래 건강방문율(누적)",
            "ratio",
            num="turning65_health_visited_ytd",
            den="turning65_households",
        ),
        Figure("elderly_households_first_visited", "신규 어르신 방문 가구"),
        Figure("newborn_households_visited", "출산가정 방문 가구"),
        Figure("resources_linked", "자원연계(보건 제외)"),
        Figure("resources_linked_health", "보건의료 자원연계"),
        Figure("referrals_specialist", "전문기관 의뢰"),
        Figure("blind_spot_found", "사각지대 발굴 가구"),
        Figure("blind_spot_supported", "사각지대 지원 가구"),
        Figure("emergency_cases", "서울형 긴급복지 건수"),
    ]
    f += [Figure(f"emergency_cases_{s.value}", f"서울형 긴급복지({s.ko}) 건수") for s in SupportKind]
    f += [Figure(f"emergency_won_{s.value}", f"서울형 긴급복지({s.ko}) 금액", "won") for s in SupportKind]
    f += [
        Figure("emergency_won_total", "서울형 긴급복지 금액", "won"),
        Figure("conferences_held", "사례회의 개최"),
        Figure("conference_households", "사례회의 논의 가구"),
        Figure("handoffs_made", "사례 이관 요청"),
        Figure("handoffs_accepted", "이관 수락"),
        Figure("handoffs_declined", "이관 거절"),
        Figure("handoffs_overdue", "이관 응답 지연"),
        Figure("cases_open", "관리중 사례"),
        Figure("cases_closed", "종결 사례"),
    ]
    return tuple(f)


FIGURES: tuple[Figure, ...] = _figures()
"""Every figure, in the report's column order (stable: enum members in their declared order)."""
FIGURE_BY_KEY = {fig.key: fig for fig in FIGURES}


@dataclass
class Tally:
    """The additive parts of the figures of one row: counts and pooled samples.

    Tallies of several rows or vaults are combined with `+`; ratios and medians are computed only
    at the end, from the combined parts.
    """

    counts: Counter[str] = field(default_factory=Counter)
    samples: dict[str, list[float]] = field(default_factory=dict)

    def __add__(self, other: Tally) -> Tally:
        samples = {key: list(values) for key, values in self.samples.items()}
        for key, values in other.samples.items():
            samples.setdefault(key, []).extend(values)
        return Tally(self.counts + other.counts, samples)

    @staticmethod
    def total(tallies: Iterable[Tally]) -> Tally:
        result = Tally()
        for tally in tallies:
            result = result + tally
        return result

    def value(self, figure: Figure) -> int | float | None:
        """The figure's value: an int, a ratio in 0‥1 (4 decimals), median hours (1 decimal), or None."""
        if figure.kind == "ratio":
            den = self.counts[figure.den]
            return round(self.counts[figure.num] / den, 4) if den else None
        if figure.kind == "median":
            values = self.samples.get(figure.sample)
            return round(statistics.median(values), 1) if values else None
        return self.counts[figure.key]

    def values(self) -> dict[str, int | float | None]:
        return {fig.key: self.value(fig) for fig in FIGURES}


@dataclass(frozen=True)
class VaultFigures:
    """The figures of one vault for one month: the dong's, and each worker's."""

    dong_code: str
    month: Month
    dong: Tally
    by_worker: dict[str, Tally]


class _Collector:
    """Adds each contribution to the dong scope and to one worker's scope."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.sets: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.samples: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))

    @staticmethod
    def _scopes(who: str | None) -> tuple[str, str]:
        return _DONG, who or UNASSIGNED

    def add(self, who: str | None, key: str, n: int = 1) -> None:
        for scope in self._scopes(who):
            self.counts[scope][key] += n

    def distinct(self, who: str | None, key: str, item: str) -> None:
        for scope in self._scopes(who):
            self.sets[scope][key].add(item)

    def sample(self, who: str | None, key: str, value: float) -> None:
        for scope in self._scopes(who):
            self.samples[scope][key].append(value)

    def tallies(self) -> dict[str, Tally]:
        scopes = set(self.counts) | set(self.sets) | set(self.samples) | {_DONG}
        result = {}
        for scope in scopes:
            counts = Counter(self.counts.get(scope, {}))
            for key, items in self.sets.get(scope, {}).items():
                counts[key] += len(items)
            samples = {key: sorted(values) for key, values in self.samples.get(scope, {}).items()}
            result[scope] = Tally(counts, samples)
        return result


class _HouseholdFacts(NamedTuple):
    tags: frozenset[str]
    owner_id: str | None
    status: str
    registered_on: dt.date


class _Source:
    """Reads for one report: cheap pre-filters on the stored ISO strings, then only the records that
    pass are read (validated, and shown as the user's role may see them) through the repository.

    Validating all 30,000 visits of a dong takes longer than the whole report may (≤ 0.5 s); a month
    needs a few hundred of them. Households are all needed (tags, owner, status, registration date)
    and are read like `CaseRepository.household_summaries` reads them: those four fields straight from
    the stored rows, which were validated when written; a row whose date cannot be read is skipped.
    """

    def __init__(self, repo: CaseRepository) -> None:
        self.repo = repo
        self.tables = repo.session.table(Visit.kind).storage.read() or {}

    def rows(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for row_id, doc in self.tables.get(kind, {}).items():
            if not doc.get(DELETED):
                yield row_id, doc

    def households(self) -> dict[str, _HouseholdFacts]:
        facts = {}
        for hid, doc in self.rows(Household.kind):
            registered = parse_day(doc.get("registered_on"))
            if registered is None:
                continue
            tags = frozenset(str(tag) for tag in doc.get("tags") or ())
            facts[hid] = _HouseholdFacts(
                tags, doc.get("owner_id"), str(doc.get("status", HouseholdStatus.OPEN)), registered
            )
        return facts

    def records(self, cls: type, ids: Iterable[str]) -> list[Any]:
        found = (self.repo.get(cls, row_id) for row_id in sorted(set(ids)))
        return [record for record in found if record is not None]


def _month_prefix(value: object, prefix: str) -> bool:
    return isinstance(value, str) and value.startswith(prefix)


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside: an open dong vault holds millions of objects in its
    in-memory cache, and every collection walks them all; reports create no reference cycles worth
    collecting. Halves the report's time (and an unlock's) at dong size."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compute(repo: CaseRepository, month: Month) -> VaultFigures:
    """The figures of the repository's vault for `month` (dong and per worker)."""
    with paused_gc():
        return _compute(repo, month)


def _compute(repo: CaseRepository, month: Month) -> VaultFigures:
    src = _Source(repo)
    c = _Collector()
    prefix = str(month)
    month_end_day = month.last_day.isoformat()
    roles = {w.id: w.role for w in repo.workers()}

    households = src.households()
    tagged: dict[str, set[str]] = defaultdict(set)
    for hid, h in households.items():
        for tag in h.tags:
            tagged[tag].add(hid)
    registered = {hid for hid, h in households.items() if h.registered_on <= month.last_day}

    # -- visits: current revisions only -----------------------------------------------------
    raw_visits = list(src.rows(Visit.kind))
    revised = {doc["revises"] for _, doc in raw_visits if doc.get("revises")}
    current = [(vid, doc) for vid, doc in raw_visits if vid not in revised]
    ytd_from = dt.date(month.year, 1, 1).isoformat()
    turning65 = tagged[HouseholdTag.TURNING_65]
    wanted = [
        vid
        for vid, doc in current
        if _month_prefix(doc.get("visited_on"), prefix)
        or (
            doc.get("household_id") in turning65
            and ytd_from <= str(doc.get("visited_on", "")) <= month_end_day
        )
    ]
    visits = src.records(Visit, wanted)
    in_month = [v for v in visits if month.has_day(v.visited_on)]

    for v in in_month:
        who, role = v.worker_id, roles.get(v.worker_id)
        c.add(who, "visits")
        c.add(who, f"visits_{v.visit_kind.value}")
        if role is not None:
            c.add(who, f"visits_role_{role.value}")
        for link in v.resources:
            if link.category is ResourceCategory.HEALTH:
                c.add(who, "resources_linked_health")
            else:
                c.add(who, "resources_linked")
            if link.category is ResourceCategory.SPECIALIST:
                c.add(who, "referrals_specialist")
        if v.visit_kind is VisitKind.PHONE:
            continue
        c.distinct(who, "households_visited", v.household_id)
        if role is not None:
            c.distinct(who, f"households_visited_role_{role.value}", v.household_id)
        if v.household_id in tagged[HouseholdTag.NEWBORN]:
            c.distinct(who, "newborn_households_visited", v.household_id)

    # first-ever in-person visit of elderly households (from the stored dates of every visit)
    elderly = tagged[HouseholdTag.ELDERLY_ALONE] | turning65
    first: dict[str, tuple[str, str, str]] = {}
    for vid, doc in current:
        hid = doc.get("household_id")
        if hid in elderly and doc.get("visit_kind") != VisitKind.PHONE:
            mark = (str(doc.get("visited_on", "")), vid, str(doc.get("worker_id", "")))
            if hid not in first or mark < first[hid]:
                first[hid] = mark
    for hid, (day, _vid, who) in first.items():
        if day.startswith(prefix):
            c.distinct(who, "elderly_households_first_visited", hid)

    # 65세 도래: households and health visits by a nurse, year to date
    health_visited = {
        v.household_id
        for v in visits
        if v.household_id in turning65
        and v.visit_kind is VisitKind.HEALTH
        and roles.get(v.worker_id) is Role.VISITING_NURSE
        and month.first_day.replace(month=1) <= v.visited_on <= month.last_day
    }
    for hid in sorted(turning65 & registered):
        owner = households[hid].owner_id
        c.distinct(owner, "turning65_households", hid)
        if hid in health_visited:
            c.distinct(owner, "turning65_health_visited_ytd", hid)

    # -- crisis flags -------------------------------------------------------------------------
    flag_ids = [
        fid
        for fid, doc in src.rows(CrisisFlag.kind)
        if any(
            (at := parse_instant(doc.get(name))) is not None and month.has_instant(at)
            for name in ("raised_at", "resolved_at")
        )
    ]
    flags: list[CrisisFlag] = src.records(CrisisFlag, flag_ids)
    level_rank = {level: rank for rank, level in enumerate(CrisisLevel)}
    worst: dict[str, dict[str, CrisisLevel]] = defaultdict(dict)
    supported: set[str] = set()
    limit = dt.timedelta(hours=FIRST_VISIT_HOURS)
    for f in flags:
        who = f.raised_by
        if month.has_instant(f.raised_at):
            c.add(who, "crisis_flags_raised")
            c.distinct(who, "crisis_households_new", f.household_id)
            for scope in c._scopes(who):
                known = worst[scope].get(f.household_id)
                if known is None or level_rank[f.level] < level_rank[known]:
                    worst[scope][f.household_id] = f.level
            for reason in f.reasons:
                c.distinct(who, f"crisis_households_reason_{reason.value}", f.household_id)
            if f.first_visit_at is not None:
                delay = max(f.first_visit_at - f.raised_at, dt.timedelta(0))
                c.add(who, "crisis_flags_first_visited")
                c.sample(who, "first_visit_hours", delay.total_seconds() / 3600)
                if delay <= limit:
                    c.add(who, "first_visit_within_72h")
        if f.resolved_at is not None and month.has_instant(f.resolved_at) and f.supports:
            supported.add(f.household_id)
            c.add(who, "emergency_cases")
            for kind in sorted({s.support for s in f.supports}, key=list(SupportKind).index):
                c.add(who, f"emergency_cases_{kind.value}")
            for s in f.supports:
                c.add(who, f"emergency_won_{s.support.value}", s.amount_won)
                c.add(who, "emergency_won_total", s.amount_won)
    for scope, levels in worst.items():
        for hid, level in levels.items():
            c.sets[scope][f"crisis_households_{level.value}"].add(hid)

    # -- 사각지대 -------------------------------------------------------------------------------
    provided = {
        v.household_id for v in in_month if any(link.outcome is Outcome.PROVIDED for link in v.resources)
    }
    for hid in sorted(tagged[HouseholdTag.BLIND_SPOT]):
        h = households[hid]
        if month.has_day(h.registered_on):
            c.distinct(h.owner_id, "blind_spot_found", hid)
        if hid in provided or hid in supported:
            c.distinct(h.owner_id, "blind_spot_supported", hid)

    # -- conferences ------------------------------------------------------------------------
    conference_ids = [
        cid
        for cid, doc in src.rows(Conference.kind)
        if doc.get("state") == ConferenceState.SEALED
        and (at := parse_instant(doc.get("scheduled_at"))) is not None
        and month.has_instant(at)
    ]
    for conf in src.records(Conference, conference_ids):
        c.add(conf.facilitator_id, "conferences_held")
        for item in conf.agenda:
            c.distinct(conf.facilitator_id, "conference_households", item.household_id)

    # -- hand-offs ----------------------------------------------------------------------------
    overdue_before = month.end - dt.timedelta(days=HANDOFF_ANSWER_DAYS)
    for handoff in repo.all(Handoff):
        history = sorted(handoff.history, key=lambda e: e.at)
        if history and month.has_instant(history[0].at):
            c.add(handoff.from_worker_id, "handoffs_made")
        for state, key in (
            (HandoffState.ACCEPTED, "handoffs_accepted"),
            (HandoffState.DECLINED, "handoffs_declined"),
        ):
            actors = sorted({e.actor_id for e in history if e.state is state and month.has_instant(e.at)})
            for actor in actors[:1]:  # a hand-off counts once even if accepted twice in a month
                c.add(actor, key)
        past = [e for e in history if e.at < month.end]
        if past and past[-1].state is HandoffState.REQUESTED and past[-1].at < overdue_before:
            c.add(handoff.to_worker_id or handoff.from_worker_id, "handoffs_overdue")

    # -- cases at month end -------------------------------------------------------------------
    for hid in sorted(registered):
        h = households[hid]
        closed = h.status == HouseholdStatus.CLOSED
        c.add(h.owner_id, "cases_closed" if closed else "cases_open")

    tallies = c.tallies()
    dong = tallies.pop(_DONG)
    return VaultFigures(repo.session.info.dong_code, month, dong, tallies)


DEFINITIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "visits",
        "방문상담 건수",
        "visit records dated in the month (all kinds)",
        "visit's worker",
    ),
    (
        "visits_<kind>",
        "… by kind",
        "the same, per visit kind",
        "visit's worker",
    ),
    (
        "visits_role_<role>",
        "… by role",
        "the same, per role of the visit's worker (unknown worker: total only)",
        "visit's worker",
    ),
    (
        "households_visited",
        "방문 가구 수",
        "distinct households with an in-person visit in the month",
        "visit's worker",
    ),
    (
        "households_visited_role_<role>",
        "… by role",
        "the same, per role (a household visited by two roles counts in both)",
        "visit's worker",
    ),
    (
        "crisis_flags_raised",
        "위기가구 발굴 건수",
        "crisis flags with `raised_at` in the month",
        "who raised it",
    ),
    (
        "crisis_households_new",
        "신규 위기가구",
        "distinct households with a flag raised in the month",
        "who raised it",
    ),
    (
        "crisis_households_<level>",
        "… by level",
        "the same, by the most severe level of the month's flags",
        "who raised it",
    ),
    (
        "crisis_households_reason_<reason>",
        "… by reason",
        "households with that reason among the month's flags (a household can count under several)",
        "who raised it",
    ),
    (
        "first_visit_within_72h",
        "72시간 내 첫 방문",
        "flags raised in the month whose `first_visit_at` is at most 72 h after `raised_at`",
        "who raised it",
    ),
    (
        "first_visit_within_72h_share",
        "72시간 내 첫 방문 비율",
        "`first_visit_within_72h` ÷ `crisis_flags_raised` (flags not yet visited count as not within)",
        "—",
    ),
    (
        "crisis_flags_first_visited",
        "첫 방문 완료",
        "flags raised in the month with a first visit (the median's sample size)",
        "who raised it",
    ),
    (
        "first_visit_median_hours",
        "첫 방문까지 시간 중앙값",
        "median of hours from `raised_at` to `first_visit_at` over those flags "
        "(a first visit recorded before the flag counts as 0 h)",
        "—",
    ),
    (
        "turning65_households",
        "65세 도래 가구",
        "households tagged `turning_65` registered by month end",
        "household owner",
    ),
    (
        "turning65_health_visited_ytd",
        "65세 도래 건강방문(누적)",
        "of those, households with a `health` visit by a visiting nurse dated 1 January … month end",
        "household owner",
    ),
    (
        "turning65_health_visit_rate_ytd",
        "65세 도래 건강방문율(누적)",
        "`turning65_health_visited_ytd` ÷ `turning65_households`",
        "—",
    ),
    (
        "elderly_households_first_visited",
        "신규 어르신 방문 가구",
        "households tagged `elderly_alone` or `turning_65` whose first-ever in-person visit is in the month",
        "worker of that visit",
    ),
    (
        "newborn_households_visited",
        "출산가정 방문 가구",
        "households tagged `newborn` with an in-person visit in the month",
        "visit's worker",
    ),
    (
        "resources_linked",
        "자원연계(보건 제외)",
        "resources linked on visits in the month, category not `health` (any outcome)",
        "visit's worker",
    ),
    (
        "resources_linked_health",
        "보건의료 자원연계",
        "the same, category `health`",
        "visit's worker",
    ),
    (
        "referrals_specialist",
        "전문기관 의뢰",
        "resources of category `specialist` (a part of `resources_linked`)",
        "visit's worker",
    ),
    (
        "blind_spot_found",
        "사각지대 발굴 가구",
        "households tagged `blind_spot` registered in the month",
        "household owner",
    ),
    (
        "blind_spot_supported",
        "사각지대 지원 가구",
        "households tagged `blind_spot` with, in the month, a visit linking a resource now `provided`, "
        "or a flag resolved with 서울형 긴급복지 support",
        "household owner",
    ),
    (
        "emergency_cases",
        "서울형 긴급복지 건수",
        "flags resolved in the month (`resolved_at`) with at least one support",
        "who raised the flag",
    ),
    (
        "emergency_cases_<kind>",
        "… by kind",
        "the same, flags with a support of that kind",
        "who raised the flag",
    ),
    (
        "emergency_won_<kind>",
        "… 금액 by kind",
        "won of that kind granted on those flags",
        "who raised the flag",
    ),
    (
        "emergency_won_total",
        "서울형 긴급복지 금액",
        "won of all kinds",
        "who raised the flag",
    ),
    (
        "conferences_held",
        "사례회의 개최",
        "conferences with sealed minutes whose `scheduled_at` is in the month",
        "facilitator",
    ),
    (
        "conference_households",
        "사례회의 논의 가구",
        "distinct households on those conferences' agendas",
        "facilitator",
    ),
    (
        "handoffs_made",
        "사례 이관 요청",
        "hand-offs whose first history event is in the month",
        "who handed off",
    ),
    (
        "handoffs_accepted",
        "이관 수락",
        "hand-offs with an `accepted` event in the month",
        "who accepted",
    ),
    (
        "handoffs_declined",
        "이관 거절",
        "hand-offs with a `declined` event in the month",
        "who declined",
    ),
    (
        "handoffs_overdue",
        "이관 응답 지연",
        "hand-offs whose state at month end is `requested` and whose request is more than 3 days "
        "(72 h) older than month end — plain calendar days for now; working days come with the calendar",
        "the receiving worker, else who handed off",
    ),
    (
        "cases_open",
        "관리중 사례",
        "households registered by month end whose status is not `closed`",
        "household owner",
    ),
    (
        "cases_closed",
        "종결 사례",
        "households registered by month end whose status is `closed`",
        "household owner",
    ),
)
"""(key or key pattern, 항목, what counts, whose row it goes to when `--by worker`), in column order."""


def figures_markdown() -> str:
    """The definitions as a Markdown table (for the README)."""
    lines = ["| key | 항목 | counts | row (`--by worker`) |", "|---|---|---|---|"]
    lines += [f"| `{key}` | {ko} | {means} | {who} |" for key, ko, means, who in DEFINITIONS]
    return "\n".join(lines) + "\n"
