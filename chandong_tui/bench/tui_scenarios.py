"""The terminal UI scenarios: search as you type and terminal bytes (open and memory: `ready_scenarios`).

Targets (docs/ARCHITECTURE.md §6), each measured against the bench dong vault (3,000 households):

- search: ≤ 10 ms per keystroke. `search_keystrokes` runs `ChandongApp` headless (`run_test`, 120×40),
  signs in, opens the household list and types each query one key at a time with `pilot.press`. A
  keystroke's cost is the *CPU time* of the process from the key until the app is idle again with
  the list repainted (Input, `Input.Changed`, `HouseholdList.filter`, count line, the screen's
  compositor update; headless, so without turning the update into escape codes, which the terminal
  scenario counts). Wall time would be mostly the pilot's own idle waits (20 ms steps). Beside it,
  the wall time of `HouseholdList.filter(prefix)` alone, called directly on the mounted list.
- terminal bytes: ≤ 2 KiB per cursor move and ≤ 16 KiB per page scroll at 120×40. `terminal_bytes`
  runs `chandong open` in a pty (TERM=xterm-256color, no COLORTERM, so 256 colours), types the
  passphrase, goes to the household list (`show_household_list`), and counts what the app writes
  after each ↓ and each PgDn until the terminal is quiet again.
- search in the real app: in that same pty, search keys typed into the search box (`type_searches`),
  each timed from the key to the last byte of the repaint, with the app's CPU time (all its threads:
  input, event loop, writer) by then. No test pilot: this is what a keystroke costs the user's PC.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chandong_tui.bench.dataset import BENCH_PASSPHRASE, BENCH_USER
from chandong_tui.bench.measure import Timing
from chandong_tui.bench.pty_driver import (
    BACKSPACE,
    CTRL_Q,
    DOWN,
    ENTER,
    ESCAPE,
    F3,
    F12,
    PAGE_DOWN,
    SLASH,
    TAB,
    KeyCost,
    PtyProgram,
    PtyTimeout,
)

SIZE = (120, 40)
READY_TIMEOUT_S = 90.0
NOOP_KEY = "ctrl+shift+f12"
NOOP_KEYS = 5
SETTLE_PAUSES = 3


# -- search as you type -------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchResult:
    keystroke: Timing
    """CPU seconds per key in the headless app, one sample per keystroke."""
    noop: Timing
    """CPU seconds of a key that does nothing, through the same pilot (the harness's own share)."""
    filter_only: Timing
    """Wall seconds of `HouseholdList.filter` per query prefix, one sample per keystroke."""
    queries: tuple[str, ...]
    households: int


def default_queries(summaries: Sequence[Any]) -> list[str]:
    """Initials, a name, a phone tail and an address fragment (the last two from the data)."""
    queries = ["ㄱㅊㅅ", "김철"]
    middle = summaries[len(summaries) // 2] if summaries else None
    tail = next((s.phone_tails[0] for s in summaries[len(summaries) // 2 :] if s.phone_tails), None)
    if tail:
        queries.append(tail)
    if middle is not None and middle.address:
        queries.append(middle.address.split()[0])
    return queries


async def sign_in_headless(app: Any, pilot: Any, passphrase: str) -> None:
    """From the unlock screen (user prefilled) to whatever comes after it."""
    from chandong_tui.tui.screens.unlock_screen import UnlockScreen

    await pilot.pause()
    if not isinstance(app.screen, UnlockScreen):
        raise RuntimeError(f"expected the unlock screen, got {type(app.screen).__name__}")
    await pilot.press(*passphrase, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
    if isinstance(app.screen, UnlockScreen):
        raise RuntimeError("unlock failed")


async def show_household_list_headless(app: Any, pilot: Any) -> Any:
    """The household list screen, from wherever sign-in left the app (its f3 key)."""
    from chandong_tui.tui.screens.households_screen import HouseholdsScreen

    if not isinstance(app.screen, HouseholdsScreen):
        await pilot.press("f3")
        await pilot.pause()
    if not isinstance(app.screen, HouseholdsScreen):
        raise RuntimeError(f"f3 did not open the household list ({type(app.screen).__name__})")
    return app.screen


async def settle(pilot: Any) -> None:
    """Let the app finish what the last change started before the next key is timed: one pause can
    leave work behind (a layout asks for another when the list's scrollbar appears or goes), which
    would be counted against that key."""
    for _ in range(SETTLE_PAUSES):
        await pilot.pause()


def search_keystrokes(
    vault: Path,
    queries: Sequence[str] | None = None,
    user: str = BENCH_USER,
    passphrase: str = BENCH_PASSPHRASE,
    then: Callable[[Any, Any], Awaitable[None]] | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> SearchResult:
    """Type each query into the household list's search box of the headless app, key by key; then
    run `then(app, pilot)` in the same app, if given (another scenario saves an unlock that way).
    `clock` is the app's "now" (the real one by default)."""
    from textual.widgets import Input

    from chandong_tui.tui.app import ChandongApp

    per_key: list[float] = []
    per_noop: list[float] = []
    per_filter: list[float] = []
    used: list[str] = []
    households = 0

    async def main() -> None:
        nonlocal households
        app = ChandongApp(vault, user=user) if clock is None else ChandongApp(vault, user=user, clock=clock)
        async with app.run_test(size=SIZE) as pilot:
            await sign_in_headless(app, pilot, passphrase)
            screen = await show_household_list_headless(app, pilot)
            search = screen.query_one("#search", Input)
            listing = screen.household_list
            households = listing.total
            await settle(pilot)
            for _ in range(NOOP_KEYS):
                start = time.process_time()
                await pilot.press(NOOP_KEY)
                await pilot.pause()
                per_noop.append(time.process_time() - start)
            for query in queries or default_queries(listing.rows):
                used.append(query)
                search.value = ""
                await settle(pilot)
                for char in query:
                    start = time.process_time()
                    await pilot.press(char)
                    await pilot.pause()
                    per_key.append(time.process_time() - start)
                if search.value != query:
                    raise RuntimeError(f"typed {query!r} but the search box holds {search.value!r}")
                for end in range(1, len(query) + 1):
                    start = time.perf_counter()
                    listing.filter(query[:end])
                    per_filter.append(time.perf_counter() - start)
                await pilot.pause()
            if then is not None:
                await then(app, pilot)

    asyncio.run(main())
    return SearchResult(
        Timing(f"search keystroke in app, {households} hh (CPU)", tuple(per_key)),
        Timing("no-op key in app (CPU, baseline)", tuple(per_noop)),
        Timing("HouseholdList.filter alone", tuple(per_filter)),
        tuple(used),
        households,
    )


# -- terminal bytes -----------------------------------------------------------------------------
@dataclass(frozen=True)
class TerminalBytes:
    cursor_move: Timing
    """Bytes written per ↓ in the household list (one sample per key)."""
    page_scroll: Timing
    """Bytes written per PgDn."""
    idle: int
    """Bytes written in one quiet second on the list before the first key (0: nothing animates)."""
    startup: int
    """Bytes written from start until the list was shown and quiet."""
    search: TypedKeys
    tab: Timing
    """Bytes written per Tab between the fields of the visit form."""
    tab_cpu: Timing
    """The app's CPU seconds per Tab (to its last byte)."""


@dataclass(frozen=True)
class TypedKeys:
    """Search keys typed into the real app in its pty, one sample per key."""

    cpu: Timing
    """CPU seconds of the app (every thread) from the key to the last byte of the repaint."""
    noop_cpu: Timing
    """The same for a key that does nothing (F12): the app's floor for any key."""
    latency: Timing
    """Seconds from the key to the last byte of the repaint."""
    written: Timing
    """Bytes of each repaint."""
    idle_cpu: float
    """CPU seconds the app used in one quiet second on the list (timers, the sync thread)."""


PTY_QUERIES = ("ㄱㅊㅅ", "김철", "12", "서울")
"""Typed key by key into the search box of the real app: initials, a name, digits, an address word."""


QUIET_S = 0.25


def _markers() -> tuple[bytes, bytes]:
    from chandong_tui.i18n import Lang, t

    return t("passphrase", Lang.KO).encode(), t("col_head", Lang.KO).encode()


def show_household_list(term: PtyProgram, marker: bytes, timeout: float = 60.0) -> None:
    """Go to the household list and give it the keyboard: f3 (again while unlocking) until its column
    header is drawn, then Esc from the search box to the list (no blinking cursor)."""
    deadline = time.monotonic() + timeout
    while True:
        term.send(F3)
        try:
            term.read_until(marker, timeout=min(1.0, max(0.1, deadline - time.monotonic())))
            break
        except PtyTimeout:
            if time.monotonic() > deadline or term.eof:
                raise
    term.drain(QUIET_S, timeout=30)
    term.bytes_for(ESCAPE, QUIET_S, timeout=30)


def _pty_env() -> dict[str, str]:
    drop = {"COLORTERM", "NO_COLOR", "SSH_CONNECTION", "CHANDONG_USER", "CHANDONG_PASSPHRASE"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("TEXTUAL")}
    env["TERM"] = "xterm-256color"
    env.setdefault("LANG", "C.UTF-8")
    return env


def terminal_bytes(
    vault: Path,
    moves: int,
    pages: int,
    low_bandwidth: bool = False,
    rounds: int = 2,
    user: str = BENCH_USER,
    passphrase: str = BENCH_PASSPHRASE,
) -> TerminalBytes:
    """`chandong open` in a 120×40 pty: bytes per cursor move and per page scroll in the list, then
    `rounds` of search keys typed (`type_searches`)."""
    prompt, list_header = _markers()
    command = [sys.executable, "-m", "chandong_tui", "open", str(vault), "--user", user]
    if low_bandwidth:
        command.append("--low-bandwidth")
    with PtyProgram(command, *SIZE, env=_pty_env()) as term:
        term.read_until(prompt, timeout=60)
        term.drain(QUIET_S, timeout=30)
        term.send(passphrase.encode() + ENTER)
        show_household_list(term, list_header)
        cpu_before = term.cpu_seconds()
        idle = len(term.collect(1.0))
        idle_cpu = term.cpu_seconds() - cpu_before
        startup = term.total
        move = [term.bytes_for(DOWN, QUIET_S) for _ in range(moves)]
        page = [term.bytes_for(PAGE_DOWN, QUIET_S) for _ in range(pages)]
        search = type_searches(term, rounds, idle_cpu)
        tabs = visit_form_tabs(term, FORM_TABS)
        code = term.close(CTRL_Q, timeout=60)
        if code is None:
            raise RuntimeError("the app did not quit on ctrl+q within 60 s (killed)")
    suffix = " (low bandwidth)" if low_bandwidth else ""
    return TerminalBytes(
        Timing(f"terminal bytes per ↓ in list{suffix}", tuple(map(float, move)), "B"),
        Timing(f"terminal bytes per PgDn in list{suffix}", tuple(map(float, page)), "B"),
        idle,
        startup,
        search,
        Timing(f"terminal bytes per Tab in visit form{suffix}", tuple(float(c.written) for c in tabs), "B"),
        Timing("  CPU per Tab in the visit form", tuple(cost.cpu for cost in tabs)),
    )


FORM_TABS = 8
"""Tabs through the visit form's fields (방문일 → 방문 유형 → 대상 → 확인된 욕구 → the resource rows)."""


def visit_form_tabs(term: PtyProgram, tabs: int) -> list[KeyCost]:
    """From the search box: Enter opens the first household, `v` its visit form; then `tabs` Tabs, each
    measured; Esc leaves the form unsaved (nothing was typed)."""
    from chandong_tui.i18n import Lang, t

    term.send(ENTER)
    term.read_until(t("members", Lang.KO).encode(), timeout=30)
    term.drain(QUIET_S, timeout=30)
    term.send(b"v")
    term.read_until(t("visit_title", Lang.KO, household="").split("·")[0].strip().encode(), timeout=30)
    term.drain(QUIET_S, timeout=30)
    costs = [term.respond(TAB, QUIET_S) for _ in range(tabs)]
    term.bytes_for(ESCAPE, QUIET_S)
    return costs


def type_searches(term: PtyProgram, rounds: int, idle_cpu: float) -> TypedKeys:
    """From the list: `/` to the search box, F12 (bound to nothing) a few times, then each of
    `PTY_QUERIES` typed key by key and erased (unmeasured), `rounds` times over."""
    term.bytes_for(SLASH, QUIET_S)
    noop = [term.respond(F12, QUIET_S) for _ in range(NOOP_KEYS)]
    typed = []
    for _ in range(rounds):
        for query in PTY_QUERIES:
            typed += [term.respond(char.encode(), QUIET_S) for char in query]
            for _ in query:
                term.bytes_for(BACKSPACE, QUIET_S)
    if any(cost.written == 0 for cost in typed):
        raise RuntimeError("a search key drew nothing: the search box did not have the keyboard")
    return TypedKeys(
        Timing("search keystroke, real app in a pty (CPU)", tuple(cost.cpu for cost in typed)),
        Timing("F12 (no action) in that pty (CPU)", tuple(cost.cpu for cost in noop)),
        Timing("  key → last byte of the repaint (wall)", tuple(cost.latency for cost in typed)),
        Timing("  bytes written per search keystroke", tuple(float(cost.written) for cost in typed), "B"),
        idle_cpu,
    )
