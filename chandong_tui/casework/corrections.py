"""Correct and update what was saved: a household's own fields, its members, its visits.

Every correction is one durable batch through the repository: the corrected record (or, for a visit,
a new revision) and a `Correction` record saying who, when, which fields and, where asked, why; the
household's timeline shows the corrections (`corrections_of`). The corrected records merge like any
other change, so concurrent edits of a household's address, 통/반 or status go to 충돌 검토
(`vault/merge.py` SENSITIVE).

Who may make which correction is the `correction.<rule>` rows of `permissions.MATRIX`
(`RULE_OF`); `may_correct` answers before a form opens and every step checks it again. A status
change and a visit's amendment or withdrawal are also the responsible person's (the case owner, the
visit's author) or a supervisor's. Identity fields (name, birth date, registration number) are
corrected with a reason.

Visits are evidence, never overwritten: `revise_visit` saves a new revision (`Visit.revises`) with the
reason, `withdraw_visit` one marked withdrawn (잘못 입력). Which revision counts is
`casework/revisions.py`; `visit_revisions` and `current_visits` are what screens read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from chandong_tui.casework.access import sees_health
from chandong_tui.casework.actions import IN_PERSON, get_household, new_id, open_flags_of, require_content
from chandong_tui.casework.clock import KST, now
from chandong_tui.casework.errors import (
    Forbidden,
    IllegalTransition,
    InvalidInput,
    NotFound,
    required_text,
)
from chandong_tui.casework.permissions import can_write, is_owner_or_supervisor
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.revisions import chains
from chandong_tui.model.enums import CorrectionSubject, HouseholdStatus, MemberExit, Relation
from chandong_tui.model.records import Correction, CrisisFlag, Household, Member, Record, Visit

Subject = CorrectionSubject

RULE_OF: dict[CorrectionSubject, str] = {
    Subject.HOUSEHOLD: "household",
    Subject.HEAD: "household",
    Subject.STATUS: "status",
    Subject.MEMBER_ADDED: "member",
    Subject.MEMBER_LEFT: "member",
    Subject.MEMBER: "member",
    Subject.IDENTITY: "identity",
    Subject.HEALTH: "health",
    Subject.VISIT_REVISED: "visit",
    Subject.VISIT_WITHDRAWN: "visit",
}
"""Each kind of correction → its rule in the matrix (`correction.<rule>`)."""

HOUSEHOLD_FIELDS = ("tong", "ban", "road_address", "address_detail", "tags", "phone", "consent")
"""A household's fields a correction may change (status and head have steps of their own)."""
STATUS_CHOICES = (HouseholdStatus.OPEN, HouseholdStatus.MONITORING)
"""The statuses a correction moves between; closing and reopening are supervision's steps."""
IDENTITY_FIELDS = ("name", "birth_date", "rrn")
"""A member's identity: corrected only with a reason."""
MEMBER_FIELDS = ("phone", "relation", "sex")
HEALTH_FIELDS = ("health",)
VISIT_FIELDS = (
    "visited_on",
    "visit_kind",
    "target_group",
    "needs",
    "resources",
    "health_measures",
    "note",
    "next_visit_due",
    "no_next_visit_reason",
)
"""A visit's fields an amendment may change (the household, the author and the chain stay)."""


# -- who may ---------------------------------------------------------------------------------
def may_correct(repo: CaseRepository, subject: CorrectionSubject, *, responsible: str | None = None) -> bool:
    """Whether the signed-in user may make this kind of correction; `responsible` is the case owner
    (a status change) or the visit's author (an amendment, a withdrawal)."""
    if not can_write(repo.role, f"{Correction.kind}.{RULE_OF[subject]}"):
        return False
    if subject in (Subject.STATUS, Subject.VISIT_REVISED, Subject.VISIT_WITHDRAWN):
        return is_owner_or_supervisor(repo.user_id, repo.role, responsible)
    return True


def require_correction(
    repo: CaseRepository, subject: CorrectionSubject, *, responsible: str | None = None
) -> None:
    """`may_correct`, or `Forbidden` naming the correction."""
    if not may_correct(repo, subject, responsible=responsible):
        raise Forbidden("err_correction_not_allowed", what=subject)


# -- reading ---------------------------------------------------------------------------------
def corrections_of(repo: CaseRepository, household_id: str) -> list[Correction]:
    """The household's corrections, newest first."""
    found = repo.where(Correction, lambda row: row.get("household_id") == household_id)
    return sorted(found, key=lambda c: (c.at, c.id), reverse=True)


