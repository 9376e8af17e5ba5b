"""Driving the app in tests: run a scenario under `run_test`, sign in from the unlock screen.

No async plugin is installed, so each scenario runs with `asyncio.run`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.unlock_screen import UnlockScreen

Scenario = Callable[[ChandongApp, Pilot], Awaitable[None]]


def run_app(app: ChandongApp, scenario: Scenario, size: tuple[int, int] = (80, 24)) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await scenario(app, pilot)

    asyncio.run(main())


async def sign_in(
    app: ChandongApp, pilot: Pilot, passphrase: str = DEMO_PASSPHRASE, *, to_households: bool = True
) -> None:
    """Type the passphrase (the user id was given to the app) and wait for the unlock worker; then,
    unless `to_households` is False, go from 내 업무 to the household list with its key."""
    await pilot.pause()
    assert isinstance(app.screen, UnlockScreen)
    await pilot.press(*passphrase, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
    if to_households and isinstance(app.screen, DashboardScreen):
        await pilot.press("l")
        await pilot.pause()
