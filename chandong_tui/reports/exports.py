"""Record-level exports (visits, households, crisis flags, conferences, hand-offs) with personal data.

Rules (개인정보 안전성 확보조치 기준, docs/ARCHITECTURE.md §4):

- A non-empty **reason** is required, and every export is **recorded in the vault** before its rows
  are handed out: an `export` event of the access-log chain (who, when, what, which month and
  columns, why, how many rows, masked or not; HMAC-chained and signed, see `vault.audit`), written
  durably like any other change, so it travels to every PC of the team. (Vaults from before the
  chain keep their plain `audit_event` records; `audit_events` reads both.)
- **Identifiers are masked** (`711231-1******`, `010-****-5678`) unless a supervisor asks for
  `unmasked=True`; anyone else is refused (`Forbidden`) and nothing is recorded or exported.
- Health details are never exported here (nurses see them on screen).
- **Which date decides the month**: a visit's `visited_on`, a household's `registered_on`, a flag's
  `raised_at`, a conference's `scheduled_at`, a hand-off's first history event (Seoul time). Visits are
  exported as their current revisions (the `revises` column keeps the chain visible); withdrawn ones
  (잘못 입력) are not exported.

If writing the file fails after the event was recorded, the log shows an export that did not reach
its file: the safe side of the two possible failures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chandong_tui.casework.access import Forbidden
from chandong_tui.casework.converters import is_deleted
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.revisions import current_rows
from chandong_tui.model.enums import Role
from chandong_tui.model.fields import mask_phone, mask_rrn
from chandong_tui.model.records import (
    Conference,
    CrisisFlag,
    Handoff,
    Household,
    Member,
    Record,
    Visit,
)
from chandong_tui.reports.csv_out import Column, Header, render_csv
from chandong_tui.reports.month import KST, Month, parse_instant

AUDIT_TABLE = "audit_event"
MAX_REASON = 500
WHATS = ("visits", "households", "crisis", "conferences", "handoffs")


class ExportRefused(ValueError):
    """A bad request (no reason, unknown columns…); the message is one line for people."""


@dataclass(frozen=True)
class _Ctx:
    households: dict[str, Household]
    heads: dict[str, Member]
    member_counts: dict[str, int]
    roles: dict[str, Role]
    unmasked: bool

    def household(self, hid: str) -> Household | None:
        return self.households.get(hid)


Getter = Callable[[Any, _Ctx], Any]


@dataclass(frozen=True)
class _Spec:
    column: Column
    get: Getter


def _s(key: str, ko: str, get: Getter) -> _Spec:
    return _Spec(Column(key, ko), get)


def _attr(name: str) -> Getter:
    return lambda record, _ctx: getattr(record, name)


def _of_household(name: str) -> Getter:
    def get(record: Any, ctx: _Ctx) -> Any:
        household = ctx.household(record.household_id)
        return getattr(household, name) if household else None

    return get


def _hours_to_first_visit(flag: CrisisFlag, _ctx: _Ctx) -> float | None:
    if flag.first_visit_at is None:
        return None
    return round(max((flag.first_visit_at - flag.raised_at).total_seconds(), 0) / 3600, 1)


def _within_72h(flag: CrisisFlag, ctx: _Ctx) -> bool | None:
    hours = _hours_to_first_visit(flag, ctx)
    return None if hours is None else hours <= 72


def _head(name: str) -> Getter:
    def get(household: Household, ctx: _Ctx) -> Any:
        head = ctx.heads.get(household.id)
        if head is None:
            return None
        value = getattr(head, name)
        if name == "rrn" and not ctx.unmasked:
            return mask_rrn(value)
        if name == "phone" and not ctx.unmasked:
            return mask_phone(value)
        return value

    return get


def _events(handoff: Handoff) -> list:
    return sorted(handoff.history, key=lambda e: e.at)


SPECS: dict[str, tuple[type[Record], tuple[_Spec, ...]]] = {
    "visits": (
        Visit,
        (
            _s("id", "ID", _attr("id")),
            _s("visited_on", "방문일", _attr("visited_on")),
            _s("household_id", "가구 ID", _attr("household_id")),
            _s("tong", "통", _of_household("tong")),
            _s("ban", "반", _of_household("ban")),
            _s("worker_id", "직원 ID", _attr("worker_id")),
            _s("worker_role", "직무", lambda v, ctx: ctx.roles.get(v.worker_id)),
            _s("visit_kind", "방문 유형", _attr("visit_kind")),
            _s("target_group", "대상", _attr("target_group")),
            _s("needs", "욕구", _attr("needs")),
            _s("resource_count", "자원연계 수", lambda v, _c: len(v.resources)),
            _s(
                "resources",
                "자원연계",
                lambda v, _c: [
                    f"{r.agency}/{r.service} ({r.category.ko}, {r.outcome.ko})" for r in v.resources
                ],
            ),
            _s("next_visit_due", "다음 방문 예정일", _attr("next_visit_due")),
            _s("revises", "수정 대상", _attr("revises")),
            _s("note", "메모", _attr("note")),
        ),
    ),
    "households": (
        Household,
        (
            _s("id", "ID", _attr("id")),
            _s("registered_on", "등록일", _attr("registered_on")),
            _s("tong", "통", _attr("tong")),
            _s("ban", "반", _attr("ban")),
            _s("road_address", "도로명주소", _attr("road_address")),
            _s("address_detail", "상세주소", _attr("address_detail")),
            _s("tags", "구분", _attr("tags")),
            _s("status", "상태", _attr("status")),
            _s("owner_id", "담당자 ID", _attr("owner_id")),
            _s("needs_conference", "사례회의 필요", _attr("needs_conference")),
            _s("consent_given", "개인정보 동의", lambda h, _c: h.consent.given),
            _s("consent_on", "동의일", lambda h, _c: h.consent.on),
            _s("head_name", "가구주", _head("name")),
            _s("head_birth_date", "가구주 생년월일", _head("birth_date")),
            _s("head_rrn", "가구주 주민등록번호", _head("rrn")),
            _s("head_phone", "가구주 연락처", _head("phone")),
            _s("member_count", "가구원 수", lambda h, ctx: ctx.member_counts.get(h.id, 0)),
        ),
    ),
    "crisis": (
        CrisisFlag,
        (
            _s("id", "ID", _attr("id")),
            _s("household_id", "가구 ID", _attr("household_id")),
            _s("tong", "통", _of_household("tong")),
            _s("ban", "반", _of_household("ban")),
            _s("level", "위기 수준", _attr("level")),
            _s("reasons", "사유", _attr("reasons")),
            _s("raised_by", "발굴자 ID", _attr("raised_by")),
            _s("raised_at", "발굴 일시", _attr("raised_at")),
            _s("first_visit_at", "첫 방문 일시", _attr("first_visit_at")),
            _s("hours_to_first_visit", "첫 방문까지 시간", _hours_to_first_visit),
            _s("within_72h", "72시간 내 방문", _within_72h),
            _s("state", "상태", _attr("state")),
            _s("resolved_at", "해결 일시", _attr("resolved_at")),
            _s("support_kinds", "긴급복지 종류", lambda f, _c: [s.support for s in f.supports]),
            _s("support_won", "긴급복지 금액", lambda f, _c: sum(s.amount_won for s in f.supports)),
            _s("services_linked", "연계 서비스", _attr("services_linked")),
            _s("note", "메모", _attr("note")),
        ),
    ),
    "conferences": (
        Conference,
        (
            _s("id", "ID", _attr("id")),
            _s("conference_kind", "회의 종류", _attr("conference_kind")),
            _s("scheduled_at", "일시", _attr("scheduled_at")),
            _s("state", "상태", _attr("state")),
            _s("place", "장소", _attr("place")),
            _s("facilitator_id", "진행자 ID", _attr("facilitator_id")),
            _s("attendee_count", "참석자 수", lambda c, _c: len(c.attendees)),
            _s(
                "attendees",
                "참석자",
                lambda c, _c: [
                    f"{a.name} ({a.organisation})" if a.organisation else a.name for a in c.attendees
                ],
            ),
            _s("household_count", "논의 가구 수", lambda c, _c: len({a.household_id for a in c.agenda})),
            _s("households", "논의 가구", lambda c, _c: [a.household_id for a in c.agenda]),
            _s(
                "decisions",
                "결정",
                lambda c, _c: [f"{a.household_id}: {a.decision.ko}" for a in c.agenda if a.decision],
            ),
        ),
    ),
    "handoffs": (
        Handoff,
        (
            _s("id", "ID", _attr("id")),
            _s("household_id", "가구 ID", _attr("household_id")),
            _s("from_worker_id", "요청자 ID", _attr("from_worker_id")),
            _s("target", "이관 대상", _attr("target")),
            _s("to_worker_id", "받는 직원 ID", _attr("to_worker_id")),
            _s("to_dong_code", "받는 동 코드", _attr("to_dong_code")),
            _s("state", "상태", _attr("state")),
            _s("requested_at", "요청 일시", lambda h, _c: _events(h)[0].at if h.history else None),
            _s("last_event_at", "최근 처리 일시", lambda h, _c: _events(h)[-1].at if h.history else None),
            _s("reason", "사유", _attr("reason")),
            _s("summary", "요약", _attr("summary")),
        ),
    ),
}
"""Each export's record kind and columns, in their stable default order."""

