"""A program in a pseudo-terminal of a fixed size, and every byte it writes to the terminal, counted.

`PtyProgram` starts a command with the slave side of a new pty as its controlling terminal (and as
stdin, stdout and stderr), sized with `TIOCSWINSZ` before the command starts. The bench reads what
the program draws (`read_until`, `drain`), sends keys (`send`), and counts the bytes a key caused
(`bytes_for`: everything written from the key until the terminal has been quiet for a while), and
what a key cost (`respond`: those bytes, the time to the last of them and the program's CPU time by
then, read from /proc). Linux only for `respond` (/proc); the rest needs POSIX (`pty`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DOWN = b"\x1b[B"
UP = b"\x1b[A"
PAGE_DOWN = b"\x1b[6~"
PAGE_UP = b"\x1b[5~"
ESCAPE = b"\x1b"
ENTER = b"\r"
CTRL_Q = b"\x11"
F12 = b"\x1b[24~"
BACKSPACE = b"\x7f"
SLASH = b"/"
TAB = b"\t"
F3 = b"\x1bOR"


class PtyTimeout(TimeoutError):
    """The program did not show what was awaited in time (the tail of its output is attached)."""


def set_window_size(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def _become_controlling_terminal() -> None:  # runs in the child between fork and exec
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@dataclass(frozen=True)
class KeyCost:
    """What one key cost the program in a terminal."""

    written: int
    """Bytes written in answer."""
    latency: float
    """Seconds from the key to the last byte of the answer (0 when nothing was written)."""
    cpu: float
    """CPU seconds of all the program's threads until that last byte."""


class PtyProgram:
    """One program in its own pty and session; killed (whole process group) if it outlives `close`."""

    def __init__(
        self,
        argv: Sequence[str],
        columns: int = 120,
        rows: int = 40,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        master, slave = os.openpty()
        try:
            set_window_size(slave, columns, rows)
            self.process = subprocess.Popen(
                list(argv),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                start_new_session=True,
                preexec_fn=_become_controlling_terminal,
                close_fds=True,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self.fd = master
        self.total = 0
        """Bytes read from the terminal so far."""
        self.eof = False
        self._tail = bytearray()

    # -- reading ---------------------------------------------------------------------------
    def read_some(self, timeout: float) -> bytes:
        """What the program wrote within `timeout` seconds (b"" when nothing, or at its end)."""
        if self.eof:
            return b""
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return b""
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError as exc:  # Linux: EIO once every slave side is closed
            if exc.errno != errno.EIO:
                raise
            data = b""
        if not data:
            self.eof = True
            return b""
        self.total += len(data)
        self._tail += data
        del self._tail[: -(1 << 16)]
        return data

    def drain(self, quiet: float = 0.25, timeout: float = 10.0) -> bytes:
        """Everything written until nothing more came for `quiet` seconds (or the program ended)."""
        out = bytearray()
        deadline = time.monotonic() + timeout
        while not self.eof:
            left = deadline - time.monotonic()
            if left < quiet:
                raise PtyTimeout(f"still writing after {timeout} s; last output: {self.tail()!r}")
            data = self.read_some(quiet)
            if not data:
                break
            out += data
        return bytes(out)

    def collect(self, seconds: float) -> bytes:
        """Everything written within the next `seconds` (however busy the program is)."""
        out = bytearray()
        deadline = time.monotonic() + seconds
        while not self.eof and (left := deadline - time.monotonic()) > 0:
            out += self.read_some(left)
        return bytes(out)

    def read_until(self, marker: bytes, timeout: float = 30.0) -> bytes:
        """Everything written up to and including the first `marker` (searched across reads)."""
        out = bytearray()
        deadline = time.monotonic() + timeout
        while marker not in out:
            left = deadline - time.monotonic()
            if left <= 0 or self.eof:
                state = "ended" if self.eof else f"not seen within {timeout} s"
                raise PtyTimeout(f"{marker.decode(errors='replace')!r} {state}; last output: {self.tail()!r}")
            out += self.read_some(min(0.1, left))
        return bytes(out)

    def tail(self, size: int = 400) -> bytes:
        """The last bytes written (for error messages)."""
        return bytes(self._tail[-size:])

    # -- writing ---------------------------------------------------------------------------
    def send(self, keys: bytes) -> None:
        while keys:
            keys = keys[os.write(self.fd, keys) :]

    def respond(self, keys: bytes, quiet: float = 0.25, timeout: float = 10.0) -> KeyCost:
        """Send `keys` and follow the program until it is quiet again: what it wrote, when the last
        byte came and its CPU time by then (so the quiet wait itself is not counted)."""
        cpu = self.cpu_seconds()
        self.send(keys)
        sent = time.perf_counter()
        written, last, cpu_then = 0, sent, cpu
        deadline = sent + timeout
        while data := self.read_some(min(quiet, max(0.0, deadline - time.perf_counter()))):
            written += len(data)
            last, cpu_then = time.perf_counter(), self.cpu_seconds()
        if not written:  # nothing drawn: the key's work is done within the quiet wait
            cpu_then = self.cpu_seconds()
        return KeyCost(written, last - sent, cpu_then - cpu)

    def cpu_seconds(self) -> float:
        """CPU time the program's threads have used so far (nanosecond counts from /proc)."""
        total = 0
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            with contextlib.suppress(OSError):  # a thread that just ended
                total += int((task / "schedstat").read_text().split()[0])
        return total / 1e9

    def bytes_for(self, keys: bytes, quiet: float = 0.25, timeout: float = 10.0) -> int:
        """Send `keys` and count what the program writes until it is quiet again."""
        self.send(keys)
        return len(self.drain(quiet, timeout))

    # -- ending ----------------------------------------------------------------------------
    def wait(self, timeout: float) -> int | None:
        """Read (and count) until the program exits; its exit code, or None if it did not in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.read_some(0.05)  # keep the pty drained: a full buffer would block the program
            code = self.process.poll()
            if code is not None:
                return code
        return None

    def kill(self) -> None:
        """Kill the program's whole process group and reap it."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def close(self, quit_keys: bytes | None = None, timeout: float = 20.0) -> int | None:
        """Send `quit_keys` (if any), wait for the exit, kill on timeout; the exit code (None: killed)."""
        code: int | None = None
        try:
            if quit_keys is not None and self.process.poll() is None:
                self.send(quit_keys)
            code = self.wait(timeout)
        finally:
            if code is None:
                self.kill()
            self._close_fd()
        return code

    def _close_fd(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> PtyProgram:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.kill()
        self._close_fd()
