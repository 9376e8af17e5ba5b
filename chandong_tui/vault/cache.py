"""The encrypted TinyDB cache: materialised rows, rebuilt from ops at any time.

TinyDB runs over `EncryptedMemoryStorage`: the whole database lives in memory and is written, sealed,
only by an explicit `flush()` (atomic replace) — never on each save, which is what the outbox is for.
`RowTable` keys documents by record id (strings) and updates in place, so a write is O(1) instead of
TinyDB's copy of the whole table.

Merge (`apply_op`) is last-writer-wins per field by (HLC stamp, op id): a row keeps the clock of its
first op in `_c` and the clocks of fields overwritten later in `_f`; sensitive fields keep every
concurrent value in `_v` (`merge.py`). Any delivery order gives the same values.

Opening a dong-size cache (18 MB, ~200,000 containers) is dominated by parsing it. Python's cyclic
garbage collector made that 3–4× slower (every collection triggered while parsing walked everything
parsed so far) and, afterwards, made each full collection in the UI walk the whole cache (a ~0.1 s
stall). So the document is parsed with the collector paused, then `gc.freeze()` moves every object
alive at that moment (the cache and whatever else the process holds) out of the collector's sight.
The rows are JSON: they hold no reference cycles, and reference counting frees them as usual when a
row is replaced or the cache dropped. What the freeze costs is that cyclic garbage among the frozen
objects waits: the collector sees everything again once the last loaded cache is closed
(`LocalCache.close`) or dropped.
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.crypto import derive_key, open_sealed, seal
from chandong_tui.vault.errors import IntegrityError
from chandong_tui.vault.merge import SUPERSEDES, VALUES, is_sensitive, merge_sensitive
from chandong_tui.vault.ops import Op

CLOCK = "_c"
FIELD_CLOCKS = "_f"
META_TABLE = "_meta"
_MAGIC = b"CHDNGC1"

_frozen_lock = threading.Lock()
_frozen_caches = 0


def parse_frozen(plain: bytes) -> Any:  # noqa: ANN401 - a JSON document
    """`orjson.loads` with the cyclic GC paused, then everything alive moved out of its sight.

    Each call must be paired with one `release_frozen()` (the last one unfreezes).
    """
    global _frozen_caches
    enabled = gc.isenabled()
    gc.disable()
    try:
        document = orjson.loads(plain)
        with _frozen_lock:
            gc.freeze()
            _frozen_caches += 1
    finally:
        if enabled:
            gc.enable()
    return document


def release_frozen() -> None:
    """One frozen cache fewer; with none left, the collector sees every object again."""
    global _frozen_caches
    with _frozen_lock:
        _frozen_caches = max(0, _frozen_caches - 1)
        if _frozen_caches == 0:
            gc.unfreeze()


class EncryptedMemoryStorage(Storage):
    """A TinyDB storage kept in memory and sealed to one file on `flush()`."""

    def __init__(self, path: Path, key: bytes, aad: bytes) -> None:
        self.path = path
        self._key = key
        self._aad = _MAGIC + aad
        self._tables: dict[str, dict[str, Any]] | None = None
        self.dirty = False
        self._thaw: weakref.finalize | None = None
        """Pairs `parse_frozen` with its `release_frozen`: on `release`, or when dropped unreleased."""

    def load(self) -> bool:
        """Read the sealed file if there is one; False when absent or unreadable (then rebuild)."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return False
        if not data.startswith(_MAGIC):
            return False
        try:
            with memoryview(data) as view:  # AES-GCM reads views: no copies of 18 MB (peak memory)
                plain = open_sealed(self._key, view[len(_MAGIC) :], self._aad)  # type: ignore[arg-type]
        except IntegrityError:
            return False
        del data
        self._tables = parse_frozen(plain)
        self._thaw = weakref.finalize(self, release_frozen)
        return True

    @property
    def frozen(self) -> bool:
        """Whether this storage's document still counts as frozen (see `parse_frozen`)."""
        return self._thaw is not None and self._thaw.alive

    def release(self) -> None:
        """Give the parsed document back to the cyclic GC's care (idempotent); it stays usable."""
        if self._thaw is not None:
            self._thaw()  # runs `release_frozen` once, then never again (nor when dropped)

    def read(self) -> dict[str, dict[str, Any]] | None:
        return self._tables

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._tables = data
        self.dirty = True

    def flush(self) -> None:
        """Seal and atomically replace the cache file."""
        if self._tables is None:
            return
        plain = orjson.dumps(self._tables)
        write_atomic(self.path, _MAGIC + seal(self._key, plain, self._aad))
        self.dirty = False

    def close(self) -> None:
        """Closing does not flush: the owner decides when (see `LocalCache.flush`)."""


