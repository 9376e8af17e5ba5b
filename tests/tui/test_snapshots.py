"""Snapshots of the screens people live in: 내 업무, search, household detail and the visit form, at
80×24 and 120×40, in Korean and English (`pytest --snapshot-update` rewrites them after a deliberate
change; look at the SVGs in tests/tui/__snapshots__/ before committing them).

The clock is fixed and low-bandwidth mode is on (no blinking cursor), so a screen looks the same on
every run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot

from chandong_tui.casework.clock import KST
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.screens.unlock_screen import UnlockScreen

NOW = dt.datetime(2026, 10, 31, 15, 30, tzinfo=KST)
"""The demo data's own "today": some flags' clocks are still running then."""
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
LANGS = ["ko", "en"]


def app_for(vault: Path, lang: str) -> ChandongApp:
    return ChandongApp(vault, lang=lang, low_bandwidth=True, user="planner", clock=lambda: NOW)


async def signed_in(pilot: Pilot) -> None:
    """From the unlock screen to 내 업무."""
    await pilot.pause()
    assert isinstance(pilot.app.screen, UnlockScreen)
    await pilot.press(*DEMO_PASSPHRASE, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def searched(pilot: Pilot) -> None:
    await signed_in(pilot)
    await pilot.press("l")
    await pilot.pause()
    await pilot.press(*"ㄱㅊㅅ")
    await pilot.pause()


async def household_open(pilot: Pilot) -> None:
    await searched(pilot)
    await pilot.press("enter")
    await pilot.pause()


async def visit_form(pilot: Pilot) -> None:
    await household_open(pilot)
    await pilot.press("v")
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
def test_dashboard(snap_compare, demo_vault: Path, size: tuple[int, int], lang: str) -> None:
    assert snap_compare(app_for(demo_vault, lang), terminal_size=size, run_before=signed_in)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
def test_search(snap_compare, demo_vault: Path, size: tuple[int, int], lang: str) -> None:
    assert snap_compare(app_for(demo_vault, lang), terminal_size=size, run_before=searched)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
def test_household_detail(snap_compare, demo_vault: Path, size: tuple[int, int], lang: str) -> None:
    assert snap_compare(app_for(demo_vault, lang), terminal_size=size, run_before=household_open)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
def test_visit_form(snap_compare, demo_vault: Path, size: tuple[int, int], lang: str) -> None:
    assert snap_compare(app_for(demo_vault, lang), terminal_size=size, run_before=visit_form)
