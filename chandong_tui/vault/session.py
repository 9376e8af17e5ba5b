"""An unlocked vault on this PC: write ops durably, publish them, ingest everyone's chunks.

`create_vault` makes a new vault and its first (admin) user; `unlock` opens one. A `VaultSession`
owns one device slot. Writes go to the outbox (fsync) and then into the cache; `publish` turns the
outbox into a write-once chunk in the shared folder; `ingest` reads chunks not yet applied, skipping
(never deleting) any that fail verification, and reports them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chandong_tui.vault.atomic import TEMP_PREFIX
from chandong_tui.vault.cache import LocalCache, RowTable, field_clock
from chandong_tui.vault.chunks import (
    CHUNK_NAME,
    ChunkHeader,
    chunk_name,
    open_chunk,
    read_header,
    write_chunk,
)
from chandong_tui.vault.crypto import random_key
from chandong_tui.vault.errors import AuthError, BadInput, IntegrityError
from chandong_tui.vault.folder import DEVICE_NAME, VaultInfo, create_marker, read_marker
from chandong_tui.vault.hlc import HybridClock, Stamp
from chandong_tui.vault.keyring import (
    ADMIN_ROLE,
    Identity,
    latest_user_file,
    load_keyring,
    unlock_identity,
    unwrap_grant,
    user_hash,
    write_grant,
    write_user_file,
)
from chandong_tui.vault.local_state import DeviceSlot, check_pin, remember_vault, take_slot
from chandong_tui.vault.ops import Op, decode_ops, encode_ops
from chandong_tui.vault.outbox import Outbox

Change = tuple[str, str, dict[str, Any]]
"""(table, row id, fields to set)."""


@dataclass(frozen=True)
class Problem:
    """A file that could not be used, and why (paths are relative to the vault)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class IngestReport:
    """What one ingest round did."""

    chunks: int = 0
    ops: int = 0
    changed: int = 0
    problems: list[Problem] = field(default_factory=list)
    far_future: int = 0


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
        self.cache = LocalCache(slot.cache_path, keys[self.epoch], info.vault_id, self.device)
        self.outbox = Outbox(slot.outbox_dir, info.vault_id, self.device, keys.get)
        self.problems: list[Problem] = []
        scan = self.outbox.scan()
        self.problems.extend(
            Problem(f"(local outbox) {name}", "torn tail after a crash; unsaved end ignored")
            for name in scan.torn
        )
        self._sweep_own_temp_files()
        self._published_upto, self._chunk_seq = self._own_chunk_marks()
        self._unpublished: list[Op] = [op for op in scan.ops if _seq_of(op) > self._published_upto]
        self._op_seq = max(scan.last_seq, self._published_upto, int(self.cache.meta.get("op_seq", 0)))
        hlc = self.cache.meta.get("hlc")
        if hlc:
            self.clock.observe(Stamp.decode(hlc))
        self._apply(scan.ops)
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

    # -- writing ---------------------------------------------------------------------------
    def write(self, table: str, row: str, fields: dict[str, Any]) -> Op:
        """Durably record one change; when this returns, it survives a crash."""
        return self.write_batch([(table, row, fields)])[0]

    def write_batch(self, changes: Iterable[Change]) -> list[Op]:
        """Durably record several changes at once: all survive a crash, or none (one fsync)."""
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

    def _apply(self, ops: list[Op]) -> int:
        for op in ops:
            self.clock.observe(op.hlc)
        return self.cache.apply(ops)

    # -- sharing ---------------------------------------------------------------------------
    def _own_folder(self) -> Path:
        return self.info.devices / self.device

    def _sweep_own_temp_files(self) -> None:
        """Remove temp files a killed publish left in our own folder (we are its only writer)."""
        folder = self._own_folder()
        for path in folder.glob(f"{TEMP_PREFIX}*") if folder.is_dir() else []:
            path.unlink(missing_ok=True)

    def _own_chunk_marks(self) -> tuple[int, int]:
        """(last op seq published, last chunk seq) from this device's folder in the vault.

        Our own chunks are written atomically; a damaged one was tampered with: it is reported and
        the newest readable header gives the op numbering instead.
        """
        folder = self._own_folder()
        seqs = (
            sorted(int(m.group(1)) for p in folder.iterdir() if (m := CHUNK_NAME.match(p.name)))
            if folder.is_dir()
            else []
        )
        for seq in reversed(seqs):
            path = folder / chunk_name(seq)
            try:
                header, _ = read_header(path.read_bytes())
                return header.last_op, seqs[-1]
            except (OSError, IntegrityError) as exc:
                self.problems.append(Problem(str(path.relative_to(self.info.root)), str(exc)))
        return 0, seqs[-1] if seqs else 0

    def publish(self) -> int:
        """Write the unpublished ops as one chunk in this device's folder; returns how many."""
        if not self._unpublished:
            return 0
        ops = self._unpublished
        header = ChunkHeader(
            vault=self.info.vault_id,
            device=self.device,
            seq=self._chunk_seq + 1,
            kind="ops",
            epoch=self.epoch,
            first_op=_seq_of(ops[0]),
            last_op=_seq_of(ops[-1]),
        )
        write_chunk(self._own_folder(), header, encode_ops(ops), self.keys[self.epoch])
        self._chunk_seq = header.seq
        self._published_upto = header.last_op
        self.cache.mark_chunk(self.device, header.seq)
        self._unpublished = []
        self.outbox.prune(self._published_upto)
        return len(ops)

    def ingest(self) -> IngestReport:
        """Apply every verified chunk not applied yet; report (and keep) the rest."""
        report = IngestReport()
        devices = self.info.devices
        for folder in sorted(devices.iterdir()) if devices.is_dir() else []:
            if not folder.is_dir() or not DEVICE_NAME.match(folder.name):
                continue
            for path in sorted(folder.iterdir()):
                match = CHUNK_NAME.match(path.name)
                if match is None or self.cache.chunk_applied(folder.name, int(match.group(1))):
                    continue
                self._ingest_chunk(path, folder.name, report)
        self.problems.extend(report.problems)
        return report

    def _ingest_chunk(self, path: Path, device: str, report: IngestReport) -> None:
        relative = str(path.relative_to(self.info.root))
        try:
            header, payload = open_chunk(path, self.info.vault_id, device, self.keys.get)
            ops = decode_ops(payload)
        except IntegrityError as exc:
            report.problems.append(Problem(relative, str(exc)))
            return
        except (OSError, ValueError, KeyError, TypeError) as exc:
            report.problems.append(Problem(relative, f"unreadable ({exc.__class__.__name__})"))
            return
        report.far_future += sum(not self.clock.observe(op.hlc) for op in ops)
        report.changed += self.cache.apply(ops)
        report.ops += len(ops)
        report.chunks += 1
        self.cache.mark_chunk(device, header.seq)

    def flush(self) -> None:
        """Seal the cache to disk (the outbox already holds every save)."""
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


