"""An unlocked vault on this PC: write ops durably, publish them, ingest everyone's chunks.

`create_vault` makes a new vault and its first (admin) user; `unlock` opens one. A `VaultSession`
owns one device slot. Writes go to the outbox (fsync) and then into the cache; `publish` turns the
outbox into a write-once chunk in the shared folder; `ingest` reads chunks not yet applied, skipping
(never deleting) any that fail verification, and reports them.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from chandong_tui.vault import audit as chain
from chandong_tui.vault import snapshots
from chandong_tui.vault.atomic import TEMP_PREFIX, write_atomic
from chandong_tui.vault.cache import LocalCache, RowTable, field_clock
from chandong_tui.vault.chunks import (
    ChunkHeader,
    read_header,
    write_chunk,
)
from chandong_tui.vault.crypto import random_key
from chandong_tui.vault.errors import AuthError, BadInput, IntegrityError
from chandong_tui.vault.folder import VaultInfo, create_marker, read_marker
from chandong_tui.vault.hlc import HybridClock, Stamp
from chandong_tui.vault.keyring import (
    ADMIN_ROLE,
    KEYRING_DIR,
    LOCK_MINUTES,
    Identity,
    Keyring,
    LockedOut,
    PassphraseChangeRequired,
    latest_user_doc,
    latest_user_file,
    load_keyring,
    lock_state,
    lockout_folders,
    passphrase_problem,
    record_clear,
    record_failure,
    unlock_identity,
    unwrap_grant,
    user_hash,
    write_grant,
    write_user_file,
)
from chandong_tui.vault.local_state import DeviceSlot, check_pin, remember_vault, state_home, take_slot
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

Change = tuple[str, str, dict[str, Any]]
"""(table, row id, fields to set)."""


class VaultSession:
    """One user's unlocked view of a vault on this PC."""

    def __init__(
        self, info: VaultInfo, identity: Identity, role: str, keys: dict[int, bytes], slot: DeviceSlot
    ) -> None:
        self.info = info
        self.identity = identity
        self.role = role
        self.keys = keys
        self.epoch = max(keys)
        self.slot = slot
        self.device = slot.device
        self.clock = HybridClock(self.device)
        # The cache key comes from the oldest epoch's key the user holds (1 for every member): a new
        # epoch (a user removed) does not make every PC rebuild its cache.
        self.cache = LocalCache(slot.cache_path, keys[min(keys)], info.vault_id, self.device)
        self.outbox = Outbox(slot.outbox_dir, info.vault_id, self.device, keys.get)
        self.problems: list[Problem] = []
        self.bootstrapped_from = self._start_from_snapshot() if self.cache.rebuilt else ""
        """The snapshot a new PC started from (empty when it had its cache, or found none)."""
        scan = self.outbox.scan()
        self.problems.extend(
            Problem(f"(local outbox) {name}", "torn tail after a crash; unsaved end ignored")
            for name in scan.torn
        )
        self._sweep_own_temp_files()
        self._published_upto, self._chunk_seq = self._own_chunk_marks()
        self.pending: list[str] = []
        """Chunks seen incomplete by the last ingest (probably still being copied; retried)."""
        self.last_ingest = IngestReport()
        """What the last ingest took in (at unlock, then each sync round)."""
        self.publishing_stopped = ""
        """Why this session publishes nothing (a cloned PC), or empty."""
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
        own events come in again (`merge_ops`): from the outbox, or from chunks published after the
        cache was last written (a crash between publishing and `flush`), so that the next event
        never reuses a number."""
        self._apply(scan.ops)
        self.log_edits = True
        """Whether saves of records add an `edit` event to the access log (in the same batch)."""
        self.closed = False

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

    def merge_ops(self, ops: list[Op]) -> int:
        """Merge ops into the cache (local saves, or ops read from the share, their clocks observed);
        how many changed something. Access-log events are not cached (they stay in the chunks, where
        `casework.audit` reads them): only each chain's head is kept."""
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
        seq, prev = self._audit_head
        event = chain.seal_event(
            key=chain.chain_key(self.keys[self.epoch], self.info.vault_id, self.device),
            signer=self.identity,
            device=self.device,
            seq=seq + 1,
            prev=prev,
            epoch=self.epoch,
            action=action,
            actor=actor or self.user_id,
            target=target,
            detail=detail,
            at=at,
        )
        self._audit_head = (seq + 1, event["mac"])
        return (chain.AUDIT_LOG, chain.row_id(self.device, seq + 1), event)

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
                    id=f"{self.device}.{self._op_seq}",
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
        return self.merge_ops(ops)

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
        packs).

        Our own files are written atomically; a damaged one was tampered with: it is reported and
        the newest readable header gives the op numbering instead.
        """
        files = sorted(op_files(self.info.devices, self.device), key=lambda f: f[1].seq)
        last_chunk = files[-1][1].seq if files else 0
        for path, entry in reversed(files):
            try:
                header, _ = read_header(path.read_bytes())
                if header.seq != entry.seq:
                    raise IntegrityError("chunk is not where it was written (renamed, moved or replayed)")
                return header.last_op, last_chunk
            except (OSError, IntegrityError) as exc:
                self.problems.append(Problem(str(path.relative_to(self.info.root)), str(exc)))
        return 0, last_chunk

    def refresh_keys(self) -> None:
        """Take up key epochs started since unlock (a user removed meanwhile), so that nothing is
        published in an epoch a removed user can read; `AuthError` if this login was removed."""
        info = self.info
        keyring = load_keyring(info.root, info.vault_id, info.root_sign_pub)
        uhash = user_hash(info.vault_id, self.user_id)
        if not keyring.active(uhash):
            raise AuthError("this login has been removed from the vault")
        for grant in keyring.for_user(uhash):
            if grant.epoch not in self.keys and grant.box_pub == self.identity.box_public:
                self.keys[grant.epoch] = unwrap_grant(grant, self.identity, info.vault_id)
        self.epoch = max(self.keys)

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
        )
        write_atomic(self._mark_path, str(header.seq).encode())
        try:
            write_chunk(self._own_folder(), header, encode_ops(ops), self.keys[self.epoch])
        except FileExistsError:
            self.stop_publishing(
                f"chunk {header.seq} of this PC's folder already exists: another PC writes with the same "
                "device id (a copied PC or state folder?); publishing stopped, saves stay in the outbox"
            )
            raise CloneDetected(self.publishing_stopped) from None
        self._chunk_seq = header.seq
        self._published_upto = header.last_op
        self.cache.mark_chunk(self.device, header.seq)
        del self._unpublished[: len(ops)]
        self.outbox.prune(self._published_upto)
        self.fold_own_chunks()
        return len(ops)

    def ingest(self) -> IngestReport:
        """Apply every verified chunk not applied yet; report (and keep) the rest (see `sync.py`).

        The cyclic garbage collector is paused meanwhile: a new PC's first ingest creates hundreds of
        thousands of objects, and collections triggered among them cost a third of the time."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            return apply_collected(self, collect(self))
        finally:
            if enabled:
                gc.enable()

    def _start_from_snapshot(self) -> str:
        """Fill an empty cache from the newest snapshot that verifies; its name, or empty."""
        path, failed = snapshots.load_newest(self.info, self.keys.get, self.cache)
        self.note_problems(Problem(name, reason) for name, reason in failed)
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
        self.problems.extend(p for p in problems if p not in self.problems)

    @property
    def own_chunk_seq(self) -> int:
        """The sequence number of the last chunk this PC wrote into its folder."""
        return self._chunk_seq

    def stop_publishing(self, reason: str) -> None:
        """Publish nothing more in this session (saves stay durable in the outbox)."""
        if not self.publishing_stopped:
            self.publishing_stopped = reason
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
            return
        if self._chunk_seq > mark:
            self.stop_publishing(
                f"chunk {self._chunk_seq} in this PC's folder was written by another PC with the same "
                "device id (a copied PC or state folder?); publishing stopped, saves stay in the outbox"
            )

    def flush(self) -> None:
        """Seal the cache to disk (the outbox already holds every save): only its `_meta` when no row
        changed since the cache file was written (a session without saves: see `cache.py`)."""
        self.cache.meta["hlc"] = self.clock.tick().encode()
        self.cache.meta["op_seq"] = self._op_seq
        self.cache.storage.dirty = True
        self.cache.flush()

    def close(self, publish: bool = True) -> None:
        """Publish what is pending (if the share is reachable), seal the cache, free the slot."""
        if self.closed:
            return
        try:
            if publish:
                try:
                    self.publish()
                except OSError as exc:  # share offline: the outbox keeps everything for next time
                    self.problems.append(Problem("devices", f"could not publish ({exc.strerror})"))
                except AuthError as exc:  # removed meanwhile: what was not published stays here
                    self.problems.append(Problem("keyring", str(exc)))
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
            self.closed = True

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