class RowTable(Table):
    """A TinyDB table keyed by record id, updated in place."""

    document_id_class = str

    def _update_table(self, updater: Callable[[dict[Any, Mapping]], None]) -> None:
        tables = self._storage.read() or {}
        raw_table = tables.setdefault(self.name, {})
        updater(raw_table)
        self._storage.write(tables)
        self.clear_cache()

    def get_row(self, row_id: str) -> dict[str, Any] | None:
        """The raw document of a row (no copy; do not mutate), or None."""
        tables = self._storage.read() or {}
        return tables.get(self.name, {}).get(row_id)

    def put_row(self, row_id: str, doc: dict[str, Any]) -> None:
        def updater(table: dict[Any, Mapping]) -> None:
            table[row_id] = doc

        self._update_table(updater)


class RowDB(TinyDB):
    table_class = RowTable

    def table(self, name: str, **kwargs: Any) -> RowTable:
        return super().table(name, **kwargs)  # type: ignore[return-value]


def _clock(op: Op) -> list[Any]:
    return [op.hlc.ms, op.hlc.counter, op.hlc.device, op.id]


def field_clock(doc: Mapping[str, Any], name: str) -> list[Any]:
    """The clock of the op that last set `name` in `doc`."""
    return doc.get(FIELD_CLOCKS, {}).get(name) or doc[CLOCK]


def apply_op(db: RowDB, op: Op) -> bool:
    """Merge one op into the cache; True when a visible value changed. Idempotent and commutative.

    Sensitive fields (`merge.SENSITIVE`) keep every concurrent value (`merge.merge_sensitive`)."""
    table = db.table(op.table)
    current = table.get_row(op.row)
    clock = _clock(op)
    sensitive = [name for name in op.set if is_sensitive(op.table, name)]
    if current is None and not sensitive:
        table.put_row(op.row, {**op.set, CLOCK: clock})
        return True
    doc = dict(current) if current is not None else {CLOCK: clock}
    field_clocks = dict(doc.get(FIELD_CLOCKS, {}))
    changed = current is None
    sup = op.meta.get(SUPERSEDES) or {}
    for name, value in op.set.items():
        if name in sensitive:
            changed |= merge_sensitive(doc, op.table, name, value, clock, op.id, op.actor, sup.get(name))
            continue
        if name in doc and field_clock(doc, name) >= clock:
            continue
        doc[name] = value
        if clock == doc[CLOCK]:
            field_clocks.pop(name, None)
        else:
            field_clocks[name] = clock
        changed = True
    if changed:
        if field_clocks:
            doc[FIELD_CLOCKS] = field_clocks
        table.put_row(op.row, doc)
    return changed


_BOOKKEEPING = frozenset({CLOCK, FIELD_CLOCKS, VALUES})


def visible(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A row's fields without the merge bookkeeping."""
    return {k: v for k, v in doc.items() if k not in _BOOKKEEPING}


class LocalCache:
    """The sealed cache of one device slot, with its bookkeeping of what has been applied."""

    def __init__(self, path: Path, vault_key: bytes, vault_id: str, device: str) -> None:
        key = derive_key(vault_key, f"chandong-cache|{vault_id}|{device}".encode())
        self.storage = EncryptedMemoryStorage(path, key, f"|{vault_id}|{device}".encode())
        loaded = self.storage.load()
        self.db = RowDB(storage=lambda: self.storage)
        if not loaded:
            self.storage.write({})
        self.rebuilt = not loaded
        self.generation = 0
        """Counts merges that changed something; readers rebuild their indices when it moves."""

    @property
    def meta(self) -> dict[str, Any]:
        tables = self.storage.read() or {}
        return tables.setdefault(META_TABLE, {}).setdefault("state", {"chunks": {}, "outbox_upto": 0})

    def chunk_applied(self, device: str, seq: int) -> bool:
        return seq in self.meta["chunks"].get(device, ())

    def mark_chunk(self, device: str, seq: int) -> None:
        self.meta["chunks"].setdefault(device, []).append(seq)
        self.storage.dirty = True

    def apply(self, ops: list[Op]) -> int:
        """Merge ops; returns how many changed something."""
        changed = sum(apply_op(self.db, op) for op in ops)
        if changed:
            self.generation += 1
        return changed

    def flush(self) -> None:
        if self.storage.dirty:
            self.storage.flush()

    def close(self) -> None:
        """Done with this cache (no flush; see `flush`); its rows stay readable."""
        self.storage.release()
