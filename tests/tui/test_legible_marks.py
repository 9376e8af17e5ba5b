"""State and focus are read from the cells' characters, never from colour alone (16 colours,
`TERM=linux`): the plain text of the screen — what a monochrome or 16-colour console shows the same —
must differ between a ticked and an unticked box, a chosen and an unchosen radio button, a picked and
an unpicked option, and the focused field and the others."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.export_modal import ExportModal
from chandong_tui.tui.modals.household_modal import HouseholdModal
from chandong_tui.tui.screens.households_screen import HouseholdsScreen
from chandong_tui.tui.widgets.pick_list import PickList
from chandong_tui.tui.widgets.toggles import TickBox
from tests.tui.driving import run_app, sign_in
from tests.tui.screen_support import screen_lines


def line_with(app: ChandongApp, words: str) -> str:
    lines = [line for line in screen_lines(app) if words in line]
    assert len(lines) == 1, (words, screen_lines(app))
    return lines[0]


def registration_app(vault: Path) -> ChandongApp:
    return ChandongApp(vault, user="planner", low_bandwidth=True)


async def registration_form(app: ChandongApp, pilot: Pilot) -> HouseholdModal:
    await sign_in(app, pilot)
    assert isinstance(app.screen, HouseholdsScreen)
    await pilot.press("ctrl+n")
    await pilot.pause()
    assert isinstance(app.screen, HouseholdModal)
    return app.screen


def test_a_ticked_consent_box_reads_differently_from_an_unticked_one(demo_vault: Path) -> None:
    seen: dict[str, str] = {}

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await registration_form(app, pilot)
        box = form.query_one("#consent_given", TickBox)
        box.focus()
        box.scroll_visible(animate=False)
        await pilot.pause()
        seen["unticked"] = line_with(app, "동의 받음")
        await pilot.press("space")
        await pilot.pause()
        assert box.value
        seen["ticked"] = line_with(app, "동의 받음")

    run_app(registration_app(demo_vault), scenario)
    assert "[ ] 동의 받음" in seen["unticked"]
    assert "[v] 동의 받음" in seen["ticked"]


def test_a_picked_tag_reads_differently_from_the_others(demo_vault: Path) -> None:
    seen: dict[str, str] = {}

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await registration_form(app, pilot)
        tags = form.query_one("#tags", PickList)
        tags.focus()
        await pilot.pause()
        first = str(tags.get_option_at_index(0).prompt)
        second = str(tags.get_option_at_index(1).prompt)
        assert f"[ ] {first}" in line_with(app, first)
        await pilot.press("space")  # picks the highlighted (first) option
        await pilot.pause()
        seen["picked"], seen["other"] = line_with(app, first), line_with(app, second)
        seen["first"], seen["second"] = first, second

    run_app(registration_app(demo_vault), scenario)
    assert f"[v] {seen['first']}" in seen["picked"]
    assert f"[ ] {seen['second']}" in seen["other"]


def test_the_focused_field_is_marked_by_its_shape(demo_vault: Path) -> None:
    """The field typing goes into starts with `█`; the other one-row fields with `▏`."""
    seen: dict[str, list[str]] = {}

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await registration_form(app, pilot)
        form.query_one("#tong", Input).focus()
        await pilot.pause()
        seen["tong_focused"] = [line_with(app, "통 "), line_with(app, "반 ")]
        form.query_one("#ban", Input).focus()
        await pilot.pause()
        seen["ban_focused"] = [line_with(app, "통 "), line_with(app, "반 ")]

    run_app(registration_app(demo_vault), scenario)
    tong, ban = seen["tong_focused"]
    assert "█" in tong and "▏" in ban and "█" not in ban
    tong, ban = seen["ban_focused"]
    assert "▏" in tong and "█" not in tong and "█" in ban


def test_the_chosen_csv_header_reads_differently_from_the_other(demo_vault: Path) -> None:
    seen: dict[str, str] = {}

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        app.push_screen(ExportModal("보고서 내보내기", "report.csv"))
        await pilot.pause()
        seen["lines"] = "\n".join(screen_lines(app))

    run_app(ChandongApp(demo_vault, user="supervisor", low_bandwidth=True), scenario)
    assert "(•) 한국어 머리글" in seen["lines"], seen["lines"]
    assert "( ) 영문 키 (스크립트용)" in seen["lines"], seen["lines"]
