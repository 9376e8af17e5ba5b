"""Runs the scenarios, pairs each with its baseline, prints medians (min–max) and ratios."""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from chandong_tui.bench import (
    queue_scenarios,
    ready_scenarios,
    report_scenarios,
    scenarios,
    sync_scenarios,
    tui_scenarios,
)
from chandong_tui.bench.dataset import bench_home, ensure_vault
from chandong_tui.bench.measure import Timing, format_ms

T = TypeVar("T")


@dataclass(frozen=True)
class Comparison:
    """A scenario beside its baseline, measured in the same run."""

    scenario: Timing
    baseline: Timing | None
    target: str

    @property
    def ratio(self) -> float | None:
        """Scenario median ÷ baseline median (below 1: faster than the baseline)."""
        if self.baseline is None:
            return None
        return self.scenario.median / self.baseline.median

    def ratio_text(self) -> str:
        ratio = self.ratio
        if ratio is None:
            return ""
        return f"{1 / ratio:.1f}× faster" if ratio < 1 else f"{ratio:.2f}× as long"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _attempt(name: str, failures: list[str], measure: Callable[[], T]) -> T | None:
    """Run one terminal-UI scenario; a failure is reported (and fails the run) without losing the rest."""
    start = time.perf_counter()
    try:
        return measure()
    except Exception as exc:  # noqa: BLE001 - reported, and the exit code says so
        _say(f"{name} failed:\n{traceback.format_exc()}")
        failures.append(f"{name}: {exc.__class__.__name__}: {exc}")
        return None
    finally:
        _say(f"  {name}: {time.perf_counter() - start:.1f} s")


def _tui_rows(
    search: tui_scenarios.SearchResult | None,
    ready: ready_scenarios.ReadyResult | None,
    terminal: tui_scenarios.TerminalBytes | None,
) -> list[Comparison]:
    rows = []
    if ready is not None:
        rows += [
            Comparison(ready.after_unlock, ready.minimal, "≤ 2.5× minimal app (main screen, after unlock)"),
            Comparison(ready.cold_start, ready.minimal, "(every second of work from start)"),
            Comparison(ready.first_paint, ready.minimal, "(until the user can type)"),
            Comparison(ready.rss, None, "≤ 150 MB RSS with the dong vault open"),
            Comparison(ready.peak_rss, None, "(peak, while opening)"),
        ]
    if search is not None:
        rows += [
            Comparison(search.keystroke, search.noop, "≤ 10 ms per keystroke (incl. list repaint)"),
            Comparison(
                Timing(
                    "  same, above the no-op key's median",
                    tuple(sample - search.noop.median for sample in search.keystroke.samples),
                ),
                None,
                "(the test pilot's own share taken out)",
            ),
            Comparison(search.filter_only, None, "(HouseholdList.filter, no repaint)"),
        ]
    if terminal is not None:
        rows += [
            Comparison(terminal.cursor_move, None, "≤ 2 KiB per cursor move (120×40, pty)"),
            Comparison(terminal.page_scroll, None, "≤ 16 KiB per page scroll (120×40, pty)"),
        ]
    return rows


def _tui_notes(
    search: tui_scenarios.SearchResult | None,
    ready: ready_scenarios.ReadyResult | None,
    terminal: tui_scenarios.TerminalBytes | None,
) -> list[str]:
    notes = []
    if ready is not None:
        stages = ", ".join(f"{name} {format_ms(seconds)}" for name, seconds in ready.stages.items())
        notes.append(
            f"open → {ready.screens[0]} (medians): {stages}; in the app unlock() took "
            f"{format_ms(ready.unlock.median)}, its KDF {format_ms(ready.kdf.median)}"
        )
    if search is not None:
        notes.append(
            f"search: {search.households} households; typed {', '.join(map(repr, search.queries))} "
            "key by key (headless app 120×40; CPU time from key to repainted list)"
        )
    if terminal is not None:
        notes.append(
            f"terminal: `chandong open` in a 120×40 pty, TERM=xterm-256color; "
            f"{terminal.startup / 1024:.0f} KiB written until the list was shown, "
            f"{terminal.idle} B in a quiet second on the list"
        )
    return notes


