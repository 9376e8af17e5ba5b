"""The encrypted TinyDB cache: materialised rows, rebuilt from ops at any time.

TinyDB runs over `EncryptedMemoryStorage`: the whole database lives in memory and is written, sealed,
only by an explicit `flush()` (atomic replace) — never on each save, which is what the outbox is for.
`RowTable` keys documents by record id (strings) and updates in place, so a write is O(1) instead of
TinyDB's copy of the whole table.

Merge (`apply_op`) is last-writer-wins per field by (HLC stamp, op id): a row keeps the clock of its
first op in `_c` and the clocks of fields overwritten later in `_f`; sensitive fields keep every
concurrent value in `_v` (`merge.py`). Any delivery order gives the same values.

Opening a dong-size cache (hundreds of thousands of containers) is dominated by parsing it. Python's
cyclic garbage collector made that several times slower (every collection triggered while parsing walked
everything parsed so far) and, afterwards, made each full collection in the UI walk the whole cache (a
visible stall). So the document is parsed with the collector paused, then `gc.freeze()` moves every
object alive at that moment (the cache and whatever else the process holds) out of the collector's sight.
The rows are JSON: they hold no reference cycles, and reference counting frees them as usual when a row
is replaced or the cache dropped. What the freeze costs is that cyclic garbage among the frozen objects
waits: the collector sees everything again once the last loaded cache is closed (`LocalCache.close`) or
dropped.

Memory: parsed from JSON, a dong's rows were mostly copies of the same few values (the device id and op
id in every clock, each clock repeated in a sensitive field's register, worker ids, dates, enum values).
So the sealed file (format 2) is a pickle of plain data in which equal strings and equal lists of scalars
are one object: `flush` shares them (`_Sharer`) among rows written since the cache was loaded (all rows,
the first time), pickle keeps that sharing, and loading gives it back: about half the memory, in less
time than parsing the JSON (figures: the README's performance section). The pickle is read by
`_DataUnpickler`, which builds dicts, lists, strings and numbers only and refuses any class (and it is
AES-GCM sealed like the JSON was). Sharing lists is safe because rows are never modified in place
(`apply_op` and `merge_sensitive` copy what they change; readers must not modify rows); `_meta`, which
is, is never shared. A cache in format 1 (JSON) is still read, and written in format 2 at its next flush.

Closing without a change: every open merges at least its own `login` event, and a close publishes it
as a chunk, so `_meta` always moves (applied chunks, each access-log chain's head, the op count, the
clock and op number), while the rows, most often, do not. Rewriting the whole file for that (pickling
and sealing all of it) was a good part of what an open and close cost at dong size. So when every row
is as the file holds it (format 2, shared: `as_on_disk`), `flush` writes `_meta` alone (a few kB)
into a sealed file beside it, `cache.meta`, bound to the cache file it completes: its header names
that file's nonce, which is also in its associated data. Loading takes `_meta` from it when it names
the file loaded. One naming another file is stale (a crash between writing a new cache file and
removing it) and left out, which is safe: that `_meta` is older than the rows, and the session merges
again the chunks and outbox ops it lacks, as after any crash. One that names the file but does not
verify was tampered with: the cache is not loaded (rebuilt, as for a tampered cache file). A full
write removes it. Keeping `_meta` rather than letting the next open read this PC's latest chunks
again also keeps this PC's op and access-log numbers if those chunks vanish from the share (a deleted
event is then reported missing, not overwritten by a new one of the same number).
"""

from __future__ import annotations

import gc
import io
import pickle
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
from chandong_tui.vault.crypto import NONCE_SIZE, derive_key, open_sealed, seal
from chandong_tui.vault.errors import IntegrityError
from chandong_tui.vault.merge import SENSITIVE, SUPERSEDES, VALUES, merge_sensitive
from chandong_tui.vault.ops import Op, loads_lean

CLOCK = "_c"
FIELD_CLOCKS = "_f"
META_TABLE = "_meta"
_MAGIC = b"CHDNGC2"
"""Format 2: a pickle of plain data, `{"tables": …, "shared": bool}` (see the module docstring)."""
_MAGIC_JSON = b"CHDNGC1"
"""Format 1: the tables as JSON (read; never written any more)."""
_MAGIC_META = b"CHDNGM1"
"""The `_meta` file: magic ‖ nonce of the cache file it completes ‖ sealed pickle of `_meta`."""
_SHAREABLE = frozenset({str, int, bool, type(None)})
"""Types of the items of a list that `_Sharer` may share (not floats: `0.0 == -0.0`)."""

_frozen_lock = threading.Lock()
_frozen_caches = 0


def parse_frozen(plain: bytes, loads: Callable[[bytes], Any] = orjson.loads) -> Any:
    """`loads(plain)` with the cyclic GC paused, then everything alive moved out of its sight.

    Each call must be paired with one `release_frozen()` (the last one unfreezes).
    """
    global _frozen_caches
    enabled = gc.isenabled()
    gc.disable()
    try:
        document = loads(plain)
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


