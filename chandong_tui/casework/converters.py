"""Stored shape ↔ domain shape, in one place.

A row in the cache is the record's JSON fields (without `id`) plus merge bookkeeping; a record is the
pydantic model. Reading validates again (a row could come from an older version or a damaged file)
but does not apply date-relative checks: they held when the record was written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from chandong_tui.model.records import Record
from chandong_tui.vault.cache import visible
from chandong_tui.vault.ops import DELETED

R = TypeVar("R", bound=Record)
_READ_CONTEXT = {"today": dt.date.max}


def to_fields(record: Record) -> dict[str, Any]:
    """The JSON fields a record is stored as (its id is the row key)."""
    return record.model_dump(mode="json", exclude={"id"})


def from_row(cls: type[R], row_id: str, doc: Mapping[str, Any]) -> R:
    """A record from its stored row."""
    return cls.model_validate({**visible(doc), "id": row_id}, context=_READ_CONTEXT)


def is_deleted(doc: Mapping[str, Any]) -> bool:
    return bool(doc.get(DELETED))


def changed_fields(record: Record, doc: Mapping[str, Any] | None) -> dict[str, Any]:
    """Fields of `record` that differ from the stored row (all of them for a new row)."""
    fields = to_fields(record)
    if doc is None:
        return fields
    return {name: value for name, value in fields.items() if doc.get(name, _MISSING) != value}


_MISSING = object()