def run_bench(
    scale: str = "dong", quick: bool = False, as_json: bool = False, repeat: int | None = None
) -> int:
    """Measure everything once, in one run, and print the table (or JSON)."""
    folder = ensure_vault("dong", say=_say)  # the gu scale adds its 20 vaults below
    vault = folder / "vault"

    def n(full: int, fast: int) -> int:
        return repeat or (fast if quick else full)

    with bench_home(folder):
        _say("measuring…")
        started = time.perf_counter()
        kdf = scenarios.passphrase_kdf(vault, n(3, 1))
        save = scenarios.save_visit(vault, n(300, 50))
        results = [
            Comparison(
                save, scenarios.tinydb_insert(vault, n(7, 3)), "≤ 5 ms median; ≥ 50× faster than plain TinyDB"
            ),
            Comparison(save, scenarios.fsync_append(n(300, 50)), "(what a save costs over a bare fsync)"),
            Comparison(
                scenarios.open_warm(vault, n(5, 2)),
                scenarios.minimal_textual_app(n(5, 2)),
                "(storage part of 'open ≤ 2.5× minimal app')",
            ),
            Comparison(scenarios.open_rebuild(vault, n(3, 1)), None, "(bootstrap without a snapshot)"),
            Comparison(sync_scenarios.bootstrap_from_snapshot(vault, n(3, 1)), kdf, "bootstrap ≤ 2 s"),
            Comparison(*sync_scenarios.ingest_month(vault, n(5, 2)), "ingest ≤ 0.1 s"),
            Comparison(report_scenarios.monthly_report(vault, n(20, 5)), None, "dong report ≤ 0.5 s"),
            Comparison(
                report_scenarios.monthly_report_with_unlock(vault, n(5, 2)), kdf, "(dong report incl. unlock)"
            ),
        ]
        queue = queue_scenarios.supervisor_queue_timing(vault, n(10, 5))
        results += [
            Comparison(queue.after_change, None, "≤ 0.2 s (vault open; indices rebuilt, as after a save)"),
            Comparison(queue.indices_kept, None, "≤ 0.2 s (opened from 내 업무)"),
        ]
        _say(f"  storage, report and queue scenarios: {time.perf_counter() - started:.1f} s")
        failures: list[str] = []
        ready = _attempt(
            "open to main screen", failures, lambda: ready_scenarios.open_to_ready(vault, n(5, 2))
        )
        opened: list[queue_scenarios.QueueScreenResult] = []

        async def queue_screen(app: Any, pilot: Any) -> None:  # noqa: ANN401 - the app, a Pilot
            opened.append(await queue_scenarios.time_queue_opens(app, pilot, n(3, 2)))

        search = _attempt(
            "search as you type, then the queue screen",
            failures,
            lambda: tui_scenarios.search_keystrokes(
                vault, then=queue_screen, clock=queue_scenarios.bench_now
            ),
        )
        screen = opened[0] if opened else None
        terminal = _attempt(
            "terminal bytes",
            failures,
            # keys within one run of the app, not repetitions: --repeat does not change them
            lambda: tui_scenarios.terminal_bytes(vault, moves=8 if quick else 40, pages=4 if quick else 10),
        )
        results += _tui_rows(search, ready, terminal)
        if screen is not None:
            results.append(Comparison(screen.open, screen.noop, "(q on 내 업무 → queue drawn and idle)"))
        notes = _tui_notes(search, ready, terminal) + queue_scenarios.describe(queue, screen)
        files, saves, bound = sync_scenarios.share_file_count(10, n(300, 80))
        notes.append(
            f"shared folder: {files} files in devices/ after 10 PCs published {saves:,} saves one chunk each "
            f"(packing as they go); the bound is {bound} (fewer than 64 chunks, 8 packs, 1 snapshot per PC)"
        )
        _say(f"measured in {time.perf_counter() - started:.0f} s")
    if scale == "gu":
        results.append(
            Comparison(report_scenarios.gu_monthly_report(n(3, 1), say=_say), None, "gu report ≤ 10 s")
        )
    if as_json:
        print(
            json.dumps(
                {
                    "scale": scale,
                    "kdf": kdf.as_dict(),
                    "notes": notes,
                    "failures": failures,
                    "results": [
                        {
                            "scenario": c.scenario.as_dict(),
                            "baseline": c.baseline.as_dict() if c.baseline else None,
                            "ratio": c.ratio,
                            "target": c.target,
                        }
                        for c in results
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 1 if failures else 0
    print(f"chandong bench — scale {scale}{' (quick)' if quick else ''}; medians (min–max), one run")
    print(
        f"{'scenario':44} {'median':>10} {'min–max':>22}   "
        f"{'baseline':44} {'median':>10} {'ratio':>15}  target"
    )
    for c in results:
        s, b = c.scenario, c.baseline
        spread = f"{s.format(min(s.samples))}–{s.format(max(s.samples))}"
        base = f"{b.name:44} {b.format(b.median):>10}" if b else f"{'':44} {'':>10}"
        ratio = f"{c.ratio_text():>15}"
        print(f"{s.name:44} {s.format(s.median):>10} {spread:>22}   {base} {ratio}  {c.target}")
    print(f"passphrase KDF alone: {format_ms(kdf.median)} (included in both unlock rows)")
    for note in notes:
        print(note)
    for failure in failures:
        print(f"FAILED {failure}")
    return 1 if failures else 0