def get_member(repo: CaseRepository, member_id: str) -> Member:
    member = repo.get(Member, member_id)
    if member is None:
        raise NotFound("err_no_record", kind="member", record=member_id)
    return member


def get_visit(repo: CaseRepository, visit_id: str) -> Visit:
    visit = repo.get(Visit, visit_id)
    if visit is None:
        raise NotFound("err_no_visit", visit=visit_id)
    return visit


def visit_revisions(repo: CaseRepository, visit_id: str) -> list[Visit]:
    """Every revision of the visit `visit_id` belongs to (any revision of it names the same chain):
    the original first, the newest last (the one the timeline and the reports use)."""
    visit = get_visit(repo, visit_id)
    rows = repo.rows(Visit.kind)
    mine = {v.id: rows[v.id] for v in repo.visits_of(visit.household_id) if v.id in rows}
    chain = next((ids for ids in chains(mine).values() if visit.id in ids), [visit.id])
    found = (repo.get(Visit, row_id) for row_id in chain)
    return [v for v in found if v is not None]


def newest_revision(repo: CaseRepository, visit_id: str) -> Visit:
    """The revision of the visit that counts now (possibly a withdrawal)."""
    return visit_revisions(repo, visit_id)[-1]


def current_visits(repo: CaseRepository, household_id: str, *, withdrawn: bool = False) -> list[Visit]:
    """The newest revision of each of the household's visits, latest first; withdrawn ones only
    with `withdrawn` (the timeline shows them, marked)."""
    return repo.current_visits_of(household_id, withdrawn=withdrawn)


