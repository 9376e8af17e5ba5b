"""Registering a household with its members (`ctrl+n` on the household list), driven by keys only.

What was stored is read back through a fresh `unlock` after the app has closed, not only what was shown.
The clock is fixed at the demo data's "today", so dates in the past and the future are known.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, Static

from chandong_tui.casework.clock import KST
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.i18n import t
from chandong_tui.model.records import Household, Member
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.confirm_modal import ConfirmModal
from chandong_tui.tui.modals.household_modal import HouseholdModal
from chandong_tui.tui.screens.households_screen import HouseholdsScreen
from chandong_tui.vault.accounts import unlock
from tests.tui.driving import notifications, run_app, sign_in

NOW = dt.datetime(2026, 10, 31, 15, 30, tzinfo=KST)
HOSTILE_NAME = "[bold]김[/]"
HOSTILE_ADDRESS = "\x1b[2J가상해킹로 1"


def app_for(vault: Path, lang: str = "ko") -> ChandongApp:
    return ChandongApp(vault, lang=lang, user="planner", low_bandwidth=True, clock=lambda: NOW)


def stored(vault: Path) -> tuple[dict[str, Household], dict[str, list[Member]]]:
    """Every household and the members of each, read through a fresh unlock by the supervisor (who
    reads registration numbers in plain; the planner who typed them reads them masked)."""
    with unlock(vault, "supervisor", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        households = {household.id: household for household in repo.all(Household)}
        return households, {hid: repo.members_of(hid) for hid in households}


def form(app: ChandongApp) -> HouseholdModal:
    assert isinstance(app.screen, HouseholdModal)
    return app.screen


def error_text(app: ChandongApp, name: str) -> str | None:
    """The error shown beside field `name`, or None when none is shown."""
    error = app.screen.query_one(f"#error-{name}", Static)
    return str(error.content) if error.has_class("-shown") else None


async def open_form(app: ChandongApp, pilot: Pilot) -> HouseholdModal:
    await sign_in(app, pilot)
    assert isinstance(app.screen, HouseholdsScreen)
    await pilot.press("ctrl+n")
    await pilot.pause()
    await pilot.pause()
    return form(app)


async def tab_to(app: ChandongApp, pilot: Pilot, widget_id: str) -> None:
    """Move the focus to `widget_id` with Tab, as a user would."""
    for _ in range(80):
        if app.focused is not None and app.focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{widget_id}")


async def type_in(app: ChandongApp, pilot: Pilot, widget_id: str, value: str) -> None:
    """Tab to the input `widget_id` and type `value` over what is there."""
    await tab_to(app, pilot, widget_id)
    assert isinstance(app.focused, Input)
    await pilot.press("end", *(["backspace"] * len(app.focused.value)), *value)


async def choose(app: ChandongApp, pilot: Pilot, widget_id: str, label: str) -> None:
    """Tab to the Select `widget_id`, open it, type the start of `label`, take it."""
    await tab_to(app, pilot, widget_id)
    await pilot.press("enter", *label[:1], "enter")
    await pilot.pause()


async def fill_household(app: ChandongApp, pilot: Pilot, *, address: str = "가상등록로 7") -> None:
    await type_in(app, pilot, "tong", "7")
    await type_in(app, pilot, "ban", "3")
    await type_in(app, pilot, "road_address", address)
    await type_in(app, pilot, "address_detail", "101호")


async def fill_member(
    app: ChandongApp, pilot: Pilot, block: int, name: str, birth: str, sex: str, phone: str = ""
) -> None:
    await type_in(app, pilot, f"m{block}-name", name)
    await type_in(app, pilot, f"m{block}-birth_date", birth)
    await choose(app, pilot, f"m{block}-sex", sex)
    if phone:
        await type_in(app, pilot, f"m{block}-phone", phone)


# -- registering ------------------------------------------------------------------------------
def test_register_a_household_with_two_members(demo_vault: Path) -> None:
    before, _ = stored(demo_vault)
    app = app_for(demo_vault)
    shown: list[str] = []

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        screen = app.screen
        assert isinstance(screen, HouseholdsScreen)
        await pilot.press(*"zzzz")  # a search that hides the new household: it is cleared afterwards
        await pilot.press("ctrl+n")
        await pilot.pause()
        modal = form(app)
        assert app.focused is modal.query_one("#tong", Input)
        await fill_household(app, pilot)
        await pilot.press("tab")  # the tags: typing moves the highlight, space picks
        assert app.focused is modal.query_one("#tags")
        await pilot.press(*"독", "space", *"한", "space")
        await pilot.press("tab", "space")  # consent given
        assert modal.query_one("#consent_given", Checkbox).value is True
        await type_in(app, pilot, "consent_on", "2026-10-30")
        await fill_member(app, pilot, 0, "김등록", "1950-03-04", "남", phone="01012345678")
        assert modal.query_one("#m0-relation", Select).value == "head"  # the first member is the head
        await type_in(app, pilot, "m0-rrn", "5003041234567")
        await pilot.press("ctrl+n")  # another member
        await pilot.pause()
        await pilot.pause()
        assert app.focused is modal.query_one("#m1-name", Input)
        await fill_member(app, pilot, 1, "이둘째", "1980-05-06", "여")
        await choose(app, pilot, "m1-relation", "자녀")
        assert modal.query_one("#m1-relation", Select).value == "child"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is screen, "the form closed once saved"
        assert t("saved") in notifications(app)
        households = screen.household_list
        assert screen.search_box.value == "" and not screen.filters.active
        assert households.current is not None and households.current.head_name == "김등록"
        assert app.focused is households
        shown.append(households.current.id)

    run_app(app, scenario, (120, 40))
    households, members = stored(demo_vault)
    new_ids = set(households) - set(before)
    assert new_ids == set(shown)
    household = households[shown[0]]
    assert (household.tong, household.ban) == (7, 3)
    assert household.road_address == "가상등록로 7" and household.address_detail == "101호"
    assert household.tags == ["elderly_alone", "single_parent"]
    assert household.consent.given is True and household.consent.on == dt.date(2026, 10, 30)
    assert household.owner_id == "planner"
    assert household.registered_on == NOW.date()
    people = members[household.id]
    assert [(m.name, m.birth_date, m.sex, m.relation) for m in people] == [
        ("김등록", dt.date(1950, 3, 4), "male", "head"),
        ("이둘째", dt.date(1980, 5, 6), "female", "child"),
    ]
    assert all(m.household_id == household.id for m in people)
    assert people[0].phone == "010-1234-5678" and people[1].phone is None
    assert people[0].rrn == "500304-1234567" and people[1].rrn is None


def test_bad_birth_date_and_phone_show_beside_their_fields_and_store_nothing(demo_vault: Path) -> None:
    before, before_members = stored(demo_vault)
    app = app_for(demo_vault)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        modal = await open_form(app, pilot)
        await fill_household(app, pilot)
        await fill_member(app, pilot, 0, "김오류", "1950-13-45", "남", phone="12345")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.pause()
        await fill_member(app, pilot, 1, "이둘째", "1980-01-01", "여", phone="010-12")  # relation not chosen
        await pilot.press("ctrl+n")
        await pilot.pause()
        await fill_member(app, pilot, 2, "박미래", "2027-01-01", "남")  # born after "today"
        await choose(app, pilot, "m2-relation", "자녀")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is modal, "nothing saved: the form stays"
        assert error_text(app, "m0-birth_date") == "1950-13-45는 없는 날짜입니다"  # no such day
        assert error_text(app, "m0-phone") == t("phone_format")
        assert error_text(app, "m0-name") is None and error_text(app, "tong") is None
        # Every member's errors at once, each beside its own block's field.
        assert error_text(app, "m1-phone") == t("phone_format")
        assert error_text(app, "m1-relation") == t("enum")  # not chosen
        assert error_text(app, "m2") == t("birth_date_range")  # the member as a whole: under its birth date
        assert str(modal.query_one("#form-message", Static).content) == t("form_has_errors")
        assert app.focused is modal.query_one("#m0-birth_date", Input)  # the first error has the focus
        # Fixing the first member only: its errors go, the second member's stay.
        await type_in(app, pilot, "m0-birth_date", "1950-12-25")
        await type_in(app, pilot, "m0-phone", "02-123-4567")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is modal
        assert error_text(app, "m0-birth_date") is None and error_text(app, "m0-phone") is None
        assert error_text(app, "m1-phone") == t("phone_format")
        await pilot.press("escape")  # edits were made: it asks
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)

    run_app(app, scenario, (120, 40))
    after, after_members = stored(demo_vault)
    assert set(after) == set(before)
    assert sum(map(len, after_members.values())) == sum(map(len, before_members.values()))


def test_household_fields_and_consent_errors(demo_vault: Path) -> None:
    before, _ = stored(demo_vault)
    app = app_for(demo_vault, "en")

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        modal = await open_form(app, pilot)
        await pilot.press("ctrl+s")  # nothing typed
        await pilot.pause()
        for name in ("tong", "ban", "road_address", "m0-name", "m0-birth_date"):
            assert error_text(app, name) == t("missing", "en"), name
        assert error_text(app, "m0-sex") == t("enum", "en")
        assert error_text(app, "address_detail") is None and error_text(app, "m0-phone") is None
        assert app.focused is modal.query_one("#tong", Input)
        await type_in(app, pilot, "tong", "120")  # two digits at most: "12"
        await type_in(app, pilot, "ban", "0")
        await tab_to(app, pilot, "consent_given")
        await pilot.press("space")
        await type_in(app, pilot, "consent_on", "")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_text(app, "tong") is None
        assert error_text(app, "ban") == t("ban_range", "en")
        assert error_text(app, "consent") == t("consent_date_missing", "en")
        await type_in(app, pilot, "consent_on", "2026-11-01")  # after "today"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_text(app, "consent") == t("date_in_future", "en")
        assert isinstance(app.screen, HouseholdModal)

    run_app(app, scenario, (120, 40))
    assert set(stored(demo_vault)[0]) == set(before)


# -- leaving ----------------------------------------------------------------------------------
def test_escape_asks_before_dropping_edits(demo_vault: Path) -> None:
    before, _ = stored(demo_vault)
    app = app_for(demo_vault)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        modal = await open_form(app, pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)
        modal = await open_form_again(app, pilot)
        await pilot.press(*"12")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert app.screen is modal and modal.query_one("#tong", Input).value == "12"
        await pilot.press("ctrl+n", "ctrl+r")  # a member block added and dropped is an edit too
        await pilot.pause()
        assert modal.members == 1 and not modal.query("#member-1")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("enter")  # yes, drop
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)

    async def open_form_again(app: ChandongApp, pilot: Pilot) -> HouseholdModal:
        await pilot.press("escape", "n")  # in the list, `n` registers too
        await pilot.pause()
        await pilot.pause()
        return form(app)

    run_app(app, scenario)
    assert set(stored(demo_vault)[0]) == set(before)


def test_member_blocks_add_up_to_the_limit_and_empty_ones_are_skipped(demo_vault: Path) -> None:
    app = app_for(demo_vault)
    shown: list[str] = []

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        modal = await open_form(app, pilot)
        for _ in range(10):
            await pilot.press("ctrl+n")
            await pilot.pause()
        assert modal.members == 8 and len(modal.query(".member-block")) == 8
        assert str(modal.query_one("#form-message", Static).content) == t("members_max", n=8)
        await pilot.press("ctrl+r", "ctrl+r")
        await pilot.pause()
        assert modal.members == 6 and app.focused is modal.query_one("#m5-name", Input)
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.pause()
        assert modal.members == 7 and app.focused is modal.query_one("#m6-name", Input)
        await fill_household(app, pilot, address="가상빈칸로 1")
        await fill_member(app, pilot, 0, "혼자", "1940-01-01", "여")
        await pilot.press("ctrl+s")  # blocks 1–6 left empty: one member registered
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)
        assert app.screen.household_list.current is not None
        shown.append(app.screen.household_list.current.id)

    run_app(app, scenario, (120, 40))
    households, members = stored(demo_vault)
    assert households[shown[0]].road_address == "가상빈칸로 1"
    assert households[shown[0]].consent.given is False and households[shown[0]].consent.on is None
    assert [m.name for m in members[shown[0]]] == ["혼자"]


# -- hostile text -----------------------------------------------------------------------------
def test_hostile_text_is_stored_exactly_and_shown_literally(demo_vault: Path) -> None:
    app = app_for(demo_vault)
    shown: list[str] = []

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        modal = await open_form(app, pilot)
        await fill_household(app, pilot, address="가상")
        road = modal.query_one("#road_address", Input)
        road.value = ""
        road.post_message(events.Paste(HOSTILE_ADDRESS))  # pasted: an escape sequence cannot be typed
        await pilot.pause()
        assert road.value == HOSTILE_ADDRESS
        assert "\x1b" not in app.export_screenshot()
        await fill_member(app, pilot, 0, HOSTILE_NAME, "1950-03-04", "남")
        assert modal.query_one("#m0-name", Input).value == HOSTILE_NAME
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HouseholdsScreen)
        households = screen.household_list
        assert households.current is not None
        shown.append(households.current.id)
        top = round(households.scroll_offset.y)
        line = households.render_line(households.cursor - top + 1).text
        assert HOSTILE_NAME in line and "␛[2J가상해킹로 1" in line and "\x1b" not in line
        assert "\x1b" not in app.export_screenshot()

    run_app(app, scenario, (120, 40))
    households, members = stored(demo_vault)
    assert households[shown[0]].road_address == HOSTILE_ADDRESS
    assert [m.name for m in members[shown[0]]] == [HOSTILE_NAME]