class _DataUnpickler(pickle.Unpickler):
    """Unpickles plain data only: containers, strings and numbers are built by pickle's own opcodes;
    anything naming a class or function (the way a pickle runs code) is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"the cache holds plain data only, not {module}.{name}")


def _load_pickle(plain: bytes) -> dict[str, Any]:
    document = _DataUnpickler(io.BytesIO(plain)).load()
    if not isinstance(document, dict) or not isinstance(document.get("tables"), dict):
        raise pickle.UnpicklingError("not a cache document")
    return document


class _Sharer:
    """Returns rows in which equal strings, and equal lists of strings, ints, booleans and None, are
    the same object across every row given to it (the rows given are not modified)."""

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._lists: dict[tuple[Any, ...], list[Any]] = {}

    def row(self, doc: dict[str, Any]) -> dict[str, Any]:
        return self._value(doc)  # type: ignore[no-any-return]

    def _value(self, value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return self._strings.setdefault(value, value)
        if kind is dict:
            return {self._strings.setdefault(k, k): self._value(v) for k, v in value.items()}
        if kind is list:
            items = [self._value(v) for v in value]
            types = tuple(map(type, items))
            if all(t in _SHAREABLE for t in types):  # (True == 1, so the types are in the key)
                return self._lists.setdefault((types, *items), items)
            return items
        return value


class EncryptedMemoryStorage(Storage):
    """A TinyDB storage kept in memory and sealed to one file on `flush()`."""

    def __init__(self, path: Path, key: bytes, aad: bytes) -> None:
        self.path = path
        self._key = key
        self._aad = aad
        self._tables: dict[str, dict[str, Any]] | None = None
        self.dirty = False
        self._thaw: weakref.finalize | None = None
        """Pairs `parse_frozen` with its `release_frozen`: on `release`, or when dropped unreleased."""
        self._shared = False
        """Whether the rows as loaded have their values shared (see `_Sharer`)."""
        self.written: set[tuple[str, str]] = set()
        """(table, row id) of rows written since the load (`RowTable.put_row`) into shared tables: not
        shared yet. (Unshared tables are shared whole at the flush: nothing to note, e.g. in a rebuild.)"""
        self.as_on_disk = False
        """Whether the cache file holds every table but `_meta` as it is now (format 2, shared): then
        `flush` writes `_meta` alone (`meta_path`). `_meta` is modified in place, never by `write`."""
        self._file_id = b""
        """The nonce of the cache file loaded or last written (names it in the `_meta` file)."""

    @property
    def meta_path(self) -> Path:
        """The small sealed file holding `_meta` when only it changed since the cache file was written."""
        return self.path.with_suffix(".meta")

    def load(self) -> bool:
        """Read the sealed file if there is one; False when absent or unreadable (then rebuild)."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return False
        magic = next((m for m in (_MAGIC, _MAGIC_JSON) if data.startswith(m)), None)
        if magic is None:
            return False
        file_id = data[len(magic) : len(magic) + NONCE_SIZE]
        try:
            with memoryview(data) as view:  # AES-GCM reads views: no copy of the whole file (peak memory)
                plain = open_sealed(self._key, view[len(magic) :], magic + self._aad)  # type: ignore[arg-type]
            meta = self._load_meta(file_id) if magic == _MAGIC else None
        except IntegrityError:
            return False
        del data
        try:
            if magic == _MAGIC:
                document = parse_frozen(plain, _load_pickle)
                self._tables, self._shared = document["tables"], bool(document.get("shared"))
                if meta is not None:
                    self._tables[META_TABLE] = meta
                self.as_on_disk, self._file_id = self._shared, file_id
            else:
                self._tables, self._shared = parse_frozen(plain), False
        except (pickle.UnpicklingError, ValueError, EOFError):  # sealed by us, yet unreadable: rebuild
            return False  # (`parse_frozen` froze nothing: it raised before)
        self._thaw = weakref.finalize(self, release_frozen)
        return True

    def _load_meta(self, file_id: bytes) -> dict[str, Any] | None:
        """`_meta` from the `_meta` file when it completes the cache file `file_id`, else None;
        `IntegrityError` when it names that file yet does not verify (tampered with)."""
        try:
            data = self.meta_path.read_bytes()
        except FileNotFoundError:
            return None
        head = _MAGIC_META + file_id
        if not data.startswith(head):
            return None  # another cache file's (stale), or not ours: the rows' own `_meta` is used
        plain = open_sealed(self._key, data[len(head) :], head + self._aad)
        try:
            meta = _DataUnpickler(io.BytesIO(plain)).load()
        except (pickle.UnpicklingError, ValueError, EOFError) as exc:
            raise IntegrityError("unreadable cache meta") from exc
        if not isinstance(meta, dict):
            raise IntegrityError("not a cache meta document")
        return meta

    def adopt_json(self, plain: bytes) -> Any:
        """Take a JSON document (a snapshot's tables) as this storage's, parsed as a loaded cache is."""
        document = parse_frozen(plain, loads_lean)  # a snapshot: tens of MB
        self.release()
        self._thaw = weakref.finalize(self, release_frozen)
        self.write(document)
        return document

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
        if data is not self._tables:
            self._shared = False  # other tables altogether: none of their rows is shared yet
        self._tables = data
        self.dirty = True
        self.as_on_disk = False

    def note_written(self, table: str, row_id: str) -> None:
        if self._shared:
            self.written.add((table, row_id))

    def flush(self, share: bool = True) -> None:
        """Seal and atomically replace the cache file; with `share`, the rows written since the load
        (every row, when those loaded were not shared) are written with their values shared. When
        the file holds every row as it is (`as_on_disk`), `_meta` alone is written (`meta_path`)."""
        if self._tables is None:
            return
        if self.as_on_disk:
            head = _MAGIC_META + self._file_id
            plain = pickle.dumps(self._tables.get(META_TABLE, {}), protocol=pickle.HIGHEST_PROTOCOL)
            write_atomic(self.meta_path, head + seal(self._key, plain, head + self._aad))
            self.dirty = False
            return
        if share:
            tables, shared = self._shared_tables(), True
        else:
            tables, shared = self._tables, self._shared and not self.written
        plain = pickle.dumps({"tables": tables, "shared": shared}, protocol=pickle.HIGHEST_PROTOCOL)
        sealed = seal(self._key, plain, _MAGIC + self._aad)
        write_atomic(self.path, _MAGIC + sealed)
        self.meta_path.unlink(missing_ok=True)  # completed an older file (left behind: named stale)
        self.dirty = False
        self._shared = shared
        self.written = set()
        self.as_on_disk, self._file_id = shared, sealed[:NONCE_SIZE]

    def _shared_tables(self) -> dict[str, dict[str, Any]]:
        """The tables to seal: rows not shared yet replaced by shared copies (the live rows stay)."""
        assert self._tables is not None
        sharer = _Sharer()
        tables: dict[str, dict[str, Any]] = {}
        for name, rows in self._tables.items():
            if name == META_TABLE:
                tables[name] = rows  # modified in place (`LocalCache.mark_chunk`): never shared
            elif not self._shared:
                tables[name] = {row_id: sharer.row(doc) for row_id, doc in rows.items()}
            else:
                fresh = [row_id for table, row_id in self.written if table == name and row_id in rows]
                tables[name] = {**rows, **{row_id: sharer.row(rows[row_id]) for row_id in fresh}}
        return tables

    def close(self) -> None:
        """Closing does not flush: the owner decides when (see `LocalCache.flush`)."""


