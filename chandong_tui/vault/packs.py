"""Packs: each PC folds its own published chunks into one file, so the shared folder stays small.

A PC publishes a chunk every few seconds while people save; over a year that would be thousands of
files per PC, which sync tools and shared drives handle badly. So a PC that finds `PACK_AT` of its own
chunks in its folder writes them (and, once it has `MERGE_AT` packs, those packs too) into one pack
`<first>-<last>.pack`: the same ops, in order, sealed like a chunk with kind `pack` and the first and
last chunk numbers authenticated in its header. The pack is read back and checked before the files it
replaces are deleted; only this PC's own files, which no other PC ever writes. History is kept: every
op (and every access-log event) stays, in the pack.

A PC that has not read some of those chunks yet finds the pack instead (a chunk vanishing mid-read is
skipped and the pack read next round); a pack whose chunks were all applied is not even opened.
Crash between writing a pack and deleting its sources: both are there, merge is idempotent, and the
next packing folds them again.

Bound: at most `PACK_AT - 1` chunks and `MERGE_AT` packs per device folder (after packing runs),
whatever the age of the vault.

A pack is signed like a chunk, by the user packing, so it holds only files that user signed (a slot
two users shared keeps the other's chunks as they are; so do unsigned files of before the upgrade).
It keeps the device's chain: its header names the link before its first chunk (`prev`) and the link of
its last (`head`), which the next chunk names (`continuity.py`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from chandong_tui.vault.atomic import fsync_dir
from chandong_tui.vault.chunks import ChunkHeader, read_header, write_chunk
from chandong_tui.vault.errors import IntegrityError
from chandong_tui.vault.keyring import user_hash
from chandong_tui.vault.ops import Op, encode_ops
from chandong_tui.vault.share_files import Entry, classify, pack_name
from chandong_tui.vault.stored import DeviceWriter, op_files, open_ops
from chandong_tui.vault.writers import DeviceKey, Writers

PACK_AT = 64
"""Own chunks in the folder that make a PC pack them."""

MERGE_AT = 8
"""Own packs in the folder that make the next packing fold them in too."""


class Packer(DeviceWriter, Protocol):
    """What packing needs of a session (`VaultSession` is one): only files it has written are packed."""

    @property
    def own_chunk_seq(self) -> int:
        """The number of the last chunk this PC wrote into its folder."""
        ...

    @property
    def user_id(self) -> str: ...

    @property
    def device_key(self) -> DeviceKey: ...

    def writers(self) -> Writers: ...


@dataclass
class PackReport:
    packed: int = 0
    """Files folded into the new pack (and deleted)."""
    pack: str = ""
    problems: list[str] = field(default_factory=list)


def pack_own(session: Packer, *, pack_at: int = PACK_AT, merge_at: int = MERGE_AT) -> PackReport:
    """Fold this PC's published chunks into a pack when there are enough of them (see module doc)."""
    report = PackReport()
    devices = session.info.devices
    files = [(p, e) for p, e in op_files(devices, session.device) if e.seq <= session.own_chunk_seq]
    chunks = [(p, e) for p, e in files if e.kind == "chunk"]
    packs = [(p, e) for p, e in files if e.kind == "pack"]
    if len(chunks) < pack_at:
        return report
    sources = sorted(
        chunks + (packs if len(packs) + 1 >= merge_at else []), key=lambda f: (f[1].first, f[1].seq)
    )
    me = user_hash(session.info.vault_id, session.user_id)
    sources = _contiguous([f for f in sources if _signer_named(f[0]) == me])
    if len(sources) < 2:
        return report
    ops: list[Op] = []
    seen: set[str] = set()
    writers = session.writers()
    prev = head = ""
    try:
        for path, entry in sources:
            read = open_ops(path, entry, session.info.vault_id, session.device, session.keys.get, writers)
            ops += [op for op in read.ops if op.id not in seen]
            seen.update(op.id for op in read.ops)
            if path == sources[0][0]:
                prev = read.header.prev
            head = read.opened.link
    except (IntegrityError, OSError, ValueError) as exc:
        report.problems.append(f"packing skipped: {path.name} cannot be read ({exc})")
        return report
    first, last = sources[0][1].first, sources[-1][1].seq
    path = _write_pack(session, ops, first, last, prev, head)
    for source, _ in sources:
        if source != path:
            with contextlib.suppress(FileNotFoundError):
                source.unlink()
    fsync_dir(path.parent)
    report.packed, report.pack = len(sources), path.name
    return report


def _contiguous(sources: list[tuple[Path, Entry]]) -> list[tuple[Path, Entry]]:
    """The run of files from the first whose chunk numbers follow on without a gap (a missing
    chunk is never declared packed)."""
    run: list[tuple[Path, Entry]] = []
    upto = 0
    for path, entry in sources:
        if run and entry.first > upto + 1:
            break
        run.append((path, entry))  # a file inside what the run covers already (a pack's chunk) too
        upto = max(upto, entry.seq)
    return run


def _signer_named(path: Path) -> str:
    """The user a file's certificate names (unchecked: the file is verified when read), or ""."""
    try:
        with path.open("rb") as handle:
            header, _ = read_header(handle.read(70_000))
    except (OSError, IntegrityError):
        return ""
    return str((header.cert or {}).get("user", ""))


def _write_pack(session: Packer, ops: list[Op], first: int, last: int, prev: str, head: str) -> Path:
    """Write the pack and read it back (`IntegrityError` if it does not verify)."""
    seqs = [int(op.id.rsplit(".", 1)[1]) for op in ops if op.id.startswith(f"{session.device}.")]
    header = ChunkHeader(
        vault=session.info.vault_id,
        device=session.device,
        seq=last,
        kind="pack",
        epoch=session.epoch,
        first_op=min(seqs, default=0),
        last_op=max(seqs, default=0),
        first_seq=first,
        prev=prev,
        head=head,
    )
    name = pack_name(first, last)
    folder = session.info.devices / session.device
    key = session.keys[session.epoch]
    try:
        path = write_chunk(folder, header, encode_ops(ops), key, name=name, signer=session.device_key)
    except FileExistsError:  # written before a crash that kept its sources: check it, then go on
        path = folder / name
    entry = classify(name)
    back = open_ops(
        path, entry, session.info.vault_id, session.device, session.keys.get, session.writers()
    ).ops
    if [op.id for op in back] != [op.id for op in ops]:
        raise IntegrityError(f"{name}: the pack does not read back as written")
    return path
