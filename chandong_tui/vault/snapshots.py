"""Snapshots: a new PC starts from the records another PC has merged, then reads only what is newer.

Now and then (when `SNAPSHOT_EVERY_OPS` ops were merged since the newest snapshot in the folder, and
nothing of its own waits unpublished) a PC closing the vault writes `snapshot-<ops>.snap` into its own
folder: its cache tables (every record with its merge bookkeeping) and which chunks they include, sealed
like a chunk (kind `snapshot`, AES-256-GCM in the newest key epoch, header authenticated). It then
deletes its own older snapshots; chunks and packs stay (they are the history and the access log).

A PC without a local cache tries the snapshots newest first and takes the first that verifies; chunks
not named in it are ingested as usual. Merge being idempotent and order-free, this gives the same
state as replaying every op (tested). A snapshot that does not verify is reported and skipped.

A snapshot is signed like a chunk; its signer must be a member now, and it must be sealed in the newest
key epoch (`writers.Writers.check`). Its signed header names what it covers: per device, the newest
chunk merged into it and that chunk's link (`covers`). "Newest" is not the count in its name (its
writer's word) but how far it covers the chunks that are in the folder, and a snapshot claiming a chunk
the folder does not hold, or a chunk that differs from the one there, is refused (`check`).
`chandong verify` checks every snapshot the same way.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from chandong_tui.vault import continuity
from chandong_tui.vault.chunks import ChunkHeader, Opened, open_file, read_header, write_chunk
from chandong_tui.vault.errors import IntegrityError
from chandong_tui.vault.share_files import classify, snapshot_name
from chandong_tui.vault.stored import DeviceWriter, device_folders, op_files

if TYPE_CHECKING:
    from chandong_tui.vault.cache import LocalCache
    from chandong_tui.vault.folder import VaultInfo
    from chandong_tui.vault.hlc import Stamp
    from chandong_tui.vault.stored import KeyForEpoch
    from chandong_tui.vault.writers import DeviceKey, Writers

SNAPSHOT_EVERY_OPS = 20_000
"""Ops merged since the newest snapshot in the folder that make a closing PC write one."""

LOCAL_META = ("hlc", "op_seq", "outbox_upto", "ops_total")
"""Cache meta that belongs to the PC, not to the records (not carried over)."""


class SnapshotSource(DeviceWriter, Protocol):
    """What writing a snapshot needs of a session (`VaultSession` is one)."""

    @property
    def device_key(self) -> DeviceKey: ...

    @property
    def links(self) -> dict[str, tuple[int, str]]:
        """Per device, the newest chunk merged and its link (what the snapshot covers)."""
        ...

    @property
    def unpublished(self) -> int: ...

    @property
    def publishing_stopped(self) -> str: ...

    @property
    def ops_merged(self) -> int: ...

    def merged_tables(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(tables, `_meta` state), shallow copies."""
        ...

    def stamp(self) -> Stamp:
        """A clock stamp later than every op merged."""
        ...


@dataclass(frozen=True)
class Snapshot:
    device: str
    ops: int
    path: Path


def snapshots(info: VaultInfo) -> list[Snapshot]:
    """Every snapshot file in the device folders, newest (most ops) first."""
    found = []
    for device in device_folders(info.devices):
        with contextlib.suppress(OSError):
            for path in (info.devices / device).iterdir():
                entry = classify(path.name)
                if entry.kind == "snapshot":
                    found.append(Snapshot(device, entry.seq, path))
    return sorted(found, key=lambda s: (s.ops, s.device), reverse=True)


def ops_total(cache: LocalCache) -> int:
    return int(cache.meta.get("ops_total", 0))


def maybe_write(session: SnapshotSource, every: int | None = None) -> Path | None:
    """Write a snapshot when `every` (default `SNAPSHOT_EVERY_OPS`) ops were merged since the newest
    one in the folder, and nothing of this PC waits unpublished."""
    every = SNAPSHOT_EVERY_OPS if every is None else every
    if session.unpublished or session.publishing_stopped:
        return None
    total = session.ops_merged
    newest = max((s.ops for s in snapshots(session.info)), default=0)
    if total - newest < every:
        return None
    return write(session, total)


