"""What a process holding decrypted records must not leave behind: core files.

A crash of a process with a vault open would write its memory — decrypted rows, the vault key — to a
core file wherever the system puts them. `no_core_dumps` sets the core size limit to zero and, on
Linux, marks the process not dumpable (as ssh-agent does; it also keeps other processes of the same
OS user from attaching a debugger to it). Called once when a command starts.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3


def no_core_dumps() -> None:
    """No core file from this process, where the system allows saying so (best effort elsewhere)."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
        resource.setrlimit(resource.RLIMIT_CORE, (0, hard))  # the soft limit is the one the kernel uses
    if sys.platform.startswith("linux"):
        libc = _libc()
        if libc is not None:
            libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def dumpable() -> bool | None:
    """Whether the system would write a core file of this process (None: cannot tell here)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = _libc()
    return None if libc is None else bool(libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name, use_errno=True) if name else None
    except OSError:
        return None
