"""The monthly figures of a dong (or of each worker), computed from the vault's records.

Every figure is defined once, in `DEFINITIONS` at the end of this module: its key, its Korean label
(the CSV header and the report screen's name), its English label (the screen in English), what it
counts in the README's words, whose row it goes to with `--by worker`, and the section of `compute`
that counts it (or, for a ratio, its numerator and denominator). `FIGURES` (the report's columns),
the README's table (`figures_markdown()`) and the report screen all come from that table.

Every figure is a *count* (or a sum of won) — a numerator — so that figures of several vaults (a gu)
are added, never averaged. A ratio is kept as its numerator and denominator, both columns of the
report, and recomputed from the summed parts (1/2 and 3/4 give 4/6, not 0.625). The median hours to a
first visit is computed from the pooled list of hours of every flag of every vault, never as a median
of medians.

General rules
-------------
- **Seoul time decides the month** of anything with a time (`raised_at`, `resolved_at`,
  `scheduled_at`, hand-off events): Asia/Seoul, which is UTC+9 all year. A day (`visited_on`,
  `registered_on`) decides by its date.
- **Visits** are append-only; a corrected visit is replaced by its newest revision
  (`casework/revisions.py`: counted once, however many revisions), and the revision's date decides;
  a visit withdrawn as entered in error (잘못 입력) is not counted at all.
- **"Visited"** (households visited, first visits, 출산가정 visited) means an in-person contact: any
  visit kind except 전화상담 (`phone`). Visit counts by kind count phone contacts too.
- **By worker**: each figure is attributed to one worker (`Definition.row`); rows for workers sum to
  the dong's counts, except figures of *distinct households*: a household visited by two workers
  counts once in each worker's row and once in the dong's (so the total row of a by-worker report is
  computed from the dong, not added up from worker rows). Figures attributed to a household's owner
  go to the row "unassigned" when the household has none.
- **Statuses are today's**: the vault keeps no history of a household's status or of a resource's
  outcome, so "open cases at month end" and "resource provided" use the current value (with the
  household's registration date and the visit date deciding the month). Hand-off states do have a
  history, and it is used; the vault's settings (the hand-off escalation working days) are today's.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from chandong_tui.casework.deadlines import settings_of
from chandong_tui.casework.handoffs import is_escalated
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.revisions import current_rows
from chandong_tui.i18n import Lang
from chandong_tui.model.enums import (
    ConferenceState,
    CrisisLevel,
    CrisisReason,
    HandoffState,
    HouseholdStatus,
    HouseholdTag,
    LabelledEnum,
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
UNASSIGNED = ""
"""The worker key of figures whose household has no owner."""
_DONG = "\x00dong"
"""The scope key of the dong's own figures (never a worker id: ids start with a letter or digit)."""

Kind = Literal["count", "won", "ratio", "median"]


@dataclass(frozen=True)
class Figure:
    """One column of the monthly report (made from its `Definition`)."""

    key: str
    ko: str
    """The Korean label: the CSV header, and the report screen's name in Korean."""
    en: str
    """The English label: the report screen's name in English."""
    kind: Kind = "count"
    num: str = ""
    """For a ratio: the key of its numerator."""
    den: str = ""
    """For a ratio: the key of its denominator."""
    sample: str = ""
    """For a median: the key of its pooled samples."""

    def label(self, lang: Lang | str = Lang.KO) -> str:
        """The figure's name for people, in `lang`."""
        return self.en if lang == Lang.EN else self.ko


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
    records = _MonthRecords.read(repo, month)
    for section in SECTIONS:
        section(records)
    tallies = records.c.tallies()
    dong = tallies.pop(_DONG)
    return VaultFigures(repo.session.info.dong_code, month, dong, tallies)


