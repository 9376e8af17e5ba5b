"""Opening a main screen lays it out once: the sync status line is in it from its first layout.

Mounted after the screen was first drawn, the line took a row from the screen's body, so the
household list was laid out and sent to the terminal a second time at its new height (about 12 kB
more over SSH each time a screen opened; `tests/test_slow_link.py` measures the bytes).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Size
from textual.pilot import Pilot

from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.screens.households_screen import HouseholdsScreen
from chandong_tui.tui.sync_status import SyncLine
from chandong_tui.tui.widgets.household_list import HouseholdList
from tests.tui.driving import run_app, sign_in


def test_the_household_list_is_sized_once_when_it_opens(
    demo_vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[Size] = []
    real_on_resize = HouseholdList.on_resize

    def on_resize(self: HouseholdList) -> None:
        sizes.append(self.size)
        real_on_resize(self)

    monkeypatch.setattr(HouseholdList, "on_resize", on_resize)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)
        assert len(app.screen.query(SyncLine)) == 1
        listing = app.screen.query_one(HouseholdList)
        assert sizes == [listing.size]

    run_app(ChandongApp(demo_vault, user="planner", low_bandwidth=True), scenario, size=(120, 40))