def local_dir(vault_id: str) -> Path:
    """This PC's state folder for one vault."""
    return state_home() / "vaults" / vault_id


def create_vault(root: Path, dong_code: str, user_id: str, passphrase: str) -> VaultSession:
    """A new vault whose first user (`user_id`) is its admin; returns that user's session."""
    identity = Identity.generate(user_id)
    info = create_marker(root, dong_code, identity.sign_public)
    write_user_file(root, info.vault_id, identity, passphrase, rev=1)
    write_grant(
        root,
        info.vault_id,
        identity,
        1,
        user_id,
        ADMIN_ROLE,
        identity.box_public,
        identity.sign_public,
        random_key(),
    )
    return unlock(root, user_id, passphrase)


LOCKED_MESSAGE = (
    f"too many failed unlocks: this login is locked for {LOCK_MINUTES} minutes after the last attempt "
    "(a supervisor can lift it with 'chandong user reset')"
)
WRONG_MESSAGE = "wrong user or passphrase"


def _now_ms() -> int:
    import time

    return time.time_ns() // 1_000_000


def unlock(root: Path, user_id: str, passphrase: str, *, new_passphrase: str | None = None) -> VaultSession:
    """Open the vault at `root` as `user_id`; `AuthError` without saying what was wrong.

    One Argon2id derivation. Failed unlocks are counted per login (`keyring.lock_state`): after
    `LOCK_AFTER` of them the login is locked (`LockedOut`), whether it exists or not. A one-time
    passphrase raises `PassphraseChangeRequired` unless `new_passphrase` is given; `new_passphrase`
    also changes an ordinary passphrase (checked by `passphrase_problem`).
    """
    info = read_marker(root)
    check_pin(info)
    keyring = load_keyring(root, info.vault_id, info.root_sign_pub)
    uhash = user_hash(info.vault_id, user_id)
    local = local_dir(info.vault_id)
    folders = lockout_folders(root, local, uhash)
    trusted = keyring.sign_keys(uhash) | keyring.admin_keys() | {info.root_sign_pub}
    now_ms = _now_ms()
    state = lock_state(folders, uhash, trusted, now_ms)
    if state.locked(now_ms):
        chain.add_pending(local, chain.LOGIN_FAILURE, user_id, {"locked": True})
        raise LockedOut(LOCKED_MESSAGE)
    try:
        identity = unlock_identity(root, info.vault_id, user_id, passphrase)
        grants = [g for g in keyring.for_user(uhash) if g.box_pub == identity.box_public]
        if not grants or not keyring.active(uhash):  # never granted, or removed
            raise AuthError(WRONG_MESSAGE)
    except AuthError:
        record_failure(folders, now_ms)
        chain.add_pending(local, chain.LOGIN_FAILURE, user_id, {})
        if lock_state(folders, uhash, trusted, now_ms).locked(now_ms):
            chain.add_pending(local, chain.LOCKOUT, user_id, {"minutes": LOCK_MINUTES})
            raise LockedOut(LOCKED_MESSAGE) from None
        raise AuthError(WRONG_MESSAGE) from None
    changed = False
    if identity.must_change or new_passphrase is not None:
        if new_passphrase is None:
            raise PassphraseChangeRequired(
                "this is a one-time passphrase: choose your own ('chandong user passwd')"
            )
        problem = passphrase_problem(new_passphrase, user_id, current=passphrase)
        if problem:
            raise BadInput(problem)
        identity.must_change = False
        write_user_file(root, info.vault_id, identity, new_passphrase, rev=identity.rev + 1)
        changed = True
    if state.failures:
        record_clear(folders, uhash, identity, uhash, "unlock", now_ms)
    keys = {g.epoch: unwrap_grant(g, identity, info.vault_id) for g in grants}
    role = max(grants, key=lambda g: g.order).role
    session = VaultSession(info, identity, role, keys, take_slot(info.vault_id))
    session.problems.extend(Problem(path, reason) for path, reason in keyring.problems)
    session.ingest()
    remember_vault(root)
    try:
        _log_login(session, local, changed)
    except BaseException:
        session.close(publish=False)
        raise
    return session