@dataclass
class _MonthRecords:
    """What the sections of one report read, and the collector they add their figures to."""

    repo: CaseRepository
    month: Month
    src: _Source
    c: _Collector
    roles: dict[str, Role]
    households: dict[str, _HouseholdFacts]
    tagged: dict[str, set[str]]
    """Household ids by tag."""
    registered: set[str]
    """Households registered by month end."""
    current: list[tuple[str, Mapping[str, Any]]]
    """The stored rows of the newest revision of every visit not withdrawn."""
    visits: list[Visit]
    """The visits of the month, and the year's visits to turning-65 households up to month end."""
    in_month: list[Visit]
    supported: set[str] = field(default_factory=set)
    """Households with a flag resolved in the month with 서울형 긴급복지 support (set by the flags)."""

    @property
    def prefix(self) -> str:
        return str(self.month)

    @classmethod
    def read(cls, repo: CaseRepository, month: Month) -> _MonthRecords:
        src = _Source(repo)
        households = src.households()
        tagged: dict[str, set[str]] = defaultdict(set)
        for hid, h in households.items():
            for tag in h.tags:
                tagged[tag].add(hid)
        registered = {hid for hid, h in households.items() if h.registered_on <= month.last_day}

        # visits: current revisions only
        current = list(current_rows(dict(src.rows(Visit.kind))).items())
        prefix, month_end_day = str(month), month.last_day.isoformat()
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
        return cls(
            repo=repo,
            month=month,
            src=src,
            c=_Collector(),
            roles={w.id: w.role for w in repo.workers()},
            households=households,
            tagged=tagged,
            registered=registered,
            current=current,
            visits=visits,
            in_month=[v for v in visits if month.has_day(v.visited_on)],
        )


Section = Callable[[_MonthRecords], None]
"""A part of `compute`: counts the figures of one kind of record (named in their definitions)."""


def _visit_figures(m: _MonthRecords) -> None:
    """Visits of the month: counts, households visited in person, resources linked."""
    c = m.c
    for v in m.in_month:
        who, role = v.worker_id, m.roles.get(v.worker_id)
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
        if v.household_id in m.tagged[HouseholdTag.NEWBORN]:
            c.distinct(who, "newborn_households_visited", v.household_id)


def _elderly_first_visits(m: _MonthRecords) -> None:
    """First-ever in-person visits of elderly households (from the stored dates of every visit)."""
    elderly = m.tagged[HouseholdTag.ELDERLY_ALONE] | m.tagged[HouseholdTag.TURNING_65]
    first: dict[str, tuple[str, str, str]] = {}
    for vid, doc in m.current:
        hid = str(doc.get("household_id", ""))
        if hid in elderly and doc.get("visit_kind") != VisitKind.PHONE:
            mark = (str(doc.get("visited_on", "")), vid, str(doc.get("worker_id", "")))
            if hid not in first or mark < first[hid]:
                first[hid] = mark
    for hid, (day, _vid, who) in first.items():
        if day.startswith(m.prefix):
            m.c.distinct(who, "elderly_households_first_visited", hid)


def _turning65_figures(m: _MonthRecords) -> None:
    """65세 도래: households, and those with a health visit by a nurse, year to date."""
    month, turning65 = m.month, m.tagged[HouseholdTag.TURNING_65]
    health_visited = {
        v.household_id
        for v in m.visits
        if v.household_id in turning65
        and v.visit_kind is VisitKind.HEALTH
        and m.roles.get(v.worker_id) is Role.VISITING_NURSE
        and month.first_day.replace(month=1) <= v.visited_on <= month.last_day
    }
    for hid in sorted(turning65 & m.registered):
        owner = m.households[hid].owner_id
        m.c.distinct(owner, "turning65_households", hid)
        if hid in health_visited:
            m.c.distinct(owner, "turning65_health_visited_ytd", hid)


