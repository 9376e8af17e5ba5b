"""Hybrid logical clocks: wall-clock milliseconds plus a counter, ordered with the device as tie-break.

A clock never runs behind what it has seen, except that a remote time far in the future (a PC set
to 2030) is stored with its op but does not drag the local clock along (docs/ARCHITECTURE.md §4).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

MAX_FORWARD_DRIFT_MS = 5 * 60 * 1000
"""Remote clocks further ahead than this are not adopted; their ops are flagged instead."""


class Stamp(NamedTuple):
    """One HLC reading: `(ms, counter, device)`; tuples compare in that order."""

    ms: int
    counter: int
    device: str

    def encode(self) -> list[object]:
        return [self.ms, self.counter, self.device]

    @classmethod
    def decode(cls, raw: list[object]) -> Stamp:
        ms, counter, device = raw
        return cls(int(ms), int(counter), str(device))  # type: ignore[call-overload]


class HybridClock:
    """The clock of one device."""

    def __init__(self, device: str, now_ms: Callable[[], int] | None = None) -> None:
        self.device = device
        self._now_ms = now_ms or (lambda: time.time_ns() // 1_000_000)
        self._ms = 0
        self._counter = 0

    def tick(self) -> Stamp:
        """A stamp for a new local event, greater than every stamp seen before."""
        wall = self._now_ms()
        if wall > self._ms:
            self._ms, self._counter = wall, 0
        else:
            self._counter += 1
        return Stamp(self._ms, self._counter, self.device)

    def observe(self, stamp: Stamp) -> bool:
        """Take in a stamp seen elsewhere; False (and no change) when it is too far ahead of our wall."""
        if stamp.ms > self._now_ms() + MAX_FORWARD_DRIFT_MS:
            return False
        if (stamp.ms, stamp.counter) > (self._ms, self._counter):
            self._ms, self._counter = stamp.ms, stamp.counter
        return True
