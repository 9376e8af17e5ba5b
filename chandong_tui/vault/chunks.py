"""Write-once encrypted files in a device's folder of the vault (`devices/<device>/<seq>.chunk`).

Layout: `MAGIC ‖ u32 header length ‖ header JSON ‖ nonce ‖ AES-GCM ciphertext`, and for a signed file
(`SIGNED_MAGIC`, every file written since the trust upgrade) `‖ Ed25519 signature` of all that comes
before it, by the device key its header's certificate names (`writers.py` says who may write). A
signed header also names its predecessor in the device's chain (`prev`, see `continuity.py`). The header
(vault, device, seq, kind, epoch, op range) is plaintext but authenticated as associated data and
must agree with the file's place, so a chunk renamed, moved to another device's folder, copied from
another vault or replayed under another number is refused. The key is derived per file from the
vault key of the header's epoch. File names carry no personal data.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import orjson

from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.crypto import NONCE_SIZE, derive_key, open_sealed, seal, verify_signature
from chandong_tui.vault.encoding import b64d
from chandong_tui.vault.errors import IntegrityError

MAGIC = b"CHDNG\x01"
"""Unsigned files, written before the trust upgrade (read only when `LEGACY.json` lists them)."""
SIGNED_MAGIC = b"CHDNG\x02"
SIGNATURE_SIZE = 64
CHUNK_SUFFIX = ".chunk"
CHUNK_NAME = re.compile(r"^(\d{10})\.chunk$")
_MAX_HEADER = 65536


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
    """Bytes after the header (chunks written before it was recorded: 0). A shorter file is still
    being copied; a file of the right length that does not verify was altered."""
    first_seq: int = 0
    """For a pack: the first chunk number it holds (`seq` is the last); 0 otherwise."""
    prev: str = ""
    """Signed files: the link of the file before this one in the device's chain ("" for the first)."""
    head: str = ""
    """Signed packs: the link of the last chunk they hold (the chain goes on from it)."""
    cert: dict[str, Any] | None = None
    """Signed files: the device certificate (device key signed by its user, `writers.certify`)."""
    covers: dict[str, Any] | None = None
    """Signed snapshots: per device, the last chunk included and its link (`snapshots.py`)."""

    def encode(self) -> bytes:
        fields = self.__dict__
        if self.cert is None:  # unsigned (the format before the upgrade): its fields only
            fields = {k: v for k, v in fields.items() if k not in ("prev", "head", "cert", "covers")}
        return orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)


class Signer(Protocol):
    """What signs a file: a device key and its certificate (`writers.DeviceKey`)."""

    @property
    def cert(self) -> dict[str, Any]: ...

    def sign_bytes(self, data: bytes) -> bytes: ...


@dataclass(frozen=True)
class Opened:
    """A file read and authenticated: header, plaintext, and what identifies it in its chain."""

    header: ChunkHeader
    payload: bytes
    digest: str
    """SHA-256 of the whole file (what `LEGACY.json` lists)."""
    signed: bool
    """Whether its signature verified under the key of its header's certificate (who that is and
    whether they may write it is `writers.Writers.check`)."""

    @property
    def link(self) -> str:
        """What the next file of the device's chain names as `prev`: a pack's `head`, else the digest."""
        return self.header.head or self.digest


class Incomplete(IntegrityError):
    """A chunk shorter than its header says, or with a cut header: probably still being copied."""


def chunk_name(seq: int) -> str:
    return f"{seq:010d}{CHUNK_SUFFIX}"


def _file_key(vault_key: bytes, header: ChunkHeader) -> bytes:
    purpose = f"chandong-chunk|{header.vault}|{header.device}|{header.seq}|{header.kind}".encode()
    return derive_key(vault_key, purpose)


