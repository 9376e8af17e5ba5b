"""When the terminal UI crashes: one line on the terminal, the details in a private file.

Textual's own crash report prints the traceback with the local variables of every frame — decrypted
registration numbers and health details included — into the terminal, its scrollback and SSH logs.
Instead the traceback without locals is written to `crash/` in this PC's state folder (0700, the file
0600), and the
terminal shows one line, in the user's language, naming that file.
"""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path

from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.local_state import state_home


def write_report(error: BaseException) -> Path:
    """Write the traceback of `error` (no local variables) to a new 0600 file; its path."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = state_home() / "crash"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"crash-{stamp}.txt"
    text = "".join(traceback.format_exception(error))
    write_atomic(path, text.encode("utf-8"), exclusive=True)
    return path
