"""Open to a ready main screen, and memory: `ready_child` processes started and timed from here.

Targets (docs/ARCHITECTURE.md §6): the main screen (내 업무) at dong size ready ≤ 2.5 × a minimal Textual
app's start, *after unlock*; ≤ 150 MB RSS with the dong vault open.

`open_to_ready` alternates a bare Textual app and the bench app, each in a fresh process timed from
spawn. In the bench app the passphrase is typed once the unlock screen is drawn and the app has gone
quiet behind it (a person takes seconds to type one; what the app loads meanwhile is loaded). So:

- *after unlock* (the target): passphrase typed → main screen painted and idle, minus the passphrase
  KDF (Argon2id, slow on purpose), timed inside the child;
- *first paint*: spawn → the unlock screen drawn (what a user waits for before typing);
- *cold start*: spawn → main screen ready, minus the KDF and minus the time the app sat waiting for
  the passphrase (from quiet on the unlock screen to typed), i.e. every second of work from start.
"""

from __future__ import annotations

import json
import os
import select
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chandong_tui.bench.dataset import BENCH_PASSPHRASE, BENCH_USER
from chandong_tui.bench.measure import Timing

READY_TIMEOUT_S = 90.0


@dataclass(frozen=True)
class ReadyResult:
    minimal: Timing
    """Spawn → a bare Textual app painted and idle."""
    after_unlock: Timing
    """Passphrase typed → the main screen painted and idle, minus the passphrase KDF (the target)."""
    first_paint: Timing
    """Spawn → the unlock screen drawn."""
    cold_start: Timing
    """Spawn → main screen ready, minus the KDF and the wait for the passphrase."""
    kdf: Timing
    unlock: Timing
    rss: Timing
    """VmRSS at the ready mark, KiB."""
    peak_rss: Timing
    """Peak RSS at the ready mark, KiB."""
    screens: tuple[str, ...]
    stages: dict[str, float]
    """Median seconds of each stage (see `STAGES`)."""


STAGES = (
    ("imports", "spawned", "imported"),
    ("unlock screen drawn", "imported", "unlock_screen"),
    ("loading while the passphrase is typed", "unlock_screen", "unlock_idle"),
    ("passphrase → unlocked", "submitted", "unlocked"),
    ("unlocked → main screen painted", "unlocked", "painted"),
    ("painted → idle", "painted", "ready"),
)


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env.update(extra or {})
    return env


def run_ready_child(args: Sequence[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """One `ready_child` run: its JSON report plus `spawned` (this process's stamp, `time.time()`)."""
    command = [sys.executable, "-m", "chandong_tui.bench.ready_child", *args]
    spawned = time.time()
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], READY_TIMEOUT_S)
        line = process.stdout.readline() if ready else b""
        if not line:
            process.kill()
            _, err = process.communicate(timeout=30)
            raise RuntimeError(f"{' '.join(args[:1])} child reported nothing: {err.decode()[-2000:]}")
        report = json.loads(line)
        _, err = process.communicate(timeout=READY_TIMEOUT_S)  # the app closes the vault on its way out
        if process.returncode:
            raise RuntimeError(f"child failed ({process.returncode}): {err.decode()[-2000:]}")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    report["spawned"] = spawned
    return report


def open_to_ready(
    vault: Path, repeat: int, user: str = BENCH_USER, passphrase: str = BENCH_PASSPHRASE
) -> ReadyResult:
    """Alternate the bare app and the bench app, `repeat` times each."""
    env = child_env({"CHANDONG_PASSPHRASE": passphrase})
    minimal, runs = [], []
    for _ in range(repeat):
        report = run_ready_child(["minimal"], env)
        minimal.append(report["ready"] - report["spawned"])
        runs.append(run_ready_child(["chandong", str(vault), user], env))
    screen = runs[0]["screen"]

    def series(name: str, values: Sequence[float], unit: str = "s") -> Timing:
        return Timing(name, tuple(values), unit)

    return ReadyResult(
        minimal=series("minimal Textual app ready (baseline)", minimal),
        after_unlock=series(
            f"passphrase → {screen} ready, minus KDF",
            [r["ready"] - r["submitted"] - r["kdf_s"] for r in runs],
        ),
        first_paint=series("start → unlock screen drawn", [r["unlock_screen"] - r["spawned"] for r in runs]),
        cold_start=series(f"start → {screen} ready, minus KDF and typing", [_cold_start(r) for r in runs]),
        kdf=series("passphrase KDF in the app", [r["kdf_s"] for r in runs]),
        unlock=series("unlock() in the app", [r["unlock_s"] for r in runs]),
        rss=series("RSS, dong vault open, main screen", [r["rss_kib"] or 0 for r in runs], "KiB"),
        peak_rss=series("peak RSS, dong vault open", [r["peak_rss_kib"] for r in runs], "KiB"),
        screens=tuple(r["screen"] for r in runs),
        stages={name: statistics.median(r[end] - r[begin] for r in runs) for name, begin, end in STAGES},
    )


def _cold_start(run: dict[str, Any]) -> float:
    return (run["unlock_idle"] - run["spawned"]) + (run["ready"] - run["submitted"]) - run["kdf_s"]
