"""The household list with the mouse on (not low-bandwidth): a click moves the cursor, a double click
opens the household, and neither stops the app."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.screens.household_screen import HouseholdScreen
from chandong_tui.tui.screens.households_screen import HouseholdsScreen
from chandong_tui.tui.widgets.household_list import HouseholdList
from tests.tui.driving import run_app, sign_in


def test_double_click_on_a_row_opens_the_household(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=False)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        households = app.screen
        assert isinstance(households, HouseholdsScreen)
        rows = households.household_list.rows
        assert len(rows) > 3
        # Line 0 of the list is its header: line 3 is the third row.
        assert await pilot.click(HouseholdList, offset=(4, 3))
        await pilot.pause()
        assert households.household_list.cursor == 2 and app.screen is households
        assert await pilot.click(HouseholdList, offset=(4, 3), times=2)
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, HouseholdScreen)
        assert app.screen.household_id == rows[2].id

    run_app(app, scenario, (120, 40))
