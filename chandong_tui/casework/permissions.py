"""Who may see what: one table of which role reads and writes which record kinds and fields.

`MATRIX` is the only place the rules live; `access` applies them to every record the repository
reads and every change it saves, so no screen or command can read or write around them. The README
section "Who may see what" is `render_markdown()` (a test keeps the two equal).

Checks are dict and set lookups per kind and field (never per-row work): a list of 3,000
households costs nothing more than before.

What the roles need (docs/ARCHITECTURE.md §1):
- Health details (a member's `health`, a visit's `health_measures`) are for visiting nurses, who
  record them, and supervisors, who review nurses' cases. Everyone else sees neither, and a save
  from them cannot set them.
- Resident registration numbers (`member.rrn`) are shown masked (`711231-1******`) to everyone.
  Supervisors hold the plain number (they alone export it unmasked, with a logged reason); the
  roles that apply for benefits on a household's behalf (planners, nurses, case managers,
  counsellors) see the plain number only through `reveal_rrn` with a reason, which is logged.
  Neighbourhood officers never: their zone work is finding households and getting help to them,
  which needs addresses, phones and crisis flags, not registration numbers.
- Officers record contacts (visits) and raise crisis flags, but do not run case conferences.
- Workers, the dong record and vault settings are changed by supervisors only (the vault's admins).
- The access log is read by supervisors only (`casework.audit`).
- A record someone is responsible for (a case's owner, a conference's facilitator, a hand-off's
  sender) is acted on by that person or a supervisor: `is_owner_or_supervisor` is that rule, for
  casework's refusals and for the screens that hide a key. A follow-up task has two responsible
  people, the case owner and the task's assignee (`also`): either of them or a supervisor adds,
  finishes, cancels or reassigns it. A linked resource or service is followed up (its outcome
  updated) by the worker who linked it, the case owner or a supervisor, the same rule with the
  linking worker as `also`.
- A health visit's note (건강관리) is a health detail: `visit.health_note` is not a stored field but
  the `note` of a visit whose kind is 건강관리; `access.redact_visit` empties it for the roles that do
  not read it, so it is shown and exported only to nurses and supervisors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from chandong_tui.casework.errors import Forbidden
from chandong_tui.model.enums import Role

PLANNER = Role.WELFARE_PLANNER.value
NURSE = Role.VISITING_NURSE.value
OFFICER = Role.NEIGHBOURHOOD_OFFICER.value
CASE_MANAGER = Role.CASE_MANAGER.value
COUNSELLOR = Role.COUNSELLOR.value
SUPERVISOR = Role.SUPERVISOR.value
ROLES = (PLANNER, NURSE, OFFICER, CASE_MANAGER, COUNSELLOR, SUPERVISOR)
EVERYONE = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    """Who reads and writes one record kind (`field` empty) or one field of it."""

    kind: str
    field: str
    read: frozenset[str]
    write: frozenset[str]
    reveal: frozenset[str] = NOBODY
    """Roles that may read the plain value only with a reason (logged); the rest of the time masked."""
    why: str = ""

    @property
    def subject(self) -> str:
        return f"{self.kind}.{self.field}" if self.field else self.kind


def _r(
    kind: str,
    read: Iterable[str],
    write: Iterable[str],
    why: str,
    field: str = "",
    reveal: Iterable[str] = (),
) -> Rule:
    return Rule(kind, field, frozenset(read), frozenset(write), frozenset(reveal), why)


MATRIX: tuple[Rule, ...] = (
    _r("dong", EVERYONE, {SUPERVISOR}, "the dong's name and code; set up by the admin"),
    _r("worker", EVERYONE, {SUPERVISOR}, "colleagues' names and roles (to hand cases on); admins manage"),
    _r("settings", EVERYONE, {SUPERVISOR}, "visit intervals and clocks; admins decide"),
    _r("household", EVERYONE, EVERYONE, "the register every role works from"),
    _r("member", EVERYONE, EVERYONE, "names, birth dates and phones, to visit and call"),
    _r(
        "member",
        {SUPERVISOR},
        EVERYONE - {OFFICER},
        "masked for all; plain with a logged reason, never for zone patrols",
        field="rrn",
        reveal=frozenset({PLANNER, NURSE, CASE_MANAGER, COUNSELLOR, SUPERVISOR}),
    ),
    _r(
        "member",
        {NURSE, SUPERVISOR},
        {NURSE, SUPERVISOR},
        "health details: nurses and their supervisors",
        field="health",
    ),
    _r("visit", EVERYONE, EVERYONE, "every role records its contacts"),
    _r(
        "visit",
        {NURSE, SUPERVISOR},
        {NURSE, SUPERVISOR},
        "blood pressure, glucose, weight: nurses",
        field="health_measures",
    ),
    _r(
        "visit",
        {NURSE, SUPERVISOR},
        EVERYONE,
        "the note of a 건강관리 visit (blood pressure, glucose, medication text): nurses",
        field="health_note",
    ),
    _r("crisis_flag", EVERYONE, EVERYONE, "anyone who finds a crisis raises it (72-hour clock)"),
    _r(
        "conference",
        EVERYONE,
        EVERYONE - {OFFICER},
        "case conferences: case managers organise, attendees record; officers read decisions",
    ),
    _r("handoff", EVERYONE, EVERYONE, "cases travel between workers"),
    _r(
        "task",
        EVERYONE,
        EVERYONE,
        "follow-ups of visits and conferences; the case owner, the assignee or a supervisor adds, "
        "finishes, cancels or reassigns one",
    ),
    _r(
        "case_event",
        EVERYONE,
        EVERYONE,
        "a case's history (assignments, closure with its reason, reopening, a registration despite a "
        "likely duplicate); the case owner or a supervisor asks to close or reopens",
    ),
    _r(
        "link_outcome",
        EVERYONE,
        EVERYONE,
        "follow-up of resources and services linked (처리결과); the worker who linked it, the case "
        "owner or a supervisor updates one",
    ),
    _r("audit_event", {SUPERVISOR}, NOBODY, "the access log: written by the program only, read by admins"),
    # Corrections (casework/corrections.py): the record kind, then one rule per kind of correction
    # (`correction.<rule>`, not a record kind of its own), checked before a correction's form opens
    # and again when it is saved.
    _r("correction", EVERYONE, EVERYONE, "who corrected what and why, on the household's timeline"),
    _r(
        "correction.household",
        EVERYONE,
        EVERYONE,
        "address, 통/반, tags, phone, consent, head: whoever finds them wrong fixes them",
    ),
    _r(
        "correction.status",
        EVERYONE,
        EVERYONE - {OFFICER},
        "open ↔ monitoring, by the case owner or a supervisor; closing goes through approval",
    ),
    _r(
        "correction.member",
        EVERYONE,
        EVERYONE,
        "add a member (a newborn), mark one moved out or deceased, correct a phone",
    ),
    _r(
        "correction.identity",
        EVERYONE,
        EVERYONE - {OFFICER},
        "name, birth date, registration number: with a reason; officers report, case workers correct",
    ),
    _r(
        "correction.health",
        EVERYONE,
        {NURSE, SUPERVISOR},
        "a member's health details: nurses and their supervisors",
    ),
    _r(
        "correction.visit",
        EVERYONE,
        EVERYONE,
        "a visit is amended or withdrawn (with a reason) by its author or a supervisor, never overwritten",
    ),
)
"""The permission matrix: one rule per record kind, then one per restricted field."""

DERIVED_FIELDS: dict[tuple[str, str], str] = {("visit", "health_note"): "note"}
"""Field rules that name a part of a stored field rather than a field: → the stored field (a health
visit's `note`, applied by `access.redact_visit`)."""

KIND_RULES: dict[str, Rule] = {rule.kind: rule for rule in MATRIX if not rule.field}
FIELD_RULES: dict[str, dict[str, Rule]] = {}
for _rule in MATRIX:
    if _rule.field:
        FIELD_RULES.setdefault(_rule.kind, {})[_rule.field] = _rule
del _rule

_EMPTY: dict[str, Rule] = {}


def kind_rule(kind: str) -> Rule:
    """The rule of a record kind; unknown kinds are refused (a new kind must be added to MATRIX)."""
    rule = KIND_RULES.get(kind)
    if rule is None:
        raise Forbidden("err_kind_without_rule", kind=kind)
    return rule


def can_read(role: str, kind: str, field: str = "") -> bool:
    rule = FIELD_RULES.get(kind, _EMPTY).get(field) if field else None
    return role in (rule or kind_rule(kind)).read if kind in KIND_RULES else False


def can_write(role: str, kind: str, field: str = "") -> bool:
    if kind not in KIND_RULES or role not in KIND_RULES[kind].write:
        return False
    rule = FIELD_RULES.get(kind, _EMPTY).get(field) if field else None
    return rule is None or role in rule.write


def can_reveal(role: str, kind: str, field: str) -> bool:
    """Whether `role` may see the plain value of a masked field when it gives a reason."""
    rule = FIELD_RULES.get(kind, _EMPTY).get(field)
    return rule is not None and (role in rule.read or role in rule.reveal)


def require_read(role: str, kind: str, field: str = "") -> None:
    if not can_read(role, kind, field):
        raise Forbidden("err_may_not_read", role=role_of(role), what=f"{kind}.{field}" if field else kind)


def require_write(role: str, kind: str, field: str = "") -> None:
    if not can_write(role, kind, field):
        raise Forbidden("err_may_not_change", role=role_of(role), what=f"{kind}.{field}" if field else kind)


def is_owner_or_supervisor(
    user_id: str, role: str, owner_id: str | None, also: Iterable[str | None] = ()
) -> bool:
    """The ownership rule: whoever is responsible for a record (`owner_id`: a case's owner, a
    conference's facilitator, a hand-off's sender; `also`: others responsible with them, such as a
    task's assignee) or a supervisor may act on it."""
    return role == SUPERVISOR or user_id == owner_id or (bool(user_id) and user_id in set(also))


def require_owner_or_supervisor(
    user_id: str, role: str, owner_id: str | None, key: str, **params: object
) -> None:
    """`is_owner_or_supervisor`, or `Forbidden(key, **params)` saying who may."""
    if not is_owner_or_supervisor(user_id, role, owner_id):
        raise Forbidden(key, **params)


@cache
def hidden_fields(role: str, kind: str) -> frozenset[str]:
    """The restricted fields of `kind` that `role` does not read in plain (computed once per pair)."""
    return frozenset(name for name, rule in FIELD_RULES.get(kind, _EMPTY).items() if role not in rule.read)


def role_of(role: str) -> Role | str:
    """The `Role` named `role` (shown by its label in messages), or the text itself when unknown."""
    try:
        return Role(role)
    except ValueError:
        return role


_ROLE_HEAD = {
    PLANNER: "복지플래너",
    NURSE: "방문간호사",
    OFFICER: "주무관",
    CASE_MANAGER: "사례관리",
    COUNSELLOR: "상담전문관",
    SUPERVISOR: "슈퍼바이저",
}


def _cell(rule: Rule, role: str) -> str:
    read = role in rule.read
    write = role in rule.write
    if rule.field and not read and role in rule.reveal:
        return "masked; plain with reason" + (" · W" if write else "")
    if rule.field and not read:
        text = "masked" if rule.reveal or rule.field == "rrn" else "—"
        return text + (" · W" if write else "")
    return ("R" if read else "—") + ("W" if write else "")


def render_markdown() -> str:
    """The matrix as the README's table (R read, W write, — neither)."""
    head = "| record / field | " + " | ".join(_ROLE_HEAD[r] for r in ROLES) + " | why |"
    lines = [head, "|" + "---|" * (len(ROLES) + 2)]
    for rule in MATRIX:
        subject = f"`{rule.subject}`"
        lines.append(f"| {subject} | " + " | ".join(_cell(rule, r) for r in ROLES) + f" | {rule.why} |")
    return "\n".join(lines) + "\n"
