"""An unlocked vault on this PC: write ops durably, publish them, ingest everyone's chunks.

A `VaultSession` owns one device slot and is the only writer of its state: the outbox, the cache, its
op and chunk numbering and this device's access-log chain. Writes go to the outbox (fsync) and then
into the cache; `publish` turns the outbox into a write-once chunk in the shared folder; `ingest` reads
chunks not yet applied, skipping (never deleting) any that fail verification, and reports them.

The modules that work beside it act through its methods and read-only properties, never by setting
its fields: `sync` merges what it read (`merge_from_share`, `record_chunks`, `record_copy`,
`record_ingest`); `packs` and `snapshots` see only small protocols of it (`packs.Packer`,
`snapshots.SnapshotSource`); account administration (`accounts.py`: create a vault, unlock, users
and roles) hands it the keys and role it found, and a new key epoch through `adopt_epoch`.

The terminal UI calls a session from more than one thread (the idle lock's passphrase check writes
access-log events in a worker while the app's thread publishes and merges a sync round), so every
method that changes the outbox, the numbering or the cache holds the session's one lock (`_serialised`).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Concatenate, ParamSpec, TypeVar

from chandong_tui.vault import audit as chain
from chandong_tui.vault import continuity, legacy, snapshots
from chandong_tui.vault.atomic import TEMP_PREFIX, write_atomic
from chandong_tui.vault.cache import LocalCache, RowTable, field_clock
from chandong_tui.vault.chunks import ChunkHeader, file_digest, read_header, write_chunk
from chandong_tui.vault.errors import AuthError, IntegrityError
from chandong_tui.vault.folder import VaultInfo
from chandong_tui.vault.hlc import HybridClock, Stamp
from chandong_tui.vault.keyring import ADMIN_ROLE, Identity, load_keyring, unwrap_grant, user_hash
from chandong_tui.vault.local_state import DeviceSlot, local_dir
from chandong_tui.vault.merge import SENSITIVE, SUPERSEDES, supersedes
from chandong_tui.vault.ops import Op, encode_ops
from chandong_tui.vault.outbox import Outbox
from chandong_tui.vault.packs import pack_own
from chandong_tui.vault.stored import op_files
from chandong_tui.vault.sync import (
    CloneDetected,
    IngestReport,
    Problem,
    ShareRefused,
    apply_collected,
    check_share,
    collect,
)
from chandong_tui.vault.writers import DeviceKey, Writers, device_key

Change = tuple[str, str, dict[str, Any]]
"""(table, row id, fields to set)."""


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _serialised(
    method: Callable[Concatenate[VaultSession, _P], _R],
) -> Callable[Concatenate[VaultSession, _P], _R]:
    """Run `method` holding the session's lock (re-entrant: `close` publishes, `audit` writes)."""

    @functools.wraps(method)
    def locked(self: VaultSession, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._lock:
            return method(self, *args, **kwargs)

    return locked


class VaultSession:
    """One user's unlocked view of a vault on this PC (opened by `accounts.unlock`)."""

    def __init__(
        self, info: VaultInfo, identity: Identity, role: str, keys: dict[int, bytes], slot: DeviceSlot
    ) -> None:
        self._lock = threading.RLock()
        self._info = info
        self._identity = identity
        self._role = role
        self._keys = keys
        self._epoch = max(keys)
        self._slot = slot
        self._device = slot.device
        self.clock = HybridClock(self._device)
        self._device_key = device_key(slot.folder, info.vault_id, self._device, identity)
        # The cache key is of this PC and user (sealed to the user's identity in the slot), never a vault
        # key: a copy of the state folder reads nothing, and a new epoch does not rebuild the cache.
        self.cache = LocalCache(slot.cache_path, self._device_key.cache_key, info.vault_id, self._device)
        self.outbox = Outbox(slot.outbox_dir, info.vault_id, self._device, keys.get)
        self._problems: list[Problem] = []
        self._publishing_stopped = ""
        self.bootstrapped_from = self._start_from_snapshot() if self.cache.rebuilt else ""
        """The snapshot a new PC started from (empty when it had its cache, or found none)."""
        scan = self.outbox.scan()
        self._problems.extend(
            Problem(f"(local outbox) {name}", "torn tail after a crash; unsaved end ignored")
            for name in scan.torn
        )
        self._sweep_own_temp_files()
        self._own_link = ""
        """The link of this device's last chunk: the next one names it (`continuity.py`)."""
        self._published_upto, self._chunk_seq = self._own_chunk_marks()
        self._pending: list[str] = []
        self._last_ingest = IngestReport()
        self._written_mark = 0
        self._check_own_mark()
        self._unpublished: list[Op] = [op for op in scan.ops if _seq_of(op) > self._published_upto]
        self.carried_over = len(self._unpublished)
        """Saves an earlier session on this PC left unpublished (found in the outbox at unlock)."""
        self._op_seq = max(scan.last_seq, self._published_upto, int(self.cache.meta.get("op_seq", 0)))
        hlc = self.cache.meta.get("hlc")
        if hlc:
            self.clock.observe(Stamp.decode(hlc))
        self._audit_head = self._find_audit_head()
        """(seq, mac) of this device's last access-log event. Merging moves it on when this device's
        own events come in again (`_merge`): from the outbox, or from chunks published after the
        cache was last written (a crash between publishing and `flush`), so that the next event
        never reuses a number."""
        self._apply(scan.ops)
        self.log_edits = True
        """Whether saves of records add an `edit` event to the access log (in the same batch)."""
        self._closed = False

    # -- who and where ---------------------------------------------------------------------
    @property
    def info(self) -> VaultInfo:
        """The vault (its marker: id, dong, folder)."""
        return self._info

    @property
    def identity(self) -> Identity:
        """The unlocked user's key pairs."""
        return self._identity

    @property
    def role(self) -> str:
        """The user's role, as granted at unlock."""
        return self._role

    @property
    def slot(self) -> DeviceSlot:
        """This PC's locked device slot (outbox and cache)."""
        return self._slot

    @property
    def device(self) -> str:
        """This PC's device id: the only writer of `devices/<device>/` and of its access-log chain."""
        return self._device

    @property
    def device_key(self) -> DeviceKey:
        """This PC's signing key for this user in this slot, and its certificate (`writers.py`)."""
        return self._device_key

    def writers(self) -> Writers:
        """Who may have written the share's files, as the keyring and `LEGACY.json` say now (file work
        only: `sync.collect` runs it in a thread). A manifest that is forged, or gone since this PC saw
        it, takes no unsigned file; it and forged lists of departures are in `Writers.problems`."""
        info = self.info
        keyring = load_keyring(info.root, info.vault_id, info.root_sign_pub)
        problems = []
        try:
            manifest = legacy.load_manifest(info, keyring)
        except IntegrityError as exc:
            problems.append((legacy.MANIFEST, f"{exc}; unsigned files refused"))
            manifest = frozenset()
        departed, forged = legacy.load_departures(info, keyring)
        problems += [(path, "not signed by an admin of this vault (forged); ignored") for path in forged]
        return Writers(info.vault_id, keyring, manifest, departed, problems)

    @property
    def keys(self) -> Mapping[int, bytes]:
        """The vault key of every epoch this user holds (read-only; see `refresh_keys`, `adopt_epoch`)."""
        return MappingProxyType(self._keys)

    @property
    def epoch(self) -> int:
        """The key epoch this session writes in (the newest it holds)."""
        return self._epoch

    @property
    def pending(self) -> list[str]:
        """Chunks seen incomplete by the last ingest (probably still being copied; retried)."""
        return self._pending

    @property
    def last_ingest(self) -> IngestReport:
        """What the last ingest took in (at unlock, then each sync round)."""
        return self._last_ingest

    @property
    def publishing_stopped(self) -> str:
        """Why this session publishes nothing (a cloned PC), or empty."""
        return self._publishing_stopped

    @property
    def problems(self) -> list[Problem]:
        """Files of the share (and of this PC's outbox) that could not be used, and why (others add to
        them through `note_problems`)."""
        return self._problems

    @property
    def closed(self) -> bool:
        """Whether `close` has run (the slot is free; rows stay readable)."""
        return self._closed

    # -- reading ---------------------------------------------------------------------------
    @property
    def user_id(self) -> str:
        return self.identity.user_id

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN_ROLE

    def table(self, name: str) -> RowTable:
        """The cache table of one record kind (rows are raw documents; see `cache.visible`)."""
        return self.cache.db.table(name)

    @property
    def unpublished(self) -> int:
        return len(self._unpublished)

    @property
    def unpublished_ops(self) -> tuple[Op, ...]:
        """This PC's saves not yet in the shared folder, oldest first."""
        return tuple(self._unpublished)

    @property
    def local_dir(self) -> Path:
        """This PC's state folder for the vault (never shared)."""
        return local_dir(self.info.vault_id)

    # -- access log ------------------------------------------------------------------------
    def _find_audit_head(self) -> tuple[int, str]:
        """(seq, mac) of this device's last access-log event."""
        seq, mac = self.audit_heads.get(self.device, (0, ""))
        return int(seq), str(mac)

    @property
    def audit_heads(self) -> dict[str, tuple[int, str]]:
        """The last event (seq, mac) of every device's access-log chain merged on this PC so far."""
        raw = self.cache.meta.get("audit_heads") or {}
        return {dev: (int(head[0]), str(head[1])) for dev, head in raw.items()}

    def _merge(self, ops: list[Op], own_chain: bool = True) -> int:
        """Merge ops into the cache (local saves, or ops read from the share, their clocks observed);
        how many changed something. Access-log events are not cached (they stay in the chunks, where
        `casework.audit` reads them): only each chain's head is kept. This device's own head moves only
        with `own_chain` (its outbox, or a file of its folder it published): never from a file another
        PC put there."""
        records = [op for op in ops if op.table != chain.AUDIT_LOG]
        changed = self.cache.apply(records) if records else 0
        if ops:
            self.cache.meta["ops_total"] = snapshots.ops_total(self.cache) + len(ops)
        if len(records) < len(ops):
            heads = self.cache.meta.setdefault("audit_heads", {})
            for op in ops:
                if op.table != chain.AUDIT_LOG:
                    continue
                dev, seq = op.set.get("dev"), op.set.get("seq")
                if dev == self.device and not own_chain:
                    continue
                if isinstance(dev, str) and isinstance(seq, int) and seq > heads.get(dev, (0, ""))[0]:
                    heads[dev] = [seq, str(op.set.get("mac", ""))]
            own = heads.get(self.device)
            if own and own[0] > self._audit_head[0]:
                self._audit_head = (int(own[0]), str(own[1]))
            self.cache.storage.dirty = True
        return changed

    def _next_event(
        self,
        action: str,
        target: str = "",
        detail: dict[str, Any] | None = None,
        actor: str | None = None,
        at: str | None = None,
    ) -> Change:
        """The next event of this device's chain. Its actor is its signer, this session's user: a login
        someone else claimed (a failed unlock seen before this one) goes into `detail["claimed"]`."""
        seq, prev = self._audit_head
        if actor is not None and actor != self.user_id:
            detail = {**(detail or {}), "claimed": actor}
        event = chain.seal_event(
            key=chain.chain_key(self._keys[self._epoch], self.info.vault_id, self.device),
            signer=self.identity,
            device=self.device,
            seq=seq + 1,
            prev=prev,
            epoch=self.epoch,
            action=action,
            actor=self.user_id,
            target=target,
            detail=detail,
            at=at,
        )
        self._audit_head = (seq + 1, event["mac"])
        return (chain.AUDIT_LOG, chain.row_id(self.device, seq + 1), event)

    @_serialised
    def audit(
        self,
        action: str,
        target: str = "",
        detail: dict[str, Any] | None = None,
        *,
        actor: str | None = None,
        at: str | None = None,
    ) -> str:
        """Append one event to this device's access-log chain, durably; returns its id."""
        head = self._audit_head
        change = self._next_event(action, target, detail, actor, at)
        try:
            self._write_ops([change])
        except BaseException:
            self._audit_head = head
            raise
        return change[1]

    # -- writing ---------------------------------------------------------------------------
    def write(self, table: str, row: str, fields: dict[str, Any]) -> Op:
        """Durably record one change; when this returns, it survives a crash."""
        return self.write_batch([(table, row, fields)])[0]

    @_serialised
    def write_batch(self, changes: Iterable[Change]) -> list[Op]:
        """Durably record several changes at once: all survive a crash, or none (one fsync).

        The batch carries its own access-log `edit` event (which rows of which kinds changed)."""
        batch = list(changes)
        if not batch:
            return []
        head, asked = self._audit_head, len(batch)
        if self.log_edits and any(table != chain.AUDIT_LOG for table, _, _ in batch):
            batch.append(self._next_event(chain.EDIT, detail=_edit_detail(batch)))
        try:
            return self._write_ops(batch)[:asked]
        except BaseException:
            self._audit_head = head
            raise

    def _write_ops(self, changes: list[Change]) -> list[Op]:
        ops = []
        for table, row, fields in changes:
            self._op_seq += 1
            ops.append(
                Op(
                    id=f"{self._device}.{self._op_seq}",
                    hlc=self.clock.tick(),
                    actor=self.user_id,
                    table=table,
                    row=row,
                    set=fields,
                    base=self._base_of(table, row, fields),
                    meta=self._meta_of(table, row, fields),
                )
            )
        if not ops:
            return ops
        try:
            self.outbox.append(ops, self.epoch)
        except BaseException:
            self._op_seq -= len(ops)
            raise
        self._unpublished.extend(ops)
        self._apply(ops)
        return ops

    def _base_of(self, table: str, row: str, fields: dict[str, Any]) -> Stamp | None:
        """The newest stamp among the fields this change overwrites (None for a new row)."""
        doc = self.table(table).get_row(row)
        clocks = [field_clock(doc, name) for name in fields if name in doc] if doc else []
        return Stamp(*max(clocks)[:3]) if clocks else None

    def _meta_of(self, table: str, row: str, fields: dict[str, Any]) -> dict[str, Any]:
        """For sensitive fields: the live writes this change supersedes (see `merge.py`)."""
        if table not in SENSITIVE:
            return {}
        sup = supersedes(table, self.table(table).get_row(row), fields)
        return {SUPERSEDES: sup} if sup else {}

    def _apply(self, ops: list[Op]) -> int:
        for op in ops:
            self.clock.observe(op.hlc)
        return self._merge(ops)

    # -- sharing ---------------------------------------------------------------------------
    def _own_folder(self) -> Path:
        return self.info.devices / self.device

    def _sweep_own_temp_files(self) -> None:
        """Remove temp files a killed publish left in our own folder (we are its only writer)."""
        folder = self._own_folder()
        for path in folder.glob(f"{TEMP_PREFIX}*") if folder.is_dir() else []:
            path.unlink(missing_ok=True)

    def _own_chunk_marks(self) -> tuple[int, int]:
        """(last op seq published, last chunk seq) from this device's folder in the vault (chunks and
        packs), and the link the next chunk names (`_own_link`).

        Our own files are written atomically; a damaged one was tampered with: it is reported and
        the newest readable header gives the op numbering instead. When the slot remembers a later
        chunk than the folder holds (`continuity.own_head`: the newest deleted), numbering goes on
        after it, never reusing a number published (readers report the gap).
        """
        files = sorted(op_files(self.info.devices, self.device), key=lambda f: f[1].seq)
        last_chunk = files[-1][1].seq if files else 0
        remembered = continuity.own_head(self.slot.folder)
        if remembered[0] >= last_chunk:
            self._own_link = remembered[1]
        last_op = remembered[2] if remembered[0] > last_chunk else 0
        for path, entry in reversed(files):
            try:
                data = path.read_bytes()
                header, _ = read_header(data)
                if header.seq != entry.seq:
                    raise IntegrityError("chunk is not where it was written (renamed, moved or replayed)")
                if remembered[0] < last_chunk and entry.seq == last_chunk:
                    self._own_link = header.head or file_digest(data)
                return max(header.last_op, last_op), max(last_chunk, remembered[0])
            except (OSError, IntegrityError) as exc:
                self._problems.append(Problem(str(path.relative_to(self.info.root)), str(exc)))
        return last_op, max(last_chunk, remembered[0])

    def refresh_keys(self) -> None:
        """Take up key epochs started since unlock (a user removed meanwhile), so that nothing is
        published in an epoch a removed user can read; `AuthError` if this login was removed."""
        info = self.info
        keyring = load_keyring(info.root, info.vault_id, info.root_sign_pub)
        uhash = user_hash(info.vault_id, self.user_id)
        if not keyring.active(uhash):
            raise AuthError("this login has been removed from the vault")
        for grant in keyring.for_user(uhash):
            if grant.epoch not in self._keys and self.identity.box_for(grant.box_pub):
                self._keys[grant.epoch] = unwrap_grant(grant, self.identity, info.vault_id)
        self._epoch = max(self._keys)

    def adopt_epoch(self, epoch: int, key: bytes) -> None:
        """Write in a key epoch this session's admin has just started (`accounts.remove_user`), at once:
        the grants are in the keyring, and what follows must not be readable by the removed user."""
        self._keys[epoch] = key
        self._epoch = epoch

    @_serialised
    def publish(self) -> int:
        """Write the unpublished ops as one chunk in this device's folder (in the newest key epoch,
        re-read from the keyring first); returns how many. `OSError` when the share is unreachable,
        `ShareRefused` when it does not look like the vault, `CloneDetected` when another PC writes as us.

        Saves made while a chunk is being written stay for the next one. Once written, this PC's
        chunks are packed when there are many (`fold_own_chunks`)."""
        if not self._unpublished:
            return 0
        if self.publishing_stopped:
            raise CloneDetected(self.publishing_stopped)
        check_share(self)  # never create `devices/` in an empty or unmounted folder
        self.refresh_keys()
        ops = list(self._unpublished)
        header = ChunkHeader(
            vault=self.info.vault_id,
            device=self.device,
            seq=self._chunk_seq + 1,
            kind="ops",
            epoch=self.epoch,
            first_op=_seq_of(ops[0]),
            last_op=_seq_of(ops[-1]),
            prev=self._own_link,
        )
        write_atomic(self._mark_path, str(header.seq).encode())
        self._written_mark = header.seq
        try:
            path = write_chunk(
                self._own_folder(), header, encode_ops(ops), self._keys[self._epoch], signer=self._device_key
            )
        except FileExistsError:
            self.stop_publishing(
                f"chunk {header.seq} of this PC's folder already exists: another PC writes with the same "
                "device id (a copied PC or state folder?); publishing stopped, saves stay in the outbox"
            )
            raise CloneDetected(self.publishing_stopped) from None
        self._chunk_seq = header.seq
        self._own_link = file_digest(path.read_bytes())
        continuity.remember_own(self.slot.folder, header.seq, self._own_link, header.last_op)
        self.record_link(self.device, header.seq, self._own_link)
        self._published_upto = header.last_op
        self.cache.mark_chunk(self.device, header.seq)
        del self._unpublished[: len(ops)]
        self.outbox.prune(self._published_upto)
        self.fold_own_chunks()
        return len(ops)

    def ingest(self) -> IngestReport:
        """Apply every verified chunk not applied yet; report (and keep) the rest (see `sync.py`).

        The cyclic garbage collector is paused meanwhile: a new PC's first ingest creates a great many
        objects, and each collection they trigger walks every one created so far."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            return apply_collected(self, collect(self))
        finally:
            if enabled:
                gc.enable()

    # -- what `sync` does with what it read ---------------------------------------------------
    def chunk_applied(self, device: str, seq: int) -> bool:
        """Whether chunk `seq` of `device` has been merged here."""
        return self.cache.chunk_applied(device, seq)

    @property
    def applied_chunks(self) -> int:
        """How many chunks (of every device) have been merged here."""
        return sum(len(seqs) for seqs in self.cache.meta.get("chunks", {}).values())

    def copy_digest(self, path: str) -> str:
        """The hash of the conflict copy at `path` when it was taken in, or empty."""
        return str(self.cache.meta.get("copies", {}).get(path, ""))

    @_serialised
    def merge_from_share(self, ops: list[Op], own_chain: bool = False) -> tuple[int, int]:
        """Merge ops read from the shared folder, their clocks observed; (how many changed something,
        how many are stamped too far in the future to move this PC's clock). `own_chain`: a file this
        PC published (its access-log events may move this device's head; see `_merge`)."""
        far_future = sum(not self.clock.observe(op.hlc) for op in ops)
        return self._merge(ops, own_chain), far_future

    @property
    def links(self) -> dict[str, tuple[int, str]]:
        """Per device, the newest chunk merged here and its link (what a snapshot says it covers)."""
        raw = self.cache.meta.get("links") or {}
        return {dev: (int(head[0]), str(head[1])) for dev, head in raw.items()}

    @_serialised
    def record_link(self, device: str, seq: int, link: str) -> None:
        """Note the link of a device's chunk merged here, when it is the newest of that device."""
        links = self.cache.meta.setdefault("links", {})
        if seq > int(links.get(device, (0, ""))[0]):
            links[device] = [seq, link]
            self.cache.storage.dirty = True

    @_serialised
    def record_chunks(self, device: str, seqs: Iterable[int]) -> None:
        """Note chunks of `device` as merged (after their ops were)."""
        for seq in seqs:
            self.cache.mark_chunk(device, seq)

    @_serialised
    def record_copy(self, path: str, digest: str) -> None:
        """Note a conflict copy as taken in, byte for byte (after its ops were merged)."""
        self.cache.meta.setdefault("copies", {})[path] = digest
        self.cache.storage.dirty = True

    @_serialised
    def record_ingest(self, report: IngestReport) -> None:
        """Keep what an ingest round found: its problems (each once), its pending chunks, the report."""
        self.note_problems(report.problems)
        self._pending = report.pending
        self._last_ingest = report

    # -- what `snapshots` reads -------------------------------------------------------------
    @property
    def ops_merged(self) -> int:
        """How many ops the records here were merged from (counting those of a snapshot started from)."""
        return snapshots.ops_total(self.cache)

    def merged_tables(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Shallow copies of the cache's tables and of its bookkeeping (`cache.meta`: applied chunks,
        access-log heads, …), for a snapshot; the rows in them are the cache's own, not to be modified."""
        return dict(self.cache.storage.read() or {}), dict(self.cache.meta)

    def stamp(self) -> Stamp:
        """A clock stamp later than every op merged here (this PC's clock moves on)."""
        return self.clock.tick()

    def _start_from_snapshot(self) -> str:
        """Fill an empty cache from the newest snapshot that verifies; its name, or empty."""
        writers = self.writers()
        path, failed = snapshots.load_newest(self.info, self._keys.get, self.cache, writers)
        self.note_problems(Problem(name, reason) for name, reason in writers.problems + failed)
        hlc = self.cache.meta.get("hlc") if path else None
        if hlc:
            self.clock.observe(Stamp.decode(hlc))
        return path

    def fold_own_chunks(self) -> None:
        """Pack this PC's chunks when there are many (`packs.py`); a failure only waits for next time."""
        if self.publishing_stopped:
            return
        try:
            report = pack_own(self)
        except OSError:  # the share hiccuped: the chunks stay, packing is tried again next time
            return
        except IntegrityError as exc:  # the pack did not read back: the chunks stay, and it is said
            self.note_problems([Problem(f"devices/{self.device}", f"packing skipped: {exc}")])
            return
        self.note_problems(Problem(f"devices/{self.device}", text) for text in report.problems)

    def note_problems(self, problems: Iterable[Problem]) -> None:
        """Keep problems found in the share, each once however many rounds see it."""
        self._problems.extend(p for p in problems if p not in self._problems)

    @property
    def written_mark(self) -> int:
        """The newest chunk number this PC wrote into its folder, as its state folder says (a file of
        its folder beyond it was put there by another PC)."""
        return self._written_mark

    @property
    def own_chunk_seq(self) -> int:
        """The sequence number of the last chunk this PC wrote into its folder."""
        return self._chunk_seq

    def stop_publishing(self, reason: str) -> None:
        """Publish nothing more in this session (saves stay durable in the outbox)."""
        if not self._publishing_stopped:
            self._publishing_stopped = reason
            self.note_problems([Problem(f"devices/{self.device}", reason)])

    # -- this PC's own chunk numbering -----------------------------------------------------
    @property
    def _mark_path(self) -> Path:
        return self.slot.folder / "published"

    def _check_own_mark(self) -> None:
        """Compare the folder's newest own chunk with the number this PC last wrote (kept in its state
        folder, written before each chunk): a newer one was written by another PC with our id."""
        try:
            mark = int(self._mark_path.read_text())
        except (OSError, ValueError):
            write_atomic(self._mark_path, str(self._chunk_seq).encode())  # first time on this PC
            self._written_mark = self._chunk_seq
            return
        self._written_mark = mark
        if self._chunk_seq > mark:
            self.stop_publishing(
                f"chunk {self._chunk_seq} in this PC's folder was written by another PC with the same "
                "device id (a copied PC or state folder?); publishing stopped, saves stay in the outbox"
            )

    @_serialised
    def flush(self) -> None:
        """Seal the cache to disk (the outbox already holds every save): only its `_meta` when no row
        changed since the cache file was written (a session without saves: see `cache.py`)."""
        self.cache.meta["hlc"] = self.clock.tick().encode()
        self.cache.meta["op_seq"] = self._op_seq
        self.cache.storage.dirty = True
        self.cache.flush()

    @_serialised
    def close(self, publish: bool = True) -> None:
        """Publish what is pending (if the share is reachable), seal the cache, free the slot."""
        if self._closed:
            return
        try:
            if publish:
                try:
                    self.publish()
                except OSError as exc:  # share offline: the outbox keeps everything for next time
                    self._problems.append(Problem("devices", f"could not publish ({exc.strerror})"))
                except AuthError as exc:  # removed meanwhile: what was not published stays here
                    self._problems.append(Problem("keyring", str(exc)))
                except (CloneDetected, ShareRefused) as exc:  # kept in the outbox for a later session
                    self.note_problems([Problem("devices", str(exc))])
                else:
                    with contextlib.suppress(OSError):
                        snapshots.maybe_write(self)
            self.flush()
        finally:
            self.outbox.close()
            self.cache.close()
            self.slot.release()
            self._closed = True

    def __enter__(self) -> VaultSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _seq_of(op: Op) -> int:
    return int(op.id.rsplit(".", 1)[1])


_EDIT_IDS = 20
"""Row ids named per kind in an `edit` event (a bulk import names the first ones and counts the rest)."""


def _edit_detail(changes: list[Change]) -> dict[str, Any]:
    rows: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for table, row, _fields in changes:
        if table == chain.AUDIT_LOG:
            continue
        counts[table] = counts.get(table, 0) + 1
        ids = rows.setdefault(table, [])
        if len(ids) < _EDIT_IDS:
            ids.append(row)
    return {"rows": rows, "counts": counts}