def write_chunk(
    folder: Path,
    header: ChunkHeader,
    payload: bytes,
    vault_key: bytes,
    name: str | None = None,
    signer: Signer | None = None,
) -> Path:
    """Seal `payload` and write it once under `folder/<seq>.chunk` (or `name`; fsync, then link),
    signed by `signer` (without one: the unsigned format of before the upgrade, for tests of it)."""
    header = replace(header, sealed_length=NONCE_SIZE + len(payload) + 16)  # nonce, ciphertext, tag
    if signer is not None:
        header = replace(header, cert=signer.cert)
    header_bytes = header.encode()
    magic = MAGIC if signer is None else SIGNED_MAGIC
    prefix = magic + struct.pack(">I", len(header_bytes)) + header_bytes
    data = prefix + seal(_file_key(vault_key, header), payload, prefix)
    if signer is not None:
        data += signer.sign_bytes(signed_message(hashlib.sha256(data).hexdigest()))  # = its `file_digest`
    path = folder / (name or chunk_name(header.seq))
    write_atomic(path, data, exclusive=True)
    return path


def file_digest(data: bytes) -> str:
    """SHA-256 of a file, as its device's chain and the admins' lists name it: of a signed file, of all
    but its signature, which signs that digest (`signed_message`): one pass over a file's bytes."""
    if data.startswith(SIGNED_MAGIC) and len(data) > SIGNATURE_SIZE:
        with memoryview(data) as view:
            return hashlib.sha256(view[:-SIGNATURE_SIZE]).hexdigest()
    return hashlib.sha256(data).hexdigest()


def signed_message(digest: str) -> bytes:
    """What a file's device key signs: its digest (`file_digest`), under this purpose."""
    return b"chandong-file|" + bytes.fromhex(digest)


def read_header(data: bytes) -> tuple[ChunkHeader, int]:
    """The header and the offset where the sealed part starts; `IntegrityError` if malformed."""
    if len(data) < len(MAGIC) + 4 or not data.startswith((MAGIC, SIGNED_MAGIC)):
        raise Incomplete("not a chandong chunk (bad magic or truncated)")
    (length,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
    start = len(MAGIC) + 4
    if length > _MAX_HEADER or len(data) < start + length:
        raise Incomplete("truncated or malformed header")
    try:
        raw: dict[str, Any] = orjson.loads(data[start : start + length])
        header = ChunkHeader(**raw)
        if data.startswith(SIGNED_MAGIC) != isinstance(header.cert, dict):
            raise TypeError("a signed file without a certificate, or the other way round")
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
    """`open_file`'s header and plaintext (who signed it is not judged here: see `writers.py`)."""
    opened = open_file(path, vault_id, device, key_for_epoch, seq, kind=kind, first=first)
    return opened.header, opened.payload


def open_file(
    path: Path,
    vault_id: str,
    device: str,
    key_for_epoch: Callable[[int], bytes | None],
    seq: int | None = None,
    *,
    kind: str = "ops",
    first: int = 0,
) -> Opened:
    """Read, check place, authenticate and (when signed) check the signature of a chunk.

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
    signed = header.cert is not None
    end = offset + header.sealed_length
    if len(data) < end + (SIGNATURE_SIZE if signed else 0):
        got = len(data) - offset
        raise Incomplete(f"incomplete: {got} of {header.sealed_length} bytes (still being copied?)")
    digest = file_digest(data)
    if signed:
        _check_signature(header, data, end, digest)
    key = key_for_epoch(header.epoch)
    if key is None:
        raise IntegrityError(f"no key for epoch {header.epoch}")
    try:
        payload = open_sealed(
            _file_key(key, header), data[offset:end] if signed else data[offset:], data[:offset]
        )
    except IntegrityError as exc:
        raise IntegrityError(f"{exc} (tampered or half-copied)") from None
    return Opened(header, payload, digest, signed)


def check_signature(data: bytes) -> None:
    """Check a signed file's signature alone (`bench`: what checking writers costs); `IntegrityError`."""
    header, _ = read_header(data)
    _check_signature(header, data, len(data) - SIGNATURE_SIZE, file_digest(data))


def _check_signature(header: ChunkHeader, data: bytes, end: int, digest: str) -> None:
    """The file's signature under the device key its certificate names (the certificate itself is
    judged by `writers.Writers`)."""
    try:
        public = b64d(str((header.cert or {})["key"]))
    except (KeyError, ValueError):
        raise IntegrityError("malformed device certificate") from None
    if len(data) != end + SIGNATURE_SIZE or not verify_signature(public, data[end:], signed_message(digest)):
        raise IntegrityError("signature does not verify (tampered, or written without the device's key)")