def _crisis_flag_figures(m: _MonthRecords) -> None:
    """Crisis flags raised in the month (with their first visits) and resolved in it (with support)."""
    c, month = m.c, m.month
    flag_ids = [
        fid
        for fid, doc in m.src.rows(CrisisFlag.kind)
        if any(
            (at := parse_instant(doc.get(name))) is not None and month.has_instant(at)
            for name in ("raised_at", "resolved_at")
        )
    ]
    flags: list[CrisisFlag] = m.src.records(CrisisFlag, flag_ids)
    level_rank = {level: rank for rank, level in enumerate(CrisisLevel)}
    worst: dict[str, dict[str, CrisisLevel]] = defaultdict(dict)
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
                delay = max(f.first_visit_at - f.clock_start, dt.timedelta(0))
                c.add(who, "crisis_flags_first_visited")
                c.sample(who, "first_visit_hours", delay.total_seconds() / 3600)
                if delay <= limit:
                    c.add(who, "first_visit_within_72h")
        if f.resolved_at is not None and month.has_instant(f.resolved_at) and f.supports:
            m.supported.add(f.household_id)
            c.add(who, "emergency_cases")
            for kind in sorted({s.support for s in f.supports}, key=list(SupportKind).index):
                c.add(who, f"emergency_cases_{kind.value}")
            for s in f.supports:
                c.add(who, f"emergency_won_{s.support.value}", s.amount_won)
                c.add(who, "emergency_won_total", s.amount_won)
    for scope, levels in worst.items():
        for hid, level in levels.items():
            c.sets[scope][f"crisis_households_{level.value}"].add(hid)


def _blind_spot_figures(m: _MonthRecords) -> None:
    """사각지대 households found and supported (after the visits and the flags)."""
    provided = {
        v.household_id for v in m.in_month if any(link.outcome is Outcome.PROVIDED for link in v.resources)
    }
    for hid in sorted(m.tagged[HouseholdTag.BLIND_SPOT]):
        h = m.households[hid]
        if m.month.has_day(h.registered_on):
            m.c.distinct(h.owner_id, "blind_spot_found", hid)
        if hid in provided or hid in m.supported:
            m.c.distinct(h.owner_id, "blind_spot_supported", hid)


def _conference_figures(m: _MonthRecords) -> None:
    """Case conferences with sealed minutes held in the month."""
    conference_ids = [
        cid
        for cid, doc in m.src.rows(Conference.kind)
        if doc.get("state") == ConferenceState.SEALED
        and (at := parse_instant(doc.get("scheduled_at"))) is not None
        and m.month.has_instant(at)
    ]
    for conf in m.src.records(Conference, conference_ids):
        m.c.add(conf.facilitator_id, "conferences_held")
        for item in conf.agenda:
            m.c.distinct(conf.facilitator_id, "conference_households", item.household_id)


def _handoff_figures(m: _MonthRecords) -> None:
    """Hand-offs made and answered in the month, and those escalated at month end by the rule of the
    supervisor queue (`casework.handoffs.is_escalated`, with this vault's escalation working days)."""
    c, month = m.c, m.month
    settings = settings_of(m.repo)
    for handoff in m.repo.all(Handoff):
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
        at_end = handoff_as_of(handoff, month.end)
        if at_end is not None and is_escalated(at_end, month.end, settings):
            c.add(handoff.to_worker_id or handoff.from_worker_id, "handoffs_overdue")


def handoff_as_of(handoff: Handoff, at: dt.datetime) -> Handoff | None:
    """The hand-off as it stood just before `at`: its history up to then, the state its last event led
    to, and its escalation mark if made by then; None when it did not exist yet."""
    past = sorted((e for e in handoff.history if e.at < at), key=lambda e: e.at)
    if not past:
        return None
    marked = handoff.escalated_at
    return handoff.model_copy(
        update={
            "history": past,
            "state": past[-1].state,
            "escalated_at": marked if marked is not None and marked < at else None,
        }
    )


def _case_figures(m: _MonthRecords) -> None:
    """Cases at month end: households registered by then, open or closed (today's status)."""
    for hid in sorted(m.registered):
        h = m.households[hid]
        closed = h.status == HouseholdStatus.CLOSED
        m.c.add(h.owner_id, "cases_closed" if closed else "cases_open")


