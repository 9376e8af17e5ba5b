"""Write-once encrypted files in a device's folder of the vault (`devices/<device>/<seq>.chunk`).

Layout: `MAGIC ‖ u32 header length ‖ header JSON ‖ nonce ‖ AES-GCM ciphertext`. The header
(vault, device, seq, kind, epoch, op range) is plaintext but authenticated as associated data and
must agree with the file's place, so a chunk renamed, moved to another device's folder, copied from
another vault or replayed under another number is refused. The key is derived per file from the
vault key of the header's epoch. File names carry no personal data.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson

from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.crypto import NONCE_SIZE, derive_key, open_sealed, seal
from chandong_tui.vault.errors import IntegrityError

MAGIC = b"CHDNG\x01"
CHUNK_SUFFIX = ".chunk"
CHUNK_NAME = re.compile(r"^(\d{10})\.chunk$")
_MAX_HEADER = 4096


@dataclass(frozen=True)
class ChunkHeader:
    """What a chunk says about itself (authenticated)."""

    vault: str
    device: str
    seq: int
    kind: str
    epoch: int
    first_op: int
    last_op: int
    sealed_length: int = 0
    first_seq: int = 0
    """For a pack: the first chunk number it holds (`seq` is the last); 0 otherwise."""
    """Bytes after the header (chunks written before it was recorded: 0). A shorter file is still
    being copied; a file of the right length that does not verify was altered."""

    def encode(self) -> bytes:
        return orjson.dumps(self.__dict__, option=orjson.OPT_SORT_KEYS)


class Incomplete(IntegrityError):
    """A chunk shorter than its header says, or with a cut header: probably still being copied."""


def chunk_name(seq: int) -> str:
    return f"{seq:010d}{CHUNK_SUFFIX}"


def _file_key(vault_key: bytes, header: ChunkHeader) -> bytes:
    purpose = f"chandong-chunk|{header.vault}|{header.device}|{header.seq}|{header.kind}".encode()
    return derive_key(vault_key, purpose)


def write_chunk(
    folder: Path, header: ChunkHeader, payload: bytes, vault_key: bytes, name: str | None = None
) -> Path:
    """Seal `payload` and write it once under `folder/<seq>.chunk` (or `name`; fsync, then link)."""
    header = replace(header, sealed_length=NONCE_SIZE + len(payload) + 16)  # nonce, ciphertext, tag
    header_bytes = header.encode()
    prefix = MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes
    sealed = seal(_file_key(vault_key, header), payload, prefix)
    path = folder / (name or chunk_name(header.seq))
    write_atomic(path, prefix + sealed, exclusive=True)
    return path


def read_header(data: bytes) -> tuple[ChunkHeader, int]:
    """The header and the offset where the sealed part starts; `IntegrityError` if malformed."""
    if len(data) < len(MAGIC) + 4 or not data.startswith(MAGIC):
        raise Incomplete("not a chandong chunk (bad magic or truncated)")
    (length,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
    start = len(MAGIC) + 4
    if length > _MAX_HEADER or len(data) < start + length:
        raise Incomplete("truncated or malformed header")
    try:
        raw: dict[str, Any] = orjson.loads(data[start : start + length])
        header = ChunkHeader(**raw)
    except (orjson.JSONDecodeError, TypeError) as exc:
        raise IntegrityError(f"malformed header ({exc.__class__.__name__})") from None
    return header, start + length


def open_chunk(
    path: Path,
    vault_id: str,
    device: str,
    key_for_epoch: Callable[[int], bytes | None],
    seq: int | None = None,
    *,
    kind: str = "ops",
    first: int = 0,
) -> tuple[ChunkHeader, bytes]:
    """Read, check place and authenticate a chunk; returns its header and plaintext payload.

    The file must claim what its name says: the sequence number (or `seq`, for a sync tool's conflict
    copy whose name carries more than the number), its `kind`, and for a pack its `first` chunk."""
    data = path.read_bytes()
    header, offset = read_header(data)
    match = CHUNK_NAME.match(path.name)
    expected = seq if seq is not None else int(match.group(1)) if match else None
    if header.vault != vault_id:
        raise IntegrityError("chunk belongs to another vault")
    if header.device != device or expected != header.seq or header.kind != kind or header.first_seq != first:
        raise IntegrityError("chunk is not where it was written (renamed, moved or replayed)")
    if len(data) - offset < header.sealed_length:
        got = len(data) - offset
        raise Incomplete(f"incomplete: {got} of {header.sealed_length} bytes (still being copied?)")
    key = key_for_epoch(header.epoch)
    if key is None:
        raise IntegrityError(f"no key for epoch {header.epoch}")
    try:
        payload = open_sealed(_file_key(key, header), data[offset:], data[:offset])
    except IntegrityError as exc:
        raise IntegrityError(f"{exc} (tampered or half-copied)") from None
    return header, payload
