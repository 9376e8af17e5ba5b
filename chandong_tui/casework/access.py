"""Applying the permission matrix (`permissions.MATRIX`) to what the repository reads and saves.

Reads: every member and visit the repository hands out passes `redact_member` / `redact_visit`
(health details removed, registration numbers masked, unless the role reads them). Writes: every
save passes `guard_fields`, which refuses (`Forbidden`) a kind or field the role may not change,
and drops the redacted values a role saw from its save (the `None` or masked number it was shown
is not written back over the real one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chandong_tui.casework.errors import NotFound
from chandong_tui.casework.permissions import (
    FIELD_RULES,
    NURSE,
    SUPERVISOR,
    Forbidden,
    can_read,
    can_reveal,
    can_write,
    hidden_fields,
    require_write,
)
from chandong_tui.model.enums import VisitKind
from chandong_tui.model.fields import mask_rrn
from chandong_tui.model.records import Member, Visit

if TYPE_CHECKING:
    from chandong_tui.casework.repository import CaseRepository

__all__ = [
    "HEALTH_FIELDS",
    "HEALTH_ROLES",
    "Forbidden",
    "guard_fields",
    "read_field",
    "redact_member",
    "redact_visit",
    "reveal_rrn",
    "sees_health",
]

HEALTH_ROLES = frozenset({NURSE, SUPERVISOR})
"""Roles that see and enter members' health details and nurses' health measures."""

HEALTH_FIELDS = {"member": "health", "visit": "health_measures"}
"""The field of each record kind that holds health details."""


def sees_health(role: str) -> bool:
    return can_read(role, "member", "health")


def redact_member(member: Member, role: str) -> Member:
    """The member as `role` may see it: health details removed, the RRN masked, as the matrix says."""
    hidden = hidden_fields(role, "member")
    if not hidden:
        return member
    update: dict[str, object] = {}
    if "health" in hidden and member.health is not None:
        update["health"] = None
    if "rrn" in hidden and member.rrn and "*" not in member.rrn:
        update["rrn"] = mask_rrn(member.rrn)
    return member.model_copy(update=update) if update else member


HEALTH_NOTE = "health_note"
"""`MATRIX`'s name for the note of a 건강관리 visit (a health detail, though stored as `note`)."""


def redact_visit(visit: Visit, role: str) -> Visit:
    """The visit as `role` may see it: health measures, and a health visit's note, removed unless
    the role needs them."""
    hidden = hidden_fields(role, "visit")
    if not hidden:
        return visit
    update: dict[str, object] = {}
    if "health_measures" in hidden and visit.health_measures is not None:
        update["health_measures"] = None
    if HEALTH_NOTE in hidden and visit.visit_kind is VisitKind.HEALTH and visit.note:
        update["note"] = ""
    return visit.model_copy(update=update) if update else visit


def _is_redacted(value: object) -> bool:
    """What a role that does not read a field was shown of it: nothing, or a masked value."""
    return value in (None, {}, "") or (isinstance(value, str) and "*" in value)


def guard_fields(kind: str, fields: dict[str, object], role: str) -> dict[str, object]:
    """The fields `role` may write of a `kind` record; `Forbidden` for anything it may not change.

    Restricted fields the role may not read come back from its saves as their redacted values:
    those are dropped, so the stored value stays. A real value in a field the role may not write
    is refused.
    """
    require_write(role, kind)
    restricted = FIELD_RULES.get(kind)
    if not restricted or restricted.keys().isdisjoint(fields):
        return fields
    kept = dict(fields)
    for name in restricted.keys() & fields.keys():
        value = fields[name]
        readable = can_read(role, kind, name)
        if not readable and _is_redacted(value):
            del kept[name]
        elif not can_write(role, kind, name):
            if name in HEALTH_FIELDS.values():
                raise Forbidden("err_health_for_nurses")
            require_write(role, kind, name)
    return kept


MAX_REASON = 500


class ReasonRequired(Forbidden):
    """Revealing a masked value needs a reason (recorded in the access log)."""


def reveal_rrn(repo: CaseRepository, member_id: str, reason: str) -> str:
    """A member's full resident registration number, for a role that may reveal it, with a reason.

    The reveal is recorded in the access log (who, whose, why) before the number is returned;
    `Forbidden` for roles that never see it (and nothing recorded), `ReasonRequired` without a reason.
    """
    from chandong_tui.casework.converters import is_deleted
    from chandong_tui.vault.audit import REVEAL

    if not can_reveal(repo.role, "member", "rrn"):
        raise Forbidden("err_rrn_not_for_role")
    text = " ".join((reason or "").split())
    if not text:
        raise ReasonRequired("err_reveal_needs_reason")
    if len(text) > MAX_REASON:
        raise ReasonRequired("err_reveal_reason_too_long", max=MAX_REASON)
    doc = repo.session.table(Member.kind).get_row(member_id)
    if doc is None or is_deleted(doc):
        raise NotFound("err_no_record", kind="member", record=member_id)
    repo.session.audit(REVEAL, target=member_id, detail={"field": "rrn", "reason": text})
    return str(doc.get("rrn") or "")


def read_field(repo: CaseRepository, kind: str, row_id: str, field: str) -> object:
    """One stored field of one record, for a role that reads it in plain; `Forbidden` otherwise
    (nothing is returned masked or empty here: the refusal is the answer). Masked fields that a role
    may see with a reason go through their reveal function (`reveal_rrn`), which logs."""
    from chandong_tui.casework.converters import is_deleted
    from chandong_tui.casework.permissions import require_read

    require_read(repo.role, kind)
    require_read(repo.role, kind, field)
    doc = repo.session.table(kind).get_row(row_id)
    if doc is None or is_deleted(doc):
        raise NotFound("err_no_record", kind=kind, record=row_id)
    return doc.get(field)