IDENTIFIER_COLUMNS = frozenset({"head_rrn", "head_phone"})
"""Columns masked unless a supervisor exports unmasked."""


def columns_of(what: str) -> list[Column]:
    return [spec.column for spec in _specs(what)]


def _specs(what: str) -> tuple[_Spec, ...]:
    if what not in SPECS:
        raise ExportRefused(f"unknown export {what!r}: use one of {', '.join(WHATS)}")
    return SPECS[what][1]


def _pick(what: str, columns: Sequence[str] | None) -> list[_Spec]:
    specs = _specs(what)
    if not columns:
        return list(specs)
    by_key = {spec.column.key: spec for spec in specs}
    unknown = [key for key in columns if key not in by_key]
    if unknown:
        raise ExportRefused(
            f"unknown column(s) for {what}: {', '.join(unknown)}; choose from {', '.join(by_key)}"
        )
    if len(set(columns)) != len(columns):
        raise ExportRefused("a column is listed twice")
    return [by_key[key] for key in columns]


def _in_month(what: str, doc: dict[str, Any], month: Month) -> bool:
    prefix = str(month)
    if what == "visits":
        return str(doc.get("visited_on", "")).startswith(prefix)
    if what == "households":
        return str(doc.get("registered_on", "")).startswith(prefix)
    if what in ("crisis", "conferences"):
        at = parse_instant(doc.get("raised_at" if what == "crisis" else "scheduled_at"))
        return at is not None and month.has_instant(at)
    stamps = [at for e in doc.get("history") or () if (at := parse_instant(e.get("at"))) is not None]
    return bool(stamps) and month.has_instant(min(stamps))


