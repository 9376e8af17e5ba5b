"""Operations: the unit of change that is logged, shipped between PCs and merged.

An op sets fields of one row of one table: `{id, hlc, actor, table, row, set, base}`. One op per saved
record (not per field) keeps a visit atomic; merge still works per field. `base` is the stamp of the
row the writer saw, so that later merges can tell concurrent writes from sequential ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import orjson

from chandong_tui.vault.hlc import Stamp

DELETED = "_deleted"
"""The field a tombstone sets: deleted rows stay, marked, so that a delete merges like any write."""


@dataclass(frozen=True, slots=True)
class Op:
    """One change to one row."""

    id: str
    hlc: Stamp
    actor: str
    table: str
    row: str
    set: dict[str, Any]
    base: Stamp | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "hlc": self.hlc.encode(),
            "actor": self.actor,
            "table": self.table,
            "row": self.row,
            "set": self.set,
        }
        if self.base is not None:
            out["base"] = self.base.encode()
        if self.meta:
            out["meta"] = self.meta
        return out

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Op:
        base = raw.get("base")
        return cls(
            id=str(raw["id"]),
            hlc=Stamp.decode(raw["hlc"]),
            actor=str(raw["actor"]),
            table=str(raw["table"]),
            row=str(raw["row"]),
            set=dict(raw["set"]),
            base=Stamp.decode(base) if base else None,
            meta=dict(raw.get("meta") or {}),
        )

    @property
    def order(self) -> tuple[Stamp, str]:
        """Total order used to decide last-writer-wins: the stamp, then the op id."""
        return (self.hlc, self.id)


def encode_ops(ops: list[Op]) -> bytes:
    return orjson.dumps([op.to_json() for op in ops])


def decode_ops(data: bytes) -> list[Op]:
    return [Op.from_json(raw) for raw in loads_lean(data)]


LEAN_PARSE_BYTES = 1 << 20
"""Above this size (packs, snapshots) a document is parsed by the standard library's `json`."""


def loads_lean(data: bytes) -> Any:
    """`orjson.loads`, except for big documents: orjson builds its whole parsed tree before the
    Python objects, so a snapshot peaks at several times its result in memory and fails or crashes
    under a bounded heap, where `json.loads` peaks far lower for a little more time, once per new PC
    (figures: the README's performance section). Small chunks keep orjson's speed."""
    if len(data) <= LEAN_PARSE_BYTES:
        return orjson.loads(data)
    return json.loads(data if isinstance(data, bytes | bytearray) else bytes(data))
