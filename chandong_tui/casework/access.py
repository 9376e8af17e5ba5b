"""Who may see what (first cut; the full matrix is the security issue's): health details."""

from __future__ import annotations

from chandong_tui.model.enums import Role
from chandong_tui.model.records import Member, Visit

HEALTH_ROLES = frozenset({Role.VISITING_NURSE, Role.SUPERVISOR})
"""Roles that see and enter members' health details and nurses' health measures."""


def sees_health(role: str) -> bool:
    return role in HEALTH_ROLES


def redact_member(member: Member, role: str) -> Member:
    """The member as `role` may see it: health details removed unless the role needs them."""
    if sees_health(role) or member.health is None:
        return member
    return member.model_copy(update={"health": None})


def redact_visit(visit: Visit, role: str) -> Visit:
    """The visit as `role` may see it: health measures removed unless the role needs them."""
    if sees_health(role) or visit.health_measures is None:
        return visit
    return visit.model_copy(update={"health_measures": None})


class Forbidden(PermissionError):
    """The user's role may not do this; the message is one line for people."""


HEALTH_FIELDS = {"member": "health", "visit": "health_measures"}
"""The field of each record kind that holds health details."""


def guard_fields(kind: str, fields: dict[str, object], role: str) -> dict[str, object]:
    """The fields `role` may write: a role that cannot see health details cannot set them, and its
    saves leave them untouched (the redacted `None` it saw is not written back)."""
    name = HEALTH_FIELDS.get(kind)
    if name is None or name not in fields or sees_health(role):
        return fields
    if fields[name] not in (None, {}):
        raise Forbidden("only visiting nurses and supervisors record health details")
    return {key: value for key, value in fields.items() if key != name}
