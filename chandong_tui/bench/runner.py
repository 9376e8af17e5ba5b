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
    case_scenarios,
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

    def as_dict(self) -> dict[str, object]:
        """The row as `--json` prints it."""
        return {
            "scenario": self.scenario.as_dict(),
            "baseline": self.baseline.as_dict() if self.baseline else None,
            "ratio": self.ratio,
            "target": self.target,
        }

    def ratio_text(self) -> str:
        ratio = self.ratio
        if ratio is None:
            return ""
        return f"{1 / ratio:.1f}× faster" if ratio < 1 else f"{ratio:.2f}× as long"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _attempt(name: str, failures: list[str], measure: Callable[[], T]) -> T | None:
    """Run one scenario; a failure (a MemoryError under a bounded heap too) is reported and fails the
    run without losing the rest: its rows are missing from the table and the failure is listed."""
    start = time.perf_counter()
    try:
        return measure()
    except Exception as exc:
        _say(f"{name} failed:\n{traceback.format_exc()}")
        failures.append(f"{name}: {exc.__class__.__name__}: {exc}")
        return None
    finally:
        _say(f"  {name}: {time.perf_counter() - start:.1f} s")


def _rows(*rows: tuple[Timing | None, Timing | None, str]) -> list[Comparison]:
    """(scenario, baseline, target) as comparisons; a scenario that failed has no row (a failed
    baseline leaves its scenario without a ratio)."""
    return [Comparison(scenario, baseline, target) for scenario, baseline, target in rows if scenario]


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
            Comparison(terminal.search.cpu, terminal.search.noop_cpu, "≤ 10 ms per keystroke (app CPU)"),
            Comparison(terminal.search.latency, None, "(what the user waits, on this PC)"),
            Comparison(terminal.search.written, None, "(a new result set: most list lines change)"),
            Comparison(terminal.tab, None, "(a focus move repaints what it changes)"),
            Comparison(terminal.tab_cpu, None, ""),
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
            f"{terminal.idle} B and {format_ms(terminal.search.idle_cpu)} of CPU in a quiet second on "
            f"the list; search typed {', '.join(map(repr, tui_scenarios.PTY_QUERIES))} key by key"
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
        failures: list[str] = []

        def attempt(name: str, measure: Callable[[], T]) -> T | None:
            return _attempt(name, failures, measure)

        kdf = attempt("passphrase KDF", lambda: scenarios.passphrase_kdf(vault, n(3, 1)))
        save = attempt("save one visit", lambda: scenarios.save_visit(vault, n(300, 50)))
        tinydb = attempt("plain TinyDB insert", lambda: scenarios.tinydb_insert(vault, n(7, 3)))
        fsync = attempt("fsync'ed append", lambda: scenarios.fsync_append(n(300, 50)))
        warm = attempt("open, warm cache", lambda: scenarios.open_warm(vault, n(5, 2)))
        minimal = attempt("minimal Textual app", lambda: scenarios.minimal_textual_app(n(5, 2)))
        rebuild = attempt("open, rebuild", lambda: scenarios.open_rebuild(vault, n(3, 1)))
        snapshot = attempt("new PC", lambda: sync_scenarios.bootstrap_from_snapshot(vault, n(3, 1)))
        ingest = attempt("ingest a month", lambda: sync_scenarios.ingest_month(vault, n(5, 2)))
        writers = attempt("check a month's writers", lambda: sync_scenarios.check_month(vault, n(5, 2)))
        snapshot_check = attempt("check a snapshot", lambda: sync_scenarios.check_snapshot(vault, n(3, 1)))
        report = attempt("monthly report", lambda: report_scenarios.monthly_report(vault, n(20, 5)))
        report_unlock = attempt(
            "monthly report with unlock", lambda: report_scenarios.monthly_report_with_unlock(vault, n(5, 2))
        )
        queue = attempt("supervisor queue", lambda: queue_scenarios.supervisor_queue_timing(vault, n(10, 5)))
        lists = attempt("case lists", lambda: case_scenarios.case_lists_timing(vault, n(10, 5)))
        results = _rows(
            (save, tinydb, "≤ 5 ms median; ≥ 50× faster than plain TinyDB"),
            (save, fsync, "(what a save costs over a bare fsync)"),
            (warm, minimal, "(storage part of 'open ≤ 2.5× minimal app')"),
            (rebuild, None, "(bootstrap without a snapshot)"),
            (snapshot, kdf, "bootstrap ≤ 2 s"),
            (*(ingest or (None, None)), "ingest ≤ 0.1 s"),
            (*(writers or (None, None)), "(within ingest ≤ 0.1 s)"),
            (snapshot_check, snapshot, "(within bootstrap ≤ 2 s)"),
            (report, None, "dong report ≤ 0.5 s"),
            (report_unlock, kdf, "(dong report incl. unlock)"),
            (
                queue.after_change if queue else None,
                None,
                "≤ 0.2 s (vault open; indices rebuilt, as after a save)",
            ),
            (queue.indices_kept if queue else None, None, "≤ 0.2 s (opened from 내 업무)"),
            (lists.dong_links if lists else None, None, "≤ 50 ms (내 업무 and queue: links to check)"),
            (lists.household_lists if lists else None, None, "≤ 50 ms (household screen's lists)"),
        )
        _say(f"  storage, report and queue scenarios: {time.perf_counter() - started:.1f} s")
        ready = _attempt(
            "open to main screen", failures, lambda: ready_scenarios.open_to_ready(vault, n(5, 2))
        )
        opened: list[queue_scenarios.QueueScreenResult] = []
        cases: list[case_scenarios.CaseOpensResult] = []

        async def queue_screen(app: Any, pilot: Any) -> None:
            opened.append(await queue_scenarios.time_queue_opens(app, pilot, n(3, 2)))
            cases.append(await case_scenarios.time_case_opens(app, pilot, n(3, 2)))

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
            lambda: tui_scenarios.terminal_bytes(
                vault, moves=8 if quick else 40, pages=4 if quick else 10, rounds=2 if quick else 5
            ),
        )
        results += _tui_rows(search, ready, terminal)
        if screen is not None:
            results.append(Comparison(screen.open, screen.noop, "(q on 내 업무 → queue drawn and idle)"))
        for case in cases:
            noop = screen.noop if screen else None
            results.append(Comparison(case.household, noop, "≤ 100 ms CPU (household screen drawn)"))
            results.append(Comparison(case.visit, noop, "≤ 100 ms CPU (visit detail drawn)"))
        notes = _tui_notes(search, ready, terminal) + queue_scenarios.describe(queue, screen)
        share = attempt("shared folder", lambda: sync_scenarios.share_file_count(10, n(300, 80)))
        if share is not None:
            files, saves, bound = share
            notes.append(
                f"shared folder: {files} files in devices/ after 10 PCs published {saves:,} saves one chunk "
                f"each (packing as they go); the bound is {bound} (fewer than 64 chunks, 8 packs, 1 snapshot "
                "per PC)"
            )
        _say(f"measured in {time.perf_counter() - started:.0f} s")
    if scale == "gu":
        gu = _attempt("gu report", failures, lambda: report_scenarios.gu_monthly_report(n(3, 1), say=_say))
        results += _rows((gu, None, "gu report ≤ 10 s"))
    if as_json:
        print(
            json.dumps(
                {
                    "scale": scale,
                    "kdf": kdf.as_dict() if kdf else None,
                    "notes": notes,
                    "failures": failures,
                    "results": [c.as_dict() for c in results],
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
    if kdf is not None:
        print(f"passphrase KDF alone: {format_ms(kdf.median)} (included in both unlock rows)")
    for note in notes:
        print(note)
    for failure in failures:
        print(f"FAILED {failure}")
    return 1 if failures else 0