SECTIONS: tuple[Section, ...] = (
    _visit_figures,
    _elderly_first_visits,
    _turning65_figures,
    _crisis_flag_figures,
    _blind_spot_figures,  # after the visits and the flags: it reads what they found
    _conference_figures,
    _handoff_figures,
    _case_figures,
)
"""The sections of `compute`, in the order they run."""


@dataclass(frozen=True)
class Definition:
    """One figure, or a family of figures (one per member of the enumeration `each`), defined once."""

    key: str
    """The figure's key; a family's has one `<placeholder>` standing for the member's value."""
    ko: str
    """The Korean label (CSV header, report screen); a family's has `{x}` for the member's label."""
    en: str
    """The English label (report screen in English); a family's has `{x}` too."""
    counts: str
    """What counts, as the README says it."""
    row: str
    """Whose row the figure goes to with `--by worker` (— for a ratio or median of the parts)."""
    computed_by: Section | None
    """The section of `compute` that counts it (or, for a median, collects its samples); None for a
    ratio, which is `num` ÷ `den`."""
    kind: Kind = "count"
    num: str = ""
    den: str = ""
    sample: str = ""
    each: type[LabelledEnum] | None = None

    def figures(self) -> tuple[Figure, ...]:
        """Its columns of the report, in order (a family: one per member, in declared order)."""
        if self.each is None:
            return (Figure(self.key, self.ko, self.en, self.kind, self.num, self.den, self.sample),)
        return tuple(
            Figure(
                _PLACEHOLDER.sub(member.value, self.key),
                self.ko.format(x=member.label(Lang.KO)),
                self.en.format(x=member.label(Lang.EN)),
                self.kind,
            )
            for member in self.each
        )

    def label(self, lang: Lang | str = Lang.KO) -> str:
        """Its label in `lang`; a family's names every member (as in the README)."""
        template = self.en if lang == Lang.EN else self.ko
        if self.each is None:
            return template
        return template.format(x="/".join(member.label(lang) for member in self.each))


_PLACEHOLDER = re.compile(r"<[a-z]+>")

