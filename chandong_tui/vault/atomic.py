"""Durable writes: temp name, fsync, rename, fsync the folder; no partial file under a final name."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

TEMP_PREFIX = ".tmp-"


def fsync_dir(folder: Path) -> None:
    """Make a rename or creation inside `folder` durable (no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(
    path: Path, data: bytes, *, exclusive: bool = False, mode: int = 0o600, make_parents: bool = True
) -> None:
    """Write `data` to `path` so that readers see the old state or the whole new file, never a part.

    With `exclusive`, an existing `path` is an error (write-once files). The file gets `mode` whatever
    the umask (0600: only this OS user reads it); `path` itself is replaced, so a symlink there would be
    too (`write_output_file` follows it first).
    """
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{TEMP_PREFIX}{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            os.link(temp, path)  # fails if `path` exists: write-once
            os.unlink(temp)
        else:
            os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_output_file(
    path: Path, data: bytes, *, for_terminal: Callable[[bytes], bytes] | None = None
) -> None:
    """Write an output the user named (`--out PATH`) without ever replacing what is not a file.

    - A symlink is followed (every level): its target gets the content, the link stays a link.
    - A regular file, or a name that does not exist yet, is written atomically with mode 0600
      (`write_atomic`: temp name in the same folder, fsync, rename); its folder must exist.
    - A FIFO or a character device (a terminal, `/dev/null`) is opened and written directly: renaming
      a file over it would turn a FIFO into a file or, run as root, replace `/dev/null` for everyone.
      A FIFO waits for its reader. When the device is a terminal, `for_terminal` (if given) turns the
      data into what may be shown there (control characters made visible).
    - Anything else (a folder, a socket, a block device) is refused with an `OSError`.
    """
    target = Path(os.path.realpath(path))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is None or stat.S_ISREG(mode):
        write_atomic(target, data, make_parents=False)
        return
    if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        if stat.S_ISDIR(mode):
            raise OSError(errno.EISDIR, "a folder, not a file", str(path))
        raise OSError(errno.EINVAL, "not a file, a FIFO or a terminal", str(path))
    fd = os.open(target, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        opened = os.fstat(fd).st_mode
        if stat.S_ISREG(opened):  # replaced by a file since the check: write that atomically instead
            os.close(fd)
            fd = -1
            write_atomic(target, data, make_parents=False)
            return
        if for_terminal is not None and os.isatty(fd):
            data = for_terminal(data)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        if fd >= 0:
            os.close(fd)