def unlock(root: Path, user_id: str, passphrase: str) -> VaultSession:
    """Open the vault at `root` as `user_id`; `AuthError` without saying what was wrong."""
    info = read_marker(root)
    check_pin(info)
    keyring = load_keyring(root, info.vault_id, info.root_sign_pub)
    identity = unlock_identity(root, info.vault_id, user_id, passphrase)
    grants = [
        g for g in keyring.for_user(user_hash(info.vault_id, user_id)) if g.box_pub == identity.box_public
    ]
    if not grants:
        raise AuthError("wrong user or passphrase")
    keys = {g.epoch: unwrap_grant(g, identity, info.vault_id) for g in grants}
    role = max(grants, key=lambda g: g.epoch).role
    session = VaultSession(info, identity, role, keys, take_slot(info.vault_id))
    session.problems.extend(Problem(path, reason) for path, reason in keyring.problems)
    session.ingest()
    remember_vault(root)
    return session


def add_user(admin: VaultSession, user_id: str, role: str, passphrase: str) -> None:
    """Create a user and grant them every epoch's key the admin holds (history stays readable)."""
    if not admin.is_admin:
        raise AuthError("only a supervisor can add users")
    root, vault_id = admin.info.root, admin.info.vault_id
    if latest_user_file(root, vault_id, user_id) is not None:
        raise BadInput(f"user {user_id!r} already exists")
    identity = Identity.generate(user_id)
    write_user_file(root, vault_id, identity, passphrase, rev=1)
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
