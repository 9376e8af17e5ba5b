"""Merge: the same state on every PC, whatever order (and how often) the ops arrive.

Replicas write ops from what they have received so far (so writes are sometimes sequential, sometimes
concurrent), then every replica gets every op in its own random order, with duplicates. The digest of
what each shows — every visible field and the live values of every sensitive field — must be equal.
"""

from __future__ import annotations

import random
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb.storages import MemoryStorage

from chandong_tui.vault.cache import RowDB, apply_op, visible
from chandong_tui.vault.hlc import HybridClock
from chandong_tui.vault.merge import SUPERSEDES, conflicted_fields, live_writes, supersedes
from chandong_tui.vault.ops import DELETED, Op

ROWS = ("f1", "f2")
FIELDS = {
    "crisis_flag": ("level", "state", "note"),
    "household": ("owner_id", "road_address", "tags"),
}
VALUES = {
    "level": ("urgent", "crisis", "watch"),
    "state": ("open", "resolved"),
    "note": ("a", "b", "c"),
    "owner_id": ("planner", "nurse", "officer"),
    "road_address": ("가상로 1", "가상로 2", "가상로 3"),
    "tags": (["elderly_alone"], ["newborn"], []),
}


class Replica:
    """One PC: a cache, a clock, and the ops it has applied."""

    def __init__(self, index: int, now: list[int]) -> None:
        self.device = f"{index:016x}"
        self.db = RowDB(storage=MemoryStorage)
        self.clock = HybridClock(self.device, now_ms=lambda: now[0] + index * 7)
        self.seq = 0
        self.seen: set[str] = set()

    def write(self, table: str, row: str, fields: dict[str, Any]) -> Op:
        self.seq += 1
        doc = self.db.table(table).get_row(row)
        sup = supersedes(table, doc, fields)
        op = Op(
            id=f"{self.device}.{self.seq}",
            hlc=self.clock.tick(),
            actor=self.device[-1],
            table=table,
            row=row,
            set=fields,
            meta={SUPERSEDES: sup} if sup else {},
        )
        self.receive(op)
        return op

    def receive(self, op: Op) -> None:
        self.clock.observe(op.hlc)
        apply_op(self.db, op)
        self.seen.add(op.id)

    def digest(self) -> bytes:
        state = {}
        for table in FIELDS:
            for row, doc in (self.db.storage.read() or {}).get(table, {}).items():
                state[f"{table}/{row}"] = {
                    "fields": visible(doc),
                    "live": {name: sorted(live_writes(doc, name)) for name in ("level", "state", "owner_id")},
                    "conflicts": conflicted_fields(doc),
                }
        return orjson.dumps(state, option=orjson.OPT_SORT_KEYS)


write_step = st.tuples(
    st.just("write"),
    st.integers(0, 2),
    st.sampled_from(sorted(FIELDS)),
    st.sampled_from(ROWS),
    st.lists(st.integers(0, 2), min_size=1, max_size=3),
    st.integers(0, 2),
)
deliver_step = st.tuples(st.just("deliver"), st.integers(0, 2), st.integers(0, 10_000))
steps = st.lists(st.one_of(write_step, deliver_step), min_size=1, max_size=40)


