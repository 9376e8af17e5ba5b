"""What a file in a device folder of the shared folder is, by its name alone.

Sync tools and operating systems leave their own files beside ours, and a sync tool that sees two
versions of one file keeps both under a changed name. Each name is one of:

- `chunk`: `<seq>.chunk`, written once by the device that owns the folder;
- `copy`: a conflict copy of a chunk: Syncthing `<seq>.sync-conflict-<date>-<time>-<id>.chunk`,
  Nextcloud/Dropbox `<seq> (conflicted copy …).chunk`, OneDrive `<seq>-<PC name>.chunk`. Its ops are
  verified like a chunk's and ingested once (merge is idempotent); the file is left where it is;
- `temp`: a file being written, by us (`.tmp-…`) or by a sync tool (`.syncthing.….tmp`, `~syncthing~…`);
- `foreign`: anything else (`desktop.ini`, `Thumbs.db`, `~$…` Office locks, `.DS_Store`): left alone.
"""

from __future__ import annotations

import re
from typing import Literal

from chandong_tui.vault.atomic import TEMP_PREFIX
from chandong_tui.vault.chunks import CHUNK_NAME, CHUNK_SUFFIX

Kind = Literal["chunk", "copy", "temp", "foreign"]

COPY_NAME = re.compile(r"^(\d{10})[^\d].*\.chunk$", re.IGNORECASE | re.DOTALL)
"""A name that starts like a chunk's and ends like one, with something a sync tool added between."""

_TEMP_PREFIXES = (TEMP_PREFIX, ".syncthing.", "~syncthing~", ".~tmp~", "~$")


def classify(name: str) -> tuple[Kind, int]:
    """The kind of a file in a device folder and, for chunks and their copies, the sequence number
    its name claims (0 otherwise)."""
    if match := CHUNK_NAME.match(name):
        return "chunk", int(match.group(1))
    if name.startswith(_TEMP_PREFIXES) or name.endswith((".tmp", ".partial", ".part")):
        return "temp", 0
    if (match := COPY_NAME.match(name)) and name.lower().endswith(CHUNK_SUFFIX):
        return "copy", int(match.group(1))
    return "foreign", 0
