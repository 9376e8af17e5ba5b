"""Textual's own texts reach the Korean UI in Korean: an open dropdown's footer key and the command
palette's search field."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Select

from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.visit_modal import VisitModal
from tests.tui.driving import run_app, sign_in
from tests.tui.screen_support import open_form, quiet_household, screen_lines


def test_an_open_dropdowns_key_is_in_korean(demo_vault: Path) -> None:
    household = quiet_household(demo_vault)
    seen: dict[str, str] = {}

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await open_form(app, pilot, household.id, "v", VisitModal)
        kind = form.query_one("#visit_kind", Select)
        kind.focus()
        await pilot.press("enter")  # opens the list
        await pilot.pause()
        await pilot.pause()
        assert kind.expanded
        seen["footer"] = screen_lines(app)[-1]

    run_app(ChandongApp(demo_vault, user="planner", low_bandwidth=True), scenario)
    assert "esc 목록 닫기" in seen["footer"], seen["footer"]
    assert "Dismiss" not in seen["footer"]


def test_the_palettes_search_field_is_in_korean(demo_vault: Path) -> None:
    seen: dict[str, str] = {}

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        seen["placeholder"] = str(app.screen.query_one(Input).placeholder)
        seen["screen"] = "\n".join(screen_lines(app))

    run_app(ChandongApp(demo_vault, user="planner", low_bandwidth=True), scenario)
    assert seen["placeholder"] == "명령 찾기…"
    assert "명령 찾기…" in seen["screen"] and "Search for commands" not in seen["screen"]
