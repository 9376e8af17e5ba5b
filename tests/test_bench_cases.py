"""The bench's rows for reading a case back measure what they say: the lists 내 업무 and the household
screen add, and the household screen and a visit's detail opened in the search scenario's app."""

from __future__ import annotations

from pathlib import Path

from chandong_tui.bench import case_scenarios, queue_scenarios, tui_scenarios
from chandong_tui.casework.links import links_needing_check
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from tests.conftest import opened


def test_case_lists_are_timed_with_the_links_they_find(demo_vault: Path) -> None:
    result = case_scenarios.case_lists_timing(demo_vault, 2, user="supervisor", passphrase=DEMO_PASSPHRASE)
    assert len(result.dong_links.samples) == len(result.household_lists.samples) == 2
    assert all(sample > 0 for sample in result.dong_links.samples + result.household_lists.samples)
    with opened(demo_vault, "supervisor") as repo:
        assert result.links == len(links_needing_check(repo, queue_scenarios.bench_now()))


def test_household_screen_and_visit_detail_open_once_per_sample(demo_vault: Path) -> None:
    from chandong_tui.tui.screens.dashboard_screen import DashboardScreen

    found: list[case_scenarios.CaseOpensResult] = []
    screens: list[str] = []

    async def then(app, pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("f2")
        found.append(await case_scenarios.time_case_opens(app, pilot, 2))
        screens.append(type(app.screen).__name__)

    tui_scenarios.search_keystrokes(
        demo_vault, queries=["1"], user="supervisor", passphrase=DEMO_PASSPHRASE, then=then
    )
    assert screens == [DashboardScreen.__name__]  # each opened and closed again
    (result,) = found
    assert len(result.household.samples) == len(result.visit.samples) == 2
    assert all(sample > 0 for sample in result.household.samples + result.visit.samples)