def write(session: SnapshotSource, total: int) -> Path:
    """Seal the cache's records and applied-chunk list into this PC's folder; drop its older ones."""
    tables, meta = session.merged_tables()
    for name in LOCAL_META:
        meta.pop(name, None)
    meta["hlc"] = session.stamp().encode()  # later than every stamp in it: readers' clocks move past
    tables["_meta"] = {"state": meta}
    header = ChunkHeader(
        vault=session.info.vault_id,
        device=session.device,
        seq=total,
        kind="snapshot",
        epoch=session.epoch,
        first_op=0,
        last_op=0,
        covers={dev: list(head) for dev, head in sorted(session.links.items())},
    )
    folder = session.info.devices / session.device
    name = snapshot_name(total)
    key = session.keys[session.epoch]
    try:
        path = write_chunk(folder, header, orjson.dumps(tables), key, name=name, signer=session.device_key)
    except FileExistsError:
        path = folder / name
    for older in snapshots(session.info):
        if older.device == session.device and older.path != path:
            older.path.unlink(missing_ok=True)
    return path


def covered(info: VaultInfo, header: ChunkHeader) -> int:
    """How many chunks a snapshot covers, checked against the folder; `IntegrityError` when it claims a
    chunk the folder does not hold, or one that differs from the file there."""
    total = 0
    for device, head in sorted((header.covers or {}).items()):
        try:
            seq, link = int(head[0]), str(head[1])
        except (TypeError, ValueError, IndexError):
            raise IntegrityError("malformed list of what the snapshot covers") from None
        files = op_files(info.devices, str(device))
        if seq > continuity.top(entry for _, entry in files):
            raise IntegrityError(f"claims chunk {seq} of device {device}, which the folder does not hold")
        ending = next((path for path, entry in files if entry.seq == seq), None)
        if ending is not None and continuity.link_of(ending) not in ("", link):
            raise IntegrityError(f"claims a chunk {seq} of device {device} that differs from the one there")
        total += seq
    return total


def check(info: VaultInfo, snap: Snapshot, keys: KeyForEpoch, writers: Writers) -> Opened:
    """Open a snapshot and check its signer and what it covers (`IntegrityError` when refused)."""
    opened = open_file(snap.path, info.vault_id, snap.device, keys, snap.ops, kind="snapshot")
    writers.check(opened, snap.device, snapshot=True)
    covered(info, opened.header)
    return opened


def _rank(info: VaultInfo, snap: Snapshot) -> tuple[int, int, int]:
    """Order of trial: signed before unsigned, then by chunks covered (checked), then by the count."""
    try:
        with snap.path.open("rb") as handle:
            header, _ = read_header(handle.read(70_000))
        return (header.cert is not None, covered(info, header), snap.ops)
    except (OSError, IntegrityError):
        return (False, -1, snap.ops)  # tried last: opening it says why it is refused


def load_newest(
    info: VaultInfo, keys: KeyForEpoch, cache: LocalCache, writers: Writers
) -> tuple[str, list[tuple[str, str]]]:
    """Fill `cache` from the snapshot that covers most that verifies; its path (empty if none), and
    the snapshots that did not verify (path, reason)."""
    failed = []
    for snap in sorted(snapshots(info), key=lambda s: _rank(info, s), reverse=True):
        relative = str(snap.path.relative_to(info.root))
        try:
            payload = check(info, snap, keys, writers).payload
            tables = cache.start_from(payload)
            if not isinstance(tables, dict) or not isinstance(tables.get("_meta", {}).get("state"), dict):
                raise ValueError("not a snapshot")
        except (IntegrityError, OSError, ValueError) as exc:
            failed.append((relative, f"snapshot skipped: {exc}"))
            continue
        tables["_meta"]["state"]["ops_total"] = snap.ops
        return relative, failed
    if failed:
        cache.start_from(b"{}")
    return "", failed
