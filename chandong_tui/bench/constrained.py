"""`chandong bench --constrained`: the same suite as is, pinned to one core, and with a bounded heap.

Low-spec office PCs have one or two slow cores and little free memory. The suite runs three times,
each in a child process (`python -m chandong_tui bench --json …`, so every run starts cold and its
own children — the app in a pty, the ready-mark child, the minimal Textual app — share its limits):

- *as is*: no limit;
- *one core*: `taskset -c 0` (or, without taskset, `os.sched_setaffinity` in the child before it
  starts); the app's threads, the Argon2id lanes and the bench's children all share that core;
- *bounded heap*: `resource.setrlimit(RLIMIT_DATA)` in the child before it starts. Linux counts
  every private writable mapping (the Python heap, malloc arenas, thread stacks) against it and each
  process gets the bound on its own. See `HEAP_LIMIT_MIB` for the figure.

One table follows: each figure's median under each condition and how it moved (ratio to as is). A
scenario that fails in a run (a `MemoryError` under the bound, say) shows *failed* in its row and its
error is listed under the table; a child that dies without a report fails its whole column.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from chandong_tui.bench.measure import format_value

HEAP_LIMIT_MIB = 448
"""The bounded heap, per process. Measured unbounded (VmData peaks, sampled every 20 ms in a quick
run): the app with the dong vault open on 내 업무 about 170 MiB, `chandong open` in the pty about
190 MiB, a minimal Textual app 23 MiB, and the bench's own process 577 MiB — it runs every storage
scenario and a headless app one after the other, and malloc keeps what one freed for the next.
Alone, in a fresh process: a warm open fits in 160 MiB, a new PC from the snapshot in 224 MiB and a
rebuild from every op in 256 MiB (since big documents are parsed with `json`; with orjson the
snapshot failed at 448 MiB and crashed at 384). 448 MiB sits below the bench process's unbounded
peak, so it constrains that process, and above every app process's need."""

TAIL_LINES = 30


@dataclass(frozen=True)
class Condition:
    """One way to start the child: a command prefix and/or a step run in the child before exec."""

    key: str
    label: str
    how: str
    prefix: tuple[str, ...] = ()
    preexec: Callable[[], None] | None = None
    available: bool = True


def one_core() -> Condition:
    """Pinned to the first CPU this process may use: `taskset` if installed, else `sched_setaffinity`."""
    cpu = min(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
    taskset = shutil.which("taskset")
    if taskset:
        return Condition("one_core", "one core", f"taskset -c {cpu}", prefix=(taskset, "-c", str(cpu)))
    if hasattr(os, "sched_setaffinity"):
        return Condition(
            "one_core",
            "one core",
            f"os.sched_setaffinity(0, {{{cpu}}}) in the child (no taskset)",
            preexec=lambda: os.sched_setaffinity(0, {cpu}),
        )
    return Condition("one_core", "one core", "no way to pin a process here", available=False)


def bounded_heap(limit_mib: int = HEAP_LIMIT_MIB) -> Condition:
    """RLIMIT_DATA (soft) at `limit_mib` MiB, set in the child and inherited by its children."""
    limit = limit_mib * 1024 * 1024

    def bound() -> None:
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))

    return Condition(
        "bounded_heap", f"heap ≤ {limit_mib} MiB", f"RLIMIT_DATA {limit_mib} MiB per process", preexec=bound
    )


def conditions(heap_limit_mib: int = HEAP_LIMIT_MIB) -> list[Condition]:
    return [Condition("as_is", "as is", "no limit"), one_core(), bounded_heap(heap_limit_mib)]


def bench_command(scale: str = "dong", quick: bool = False, repeat: int | None = None) -> list[str]:
    """The child's command line: the ordinary bench, as JSON."""
    command = [sys.executable, "-m", "chandong_tui", "bench", "--json", "--scale", scale]
    if quick:
        command.append("--quick")
    if repeat:
        command += ["--repeat", str(repeat)]
    return command


@dataclass(frozen=True)
class ChildRun:
    """What one child left: its JSON report (None if it died first), exit code, and why not."""

    condition: Condition
    report: dict[str, Any] | None
    exit_code: int | None
    error: str | None = None

    @property
    def failures(self) -> list[str]:
        found = list(self.report.get("failures", [])) if self.report else []
        return found + ([self.error] if self.error else [])


def run_child(
    command: Sequence[str], condition: Condition, say: Callable[[str], None] = lambda _: None
) -> ChildRun:
    """Run `command` under `condition`; its standard error goes to `say` line by line as it comes."""
    if not condition.available:
        return ChildRun(condition, None, None, f"{condition.label}: {condition.how}")
    process = subprocess.Popen(
        [*condition.prefix, *command],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=condition.preexec,
    )
    tail: deque[str] = deque(maxlen=TAIL_LINES)

    def relay() -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode(errors="replace").rstrip()
            tail.append(line)
            say(f"[{condition.label}] {line}")

    relaying = threading.Thread(target=relay, daemon=True)
    relaying.start()
    assert process.stdout is not None
    out = process.stdout.read()
    code = process.wait()
    relaying.join(timeout=10)
    try:
        report = json.loads(out)
    except ValueError:
        last = " | ".join(line for line in list(tail)[-5:] if line.strip())
        return ChildRun(condition, None, code, f"{condition.label}: no report (exit {code}): {last}")
    return ChildRun(condition, report, code)


