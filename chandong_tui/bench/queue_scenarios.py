"""The supervisor queue at dong size: `casework.queue.supervisor_queue`, and the TUI's queue screen.

Target (docs/ARCHITECTURE.md §6 spirit, set for the queue): ≤ 0.2 s for the queue with the vault open.

Both are measured at the bench data's own "today" (`chandong_tui.sample_data.generator.DEFAULT_ANCHOR`,
10:00 KST): the generated visits, flags and clocks are live then, as they are for a supervisor on a
working day.

- *after a change*: each sample reads through a new `CaseRepository`, so the indices a repository
  keeps (latest visit per household, list rows) are built again, as after any save to the vault;
- *indices kept*: the same repository again, as when the supervisor opens the queue from 내 업무
  (which has built those indices already).

One call before timing loads what a first call in a process imports (the holiday calendar).

`queue_screen_open` runs `ChandongApp` headless (120×40) as the bench supervisor and times, in CPU
seconds as the search scenario does, `q` on 내 업무 until the queue screen is drawn and idle (hand-offs
escalated, queue computed, lines built), then Esc back; beside it a key that does nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chandong_tui.bench.dataset import BENCH_PASSPHRASE, BENCH_USER
from chandong_tui.bench.measure import Timing, time_each
from chandong_tui.casework.clock import KST
from chandong_tui.casework.queue import SupervisorQueue, supervisor_queue
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.vault.accounts import unlock

SIZE = (120, 40)
NOOP_KEY = "ctrl+shift+f12"


def bench_now() -> dt.datetime:
    """10:00 KST on the bench data's anchor day."""
    from chandong_tui.sample_data.generator import DEFAULT_ANCHOR

    return dt.datetime.combine(DEFAULT_ANCHOR, dt.time(10), tzinfo=KST)


@dataclass(frozen=True)
class QueueResult:
    after_change: Timing
    """Wall seconds per queue, the repository's indices built again each time."""
    indices_kept: Timing
    """Wall seconds per queue from the same repository."""
    sizes: dict[str, int]
    """Lines per section of the queue measured."""


def queue_sizes(queue: SupervisorQueue) -> dict[str, int]:
    sections = ("caseload", "overdue_visits", "clocks", "unowned", "handoffs", "closures")
    return {name: len(getattr(queue, name)) for name in sections}


def supervisor_queue_timing(
    vault: Path, repeat: int, user: str = BENCH_USER, passphrase: str = BENCH_PASSPHRASE
) -> QueueResult:
    """`supervisor_queue` with the vault open, after a change and with the indices kept."""
    at = bench_now()
    with unlock(vault, user, passphrase) as session:
        supervisor_queue(CaseRepository(session), at)  # first-call imports, not what is measured
        fresh = time_each(
            "supervisor queue, after a change (dong)",
            lambda: supervisor_queue(CaseRepository(session), at),
            repeat,
        )
        repo = CaseRepository(session)
        queue = supervisor_queue(repo, at)
        kept = time_each("supervisor queue, indices kept (dong)", lambda: supervisor_queue(repo, at), repeat)
    return QueueResult(fresh, kept, queue_sizes(queue))


@dataclass(frozen=True)
class QueueScreenResult:
    open: Timing
    """CPU seconds from `q` on 내 업무 to the queue screen drawn and idle."""
    noop: Timing
    """CPU seconds of a key that does nothing, through the same pilot."""
    lines: int
    """Lines of the queue list (section headers included)."""


async def time_queue_opens(app: Any, pilot: Any, repeat: int) -> QueueScreenResult:
    """From wherever the signed-in supervisor is: back to 내 업무, then `q` and Esc `repeat` times,
    CPU seconds from `q` to the queue drawn and idle; and as many no-op keys on 내 업무."""
    from textual.widgets import OptionList

    from chandong_tui.bench.tui_scenarios import settle
    from chandong_tui.tui.screens.queue_screen import QueueScreen

    await pilot.press("f2")
    await settle(pilot)
    base = app.screen
    opens: list[float] = []
    noops: list[float] = []
    lines = 0
    for _ in range(repeat):
        start = time.process_time()
        await pilot.press(NOOP_KEY)
        await pilot.pause()
        noops.append(time.process_time() - start)
    for _ in range(repeat):
        start = time.process_time()
        await pilot.press("q")
        await pilot.pause()
        opens.append(time.process_time() - start)
        if not isinstance(app.screen, QueueScreen):
            raise RuntimeError(f"q did not open the queue ({type(app.screen).__name__})")
        lines = app.screen.query_one("#queue-list", OptionList).option_count
        await pilot.press("escape")
        await settle(pilot)
        if app.screen is not base:
            raise RuntimeError("Esc did not leave the queue")
    return QueueScreenResult(
        Timing("queue screen opened from 내 업무 (CPU)", tuple(opens)),
        Timing("no-op key on 내 업무 (CPU, baseline)", tuple(noops)),
        lines,
    )


def queue_screen_open(
    vault: Path, repeat: int, user: str = BENCH_USER, passphrase: str = BENCH_PASSPHRASE
) -> QueueScreenResult:
    """Open the queue screen from 내 업무 `repeat` times in its own headless app (CPU time per opening);
    the bench runs `time_queue_opens` in the search scenario's app instead, saving an unlock."""
    from chandong_tui.bench.tui_scenarios import settle, sign_in_headless
    from chandong_tui.tui.app import ChandongApp

    found: list[QueueScreenResult] = []

    async def main() -> None:
        app = ChandongApp(vault, user=user, clock=bench_now)
        async with app.run_test(size=SIZE) as pilot:
            await sign_in_headless(app, pilot, passphrase)
            await settle(pilot)
            found.append(await time_queue_opens(app, pilot, repeat))

    asyncio.run(main())
    return found[0]


def describe(result: QueueResult | None, screen: QueueScreenResult | None) -> list[str]:
    """The notes under the table."""
    notes = []
    if result is not None:
        sizes = ", ".join(f"{name} {n}" for name, n in result.sizes.items())
        notes.append(f"supervisor queue at {bench_now():%Y-%m-%d %H:%M} (bench data's today): {sizes}")
    if screen is not None:
        notes.append(f"queue screen: {screen.lines} list lines (each section capped, '외 N건')")
    return notes
