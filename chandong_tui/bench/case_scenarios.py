"""Reading a case back at dong size: the household screen and a visit's detail, and the lists they and
내 업무 compute once per opening (links awaiting an outcome, a household's tasks).

Targets (docs/ARCHITECTURE.md §6, "opening any screen or form ≤ 100 ms CPU"; issue 15: each new list
≤ 50 ms at dong size):

- `case_lists_timing`: with the vault open, wall seconds of `links_needing_check` for the whole dong
  (what 내 업무 and the supervisor queue add), and of one household's links and tasks (what the household
  screen adds), on the household with the most visits;
- `time_case_opens`: in a running app (the search scenario's, saving an unlock), CPU seconds from
  asking for the household screen until it is drawn and idle, and from asking for a visit's detail
  until it is drawn, each then closed with Esc.

Both at the bench data's own "today" (`queue_scenarios.bench_now`).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chandong_tui.bench.dataset import BENCH_PASSPHRASE, BENCH_USER
from chandong_tui.bench.measure import Timing, time_each
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.vault.accounts import unlock


def busiest_household(repo: CaseRepository) -> str:
    """The household with the most visits (its screen and timeline are the longest)."""
    counts = Counter(doc.get("household_id") for doc in repo.rows("visit").values())
    # rows the bench's own save scenarios wrote name no household
    return next(str(hid) for hid, _ in counts.most_common() if isinstance(hid, str) and hid)


@dataclass(frozen=True)
class CaseListsResult:
    dong_links: Timing
    """Wall seconds of the dong's links to check (내 업무 / queue)."""
    household_lists: Timing
    """Wall seconds of one household's links and tasks (household screen)."""
    links: int
    """Links to check at the bench's today."""


def case_lists_timing(
    vault: Path, repeat: int, user: str = BENCH_USER, passphrase: str = BENCH_PASSPHRASE
) -> CaseListsResult:
    """The lists with the vault open, each sample from a new repository (indices built again)."""
    from chandong_tui.bench.queue_scenarios import bench_now
    from chandong_tui.casework.links import links_needing_check, links_of_household
    from chandong_tui.casework.tasks import tasks_of_household

    at = bench_now()
    with unlock(vault, user, passphrase) as session:
        repo = CaseRepository(session)
        household = busiest_household(repo)
        found = links_needing_check(repo, at)  # first-call imports, not what is measured
        dong = time_each(
            "links to check, whole dong", lambda: links_needing_check(CaseRepository(session), at), repeat
        )

        def household_lists() -> None:
            fresh = CaseRepository(session)
            links_of_household(fresh, household)
            tasks_of_household(fresh, household, at)

        one = time_each("one household's links and tasks", household_lists, repeat)
    return CaseListsResult(dong, one, len(found))


@dataclass(frozen=True)
class CaseOpensResult:
    household: Timing
    """CPU seconds from asking for the household screen to it drawn and idle."""
    visit: Timing
    """CPU seconds from asking for a visit's detail to it drawn and idle."""


async def time_case_opens(app: Any, pilot: Any, repeat: int) -> CaseOpensResult:
    """Open the busiest household's screen and its newest visit's detail `repeat` times each."""
    from chandong_tui.bench.tui_scenarios import settle
    from chandong_tui.tui.modals.visit_detail_modal import VisitDetailModal
    from chandong_tui.tui.screens.household_screen import HouseholdScreen

    household = busiest_household(app.repo)
    households: list[float] = []
    visits: list[float] = []
    for _ in range(repeat):
        start = time.process_time()
        app.push_screen(HouseholdScreen(household))
        await settle(pilot)  # drawn and idle: one pause can leave the mount's reading behind
        households.append(time.process_time() - start)
        screen = app.screen
        if not isinstance(screen, HouseholdScreen) or not screen.visits:
            raise RuntimeError(f"the household screen did not open ({type(screen).__name__})")
        start = time.process_time()
        app.push_screen(VisitDetailModal(screen.visits[0].id))
        await settle(pilot)
        visits.append(time.process_time() - start)
        if not isinstance(app.screen, VisitDetailModal):
            raise RuntimeError(f"the visit detail did not open ({type(app.screen).__name__})")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    return CaseOpensResult(
        Timing("household screen opened, dong (CPU)", tuple(households)),
        Timing("visit detail opened, dong (CPU)", tuple(visits)),
    )
