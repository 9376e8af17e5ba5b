"""The op files of a vault's device folders (chunks and packs), listed and opened one way for every
reader: ingest, `verify`, the access-log check and packing; and `DeviceWriter`, what the writers of a
PC's own folder other than the session (packs, snapshots) may see of it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from chandong_tui.vault.chunks import ChunkHeader, Opened, open_file
from chandong_tui.vault.folder import DEVICE_NAME, VaultInfo
from chandong_tui.vault.ops import Op, decode_ops
from chandong_tui.vault.share_files import Entry, classify
from chandong_tui.vault.writers import Writers

KeyForEpoch = Callable[[int], bytes | None]


class DeviceWriter(Protocol):
    """A session as seen by what writes into its device folder: the vault, the device, the keys."""

    @property
    def info(self) -> VaultInfo: ...

    @property
    def device(self) -> str: ...

    @property
    def epoch(self) -> int:
        """The key epoch new files are sealed in."""
        ...

    @property
    def keys(self) -> Mapping[int, bytes]:
        """The vault key of every epoch held (read-only)."""
        ...


@dataclass(frozen=True)
class OpFile:
    """A chunk or pack read, verified, and accepted from its writer."""

    opened: Opened
    ops: list[Op]
    signer: str
    """The user who signed it ("" for an unsigned file of before the upgrade)."""

    @property
    def header(self) -> ChunkHeader:
        return self.opened.header


def open_ops(
    path: Path, entry: Entry, vault_id: str, device: str, keys: KeyForEpoch, writers: Writers
) -> OpFile:
    """Verify and decode a chunk, a conflict copy of one, or a pack, and check its writer and its ops'
    authors (`writers.py`); `IntegrityError`, `OSError`, `ValueError` when it cannot be used."""
    if entry.kind == "pack":
        opened = open_file(path, vault_id, device, keys, entry.seq, kind="pack", first=entry.first)
    else:
        opened = open_file(path, vault_id, device, keys, entry.seq)
    signer = writers.check(opened, device)
    ops = decode_ops(opened.payload)
    writers.check_ops(ops, signer, device)
    return OpFile(opened, ops, signer)


def device_folders(devices: Path) -> Iterator[str]:
    """The names of the device folders (16 hex digits), sorted; nothing when `devices` is absent."""
    try:
        names = sorted(os.listdir(devices))
    except (FileNotFoundError, NotADirectoryError):
        return
    yield from (name for name in names if DEVICE_NAME.match(name) and (devices / name).is_dir())


def op_files(devices: Path, device: str) -> list[tuple[Path, Entry]]:
    """The chunks and packs of one device folder, in file-name order (a vanished folder: none)."""
    folder = devices / device
    try:
        names = sorted(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for name in names:
        entry = classify(name)
        if entry.kind in ("chunk", "pack"):
            found.append((folder / name, entry))
    return found
