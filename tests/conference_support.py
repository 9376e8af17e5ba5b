"""Shared by the conference tests: the meeting's time and a few open cases of one owner."""

from __future__ import annotations

import datetime as dt

from chandong_tui.casework.clock import KST
from chandong_tui.casework.repository import CaseRepository

MEETING = dt.datetime(2027, 2, 5, 14, 0, tzinfo=KST)
"""Friday before 설날 2027: follow-ups fall due after the holidays."""


def open_cases(repo: CaseRepository, n: int, owner: str = "planner") -> list[str]:
    found = [s.id for s in repo.household_summaries() if s.owner_id == owner and s.status == "open"]
    assert len(found) >= n
    return found[:n]