def play(plan: list[tuple[Any, ...]], seed: int, replicas: int = 3) -> tuple[list[Replica], list[Op]]:
    now = [1_800_000_000_000]
    pcs = [Replica(i, now) for i in range(replicas)]
    ops: list[Op] = []
    for step in plan:
        now[0] += 1 if step[0] == "write" and step[-1] else 0  # sometimes several writes in one ms
        if step[0] == "write":
            _, pc, table, row, picks, value = step
            names = FIELDS[table]
            fields = {names[p]: VALUES[names[p]][value % len(VALUES[names[p]])] for p in picks}
            if value == 2 and table == "household" and len(picks) == 3:
                fields[DELETED] = True  # a tombstone now and then
            ops.append(pcs[pc].write(table, row, fields))
        elif ops:
            _, pc, which = step
            op = ops[which % len(ops)]
            pcs[pc].receive(op)
    rng = random.Random(seed)
    for pc in pcs:
        delivery = ops + rng.sample(ops, k=len(ops) // 2)  # every op, some twice
        rng.shuffle(delivery)
        for op in delivery:
            pc.receive(op)
    return pcs, ops


@settings(max_examples=300, deadline=None)
@given(plan=steps, seed=st.integers(0, 2**32))
def test_every_delivery_order_gives_the_same_state(plan: list[tuple[Any, ...]], seed: int) -> None:
    pcs, ops = play(plan, seed)
    digests = {pc.digest() for pc in pcs}
    assert len(digests) == 1
    fresh = Replica(9, [0])  # a new PC that receives everything in the order written
    for op in ops:
        fresh.receive(op)
    assert fresh.digest() in digests


def test_concurrent_owner_changes_are_both_kept_and_a_resolution_supersedes_them() -> None:
    now = [1_800_000_000_000]
    a, b = Replica(0, now), Replica(1, now)
    created = a.write("household", "h1", {"owner_id": "planner", "road_address": "가상로 1"})
    b.receive(created)
    now[0] += 10
    x = a.write("household", "h1", {"owner_id": "nurse"})
    y = b.write("household", "h1", {"owner_id": "officer"})
    a.receive(y)
    b.receive(x)
    doc = a.db.table("household").get_row("h1")
    assert doc is not None and conflicted_fields(doc) == ["owner_id"]
    assert {w[0] for w in live_writes(doc, "owner_id").values()} == {"nurse", "officer"}
    assert a.digest() == b.digest()
    now[0] += 10
    resolved = b.write("household", "h1", {"owner_id": "officer"})  # a person chose
    assert sorted(resolved.meta[SUPERSEDES]["owner_id"]) == sorted([x.id, y.id])
    a.receive(resolved)
    doc = a.db.table("household").get_row("h1")
    assert doc is not None and conflicted_fields(doc) == [] and doc["owner_id"] == "officer"
    assert a.digest() == b.digest()


def test_raising_a_flag_beats_a_concurrent_clear_and_an_ordinary_field_does_not_conflict() -> None:
    now = [1_800_000_000_000]
    a, b = Replica(0, now), Replica(1, now)
    raised = a.write("crisis_flag", "f1", {"state": "open", "level": "watch", "note": "x"})
    b.receive(raised)
    now[0] += 10
    cleared = a.write("crisis_flag", "f1", {"state": "resolved", "note": "해결"})
    now[0] += 10  # written later than the clear, but without having seen it
    raised_again = b.write("crisis_flag", "f1", {"state": "open", "level": "urgent", "note": "재발"})
    for pc in (a, b):
        pc.receive(cleared)
        pc.receive(raised_again)
        doc = pc.db.table("crisis_flag").get_row("f1")
        assert doc is not None
        assert doc["state"] == "open" and conflicted_fields(doc) == ["state"]
        assert doc["note"] == "재발"  # ordinary field: last writer wins, no conflict
        assert doc["level"] == "urgent"  # written once since both saw "watch": no conflict
    assert a.digest() == b.digest()


def test_ops_without_supersedes_act_as_last_writer_wins() -> None:
    """Ops written before the register existed: no conflicts appear when they are merged."""
    db = RowDB(storage=MemoryStorage)
    for ms, owner in ((2, "nurse"), (1, "planner"), (3, "officer")):
        op = Op(
            id=f"d.{ms}",
            hlc=HybridClock("d", lambda ms=ms: ms).tick(),
            actor="x",
            table="household",
            row="h",
            set={"owner_id": owner},
        )
        apply_op(db, op)
    doc = db.table("household").get_row("h")
    assert doc is not None and doc["owner_id"] == "officer" and conflicted_fields(doc) == []


@settings(max_examples=200, deadline=None)
@given(plan=steps, seed=st.integers(0, 2**32), cut=st.floats(0, 1))
def test_a_snapshot_plus_every_op_equals_a_full_replay(
    plan: list[tuple[Any, ...]], seed: int, cut: float
) -> None:
    """A snapshot is some subset of the ops merged; a PC starting from it then gets every op (again)."""
    _, ops = play(plan, seed)
    rng = random.Random(seed)
    writer = Replica(7, [0])
    for op in rng.sample(ops, k=int(len(ops) * cut)):
        writer.receive(op)
    starter = Replica(8, [0])
    starter.db.storage.write(orjson.loads(orjson.dumps(writer.db.storage.read() or {})))  # sealed, then read
    for op in rng.sample(ops, k=len(ops)):
        starter.receive(op)
    replayed = Replica(9, [0])
    for op in ops:
        replayed.receive(op)
    assert starter.digest() == replayed.digest()


def test_a_task_done_on_one_pc_and_cancelled_or_reassigned_on_another_waits_for_review() -> None:
    """Tasks merge as hand-offs do: concurrent steps on its state or assignee are both kept."""
    now = [1_800_000_000_000]
    a, b = Replica(0, now), Replica(1, now)
    created = a.write("task", "t1", {"state": "open", "owner_id": "planner", "title": "병원 동행"})
    b.receive(created)
    now[0] += 10
    done = a.write("task", "t1", {"state": "done"})
    cancelled = b.write("task", "t1", {"state": "cancelled"})
    to_nurse = a.write("task", "t1", {"owner_id": "nurse"})
    to_officer = b.write("task", "t1", {"owner_id": "officer"})
    for pc, ops in ((a, (cancelled, to_officer)), (b, (done, to_nurse))):
        for op in ops:
            pc.receive(op)
        doc = pc.db.table("task").get_row("t1")
        assert doc is not None and conflicted_fields(doc) == ["owner_id", "state"]
        assert {w[0] for w in live_writes(doc, "state").values()} == {"done", "cancelled"}
        assert {w[0] for w in live_writes(doc, "owner_id").values()} == {"nurse", "officer"}
    assert a.db.table("task").get_row("t1") == b.db.table("task").get_row("t1")
