"""What frontline workers do, as functions: record a visit, raise / update / resolve a crisis flag,
register a household. Each builds records through the pydantic model (so bad input raises
`ValidationError` whose `loc` names the form field), checks the user's role, and saves everything it
changes in one durable batch: when the function returns, the ops are fsync'ed in the outbox.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from chandong_tui.casework.access import sees_health
from chandong_tui.casework.clock import KST, now
from chandong_tui.casework.duplicates import LikelyDuplicate, find_duplicates
from chandong_tui.casework.errors import FieldRefused, Forbidden, IllegalTransition, InvalidInput, NotFound
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import CaseAction, FlagState, VisitKind
from chandong_tui.model.records import CaseEvent, CrisisFlag, Household, Member, Record, Visit


class MemberInvalid(InvalidInput):
    """Member number `index` (from 0) of a household being registered does not validate."""

    def __init__(self, index: int, error: ValidationError) -> None:
        super().__init__("err_member_invalid", member=index + 1, count=error.error_count())
        self.index = index
        self.error = error


IN_PERSON = frozenset(kind for kind in VisitKind if kind is not VisitKind.PHONE)
"""Visit kinds that stop a crisis flag's 72-hour first-visit clock (a phone call does not)."""


def new_id(prefix: str) -> str:
    """A fresh record id; random, so two PCs never pick the same one."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


CONTENT_FIELDS = ("needs", "resources", "health_measures", "note")
"""What makes a visit a visit: something found, linked, measured or noted."""


def has_content(data: Mapping[str, Any]) -> bool:
    """Whether a visit's fields hold anything of `CONTENT_FIELDS` (blank text counts as nothing)."""
    for name in CONTENT_FIELDS:
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip()
        elif isinstance(value, Mapping):
            value = any(v not in (None, "") for v in value.values())
        if value:
            return True
    return False


def require_content(data: Mapping[str, Any]) -> None:
    """`FieldRefused` (shown beside the visit date, the form's first field) for a visit with nothing
    in it: a blank form must not be saved, nor stop a crisis flag's 72-hour clock."""
    if not has_content(data):
        raise FieldRefused("visited_on", "err_visit_empty")


def get_household(repo: CaseRepository, household_id: str) -> Household:
    """The household with this id; `NotFound` when there is none."""
    household = repo.household(household_id)
    if household is None:
        raise NotFound("err_no_household", household=household_id)
    return household


def _validated(cls: type[Record], data: Mapping[str, Any], today: dt.date) -> Any:
    return cls.model_validate(dict(data), context={"today": today})


def record_visit(
    repo: CaseRepository,
    data: Mapping[str, Any],
    *,
    at: dt.datetime | None = None,
    confirmed_day: dt.date | None = None,
) -> Visit:
    """Save a visit by the signed-in worker; `data` holds the form's fields (household_id, visited_on,
    visit_kind, target_group, needs, resources, health_measures, note, next_visit_due).

    A visit dated after today is refused unless the user confirmed that date (`confirmed_day`).

    A visit with nothing in it (no needs, resources, measures or note) is refused (`require_content`).
    An in-person visit also stops the 72-hour clock of the household's open flags that were waiting
    for their first visit, in the same batch.
    """
    at = at or now()
    if data.get("health_measures") and not sees_health(repo.role):
        raise Forbidden("err_health_for_nurses")
    visit = Visit.model_validate(
        {**data, "id": new_id("v"), "worker_id": repo.user_id},  # the form cannot sign for someone else
        context={"today": at.astimezone(KST).date(), "confirmed_day": confirmed_day},
    )
    require_content(data)  # after the fields' own errors, which are shown beside them first
    changed: list[Record] = [visit]
    if visit.visit_kind in IN_PERSON:
        changed += _first_visits(repo.flags_of(visit.household_id), visit.visited_on, at)
    repo.save_many(changed)
    return visit


def _first_visits(flags: Iterable[CrisisFlag], visited_on: dt.date, at: dt.datetime) -> list[CrisisFlag]:
    """Open flags whose clock this visit stops, with `first_visit_at` set."""
    stopped = []
    for flag in flags:
        if flag.state is not FlagState.OPEN or flag.first_visit_at is not None:
            continue
        if visited_on < flag.clock_start.astimezone(KST).date():
            continue  # a visit dated before the crisis was found is not its first visit
        if visited_on > at.astimezone(KST).date():
            continue  # nor is one dated after today (saved once the user confirmed its date)
        when = (
            at
            if visited_on == at.astimezone(KST).date()
            else dt.datetime.combine(visited_on, dt.time(), tzinfo=KST)
        )
        stopped.append(flag.model_copy(update={"first_visit_at": max(when, flag.clock_start)}))
    return stopped


def open_flags_of(repo: CaseRepository, household_id: str) -> list[CrisisFlag]:
    """The household's open crisis flags (newest first)."""
    return [flag for flag in repo.flags_of(household_id) if flag.state is FlagState.OPEN]