class RowTable(Table):
    """A TinyDB table keyed by record id, updated in place."""

    document_id_class = str  # type: ignore[assignment]  # TinyDB's annotation says int; any hashable works

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
        if isinstance(self._storage, EncryptedMemoryStorage):
            self._storage.note_written(self.name, row_id)


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
    names = SENSITIVE.get(op.table)
    sensitive = [name for name in op.set if name in names] if names else []
    if current is None and not sensitive:
        table.put_row(op.row, {**op.set, CLOCK: clock})
        return True
    doc: dict[str, Any] = dict(current) if current is not None else {CLOCK: clock}
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
        self._applied: dict[str, set[int]] = {}
        self.generation = 0
        """Counts merges that changed something; readers rebuild their indices when it moves."""

    @property
    def meta(self) -> dict[str, Any]:
        tables = self.storage.read()
        if tables is None:
            tables = {}
            self.storage.write(tables)
        return tables.setdefault(META_TABLE, {}).setdefault("state", {"chunks": {}, "outbox_upto": 0})

    def start_from(self, plain: bytes) -> Any:
        """Start from a JSON document of tables (a snapshot's), forgetting what this cache held."""
        self._applied = {}
        self.generation += 1
        return self.storage.adopt_json(plain)

    def chunk_applied(self, device: str, seq: int) -> bool:
        applied = self._applied.get(device)
        if applied is None:  # a set beside the stored list: packs ask for thousands of numbers
            applied = self._applied[device] = set(self.meta["chunks"].get(device, ()))
        return seq in applied

    def mark_chunk(self, device: str, seq: int) -> None:
        if self.chunk_applied(device, seq):
            return
        self.meta["chunks"].setdefault(device, []).append(seq)
        self._applied[device].add(seq)
        self.storage.dirty = True

    def apply(self, ops: list[Op]) -> int:
        """Merge ops; returns how many changed something."""
        changed = sum(apply_op(self.db, op) for op in ops)
        if changed:
            self.generation += 1
        return changed

    def flush(self) -> None:
        """Seal the cache if it changed. After a rebuild its values are shared at the next session's
        flush instead, not on top of the rebuild a new PC waits for."""
        if self.storage.dirty:
            self.storage.flush(share=not self.rebuilt)

    def close(self) -> None:
        """Done with this cache (no flush; see `flush`); its rows stay readable."""
        self.storage.release()
