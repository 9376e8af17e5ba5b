"""Merge of sensitive fields: every concurrent value is kept, and the record waits for a person.

Ordinary fields merge last-writer-wins by (HLC stamp, op id) (`cache.apply_op`). For the fields in
`SENSITIVE` (a crisis flag's level and state, who owns a case and where it lives, a hand-off's state, a
task's state and assignee, a conference's decisions, a member's identity and whether they moved out
or died; never a registration number, whose concurrent values the review would show in plain)
silently dropping one of two concurrent values could hide a crisis, a case, a task or a person, so
each such field is a multi-value register:

- Every write of a sensitive field names the writes it *supersedes*: the values its writer saw as
  current for that field (`op.meta["sup"][field]`, set by `supersedes` when the op is made).
- A write is *live* unless a later write superseded it. One live write: the field has that value.
  Several: they were written concurrently; the field is in conflict (the 충돌 검토 queue) and shows a
  deterministic pick (`PREFERRED`, then the newest stamp) until someone resolves it by writing a value
  that supersedes all of them.
- Ops written before this register existed carry no `sup`: they act as last-writer-wins, superseding
  every write with an older stamp and superseded by any newer one (old vaults show no conflicts they
  never had, and a cache rebuilt from every op agrees with one that was updated as ops came).

The register keeps, per field, the live writes with their values, only the ids of dead ones, the newest
stamp of a write without `sup` and the newest stamp of all, so its state is a function of the set of
writes received: commutative, associative and idempotent, whatever the delivery order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

VALUES = "_v"
"""The row key holding the registers of its sensitive fields: `{field: {"live": …, "dead": …}}`."""

SUPERSEDES = "sup"
"""The op meta key: `{field: [ids of the writes its writer saw as current]}`."""

SENSITIVE: dict[str, frozenset[str]] = {
    "crisis_flag": frozenset({"level", "state"}),
    "household": frozenset({"owner_id", "road_address", "address_detail", "tong", "ban", "status"}),
    "handoff": frozenset({"state", "to_worker_id"}),
    "task": frozenset({"state", "owner_id"}),
    "conference": frozenset({"agenda"}),
    "member": frozenset({"name", "birth_date", "left_on", "left_how"}),
}
"""Table → the fields whose concurrent values are all kept (docs/ARCHITECTURE.md §4)."""

PREFERRED: dict[tuple[str, str], tuple[Any, ...]] = {
    ("crisis_flag", "state"): ("open",),
    ("crisis_flag", "level"): ("urgent", "crisis", "watch"),
}
"""Which of several concurrent values a conflicted field shows, best first: raising a crisis flag beats
a concurrent clear, the more urgent level beats the less. Other fields show the newest write."""


def live_writes(doc: Mapping[str, Any], name: str) -> dict[str, list[Any]]:
    """`{op id: [value, clock, actor, without_sup]}`: the live writes of one sensitive field."""
    register = doc.get(VALUES, {}).get(name)
    return dict(register["live"]) if register else {}


def conflicted_fields(doc: Mapping[str, Any]) -> list[str]:
    """The sensitive fields of a row that hold more than one live value."""
    return sorted(name for name, register in doc.get(VALUES, {}).items() if len(register["live"]) > 1)


def supersedes(table: str, doc: Mapping[str, Any] | None, fields: Mapping[str, Any]) -> dict[str, list[str]]:
    """For a new op on `table`: for each sensitive field it sets, the ids of the live writes it replaces."""
    names = SENSITIVE.get(table, frozenset())
    return {name: sorted(live_writes(doc, name)) if doc else [] for name in fields if name in names}


def merge_sensitive(
    doc: dict[str, Any], table: str, name: str, value: Any, clock: list[Any], op_id: str, actor: str, sup: Any
) -> bool:
    """Add one write of a sensitive field to the row's register and set the field to what it shows.
    `doc` is a fresh copy of the row (mutated). True when the register changed (then store the row).

    `sup` is the list of ids the write supersedes, or None for an op without it (last writer wins)."""
    registers = dict(doc.get(VALUES, {}))
    register = registers.get(name) or {"live": {}, "dead": [], "lww": None, "top": None}
    dead = set(register["dead"])
    lww, top = register["lww"], register["top"]
    legacy = not isinstance(sup, list)
    if legacy:
        lww = clock if lww is None or clock > lww else lww
    else:
        dead.update(str(i) for i in sup)
    top = clock if top is None or clock > top else top
    live = dict(register["live"])
    live.setdefault(op_id, [value, clock, actor, legacy])

    def alive(write_id: str, write: list[Any]) -> bool:
        if write_id in dead or (lww is not None and write[1] < lww):
            return False
        return not write[3] or write[1] >= top  # an op without `sup` loses to anything newer

    live = {i: w for i, w in live.items() if alive(i, w)}
    updated = {"live": live, "dead": sorted(dead), "lww": lww, "top": top}
    if updated == register:
        return False
    registers[name] = updated
    doc[VALUES] = registers
    if live:
        doc[name] = shown_value(table, name, live)
    return True


def shown_value(table: str, name: str, live: Mapping[str, list[Any]]) -> Any:
    """The value a field shows: the only live one, or the deterministic pick among concurrent ones."""
    preference = PREFERRED.get((table, name), ())

    def rank(write: list[Any]) -> tuple[int, list[Any]]:
        value, clock = write[0], write[1]
        best = len(preference) - preference.index(value) if value in preference else 0
        return (best, clock)

    return max(live.values(), key=rank)[0]
