"""충돌 검토: records whose sensitive fields were changed on two PCs at once, and their resolution.

The merge keeps every concurrent value of a sensitive field (`vault.merge`); this module lists them
for people and resolves one by writing the chosen value as an op that supersedes all of them (so
every PC agrees once it has that op). Supervisors see every conflict; other workers see those on
records they wrote one of the values of, or whose household they own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chandong_tui.casework.access import guard_fields
from chandong_tui.casework.clock import KST
from chandong_tui.casework.converters import is_deleted
from chandong_tui.casework.errors import Forbidden, IllegalTransition
from chandong_tui.casework.permissions import is_owner_or_supervisor, role_of
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.vault.merge import SENSITIVE, conflicted_fields, live_writes


@dataclass(frozen=True)
class ConflictValue:
    """One of the concurrent values, who wrote it and when."""

    write_id: str
    value: Any
    actor: str
    at: dt.datetime


@dataclass(frozen=True)
class Conflict:
    """One sensitive field of one record with several concurrent values."""

    table: str
    row: str
    field: str
    household_id: str | None
    shown: Any
    """The value the record shows meanwhile (the merge's deterministic pick)."""
    values: tuple[ConflictValue, ...]
    """Oldest first."""

    @property
    def key(self) -> str:
        return f"{self.table}/{self.row}/{self.field}"


def _values(doc: Mapping[str, Any], name: str) -> tuple[ConflictValue, ...]:
    found = [
        ConflictValue(write_id, write[0], str(write[2]), dt.datetime.fromtimestamp(write[1][0] / 1000, KST))
        for write_id, write in live_writes(doc, name).items()
    ]
    return tuple(sorted(found, key=lambda v: (v.at, v.write_id)))


def conflicts(repo: CaseRepository) -> list[Conflict]:
    """Every conflict the user may review, by table, record and field."""
    found = []
    owners = {hid: doc.get("owner_id") for hid, doc in repo.rows("household").items()}
    for table in sorted(SENSITIVE):
        for row, doc in repo.rows(table).items():
            names = conflicted_fields(doc)
            if not names or is_deleted(doc):
                continue
            household_id = row if table == "household" else doc.get("household_id")
            for name in names:
                conflict = Conflict(table, row, name, household_id, doc.get(name), _values(doc, name))
                if _may_review(repo, conflict, owners.get(household_id or "")):
                    found.append(conflict)
    return found


def _may_review(repo: CaseRepository, conflict: Conflict, owner: str | None) -> bool:
    """The case's owner or a supervisor, and whoever wrote one of the values."""
    return is_owner_or_supervisor(repo.user_id, repo.role, owner) or any(
        v.actor == repo.user_id for v in conflict.values
    )


def resolve(repo: CaseRepository, conflict: Conflict, write_id: str) -> None:
    """Keep the value of `write_id` (one of the conflict's values): written again, superseding them all.
    `IllegalTransition` when the conflict is gone (resolved elsewhere meanwhile) or the value unknown."""
    current = {c.key: c for c in conflicts(repo)}.get(conflict.key)
    if current is None:
        raise IllegalTransition("err_conflict_gone", conflict=conflict.key)
    chosen = {v.write_id: v for v in current.values}.get(write_id)
    if chosen is None:
        raise IllegalTransition("err_conflict_value_unknown", conflict=conflict.key, write=write_id)
    fields = guard_fields(conflict.table, {conflict.field: chosen.value}, repo.role)
    if not fields:
        raise Forbidden(
            "err_may_not_change", role=role_of(repo.role), what=f"{conflict.table}.{conflict.field}"
        )
    repo.session.write(conflict.table, conflict.row, fields)
