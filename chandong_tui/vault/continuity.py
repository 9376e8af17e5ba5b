"""Each device's files form a chain: a chunk (or pack) names the link of the one before it.

A file's *link* is the SHA-256 of its bytes (a pack's is the link of the last chunk it holds, named in
its signed header: packing keeps the chain). A signed file's header names its predecessor's link
(`prev`), so a reader sees:

- a *gap*: numbers missing between the files of a folder (a chunk in the middle deleted);
- a *rollback*: the folder ends before the newest chunk this PC has read of that device (the newest
  deleted) — every PC remembers, per device, the newest chunk it read and its link (`chains.json` in
  its state folder, apart from the cache);
- a *replacement*: a file whose link is not what this PC read, or what its successor names.

Each is one line naming the device (`describe_*`), reported by `sync` (each round, each once per
session) and by `chandong verify`. Nothing is dropped for it: what verifies is still merged.

The writer's side: a device never reuses a number it has published. The session keeps the number and
link of its last chunk in its slot (`own.json`), beyond the cache, and continues from the larger of
that and what the folder shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import orjson

from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.chunks import file_digest, read_header
from chandong_tui.vault.errors import IntegrityError
from chandong_tui.vault.share_files import Entry

SEEN_FILE = "chains.json"
OWN_FILE = "own.json"

_HEADER_READ = 70_000
"""Bytes that hold any file's header (`chunks._MAX_HEADER` and the magic and length before it)."""

Head = tuple[int, str]
"""(chunk number, link) of a device's newest file."""


def gaps(entries: Iterable[Entry]) -> list[tuple[int, int]]:
    """The runs of chunk numbers (first, last) that no chunk or pack of a folder covers, up to its top."""
    covered = sorted((e.first, e.seq) for e in entries if e.kind in ("chunk", "pack"))
    missing = []
    upto = 0
    for first, last in covered:
        if first > upto + 1:
            missing.append((upto + 1, first - 1))
        upto = max(upto, last)
    return missing


def top(entries: Iterable[Entry]) -> int:
    """The newest chunk number among a folder's chunks and packs (0 when none)."""
    return max((e.seq for e in entries if e.kind in ("chunk", "pack")), default=0)


def _span(first: int, last: int) -> str:
    return f"chunk {first}" if first == last else f"chunks {first}–{last}"


def describe_gap(device: str, first: int, last: int) -> str:
    return f"device {device}: {_span(first, last)} missing (deleted from the shared folder?)"


def describe_rollback(device: str, present: int, seen: int) -> str:
    return (
        f"device {device}: {_span(present + 1, seen)} gone, this PC read chunk {seen} "
        "(the newest deleted, or the folder rolled back)"
    )


def describe_replaced(device: str, seq: int) -> str:
    return f"device {device}: chunk {seq} is not the file this PC read (replaced)"


def describe_broken(device: str, seq: int) -> str:
    return f"device {device}: chunk {seq} does not follow the file before it (a file replaced or inserted)"


def link_of(path: Path) -> str:
    """A file's link as it is now ("" when it cannot be read: reported by whoever reads it). A pack's is
    in its header: the rest of it (megabytes) is not read. Files are written once: a link is kept per
    (path, inode, size, change time) for as long as the process runs."""
    try:
        stat = path.stat()
    except OSError:
        return ""
    key = (str(path), stat.st_ino, stat.st_size, stat.st_ctime_ns)  # a write or utime moves ctime
    if key not in _LINKS:
        if len(_LINKS) > 4096:
            _LINKS.clear()
        _LINKS[key] = _read_link(path)
    return _LINKS[key]


_LINKS: dict[tuple[str, int, int, int], str] = {}


def _read_link(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(_HEADER_READ)
            header, _ = read_header(data)
            if header.head:
                return header.head
            data += handle.read()
    except (OSError, IntegrityError):
        return ""
    return file_digest(data)


def read_heads(path: Path) -> dict[str, Head]:
    try:
        raw = orjson.loads(path.read_bytes())
        return {str(dev): (int(head[0]), str(head[1])) for dev, head in raw.items()}
    except (OSError, orjson.JSONDecodeError, TypeError, ValueError, AttributeError, IndexError):
        return {}


def seen_heads(local: Path) -> dict[str, Head]:
    """The newest file this PC has read of each device (`SEEN_FILE`)."""
    return read_heads(local / SEEN_FILE)


def remember_heads(local: Path, heads: Mapping[str, Head]) -> None:
    """Note newer heads read (a head never moves back)."""
    seen = seen_heads(local)
    changed = {dev: head for dev, head in heads.items() if head[0] > seen.get(dev, (0, ""))[0]}
    if changed:
        write_atomic(local / SEEN_FILE, orjson.dumps({d: list(h) for d, h in {**seen, **changed}.items()}))


def own_head(slot_folder: Path) -> tuple[int, str, int]:
    """The number and link of the last chunk this slot published, and its last op's number (0, "", 0
    when none)."""
    try:
        seq, link, last_op = orjson.loads((slot_folder / OWN_FILE).read_bytes())["own"]
        return int(seq), str(link), int(last_op)
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return 0, "", 0


def remember_own(slot_folder: Path, seq: int, link: str, last_op: int) -> None:
    write_atomic(slot_folder / OWN_FILE, orjson.dumps({"own": [seq, link, last_op]}))
