"""The local outbox: ops fsync'ed on this PC, waiting to be published to the shared folder.

Append-only segment files `outbox/<first seq>.log` of records
`u32 length ‖ u32 epoch ‖ u64 first seq ‖ u32 count ‖ nonce ‖ AES-GCM(ops)`.
A save is durable when its record is fsync'ed: O(1), never a rewrite. A torn tail (power cut,
SIGKILL mid-write) was never acknowledged; it is left alone and appends go to a new segment, so no
file is ever truncated or rewritten. Segments whose ops are all published are deleted.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from chandong_tui.vault.atomic import fsync_dir
from chandong_tui.vault.crypto import derive_key, open_sealed, seal
from chandong_tui.vault.errors import IntegrityError
from chandong_tui.vault.ops import Op, decode_ops, encode_ops

_RECORD_HEAD = struct.Struct(">IIQI")  # length of the rest, epoch, first seq, count
_SEGMENT = re.compile(r"^(\d{12})\.log$")


@dataclass
class OutboxScan:
    """What the outbox holds after a scan."""

    ops: list[Op] = field(default_factory=list)
    last_seq: int = 0
    torn: list[str] = field(default_factory=list)
    """Segments with an incomplete or unreadable tail (the unacknowledged end of a crashed write)."""


class Outbox:
    """The outbox of one device slot; one process at a time (the slot is locked)."""

    def __init__(
        self, folder: Path, vault_id: str, device: str, key_for_epoch: Callable[[int], bytes | None]
    ) -> None:
        self.folder = folder
        self.vault_id = vault_id
        self.device = device
        self._key_for_epoch = key_for_epoch
        self._active: BinaryIO | None = None
        self._active_path: Path | None = None
        self._active_max_seq = 0
        folder.mkdir(parents=True, exist_ok=True)

    def _record_key(self, epoch: int) -> bytes:
        key = self._key_for_epoch(epoch)
        if key is None:
            raise IntegrityError(f"outbox record of unknown epoch {epoch}")
        return derive_key(key, f"chandong-outbox|{self.vault_id}|{self.device}".encode())

    def _aad(self, epoch: int, first_seq: int, count: int) -> bytes:
        return f"outbox|{self.vault_id}|{self.device}|{epoch}|{first_seq}|{count}".encode()

    def segments(self) -> list[Path]:
        return sorted(p for p in self.folder.iterdir() if _SEGMENT.match(p.name))

    def scan(self) -> OutboxScan:
        """Every readable op, in order; torn segments are noted and never appended to again."""
        result = OutboxScan()
        segments = self.segments()
        for segment in segments:
            clean = self._scan_segment(segment, result)
            if not clean:
                result.torn.append(segment.name)
        if segments and segments[-1].name not in result.torn:
            self._active_path = segments[-1]
        result.last_seq = max((_seq_of(op) for op in result.ops), default=0)
        self._active_max_seq = result.last_seq
        return result

    def _scan_segment(self, segment: Path, result: OutboxScan) -> bool:
        data = segment.read_bytes()
        offset = 0
        while offset < len(data):
            if len(data) - offset < _RECORD_HEAD.size:
                return False
            length, epoch, first_seq, count = _RECORD_HEAD.unpack_from(data, offset)
            body_start = offset + _RECORD_HEAD.size
            body_end = offset + 4 + length
            if body_end > len(data) or length < _RECORD_HEAD.size - 4:
                return False
            try:
                plain = open_sealed(
                    self._record_key(epoch), data[body_start:body_end], self._aad(epoch, first_seq, count)
                )
            except IntegrityError:
                return False
            result.ops.extend(decode_ops(plain))
            offset = body_end
        return True

    def append(self, ops: list[Op], epoch: int) -> None:
        """Append one batch and fsync: when this returns, the ops survive a crash."""
        if not ops:
            return
        first_seq = _seq_of(ops[0])
        sealed = seal(self._record_key(epoch), encode_ops(ops), self._aad(epoch, first_seq, len(ops)))
        head = _RECORD_HEAD.pack(_RECORD_HEAD.size - 4 + len(sealed), epoch, first_seq, len(ops))
        handle = self._handle(first_seq)
        handle.write(head + sealed)
        handle.flush()
        os.fsync(handle.fileno())
        self._active_max_seq = _seq_of(ops[-1])

    def _handle(self, first_seq: int) -> BinaryIO:
        if self._active is None:
            if self._active_path is None:
                self._active_path = self.folder / f"{first_seq:012d}.log"
                created = True
            else:
                created = False
            self._active = open(self._active_path, "ab")  # noqa: SIM115 - kept open for O(1) appends
            if created:
                fsync_dir(self.folder)
        return self._active

    def prune(self, published_upto: int) -> None:
        """Delete segments whose every op is published; the active one is closed first if so."""
        if self._active_path is not None and self._active_max_seq <= published_upto:
            self.close()
            self._active_path = None
        for segment in self.segments():
            if segment == self._active_path:
                continue
            scan = OutboxScan()
            self._scan_segment(segment, scan)
            if all(_seq_of(op) <= published_upto for op in scan.ops):
                segment.unlink()
        fsync_dir(self.folder)

    def close(self) -> None:
        if self._active is not None:
            self._active.close()
            self._active = None


def _seq_of(op: Op) -> int:
    return int(op.id.rsplit(".", 1)[1])
