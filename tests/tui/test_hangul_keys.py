"""Single-letter keys work in 한글 mode: a letter key arrives as its 두벌식 jamo (`v` as `ㅍ`) and does
what the letter does, wherever a key is a shortcut; typed into a text field it stays text. The footer
and the help show the Latin key only."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, TextArea

import chandong_tui.tui.modals as modals
import chandong_tui.tui.screens as screens
from chandong_tui.i18n import t
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.base import ScreenBase
from chandong_tui.tui.jamo_keys import DUBEOLSIK, add_jamo_aliases, is_jamo_alias
from chandong_tui.tui.modals.confirm_modal import ConfirmModal
from chandong_tui.tui.modals.flag_modal import FlagModal
from chandong_tui.tui.modals.visit_modal import VisitModal
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.household_screen import HouseholdScreen
from chandong_tui.tui.screens.households_screen import HouseholdsScreen
from tests.tui.driving import run_app, sign_in
from tests.tui.screen_support import open_help, open_household, quiet_household, rows_of, tab_to


def test_the_dubeolsik_layout() -> None:
    assert "".join(DUBEOLSIK[c] for c in "qwertyuiop") == "ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔ"
    assert "".join(DUBEOLSIK[c] for c in "asdfghjkl") == "ㅁㄴㅇㄹㅎㅗㅓㅏㅣ"
    assert "".join(DUBEOLSIK[c] for c in "zxcvbnm") == "ㅋㅌㅊㅍㅠㅜㅡ"
    assert "".join(DUBEOLSIK[c] for c in "QWERTOP") == "ㅃㅉㄸㄲㅆㅒㅖ"
    assert DUBEOLSIK["V"] == "ㅍ" and DUBEOLSIK["A"] == "ㅁ"


class _Keys(Widget):
    BINDINGS = [
        Binding("v", "one", "one", id="keys.one"),
        Binding("V", "two", "two", id="keys.two"),
        Binding("R", "three", "three", id="keys.three"),
        Binding("ㅁ", "own", "own", id="keys.own"),
        Binding("a", "four", "four", id="keys.four"),
        Binding("ctrl+v,f1,enter", "five", "five", id="keys.five"),
    ]


def test_aliases_copy_the_letter_keys_only() -> None:
    node = _Keys()
    add_jamo_aliases(node)
    table = node._bindings.key_to_bindings
    assert list(table)[-2:] == ["ㅍ", "ㄲ"]  # after every key of the node's own
    (visit,) = table["ㅍ"]
    assert (visit.action, visit.id, visit.show) == ("one", "keys.one", False)  # `v` wins over `V`
    assert [b.action for b in table["ㄲ"]] == ["three"]
    assert [b.action for b in table["ㅁ"]] == ["own"]  # a jamo bound on its own is left alone
    assert is_jamo_alias(visit) and not any(is_jamo_alias(b) for b in table["v"])
    assert not set(table) & {"ㅃ", "ㅊ"}


def test_every_letter_key_of_every_screen_and_modal_has_its_jamo() -> None:
    """No screen binds a jamo of its own or two letters typing the same one, so every letter's jamo
    does what the letter does (the Pilot tests below press a few of them)."""
    checked = 0
    for package in (screens, modals):
        for module_info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{module_info.name}")
            for cls in vars(module).values():
                if not (
                    isinstance(cls, type)
                    and issubclass(cls, ScreenBase)
                    and cls.__module__ == module.__name__
                ):
                    continue
                table = cls._merge_bindings().key_to_bindings
                assert not set(table) & set(DUBEOLSIK.values()), cls
                letters = [key for key in table if key in DUBEOLSIK]
                assert len({DUBEOLSIK[key] for key in letters}) == len(letters), (cls, letters)
                node = SimpleNamespace(_bindings=cls._merge_bindings())
                add_jamo_aliases(cast(DOMNode, node))
                for letter in letters:
                    aliases = node._bindings.key_to_bindings[DUBEOLSIK[letter]]
                    assert [(b.action, b.id) for b in aliases] == [(b.action, b.id) for b in table[letter]]
                    checked += 1
    assert checked > 40


async def _press(pilot: Pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_jamo_open_the_household_forms(demo_vault: Path, lang: str) -> None:
    household = quiet_household(demo_vault)
    app = ChandongApp(demo_vault, lang=lang, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household.id)
        await _press(pilot, "ㅍ")  # v
        assert isinstance(app.screen, VisitModal)
        await _press(pilot, "escape")
        assert app.screen is screen
        await _press(pilot, "ㄹ")  # f
        assert isinstance(app.screen, FlagModal)
        await _press(pilot, "escape")
        assert app.screen is screen

    run_app(app, scenario, (120, 40))


def test_a_jamo_in_a_form_field_is_text_and_answers_the_question(demo_vault: Path) -> None:
    household = quiet_household(demo_vault)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household.id)
        await _press(pilot, "ㅍ")
        form = app.screen
        assert isinstance(form, VisitModal)
        await tab_to(pilot, "note")
        await _press(pilot, "ㅛ", "ㅜ", "ㅍ")
        assert form.query_one("#note", TextArea).text == "ㅛㅜㅍ"
        assert app.screen is form
        await _press(pilot, "escape")  # something was typed: it asks first
        question = app.screen
        assert isinstance(question, ConfirmModal)
        await _press(pilot, "ㅜ")  # n: no, keep the form
        assert app.screen is form
        await _press(pilot, "escape")
        assert isinstance(app.screen, ConfirmModal)
        await _press(pilot, "ㅛ")  # y: yes, close it
        assert app.screen is screen

    run_app(app, scenario, (120, 40))


def test_jamo_on_my_work_open_the_household_list(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="supervisor", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        assert isinstance(app.screen, DashboardScreen)
        await _press(pilot, "ㅣ")  # l
        assert isinstance(app.screen, HouseholdsScreen)

    run_app(app, scenario)


def test_jamo_in_the_search_box_are_text_and_on_the_list_filter(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        screen = app.screen
        assert isinstance(screen, HouseholdsScreen)
        search = screen.query_one("#search", Input)
        assert app.focused is search
        await _press(pilot, "ㅍ", "ㅡ", "ㅐ")  # v, m (my cases), o (open flags): all text here
        assert search.value == "ㅍㅡㅐ"
        assert app.screen is screen and not screen.filters.active
        await _press(pilot, "ctrl+u", "escape")  # cleared, then to the list
        assert search.value == "" and app.focused is not search
        await _press(pilot, "ㅡ")  # m: my cases
        assert screen.filters.owner_id == "planner"
        await _press(pilot, "ㅐ")  # o: open crisis flags
        assert screen.filters.open_flag
        await _press(pilot, "ㅡ")
        assert screen.filters.owner_id is None and search.value == ""

    run_app(app, scenario)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_footer_and_the_help_show_the_latin_keys_only(demo_vault: Path, lang: str) -> None:
    household = quiet_household(demo_vault)
    app = ChandongApp(demo_vault, lang=lang, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household.id)
        assert isinstance(screen, HouseholdScreen)
        assert "ㅍ" in screen._bindings.key_to_bindings  # the alias is there, only not shown
        shown = [key.key for key in screen.query("FooterKey")]  # type: ignore[attr-defined]
        assert "v" in shown and "f" in shown
        assert not [key for key in shown if key in DUBEOLSIK.values()]
        rows = rows_of(await open_help(app, pilot))
        assert rows[t("key_visit", lang)].keys == ["v"]
        assert rows[t("key_flag_raise", lang)].keys == ["f"]
        assert not [key for row in rows.values() for key in row.keys if key in DUBEOLSIK.values()]

    run_app(app, scenario, (120, 40))
