"""Timing helpers: repeat, keep every sample, report the median with min and max.

A `Timing` holds seconds unless it says otherwise (`unit`: "B" for terminal bytes, "KiB" for
memory), so counts and sizes are printed beside times in the same table.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Samples of one measurement, in seconds."""

    name: str
    samples: tuple[float, ...]
    unit: str = "s"

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def format(self, value: float) -> str:
        return format_value(value, self.unit)

    def as_dict(self) -> dict[str, object]:
        if self.unit == "s":
            return {
                "name": self.name,
                "median_ms": self.median * 1e3,
                "min_ms": min(self.samples) * 1e3,
                "max_ms": max(self.samples) * 1e3,
                "n": len(self.samples),
            }
        return {
            "name": self.name,
            "unit": self.unit,
            "median": self.median,
            "min": min(self.samples),
            "max": max(self.samples),
            "n": len(self.samples),
        }


def time_each(
    name: str, action: Callable[[], object], repeat: int, setup: Callable[[], object] | None = None
) -> Timing:
    """Run `action` `repeat` times (after `setup` each time, untimed)."""
    samples = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return Timing(name, tuple(samples))


def format_ms(seconds: float) -> str:
    ms = seconds * 1e3
    return f"{ms:.3f} ms" if ms < 1 else f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"


def format_value(value: float, unit: str) -> str:
    """Seconds as milliseconds; bytes as B or KiB; KiB of memory as MB (10⁶ bytes, as targets say)."""
    if unit == "s":
        return format_ms(value)
    if unit == "B":
        return f"{value:.0f} B" if value < 1024 else f"{value / 1024:.1f} KiB"
    if unit == "KiB":
        return f"{value * 1024 / 1e6:.0f} MB"
    return f"{value:g} {unit}"
