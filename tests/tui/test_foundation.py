"""The screens' common ground (`tui/base.py`, `tui/navigator.py`, `tui/commands.py`): every screen and
modal stands on the base, records changed reach the screen in front at once and the hidden ones when
they come back, the function keys go back to an open screen, and the palette lists the screen's keys."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from textual.pilot import Pilot
from textual.screen import Screen

import chandong_tui.tui.modals as modals
import chandong_tui.tui.screens as screens
from chandong_tui.i18n import t
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.base import ChandongScreen, ScreenBase
from chandong_tui.tui.commands import ScreenCommands
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.households_screen import HouseholdsScreen
from chandong_tui.tui.screens.steady import SteadyModalScreen, SteadyScreen
from tests.tui.driving import run_app, sign_in
from tests.tui.screen_support import HOUR, change


def test_every_screen_and_modal_stands_on_the_base() -> None:
    found = []
    for package in (screens, modals):
        for module_info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{module_info.name}")
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, Screen)
                    and value.__module__ == module.__name__
                ):
                    found.append(value)
    assert len(found) > 20
    bases = (SteadyScreen, SteadyModalScreen)
    assert [cls for cls in found if cls not in bases and not issubclass(cls, ScreenBase)] == []


def counting_reloads(screen: ChandongScreen[object], counts: dict[str, int], name: str) -> None:
    real = screen.reload

    def reload() -> None:
        counts[name] = counts.get(name, 0) + 1
        real()

    screen.reload = reload  # type: ignore[method-assign]


def test_records_changed_reloads_the_screen_in_front_and_the_hidden_one_when_back(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, sync_seconds=HOUR)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        await pilot.press("f3")
        await pilot.pause()
        households = app.screen
        assert isinstance(households, HouseholdsScreen)
        counts: dict[str, int] = {}
        counting_reloads(dashboard, counts, "dashboard")
        counting_reloads(households, counts, "households")
        assert app.context is not None
        hid = households.household_list.rows[3].id
        change(app.context.repo.session, hid, road_address="서울특별시 동작구 가상바뀐길 3")
        app.note_record_changes()
        app.note_record_changes()  # nothing new since: nothing more
        await pilot.pause()
        assert counts == {"households": 1}  # 내 업무 is hidden: not rebuilt
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is dashboard and counts == {"households": 1, "dashboard": 1}
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert counts == {"households": 1, "dashboard": 1}  # nothing changed meanwhile

    run_app(app, scenario)


def test_function_keys_go_back_to_an_open_screen(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, sync_seconds=HOUR)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        households = app.screen
        assert isinstance(households, HouseholdsScreen)
        households.household_list.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not households and len(app.screen_stack) == 4
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen is households and len(app.screen_stack) == 3
        assert not app.check_action("show_households", ())  # already in front

    run_app(app, scenario)


def test_the_palette_lists_the_keys_of_the_screen_in_front(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, lang="en", user="planner", low_bandwidth=True, sync_seconds=HOUR)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        households = app.screen
        assert isinstance(households, HouseholdsScreen)
        households.household_list.focus()
        await pilot.pause()
        titles = [entry.title for entry in ScreenCommands(households).commands()]
        for key in (
            "cmd_households_mine",
            "cmd_households_tag",
            "cmd_household_register",
            "cmd_household_open",
            "cmd_my_work",
            "cmd_week_open",
            "cmd_sync_now",
            "cmd_sync_conflicts",
            "cmd_quit",
        ):
            assert t(key, "en") in titles
        assert t("cmd_households_open", "en") not in titles  # it is in front
        assert t("cmd_queue_open", "en") not in titles  # a supervisor's
        assert t("cmd_report_open", "en") not in titles  # a supervisor's too (its key says why not)
        assert len(titles) == len(set(titles))
        # A key without a palette title of its own is "<screen>: <what the key does>"; the filter
        # letters type into the search box, so they are not offered while it has the focus.
        await pilot.press("slash")
        await pilot.pause()
        titles = [entry.title for entry in ScreenCommands(households).commands()]
        assert f"{t('households', 'en')}: {t('key_list', 'en')}" in titles
        assert t("cmd_households_mine", "en") not in titles
        households.household_list.focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        titles = [entry.title for entry in ScreenCommands(app.screen).commands()]
        assert t("cmd_visit_record", "en") in titles and t("cmd_back", "en") in titles

    run_app(app, scenario)


def test_the_palette_offers_a_supervisor_their_screens(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, lang="en", user="supervisor", low_bandwidth=True, sync_seconds=HOUR)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        assert isinstance(app.screen, HouseholdsScreen)
        titles = [entry.title for entry in ScreenCommands(app.screen).commands()]
        for key in ("cmd_queue_open", "cmd_report_open", "cmd_access_log_open"):
            assert t(key, "en") in titles

    run_app(app, scenario)