def _sort_key(what: str, record: Any) -> tuple:
    if what == "visits":
        return (record.visited_on, record.id)
    if what == "households":
        return (record.tong, record.ban, record.road_address, record.id)
    if what == "crisis":
        return (record.raised_at, record.id)
    if what == "conferences":
        return (record.scheduled_at, record.id)
    return (record.history[0].at if record.history else dt.datetime.min.replace(tzinfo=KST), record.id)


@dataclass(frozen=True)
class Export:
    """The rows of one export (already recorded in the access log when made by `export_records`)."""

    what: str
    month: Month | None
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    unmasked: bool
    audit_id: str = ""

    def to_csv(self, header: Header = "ko", encoding: str = "utf-8-sig") -> bytes:
        return render_csv(self.columns, self.rows, header=header, encoding=encoding)


def build_export(
    repo: CaseRepository,
    what: str,
    month: Month | None = None,
    columns: Sequence[str] | None = None,
    unmasked: bool = False,
) -> Export:
    """The rows, without recording anything (use `export_records` for anything handed out)."""
    specs = _pick(what, columns)
    if unmasked and repo.role != Role.SUPERVISOR:
        raise Forbidden("err_supervisor_unmasked_export")
    cls = SPECS[what][0]
    tables = repo.session.table(cls.kind).storage.read() or {}
    raw = {row_id: doc for row_id, doc in tables.get(cls.kind, {}).items() if not is_deleted(doc)}
    if what == "visits":
        raw = dict(current_rows(raw))
    ids = sorted(row_id for row_id, doc in raw.items() if month is None or _in_month(what, doc, month))
    records = [r for r in (repo.get(cls, row_id) for row_id in ids) if r is not None]
    records.sort(key=lambda r: _sort_key(what, r))

    keys = {spec.column.key for spec in specs}
    ctx = _context(
        repo,
        needs_members=bool(keys & {"head_name", "head_birth_date", "head_rrn", "head_phone", "member_count"}),
        unmasked=unmasked,
    )
    rows = tuple(tuple(spec.get(record, ctx) for spec in specs) for record in records)
    return Export(what, month, tuple(spec.column for spec in specs), rows, unmasked)