D = Definition
DEFINITIONS: tuple[Definition, ...] = (
    D(
        "visits",
        "방문상담 건수",
        "Visits",
        "visit records dated in the month (all kinds)",
        "visit's worker",
        _visit_figures,
    ),
    D(
        "visits_<kind>",
        "방문상담({x})",
        "Visits ({x})",
        "the same, per visit kind",
        "visit's worker",
        _visit_figures,
        each=VisitKind,
    ),
    D(
        "visits_role_<role>",
        "방문상담({x})",
        "Visits ({x})",
        "the same, per role of the visit's worker (unknown worker: total only)",
        "visit's worker",
        _visit_figures,
        each=Role,
    ),
    D(
        "households_visited",
        "방문 가구 수",
        "Households visited",
        "distinct households with an in-person visit in the month",
        "visit's worker",
        _visit_figures,
    ),
    D(
        "households_visited_role_<role>",
        "방문 가구({x})",
        "Households visited ({x})",
        "the same, per role (a household visited by two roles counts in both)",
        "visit's worker",
        _visit_figures,
        each=Role,
    ),
    D(
        "crisis_flags_raised",
        "위기가구 발굴 건수",
        "Crisis flags raised",
        "crisis flags with `raised_at` in the month",
        "who raised it",
        _crisis_flag_figures,
    ),
    D(
        "crisis_households_new",
        "신규 위기가구",
        "New crisis households",
        "distinct households with a flag raised in the month",
        "who raised it",
        _crisis_flag_figures,
    ),
    D(
        "crisis_households_<level>",
        "신규 위기가구({x})",
        "New crisis households ({x})",
        "the same, by the most severe level of the month's flags",
        "who raised it",
        _crisis_flag_figures,
        each=CrisisLevel,
    ),
    D(
        "crisis_households_reason_<reason>",
        "위기 사유({x})",
        "Crisis reason ({x})",
        "households with that reason among the month's flags (a household can count under several)",
        "who raised it",
        _crisis_flag_figures,
        each=CrisisReason,
    ),
    D(
        "first_visit_within_72h",
        "72시간 내 첫 방문",
        "First visit within 72 h",
        f"flags raised in the month whose `first_visit_at` is at most {FIRST_VISIT_HOURS} h after "
        "the crisis was found (`found_at`, else `raised_at`)",
        "who raised it",
        _crisis_flag_figures,
    ),
    D(
        "first_visit_within_72h_share",
        "72시간 내 첫 방문 비율",
        "First visit within 72 h, share",
        "`first_visit_within_72h` ÷ `crisis_flags_raised` (flags not yet visited count as not within)",
        "—",
        None,
        "ratio",
        num="first_visit_within_72h",
        den="crisis_flags_raised",
    ),
    D(
        "crisis_flags_first_visited",
        "첫 방문 완료",
        "Crisis flags with a first visit",
        "flags raised in the month with a first visit (the median's sample size)",
        "who raised it",
        _crisis_flag_figures,
    ),
    D(
        "first_visit_median_hours",
        "첫 방문까지 시간 중앙값",
        "Median hours to first visit",
        "median of hours from when the crisis was found (`found_at`, else `raised_at`) to `first_visit_at` "
        "over those flags "
        "(a first visit recorded before the flag counts as 0 h)",
        "—",
        _crisis_flag_figures,
        "median",
        sample="first_visit_hours",
    ),
    D(
        "turning65_households",
        "65세 도래 가구",
        "Households turning 65",
        "households tagged `turning_65` registered by month end",
        "household owner",
        _turning65_figures,
    ),
    D(
        "turning65_health_visited_ytd",
        "65세 도래 건강방문(누적)",
        "Turning 65, health-visited (YTD)",
        "of those, households with a `health` visit by a visiting nurse dated 1 January … month end",
        "household owner",
        _turning65_figures,
    ),
    D(
        "turning65_health_visit_rate_ytd",
        "65세 도래 건강방문율(누적)",
        "Turning 65, health-visit rate (YTD)",
        "`turning65_health_visited_ytd` ÷ `turning65_households`",
        "—",
        None,
        "ratio",
        num="turning65_health_visited_ytd",
        den="turning65_households",
    ),
    D(
        "elderly_households_first_visited",
        "신규 어르신 방문 가구",
        "New elderly households visited",
        "households tagged `elderly_alone` or `turning_65` whose first-ever in-person visit is in the month",
        "worker of that visit",
        _elderly_first_visits,
    ),
    D(
        "newborn_households_visited",
        "출산가정 방문 가구",
        "Newborn households visited",
        "households tagged `newborn` with an in-person visit in the month",
        "visit's worker",
        _visit_figures,
    ),
    D(
        "resources_linked",
        "자원연계(보건 제외)",
        "Resources linked (not health)",
        "resources linked on visits in the month, category not `health` (any outcome)",
        "visit's worker",
        _visit_figures,
    ),
    D(
        "resources_linked_health",
        "보건의료 자원연계",
        "Health resources linked",
        "the same, category `health`",
        "visit's worker",
        _visit_figures,
    ),
    D(
        "referrals_specialist",
        "전문기관 의뢰",
        "Referrals to specialist agencies",
        "resources of category `specialist` (a part of `resources_linked`)",
        "visit's worker",
        _visit_figures,
    ),
    D(
        "blind_spot_found",
        "사각지대 발굴 가구",
        "Blind-spot households found",
        "households tagged `blind_spot` registered in the month",
        "household owner",
        _blind_spot_figures,
    ),
    D(
        "blind_spot_supported",
        "사각지대 지원 가구",
        "Blind-spot households supported",
        "households tagged `blind_spot` with, in the month, a visit linking a resource now `provided`, "
        "or a flag resolved with 서울형 긴급복지 support",
        "household owner",
        _blind_spot_figures,
    ),
    D(
        "emergency_cases",
        "서울형 긴급복지 건수",
        "Seoul emergency aid, cases",
        "flags resolved in the month (`resolved_at`) with at least one support",
        "who raised the flag",
        _crisis_flag_figures,
    ),
    D(
        "emergency_cases_<kind>",
        "서울형 긴급복지({x}) 건수",
        "Seoul emergency aid ({x}), cases",
        "the same, flags with a support of that kind",
        "who raised the flag",
        _crisis_flag_figures,
        each=SupportKind,
    ),
    D(
        "emergency_won_<kind>",
        "서울형 긴급복지({x}) 금액",
        "Seoul emergency aid ({x}), amount",
        "won of that kind granted on those flags",
        "who raised the flag",
        _crisis_flag_figures,
        "won",
        each=SupportKind,
    ),
    D(
        "emergency_won_total",
        "서울형 긴급복지 금액",
        "Seoul emergency aid, amount",
        "won of all kinds",
        "who raised the flag",
        _crisis_flag_figures,
        "won",
    ),
    D(
        "conferences_held",
        "사례회의 개최",
        "Case conferences held",
        "conferences with sealed minutes whose `scheduled_at` is in the month",
        "facilitator",
        _conference_figures,
    ),
    D(
        "conference_households",
        "사례회의 논의 가구",
        "Households discussed",
        "distinct households on those conferences' agendas",
        "facilitator",
        _conference_figures,
    ),
    D(
        "handoffs_made",
        "사례 이관 요청",
        "Hand-offs made",
        "hand-offs whose first history event is in the month",
        "who handed off",
        _handoff_figures,
    ),
    D(
        "handoffs_accepted",
        "이관 수락",
        "Hand-offs accepted",
        "hand-offs with an `accepted` event in the month",
        "who accepted",
        _handoff_figures,
    ),
    D(
        "handoffs_declined",
        "이관 거절",
        "Hand-offs declined",
        "hand-offs with a `declined` event in the month",
        "who declined",
        _handoff_figures,
    ),
    D(
        "handoffs_overdue",
        "이관 응답 지연",
        "Hand-offs overdue",
        "hand-offs still `requested` at month end and escalated by then as the supervisor queue "
        "escalates them: unanswered for the vault's escalation working days (`chandong settings "
        "--escalation-days`, 3 by default; Monday to Friday except Korean public holidays) since last "
        "sent; in a gu report each dong's vault uses its own setting",
        "the receiving worker, else who handed off",
        _handoff_figures,
    ),
    D(
        "cases_open",
        "관리중 사례",
        "Open cases",
        "households registered by month end whose status is not `closed`",
        "household owner",
        _case_figures,
    ),
    D(
        "cases_closed",
        "종결 사례",
        "Closed cases",
        "households registered by month end whose status is `closed`",
        "household owner",
        _case_figures,
    ),
)
"""Every figure, defined once, in the report's column order."""
del D

FIGURES: tuple[Figure, ...] = tuple(fig for definition in DEFINITIONS for fig in definition.figures())
"""Every figure, in the report's column order (stable: enum members in their declared order)."""
FIGURE_BY_KEY = {fig.key: fig for fig in FIGURES}
DEFINITION_OF = {fig.key: definition for definition in DEFINITIONS for fig in definition.figures()}
"""The definition each figure comes from, by the figure's key."""


def figures_markdown() -> str:
    """The definitions as a Markdown table (for the README)."""
    lines = [
        "| key | 항목 | figure | counts | row (`--by worker`) |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| `{d.key}` | {d.label(Lang.KO)} | {d.label(Lang.EN)} | {d.counts} | {d.row} |" for d in DEFINITIONS
    ]
    return "\n".join(lines) + "\n"
