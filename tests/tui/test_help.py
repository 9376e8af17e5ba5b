"""The help screen lists the keys of the screen it was opened from, read from the live bindings."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.screen import Screen

from chandong_tui.i18n import t
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.household_modal import HouseholdModal
from chandong_tui.tui.screens.help_screen import toggle_help
from chandong_tui.tui.screens.households_screen import HouseholdsScreen
from chandong_tui.tui.widgets.household_list import HouseholdList
from tests.tui.driving import run_app, sign_in
from tests.tui.screen_support import declared, open_help, rows_of, screen_lines


def screen_text(app: ChandongApp) -> str:
    """What the terminal shows now, as plain text."""
    return "\n".join(line.rstrip() for line in screen_lines(app))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_help_lists_the_keys_of_the_household_list(demo_vault: Path, lang: str) -> None:
    app = ChandongApp(demo_vault, lang=lang, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        source = app.screen
        assert isinstance(source, HouseholdsScreen)
        focused = app.focused
        help_screen = await open_help(app, pilot)
        rows = rows_of(help_screen)
        search = rows[t("key_search", lang)]
        assert search.keys == ["/", "^f"] and search.tooltip == t("tip_search", lang)
        # Keys hidden from the footer are listed too, with what they do.
        for key, description in (("m", "key_mine"), ("t", "key_tag_filter"), ("g", "key_tong_filter")):
            assert key in rows[t(description, lang)].keys
        assert rows[t("key_clear_filters", lang)].tooltip == t("tip_clear_filters", lang)
        # Every key the screen and its list declare, none made up.
        assert declared(HouseholdsScreen, lang, app) | declared(HouseholdList, lang, app) == set(
            help_screen.sections[0].descriptions()
        )
        everywhere = help_screen.sections[1]
        assert everywhere.title == t("help_everywhere", lang)
        assert t("key_my_work", lang) in everywhere.descriptions()
        assert t("key_quit", lang) not in everywhere.descriptions()  # already listed for this screen
        text = screen_text(app)
        assert t("help_title", lang, screen=t("households", lang)) in text
        assert t("tip_search", lang) in text and t("help_this_screen", lang) in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is source and app.focused is focused

    run_app(app, scenario)


def test_help_over_a_form_lists_the_form_keys_and_only_what_works_there(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, lang="en", user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, HouseholdModal)
        help_screen = await open_help(app, pilot)
        rows = rows_of(help_screen)
        assert rows[t("key_save", "en")].keys == ["^s"]
        assert rows[t("key_add_member", "en")].keys == ["^n"]
        assert rows[t("key_drop_member", "en")].tooltip == t("tip_drop_member", "en")
        # Over a modal the app's keys stop working, except priority ones (quit, and help if it is one).
        everywhere = help_screen.sections[-1].descriptions()
        assert t("key_quit", "en") in everywhere and t("key_my_work", "en") not in everywhere
        assert set(everywhere) <= {t("key_quit", "en"), t("key_help", "en")}
        assert "Keys · Register a household" in screen_text(app)
        toggle_help(app)  # the same global key closes it
        await pilot.pause()
        assert app.screen is form

    run_app(app, scenario)


def test_help_scrolls_at_80_by_24(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        help_screen = await open_help(app, pilot)
        body = help_screen.query_one("#help-body", VerticalScroll)
        assert app.focused is body and body.max_scroll_y > 0
        assert t("tip_low_bandwidth") not in screen_text(app)  # the last section is below
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y
        assert t("tip_low_bandwidth") in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)

    run_app(app, scenario)


def test_help_on_other_screens(demo_vault: Path) -> None:
    """Screens that were not written with the help in mind are listed from their bindings all the same."""
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        dashboard = app.screen
        assert isinstance(dashboard, Screen)
        help_screen = await open_help(app, pilot)
        assert help_screen.help_title == t("key_help")  # no name of its own: the plain title
        rows = {row.description: row for row in help_screen.sections[0].rows}
        assert "l" in rows[t("key_households")].keys
        assert declared(type(dashboard), "ko", app) <= set(rows)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dashboard

    run_app(app, scenario)


@pytest.mark.parametrize(("user", "offered"), [("planner", False), ("supervisor", True)])
def test_help_lists_a_supervisors_screens_to_supervisors_only(
    demo_vault: Path, user: str, offered: bool
) -> None:
    app = ChandongApp(demo_vault, lang="ko", user=user, low_bandwidth=True)
    seen: dict[str, list[str]] = {}

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        help_screen = await open_help(app, pilot)
        seen["rows"] = [d for section in help_screen.sections for d in section.descriptions()]

    run_app(app, scenario)
    for key in ("key_queue", "key_report", "key_access_log"):
        assert (t(key, "ko") in seen["rows"]) is offered, (key, seen["rows"])
    assert t("key_sent_handoffs", "ko") in seen["rows"]  # the dashboard's own keys, for everyone
