"""What a file in a device folder of the shared folder is, by its name alone.

Sync tools and operating systems leave their own files beside ours, and a sync tool that sees two
versions of one file keeps both under a changed name. Each name is one of:

- `chunk`: `<seq>.chunk`, written once by the device that owns the folder;
- `pack`: `<first>-<last>.pack`, the same device's chunks `first`…`last` in one file (`packs.py`);
- `snapshot`: `snapshot-<ops>.snap`, the records as that device had merged them (`snapshots.py`);
- `copy`: a conflict copy of a chunk: Syncthing `<seq>.sync-conflict-<date>-<time>-<id>.chunk`,
  Nextcloud/Dropbox `<seq> (conflicted copy …).chunk`, OneDrive `<seq>-<PC name>.chunk`. Its ops are
  verified like a chunk's and ingested once (merge is idempotent); the file is left where it is;
- `temp`: a file being written, by us (`.tmp-…`) or by a sync tool (`.syncthing.….tmp`, `~syncthing~…`);
- `foreign`: anything else (`desktop.ini`, `Thumbs.db`, `~$…` Office locks, `.DS_Store`): left alone.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from chandong_tui.vault.atomic import TEMP_PREFIX
from chandong_tui.vault.chunks import CHUNK_NAME, CHUNK_SUFFIX

Kind = Literal["chunk", "pack", "snapshot", "copy", "temp", "foreign"]

PACK_NAME = re.compile(r"^(\d{10})-(\d{10})\.pack$")
SNAPSHOT_NAME = re.compile(r"^snapshot-(\d{12})\.snap$")
COPY_NAME = re.compile(r"^(\d{10})[^\d].*\.chunk$", re.IGNORECASE | re.DOTALL)
"""A name that starts like a chunk's and ends like one, with something a sync tool added between."""

_TEMP_PREFIXES = (TEMP_PREFIX, ".syncthing.", "~syncthing~", ".~tmp~", "~$")


class Entry(NamedTuple):
    """A classified file name: its kind and the chunk numbers it claims (`first`…`seq`; for a
    snapshot, `seq` is the count of ops it holds)."""

    kind: Kind
    seq: int = 0
    first: int = 0


def pack_name(first: int, last: int) -> str:
    return f"{first:010d}-{last:010d}.pack"


def snapshot_name(ops: int) -> str:
    return f"snapshot-{ops:012d}.snap"


def classify(name: str) -> Entry:
    """The kind of a file in a device folder and the numbers its name claims."""
    if match := CHUNK_NAME.match(name):
        seq = int(match.group(1))
        return Entry("chunk", seq, seq)
    if match := PACK_NAME.match(name):
        first, last = int(match.group(1)), int(match.group(2))
        return Entry("pack", last, first) if first <= last else Entry("foreign")
    if match := SNAPSHOT_NAME.match(name):
        return Entry("snapshot", int(match.group(1)))
    if name.startswith(_TEMP_PREFIXES) or name.endswith((".tmp", ".partial", ".part")):
        return Entry("temp")
    if (match := COPY_NAME.match(name)) and name.lower().endswith(CHUNK_SUFFIX):
        seq = int(match.group(1))
        return Entry("copy", seq, seq)
    return Entry("foreign")
