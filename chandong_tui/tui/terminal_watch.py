"""Leave cleanly when the terminal goes away (SSH dropped, terminal window closed).

When an SSH connection drops, sshd closes the pseudo-terminal and the kernel hangs it up:

- the process leading the terminal's session gets SIGHUP. Over `ssh host chandong ...` that is the
  app itself (the remote shell execs the command); from an interactive shell, the shell passes SIGHUP
  on to its jobs. Python's default for SIGHUP is to die at once, so the vault session's `close()`
  (publish to the shared folder, seal the cache, free the device slot) would never run: what was
  saved stays in this PC's outbox until the vault is opened again here, invisible to the team.
- a process that gets no SIGHUP reads end-of-file from the terminal forever, and its writes fail:
  the app would keep running, unseen, holding its device slot.

`watch_terminal(app)` (called from the app's `on_mount`) turns both into `app.exit()`, the same way
out as the quit key (and the same exit status, 0): SIGHUP (and SIGTERM) are handled in the event
loop, and a timer notices that standard input stopped being a terminal. If the orderly exit cannot
finish (a shutdown stuck on the dead terminal), a last-resort timer ends the process with status
`EXIT_STUCK`; saved changes are already durable in the outbox by then, so nothing saved is lost
either way.

Nothing is watched in headless runs (tests, snapshots) or when standard input is not a terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from typing import Any

from textual.app import App

CHECK_S = 1.0
"""Seconds between checks that standard input is still a terminal."""

LAST_RESORT_S = 30.0
"""Seconds an orderly exit may take after the terminal went away before the process is ended."""

EXIT_STUCK = 128 + signal.SIGHUP
"""Exit status when the orderly exit did not finish in `LAST_RESORT_S` (as a shell reports a hang-up)."""

SIGNALS = (signal.SIGHUP, signal.SIGTERM)


def terminal_fd() -> int | None:
    """The file descriptor of the terminal the app reads from, or None when there is none."""
    stream = sys.__stdin__
    if stream is None:
        return None
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return None
    return fd if os.isatty(fd) else None


def terminal_gone(fd: int) -> bool:
    """True once `fd` is no longer a terminal (a hung-up terminal refuses terminal requests)."""
    try:
        return not os.isatty(fd)
    except OSError:
        return True


def detach_from_terminal() -> None:
    """Point standard input, output and error at /dev/null once the terminal is gone.

    The shutdown still writes to the terminal (restoring its modes) and Python flushes standard
    output when it exits; on a hung-up terminal each write fails, and the interpreter would end with
    status 120 after an orderly exit. Reads then see end-of-file, as they did from the dead terminal.
    """
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for target in (0, 1, 2):
            with contextlib.suppress(OSError):
                os.dup2(null, target)
    finally:
        os.close(null)


def watch_terminal(app: App[Any], check_s: float = CHECK_S, last_resort_s: float = LAST_RESORT_S) -> None:
    """Make `app` exit, through its usual shutdown, when its terminal goes away.

    Call it from `on_mount` (it needs the running event loop). Signal handlers belong to that loop
    and go with it when `App.run` returns.
    """
    fd = terminal_fd()
    if app.is_headless or fd is None:
        return
    loop = asyncio.get_running_loop()
    leaving = threading.Event()

    def leave(reason: str) -> None:
        if leaving.is_set():
            return
        leaving.set()
        app.log.system(f"{reason}: exiting")
        if terminal_gone(fd):
            detach_from_terminal()
        timer = threading.Timer(last_resort_s, os._exit, args=(EXIT_STUCK,))
        timer.daemon = True
        timer.start()
        app.exit()

    for signum in SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, leave, signum.name)

    def check() -> None:
        if terminal_gone(fd):
            leave("standard input is no longer a terminal")

    app.set_interval(check_s, check, name="terminal-watch")