def _log_login(session: VaultSession, local: Path, changed: bool) -> None:
    """Put the failures this PC saw into the chain, then the login with the heads of the other
    devices' chains it has seen (witnesses against truncation)."""
    for event in chain.claim_pending(local):
        session.audit(
            str(event.get("action", chain.LOGIN_FAILURE)),
            detail=dict(event.get("detail") or {}),
            actor=str(event.get("actor", "")),
            at=str(event.get("at") or "") or None,
        )
    heads = session.audit_heads
    seen = {dev: [seq, mac] for dev, (seq, mac) in heads.items() if dev != session.device}
    session.audit(chain.LOGIN, detail={"heads": seen})
    if changed:
        session.audit(chain.PASSPHRASE_CHANGE, target=session.user_id)
    with contextlib.suppress(OSError):
        chain.write_anchor(local, heads)


def add_user(
    admin: VaultSession, user_id: str, role: str, passphrase: str, *, one_time: bool = False
) -> None:
    """Create a user and grant them every epoch's key the admin holds (history stays readable)."""
    if not admin.is_admin:
        raise AuthError("only a supervisor can add users")
    root, vault_id = admin.info.root, admin.info.vault_id
    if latest_user_file(root, vault_id, user_id) is not None:
        raise BadInput(f"user {user_id!r} already exists")
    identity = Identity.generate(user_id)
    write_user_file(root, vault_id, identity, passphrase, rev=1, one_time=one_time)
    for epoch, key in sorted(admin.keys.items()):
        write_grant(
            root,
            vault_id,
            admin.identity,
            epoch,
            user_id,
            role,
            identity.box_public,
            identity.sign_public,
            key,
        )
    admin.audit(chain.USER_ADD, target=user_id, detail={"role": role})