@dataclass(frozen=True)
class Figure:
    median: float
    unit: str


def figures(report: dict[str, Any] | None) -> dict[str, Figure]:
    """Every figure of a report by name, scenarios and baselines in table order (each name once)."""
    found: dict[str, Figure] = {}
    for row in (report or {}).get("results", []):
        for timing in (row["scenario"], row["baseline"]):
            if timing and timing["name"] not in found:
                if "median_ms" in timing:
                    found[timing["name"]] = Figure(timing["median_ms"] / 1e3, "s")
                else:
                    found[timing["name"]] = Figure(timing["median"], timing["unit"])
    return found


@dataclass(frozen=True)
class Row:
    """One figure under each condition (None: failed there)."""

    name: str
    unit: str
    values: tuple[float | None, ...]
    ratios: tuple[float | None, ...] = field(default=())

    def as_dict(self, runs: Sequence[ChildRun]) -> dict[str, Any]:
        scale = 1e3 if self.unit == "s" else 1
        out: dict[str, Any] = {"name": self.name, "unit": "ms" if self.unit == "s" else self.unit}
        for run, value, ratio in zip(runs, self.values, self.ratios, strict=True):
            out[run.condition.key] = None if value is None else value * scale
            if run is not runs[0]:
                out[f"{run.condition.key}_ratio"] = ratio
        return out


def compare(runs: Sequence[ChildRun]) -> list[Row]:
    """Rows of every figure any run has (as-is order first), each with its ratio to the first run."""
    per_run = [figures(run.report) for run in runs]
    names: dict[str, str] = {}
    for found in per_run:
        for name, figure in found.items():
            names.setdefault(name, figure.unit)
    rows = []
    for name, unit in names.items():
        values = tuple(found[name].median if name in found else None for found in per_run)
        base = values[0]
        ratios = tuple(
            value / base if value is not None and base is not None and base > 0 else None for value in values
        )
        rows.append(Row(name, unit, values, ratios))
    return rows


def table(runs: Sequence[ChildRun], rows: Sequence[Row], title: str) -> list[str]:
    """The printed comparison: medians per condition, and after each but the first its ratio."""
    width = max([44, *(len(row.name) for row in rows)])
    head = f"{'scenario':{width}} {runs[0].condition.label:>10}"
    for run in runs[1:]:
        head += f" {run.condition.label:>16} {'× as is':>8}"
    lines = [title, "; ".join(f"{run.condition.label}: {run.condition.how}" for run in runs), head]
    for row in rows:

        def cell(value: float | None, row: Row = row) -> str:
            return "failed" if value is None else format_value(value, row.unit)

        line = f"{row.name:{width}} {cell(row.values[0]):>10}"
        for value, ratio in zip(row.values[1:], row.ratios[1:], strict=True):
            line += f" {cell(value):>16} {'' if ratio is None else f'{ratio:.2f}×':>8}"
        lines.append(line)
    for run in runs:
        lines += [f"FAILED [{run.condition.label}] {failure}" for failure in run.failures]
    return lines


def run_constrained(
    scale: str = "dong",
    quick: bool = False,
    as_json: bool = False,
    repeat: int | None = None,
    heap_limit_mib: int = HEAP_LIMIT_MIB,
) -> int:
    """Run the suite under each condition in turn and print the comparison (or JSON)."""
    from chandong_tui.bench.dataset import ensure_vault

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    ensure_vault("dong", say=say)  # built once here, not inside the first timed run
    command = bench_command(scale, quick, repeat)
    runs = []
    for condition in conditions(heap_limit_mib):
        say(f"— {condition.label} ({condition.how}) —")
        runs.append(run_child(command, condition, say))
    rows = compare(runs)
    failed = any(run.failures or run.exit_code for run in runs)
    if as_json:
        conditions_out = [
            {
                "key": run.condition.key,
                "label": run.condition.label,
                "how": run.condition.how,
                "exit_code": run.exit_code,
                "failures": run.failures,
            }
            for run in runs
        ]
        out = {"scale": scale, "quick": quick, "conditions": conditions_out}
        out["rows"] = [row.as_dict(runs) for row in rows]
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        title = (
            f"chandong bench --constrained — scale {scale}{' (quick)' if quick else ''}; "
            "medians, one child run per condition"
        )
        print("\n".join(table(runs, rows, title)))
    return 1 if failed else 0
