"""The child process of the open-to-ready scenarios: start an app headless, report when it is ready.

    python -m chandong_tui.bench.ready_child minimal
    CHANDONG_PASSPHRASE=… python -m chandong_tui.bench.ready_child chandong VAULT USER

`minimal` is the baseline: a bare Textual `App`. `chandong` starts `ChandongApp` on VAULT with USER
prefilled, waits until the unlock screen is drawn (`unlock_screen`) and the app has gone quiet behind
it (`unlock_idle`: what it loads while a person types is loaded), types the passphrase (`submitted`),
and waits for the first refresh of whatever screen replaces the unlock screen (내 업무 today; no
screen class is named, so it follows the app). Both are then ready when the process has gone quiet
(`settled`): the moment it last did work, which includes what the screen still does after its first
paint. One JSON line goes to standard output:
wall-clock stamps (`time.time()`, so the parent can subtract its own spawn stamp), the seconds spent
in `unlock()` and in the passphrase KDF (both timed in the unlock worker), the screen shown, and
the memory then (`rss_kib`, `peak_rss_kib`; see `memory`). Then the app exits.

Only the standard library is imported before the clock starts mattering: the app's own imports are
part of what is measured, as they are for `chandong open`.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

SIZE = (120, 40)
TIMEOUT_S = 60.0
QUIET_S = 0.06
STEP_S = 0.005


def memory() -> dict[str, int | None]:
    """Current and peak RSS in KiB: VmRSS and VmHWM from /proc (Linux), else `getrusage`'s peak.

    Not `ru_maxrss` on Linux: it survives `execve`, so a child spawned by a big parent would report
    the parent's peak.
    """
    found: dict[str, int] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = int(value.split()[0])
    except OSError:
        pass
    peak = found.get("VmHWM")
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if sys.platform == "darwin":
            peak //= 1024  # bytes there
    return {"rss_kib": found.get("VmRSS"), "peak_rss_kib": peak}


async def _until(condition: Callable[[], bool], timeout: float = TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app never got there")
        await asyncio.sleep(0.001)


async def settled(quiet: float = QUIET_S, step: float = STEP_S) -> float:
    """When the process last worked (`time.time()`), once it has done nothing for `quiet` seconds.

    Sampled every `step`: a step is busy when the process (every thread) used over a fifth of it in
    CPU. `quiet` spans a few of Textual's 60 Hz refresh ticks, so pending repaints count as work.
    """
    last_busy = time.time()
    cpu = time.process_time()
    while time.time() - last_busy < quiet:
        await asyncio.sleep(step)
        now = time.process_time()
        if now - cpu > step / 5:
            last_busy = time.time()
        cpu = now
    return last_busy


def _report(marks: dict[str, Any]) -> None:
    os.write(1, (json.dumps(marks) + "\n").encode())  # Textual captures print() while running


def run_minimal() -> None:
    from textual.app import App

    marks: dict[str, Any] = {"imported": time.time()}
    app: App[None] = App()

    async def probe(pilot: Any) -> None:
        await _until(lambda: app.screen.is_running)
        await app.screen.wait_for_refresh()
        marks["painted"] = time.time()
        marks["ready"] = await settled()
        marks["screen"] = type(app.screen).__name__
        marks.update(memory())
        _report(marks)
        app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=probe)


def _time_unlock(marks: dict[str, Any]) -> None:
    """Time `unlock()` and the passphrase KDF inside it (imported here, after the unlock screen is up
    and the app has preloaded them, so the timing adds no import to what is measured)."""
    from chandong_tui.vault import accounts
    from chandong_tui.vault.crypto import KdfParams

    real_unlock, real_derive = accounts.unlock, KdfParams.derive

    def timed_unlock(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return real_unlock(*args, **kwargs)
        finally:
            marks["unlock_s"] += time.perf_counter() - start
            marks["unlocked"] = time.time()

    def timed_derive(self: KdfParams, passphrase: str) -> bytes:
        start = time.perf_counter()
        try:
            return real_derive(self, passphrase)
        finally:
            marks["kdf_s"] += time.perf_counter() - start

    accounts.unlock = timed_unlock  # type: ignore[assignment]
    KdfParams.derive = timed_derive  # type: ignore[method-assign]


def run_chandong(vault: str, user: str, passphrase: str) -> None:
    from pathlib import Path

    from textual.widgets import Input

    from chandong_tui.tui.app import ChandongApp
    from chandong_tui.tui.screens.unlock_screen import UnlockScreen

    marks: dict[str, Any] = {"imported": time.time(), "unlock_s": 0.0, "kdf_s": 0.0}
    app = ChandongApp(Path(vault), user=user)

    async def probe(pilot: Any) -> None:
        await _until(lambda: isinstance(app.screen, UnlockScreen) and app.screen.is_running)
        screen = app.screen
        await screen.wait_for_refresh()
        marks["unlock_screen"] = time.time()
        # A person reads the screen and types: the passphrase comes once the app has gone quiet.
        marks["unlock_idle"] = await settled()
        _time_unlock(marks)
        field = screen.query_one("#passphrase", Input)
        field.value = passphrase
        marks["submitted"] = time.time()
        await field.action_submit()
        await _until(lambda: not isinstance(app.screen, UnlockScreen) and app.screen.is_running)
        main = app.screen
        await main.wait_for_refresh()
        marks["painted"] = time.time()
        marks["ready"] = await settled()
        marks["screen"] = type(main).__name__
        marks.update(memory())
        _report(marks)
        app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=probe)


def main(argv: list[str]) -> int:
    if argv[:1] == ["minimal"]:
        run_minimal()
        return 0
    if len(argv) == 3 and argv[0] == "chandong":
        run_chandong(argv[1], argv[2], os.environ.get("CHANDONG_PASSPHRASE", ""))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