def _require_admin(admin: VaultSession) -> Keyring:
    if not admin.is_admin:
        raise AuthError("only a supervisor manages users")
    info = admin.info
    keyring = load_keyring(info.root, info.vault_id, info.root_sign_pub)
    if not keyring.active(user_hash(info.vault_id, admin.user_id)):
        raise AuthError("this session's admin has been removed")
    return keyring


def remove_user(admin: VaultSession, user_id: str) -> int:
    """Take a user's access away: a new key epoch granted to everyone else, by this admin alone.

    Nobody else's passphrase is needed (grants are sealed to members' public keys). The removed user
    keeps the keys of older epochs — and any copy already taken — but cannot read anything written
    after; this session writes in the new epoch at once. Returns the new epoch.
    """
    keyring = _require_admin(admin)
    info = admin.info
    gone = user_hash(info.vault_id, user_id)
    if user_id == admin.user_id:
        raise BadInput("an admin cannot remove themselves")
    if not keyring.active(gone):
        raise BadInput(f"no active user {user_id!r}")
    latest = keyring.latest_epoch
    epoch, key = latest + 1, random_key()
    if any((info.root / KEYRING_DIR).glob(f"{epoch:06d}-*")):
        # another admin started this epoch and its grants are not all verified here yet (still syncing)
        raise BadInput(f"key epoch {epoch} is being started elsewhere; wait for the folder to sync and retry")
    for uhash in sorted({g.user for g in keyring.grants if g.epoch == latest} - {gone}):
        current = _current_grant(info.root, keyring, uhash, latest)
        if current is None:
            continue
        write_grant(
            info.root,
            info.vault_id,
            admin.identity,
            epoch,
            "",
            current.role,
            current.box_pub,
            current.sign_pub,
            key,
            uhash=uhash,
        )
    admin.keys[epoch] = key
    admin.epoch = epoch
    admin.audit(chain.USER_REMOVE, target=user_id, detail={"epoch": epoch})
    return epoch