def _context(repo: CaseRepository, *, needs_members: bool, unmasked: bool) -> _Ctx:
    households = {h.id: h for h in repo.all(Household)}
    heads: dict[str, Member] = {}
    counts: dict[str, int] = defaultdict(int)
    if needs_members:
        for member in sorted(repo.all(Member), key=lambda m: (m.relation != "head", m.birth_date, m.id)):
            counts[member.household_id] += 1
            heads.setdefault(member.household_id, member)
    roles = {w.id: w.role for w in repo.workers()}
    return _Ctx(households, heads, dict(counts), roles, unmasked)


def check_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise ExportRefused("an export needs a reason (--reason), recorded in the access log")
    if len(text) > MAX_REASON:
        raise ExportRefused(f"the reason is longer than {MAX_REASON} characters")
    return text


def record_export(repo: CaseRepository, export: Export, reason: str, now: dt.datetime | None = None) -> str:
    """Durably record the export in the access log (an `export` event of the chain); returns its id."""
    from chandong_tui.casework.audit import log_export

    detail = {
        "what": export.what,
        "month": str(export.month) if export.month else None,
        "columns": [c.key for c in export.columns],
        "reason": reason,
        "rows": len(export.rows),
        "unmasked": export.unmasked,
    }
    return log_export(repo, detail, (now or dt.datetime.now(KST)).astimezone(KST))


def export_records(
    repo: CaseRepository,
    what: str,
    *,
    reason: str,
    month: Month | None = None,
    columns: Sequence[str] | None = None,
    unmasked: bool = False,
    now: dt.datetime | None = None,
) -> Export:
    """Check the reason and the user's right, build the rows, record the export; then hand it out."""
    text = check_reason(reason)
    export = build_export(repo, what, month, columns, unmasked)
    audit_id = record_export(repo, export, text, now)
    return Export(export.what, export.month, export.columns, export.rows, export.unmasked, audit_id)


def audit_events(repo: CaseRepository) -> list[dict[str, Any]]:
    """The recorded exports (oldest first) as plain dicts with their `id`: events of the access-log
    chain, and the plain `audit_event` records written before the chain existed."""
    from chandong_tui.casework.audit import all_events
    from chandong_tui.vault.audit import EXPORT

    found = [
        {**e.detail, "id": e.id, "at": e.at_kst.isoformat(), "actor": e.actor, "action": e.action}
        for e in all_events(repo.session)
        if e.action == EXPORT
    ]
    tables = repo.session.table(AUDIT_TABLE).storage.read() or {}
    found += [
        {key: value for key, value in doc.items() if not key.startswith("_")} | {"id": row_id}
        for row_id, doc in tables.get(AUDIT_TABLE, {}).items()
        if not is_deleted(doc)
    ]
    return sorted(found, key=lambda e: (str(e.get("at", "")), e["id"]))