def raise_flag(
    repo: CaseRepository,
    data: Mapping[str, Any],
    *,
    at: dt.datetime | None = None,
    second: bool = True,
) -> CrisisFlag:
    """Flag a household in crisis (`data`: household_id, level, reasons, note, and optionally found_at
    and found_how); starts the 72-hour clock, from `found_at` when given. With `second` False, a
    household that already has an open flag is refused (`IllegalTransition`): the form warns and
    offers to update the open one, and raises a second only when the user says so."""
    at = at or now()
    household = get_household(repo, str(data.get("household_id", "")))
    if not second and open_flags_of(repo, household.id):
        raise IllegalTransition("err_flag_already_open")
    flag: CrisisFlag = _validated(
        CrisisFlag,
        {**data, "id": new_id("f"), "raised_by": repo.user_id, "raised_at": at, "state": FlagState.OPEN},
        at.astimezone(KST).date(),
    )
    repo.save(flag)
    return flag


def _open_flag(repo: CaseRepository, flag_id: str) -> CrisisFlag:
    flag = repo.get(CrisisFlag, flag_id)
    if flag is None:
        raise NotFound("err_no_flag", flag=flag_id)
    if flag.state is not FlagState.OPEN:  # resolving again would replace the support recorded
        raise IllegalTransition("err_flag_resolved", flag=flag_id)
    return flag


def update_flag(repo: CaseRepository, flag_id: str, changes: Mapping[str, Any]) -> CrisisFlag:
    """Change an open flag's level, reasons, note, or when and how it was found (only the changed
    fields become ops)."""
    allowed = {"level", "reasons", "note", "found_at", "found_how"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput("err_correction_fields", fields=", ".join(sorted(unknown)))
    flag = _open_flag(repo, flag_id)
    updated: CrisisFlag = _validated(CrisisFlag, {**flag.model_dump(), **changes}, now().date())
    repo.save(updated)
    return updated


def resolve_flag(
    repo: CaseRepository, flag_id: str, data: Mapping[str, Any], *, at: dt.datetime | None = None
) -> CrisisFlag:
    """Close a flag with the support given (`data`: supports [{support, amount_won}], services_linked,
    note); the note, when given, is added below the existing one."""
    at = at or now()
    flag = _open_flag(repo, flag_id)
    fields: dict[str, Any] = {
        **flag.model_dump(),
        "supports": data.get("supports", []),
        "services_linked": data.get("services_linked", []),
        "state": FlagState.RESOLVED,
        "resolved_at": at,
    }
    extra = str(data.get("note", "")).strip()
    if extra:
        fields["note"] = f"{flag.note}\n{extra}".strip()
    resolved: CrisisFlag = _validated(CrisisFlag, fields, at.astimezone(KST).date())
    repo.save(resolved)
    return resolved


def register_household(
    repo: CaseRepository,
    household: Mapping[str, Any],
    members: Iterable[Mapping[str, Any]],
    *,
    duplicate_reason: str = "",
    at: dt.datetime | None = None,
) -> tuple[Household, list[Member]]:
    """Register a household of the vault's dong with its members (`household`: tong, ban, road_address,
    address_detail, tags, consent {given, on}); the signed-in worker owns the case. All or nothing.

    A member's validation error is raised as `MemberInvalid` (which member, and the error). A household
    that looks like one already registered (`duplicates.find_duplicates`) is refused with
    `LikelyDuplicate` unless `duplicate_reason` says why it is registered anyway; that reason is kept
    on its timeline (a case event).
    """
    at = at or now()
    today = at.astimezone(KST).date()
    dong = repo.dong()
    if dong is None:
        raise NotFound("err_no_dong_record")
    record: Household = _validated(
        Household,
        {
            **household,
            "id": new_id("h"),
            "dong_code": dong.id,
            "owner_id": repo.user_id,
            "registered_on": today,
        },
        today,
    )
    people: list[Member] = []
    for index, member in enumerate(members):
        try:
            people.append(_validated(Member, {"id": new_id("m"), **member, "household_id": record.id}, today))
        except ValidationError as exc:
            raise MemberInvalid(index, exc) from None
    if not people:
        raise InvalidInput("err_no_members")
    if any(person.health for person in people) and not sees_health(repo.role):
        raise Forbidden("err_health_for_nurses")
    changed: list[Record] = [record, *people]
    matches = find_duplicates(repo, record, people)
    if matches:
        why = duplicate_reason.strip()
        if not why:
            raise LikelyDuplicate(matches)
        note = f"{why} ({', '.join(m.household_id for m in matches)})"
        changed.append(
            CaseEvent(
                id=new_id("ce"),
                household_id=record.id,
                at=at,
                actor_id=repo.user_id,
                action=CaseAction.REGISTERED_ANYWAY,
                note=note,
                to_owner_id=repo.user_id,
            )
        )
    repo.save_many(changed)
    return record, people