# -- the household ---------------------------------------------------------------------------
def correct_household(
    repo: CaseRepository,
    household_id: str,
    changes: Mapping[str, Any],
    *,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Household:
    """Change a household's address (도로명주소, 상세주소, 통, 반), tags, phone or consent (`consent`:
    given, on, taken_by: the user when left out). Only the fields that differ are saved and named."""
    at = at or now()
    _only(changes, HOUSEHOLD_FIELDS)
    require_correction(repo, Subject.HOUSEHOLD)
    household = get_household(repo, household_id)
    fields = dict(changes)
    consent = fields.get("consent")
    if isinstance(consent, Mapping) and consent.get("given") and not consent.get("taken_by"):
        fields["consent"] = {**consent, "taken_by": repo.user_id}
    updated = _validated(Household, {**household.model_dump(), **fields}, at)
    changed = _changed(household, updated, HOUSEHOLD_FIELDS)
    _save(repo, updated, Subject.HOUSEHOLD, household.id, changed, reason, at)
    return updated


def set_status(
    repo: CaseRepository,
    household_id: str,
    status: HouseholdStatus | str,
    reason: str,
    *,
    at: dt.datetime | None = None,
) -> Household:
    """Move an open case to monitoring or back (the case owner or a supervisor, with a reason)."""
    at = at or now()
    household = get_household(repo, household_id)
    require_correction(repo, Subject.STATUS, responsible=household.owner_id)
    target = HouseholdStatus(status)
    if target not in STATUS_CHOICES or household.status not in STATUS_CHOICES:
        raise IllegalTransition("err_status_not_here", status=household.status, to=target)
    why = required_text(reason, "err_correction_needs_reason")
    updated = household.model_copy(update={"status": target})
    _save(repo, updated, Subject.STATUS, household.id, _changed(household, updated, ("status",)), why, at)
    return updated


def set_head(
    repo: CaseRepository, household_id: str, member_id: str, *, at: dt.datetime | None = None
) -> Member:
    """Make a current member the head of the household; the former head's relation becomes 기타."""
    at = at or now()
    require_correction(repo, Subject.HEAD)
    household = get_household(repo, household_id)
    member = get_member(repo, member_id)
    if member.household_id != household.id or not member.current:
        raise InvalidInput("err_head_not_member", member=member_id)
    if member.relation is Relation.HEAD:
        raise InvalidInput("err_nothing_changed")
    former = [
        m.model_copy(update={"relation": Relation.OTHER})
        for m in repo.members_of(household.id)
        if m.relation is Relation.HEAD and m.id != member.id
    ]
    head = member.model_copy(update={"relation": Relation.HEAD})
    note = _correction(repo, Subject.HEAD, household.id, head, ["relation"], "", at)
    repo.save_many([*former, head, note])
    return head


# -- members ---------------------------------------------------------------------------------
def add_member(
    repo: CaseRepository, household_id: str, data: Mapping[str, Any], *, at: dt.datetime | None = None
) -> Member:
    """A new member (a newborn, someone moving in): name, birth_date, sex, relation, phone, rrn, and
    health details for the roles that enter them."""
    at = at or now()
    require_correction(repo, Subject.MEMBER_ADDED)
    household = get_household(repo, household_id)
    if data.get("health") and not sees_health(repo.role):
        raise Forbidden("err_health_for_nurses")
    member = _validated(Member, {**data, "id": new_id("m"), "household_id": household.id}, at)
    given = [name for name in ("name", "birth_date", "relation") if name in data]
    _save(repo, member, Subject.MEMBER_ADDED, household.id, given, "", at)
    return member


def correct_member(
    repo: CaseRepository,
    member_id: str,
    changes: Mapping[str, Any],
    *,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Member:
    """Correct a member's phone, relation or sex, identity (name, birth date, registration number:
    with a reason) or health details (nurses and supervisors). One `Correction` per kind changed."""
    at = at or now()
    _only(changes, (*IDENTITY_FIELDS, *MEMBER_FIELDS, *HEALTH_FIELDS))
    member = get_member(repo, member_id)
    base = member.model_dump()
    masked = bool(member.rrn and "*" in member.rrn)
    if masked:  # the masked number the role was shown does not validate; it is kept, not saved
        base["rrn"] = None
    updated = _validated(Member, {**base, **changes}, at)
    if masked and "rrn" not in changes:
        updated = updated.model_copy(update={"rrn": member.rrn})
    groups = (
        (Subject.IDENTITY, IDENTITY_FIELDS),
        (Subject.MEMBER, MEMBER_FIELDS),
        (Subject.HEALTH, HEALTH_FIELDS),
    )
    notes: list[Record] = []
    for subject, names in groups:
        changed = _changed(member, updated, [n for n in names if n in changes])
        if not changed:
            continue
        require_correction(repo, subject)
        why = reason.strip()
        if subject is Subject.IDENTITY:
            why = required_text(reason, "err_identity_needs_reason")
        notes.append(_correction(repo, subject, member.household_id, updated, changed, why, at))
    if not notes:
        raise InvalidInput("err_nothing_changed")
    repo.save_many([updated, *notes])
    return updated


def member_left(
    repo: CaseRepository,
    member_id: str,
    how: MemberExit | str,
    on: dt.date | str,
    *,
    note: str = "",
    at: dt.datetime | None = None,
) -> Member:
    """Mark a member moved out or deceased on a date; the member stays in the record, shown apart."""
    at = at or now()
    require_correction(repo, Subject.MEMBER_LEFT)
    member = get_member(repo, member_id)
    if not member.current:
        raise IllegalTransition("err_member_already_left", member=member.name)
    base = {**member.model_dump(), "rrn": None} if member.rrn and "*" in member.rrn else member.model_dump()
    updated = _validated(Member, {**base, "left_on": on, "left_how": how}, at)
    updated = updated.model_copy(update={"rrn": member.rrn})
    _save(repo, updated, Subject.MEMBER_LEFT, member.household_id, ["left_on", "left_how"], note, at)
    return updated


# -- visits ----------------------------------------------------------------------------------
def revise_visit(
    repo: CaseRepository,
    visit_id: str,
    changes: Mapping[str, Any],
    reason: str,
    *,
    at: dt.datetime | None = None,
    confirmed_day: dt.date | None = None,
) -> Visit:
    """Amend a visit: a new revision of its newest one with `changes` and the reason (required), by
    the visit's author or a supervisor. The household and the author stay; a revision with nothing
    in it is refused like an empty visit. A visit date after today needs confirming as when recording
    (`confirmed_day`); the date already saved was confirmed then."""
    at = at or now()
    _only(changes, VISIT_FIELDS)
    latest = _revisable(repo, visit_id, Subject.VISIT_REVISED)
    why = required_text(reason, "err_revision_needs_reason")
    data = {**latest.model_dump(), **changes}
    require_content(data)
    revision = _revision(repo, latest, data, why, at, confirmed_day)
    changed = _changed(latest, revision, VISIT_FIELDS)
    if not changed:
        raise InvalidInput("err_nothing_changed")
    _save(repo, revision, Subject.VISIT_REVISED, latest.household_id, changed, why, at)
    return revision


def withdraw_visit(
    repo: CaseRepository, visit_id: str, reason: str, *, at: dt.datetime | None = None
) -> Visit:
    """Withdraw a visit entered in error (잘못 입력, e.g. on the wrong household), with the reason: a
    revision marked withdrawn, which leaves the reports and stays in the household's history. An open
    crisis flag whose first visit it was (no other in-person visit since the crisis was found) has its
    72-hour clock running again, in the same batch."""
    at = at or now()
    latest = _revisable(repo, visit_id, Subject.VISIT_WITHDRAWN)
    why = required_text(reason, "err_revision_needs_reason")
    revision = _revision(repo, latest, {**latest.model_dump(), "withdrawn": True}, why, at)
    note = _correction(repo, Subject.VISIT_WITHDRAWN, latest.household_id, revision, ["withdrawn"], why, at)
    repo.save_many([revision, note, *_clocks_running_again(repo, latest)])
    return revision


def _clocks_running_again(repo: CaseRepository, withdrawn: Visit) -> list[CrisisFlag]:
    """Open flags of the household whose first visit can only have been the withdrawn one (no other
    in-person visit on or after the day the crisis was found): their 72-hour clock runs again."""
    others = [
        v
        for v in current_visits(repo, withdrawn.household_id)
        if v.id != withdrawn.id and v.visit_kind in IN_PERSON
    ]
    again = []
    for flag in open_flags_of(repo, withdrawn.household_id):
        if flag.first_visit_at is None or withdrawn.visit_kind not in IN_PERSON:
            continue
        found_on = flag.clock_start.astimezone(KST).date()
        if not any(v.visited_on >= found_on for v in others):
            again.append(flag.model_copy(update={"first_visit_at": None}))
    return again


def _revisable(repo: CaseRepository, visit_id: str, subject: CorrectionSubject) -> Visit:
    latest = newest_revision(repo, visit_id)
    require_correction(repo, subject, responsible=latest.worker_id)
    if latest.withdrawn:
        raise IllegalTransition("err_visit_withdrawn")
    return latest


def _revision(
    repo: CaseRepository,
    latest: Visit,
    data: Mapping[str, Any],
    why: str,
    at: dt.datetime,
    confirmed_day: dt.date | None = None,
) -> Visit:
    fields = {
        **data,
        "id": new_id("v"),
        "household_id": latest.household_id,
        "worker_id": latest.worker_id,
        "revises": latest.id,
        "revised_at": at,
        "revised_by": repo.user_id,
        "revision_note": why,
    }
    today = at.astimezone(KST).date()
    # A date already saved was confirmed then; a revision keeps it without asking again.
    confirmed = confirmed_day or latest.visited_on
    return Visit.model_validate(fields, context={"today": today, "confirmed_day": confirmed})


# -- helpers ---------------------------------------------------------------------------------
def _only(changes: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise InvalidInput("err_correction_fields", fields=", ".join(sorted(unknown)))


def _validated(cls: type[Any], data: Mapping[str, Any], at: dt.datetime) -> Any:
    return cls.model_validate(dict(data), context={"today": at.astimezone(KST).date()})


def _changed(before: Record, after: Record, names: Iterable[str]) -> list[str]:
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return [name for name in names if old.get(name) != new.get(name)]


def _correction(
    repo: CaseRepository,
    subject: CorrectionSubject,
    household_id: str,
    record: Record,
    fields: list[str],
    reason: str,
    at: dt.datetime,
) -> Correction:
    return Correction.model_validate(
        {
            "id": new_id("c"),
            "household_id": household_id,
            "at": at,
            "actor_id": repo.user_id,
            "subject": subject,
            "record_kind": record.kind,
            "record_id": record.id,
            "fields": fields,
            "reason": reason,
        }
    )


def _save(
    repo: CaseRepository,
    record: Record,
    subject: CorrectionSubject,
    household_id: str,
    fields: list[str],
    reason: str,
    at: dt.datetime,
) -> None:
    """The record and its `Correction` in one durable batch; nothing when nothing changed."""
    if not fields:
        raise InvalidInput("err_nothing_changed")
    repo.save_many([record, _correction(repo, subject, household_id, record, fields, reason, at)])