def _current_grant(root: Path, keyring: Keyring, uhash: str, epoch: int):  # noqa: ANN202
    """The user's grant of `epoch` for the identity in their newest user file."""
    doc = latest_user_doc(root, uhash)
    grants = [g for g in keyring.for_user(uhash) if g.epoch == epoch]
    if doc is not None:
        from chandong_tui.vault.crypto import b64d

        mine = [g for g in grants if g.box_pub == b64d(doc.get("box_pub", ""))]
        grants = mine or grants
    return max(grants, key=lambda g: g.order) if grants else None


def reset_user(admin: VaultSession, user_id: str, one_time: str) -> None:
    """Give a user a new identity under a one-time passphrase (they forgot theirs), and lift their
    lockout. The admin grants the new identity every epoch's key; the user must choose their own
    passphrase at the next unlock. Their old identity keeps only what it already had."""
    keyring = _require_admin(admin)
    info = admin.info
    uhash = user_hash(info.vault_id, user_id)
    doc = latest_user_doc(info.root, uhash)
    if doc is None or not keyring.active(uhash):
        raise BadInput(f"no active user {user_id!r}")
    role = max(keyring.for_user(uhash), key=lambda g: g.order).role
    identity = Identity.generate(user_id)
    write_user_file(info.root, info.vault_id, identity, one_time, rev=int(doc["rev"]) + 1, one_time=True)
    folder = info.root / KEYRING_DIR
    for epoch, key in sorted(admin.keys.items()):
        taken = len(list(folder.glob(f"{epoch:06d}-{uhash}*.json")))
        write_grant(
            info.root,
            info.vault_id,
            admin.identity,
            epoch,
            user_id,
            role,
            identity.box_public,
            identity.sign_public,
            key,
            n=taken,
        )
    clear_lockout(admin, user_id, audit=False)
    admin.audit(chain.USER_RESET, target=user_id)


def clear_lockout(admin: VaultSession, user_id: str, *, audit: bool = True) -> None:
    """Lift a login's lockout (signed by the admin; counted on every PC)."""
    _require_admin(admin)
    info = admin.info
    uhash = user_hash(info.vault_id, user_id)
    folders = lockout_folders(info.root, local_dir(info.vault_id), uhash)
    record_clear(folders, uhash, admin.identity, user_hash(info.vault_id, admin.user_id), "reset", _now_ms())
    if audit:
        admin.audit(chain.USER_RESET, target=user_id, detail={"lockout_only": True})


def change_role(admin: VaultSession, user_id: str, role: str) -> str:
    """Give a user another role (a new grant of the newest epoch, signed by this admin); returns the
    old role. A supervisor is not demoted this way: the grants their key signed stay trusted, so the
    login is removed (new epoch) and a new one added instead."""
    keyring = _require_admin(admin)
    info = admin.info
    uhash = user_hash(info.vault_id, user_id)
    latest = keyring.latest_epoch
    current = _current_grant(info.root, keyring, uhash, latest)
    if current is None or not keyring.active(uhash):
        raise BadInput(f"no active user {user_id!r}")
    if current.role == role:
        raise BadInput(f"{user_id} already has the role {role}")
    if current.role == ADMIN_ROLE:
        raise BadInput(
            "a supervisor is not demoted (grants their key signed stay trusted): "
            "remove the login and add a new one"
        )
    write_grant(
        info.root,
        info.vault_id,
        admin.identity,
        latest,
        user_id,
        role,
        current.box_pub,
        current.sign_pub,
        admin.keys[latest],
        n=keyring.next_n(uhash, latest),
    )
    admin.audit(chain.ROLE_CHANGE, target=user_id, detail={"from": current.role, "to": role})
    return current.role
