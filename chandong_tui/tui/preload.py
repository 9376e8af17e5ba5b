"""Load what the screens after the unlock need while the user is typing the passphrase.

`chandong open` imports only what the unlock screen needs, so that screen is up quickly; the vault,
the casework layer, the records' models (and their validators) and the main screens (about half of
all start-up imports) are loaded by a background thread started once it is drawn. A person takes
seconds to type a passphrase; when it comes quicker, or the thread has not finished, whatever is
still missing is imported on first use as usual (Python's import lock makes the two wait for each
other, never load twice).
"""

from __future__ import annotations

import importlib
import threading

AFTER_UNLOCK = (
    "chandong_tui.vault.accounts",  # unlock() (and the session it opens)
    "chandong_tui.model.records",
    "chandong_tui.casework.repository",
    "chandong_tui.casework.my_work",
    "chandong_tui.tui.screens.dashboard_screen",
    "chandong_tui.tui.screens.households_screen",
    "chandong_tui.tui.screens.household_screen",
    "chandong_tui.casework.conflicts",  # the sync status line counts conflicts to review
    "cryptography.hazmat.primitives.serialization",  # reading the user's keys in unlock()
    "chandong_tui.tui.screens.help_screen",  # f1
)
"""Modules in the order the screens after the unlock need them."""


def preload(modules: tuple[str, ...] = AFTER_UNLOCK) -> threading.Thread:
    """Start importing `modules` in a thread; returns the thread (joined only by tests).

    Not a daemon: the interpreter waits for it on the way out. A daemon thread still importing when
    the user quits (ctrl+q in the first half second) was stopped inside the extension modules' native
    code, which aborted the process (exit 134, "FATAL: exception not rethrown")."""
    thread = threading.Thread(target=_import_all, args=(modules,), name="chandong-preload", daemon=False)
    thread.start()
    return thread


def _import_all(modules: tuple[str, ...]) -> None:
    try:
        for name in modules:
            importlib.import_module(name)
        from chandong_tui.model.records import build_validators

        build_validators()
    except Exception:
        return
