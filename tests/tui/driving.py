"""Driving the app in tests: run a scenario under `run_test`, sign in from the unlock screen.

No async plugin is installed, so each scenario runs with `asyncio.run`.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.unlock_screen import UnlockScreen

Scenario = Callable[[ChandongApp, Pilot], Awaitable[None]]


def run_app(app: ChandongApp, scenario: Scenario, size: tuple[int, int] = (80, 24)) -> None:
    watch_notifications(app)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await scenario(app, pilot)

    asyncio.run(main())


_notified: weakref.WeakKeyDictionary[ChandongApp, list[str]] = weakref.WeakKeyDictionary()


def watch_notifications(app: ChandongApp) -> None:
    """Keep the messages `app` is asked to show through its public `notify` (and forget them on its
    `clear_notifications`, as the app does), for `notifications`."""
    messages = _notified.setdefault(app, [])
    notify, clear = app.notify, app.clear_notifications

    def notify_and_keep(message: str, **options: Any) -> None:
        messages.append(message)
        notify(message, **options)

    def clear_and_forget() -> None:
        messages.clear()
        clear()

    app.notify = notify_and_keep  # type: ignore[method-assign]
    app.clear_notifications = clear_and_forget  # type: ignore[method-assign]


def notifications(app: ChandongApp) -> list[str]:
    """The messages `app` notified since `run_app` started it (or since it cleared them)."""
    return list(_notified.get(app, []))


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
