"""The duplicate warning when registering a household (`ctrl+n` on the household list), driven by
keys: a household whose head has the name and birth date of someone registered is not saved at once;
a picker lists the likely duplicate with why and opens it, or registers anyway after asking why (the
reason is on the new household's timeline). Stored records are read back after the app has closed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot

from chandong_tui.casework.clock import KST
from chandong_tui.casework.supervision import case_events_of
from chandong_tui.i18n import t
from chandong_tui.model.enums import CaseAction
from chandong_tui.model.records import Household, Member
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.household_modal import HouseholdModal
from chandong_tui.tui.modals.note_modal import NoteModal
from chandong_tui.tui.screens.household_screen import HouseholdScreen
from tests.conftest import opened
from tests.tui.driving import run_app, sign_in
from tests.tui.screen_support import pick_option, section, shown_error, tab_to, type_text

NOW = dt.datetime(2026, 10, 31, 15, 30, tzinfo=KST)


def registered_head(vault: Path) -> tuple[Household, Member, int]:
    """A demo household, its head, and how many households the vault holds."""
    with opened(vault, "supervisor") as repo:
        summary = next(s for s in repo.household_summaries() if s.head_name)
        household, head = repo.household(summary.id), repo.members_of(summary.id)[0]
        assert household is not None
        return household, head, len(repo.all(Household))


async def fill_and_save(app: ChandongApp, pilot: Pilot, head: Member) -> HouseholdModal:
    """Open the form and type a new household whose head is `head` (another address), then Ctrl+S."""
    await sign_in(app, pilot)
    await pilot.press("ctrl+n")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, HouseholdModal)
    for field, value in (("tong", "9"), ("ban", "1"), ("road_address", "가상중복로 3")):
        await tab_to(pilot, field)
        await type_text(pilot, value)
    await tab_to(pilot, "m0-name")
    await type_text(pilot, head.name)
    await tab_to(pilot, "m0-birth_date")
    await type_text(pilot, head.birth_date.isoformat())
    await tab_to(pilot, "m0-sex")
    await pick_option(pilot, head.sex.label("ko"))
    await pilot.press("ctrl+s")
    await pilot.pause()
    await pilot.pause()
    return form


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_a_likely_duplicate_offers_to_open_the_existing_household(
    demo_vault: Path, size: tuple[int, int]
) -> None:
    household, head, count = registered_head(demo_vault)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=lambda: NOW)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await fill_and_save(app, pilot, head)
        picker = app.screen
        assert isinstance(picker, ChoiceModal) and picker.choice_title == t("dup_title")
        labels = dict((value, label) for label, value in picker.options)
        assert list(labels) == [f"open:{household.id}", "anyway"]
        assert (
            head.name in labels[f"open:{household.id}"]
            and t("dup_same_head") in labels[f"open:{household.id}"]
        )
        await pilot.press("escape")  # back to the form, nothing lost
        await pilot.pause()
        assert app.screen is form and form.value_of("m0-name") == head.name
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("enter")  # the existing household, highlighted first
        await pilot.pause()
        await pilot.pause()
        opened_screen = app.screen
        assert isinstance(opened_screen, HouseholdScreen) and opened_screen.household_id == household.id
        assert form not in app.screen_stack

    run_app(app, scenario, size)
    assert registered_head(demo_vault)[2] == count  # nothing registered


def test_registering_anyway_asks_why_and_keeps_it_on_the_timeline(demo_vault: Path) -> None:
    household, head, count = registered_head(demo_vault)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=lambda: NOW)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await fill_and_save(app, pilot, head)
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("down", "enter")  # register anyway
        await pilot.pause()
        reason = app.screen
        assert isinstance(reason, NoteModal) and reason.required
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is reason and shown_error(reason, "note") == t("missing")
        await type_text(pilot, "동명이인")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert not any(isinstance(s, HouseholdModal | NoteModal | ChoiceModal) for s in app.screen_stack)

    run_app(app, scenario, (120, 40))
    with opened(demo_vault, "planner") as repo:
        (new,) = [h for h in repo.all(Household) if h.road_address == "가상중복로 3"]
        (event,) = case_events_of(repo, new.id)
        assert len(repo.all(Household)) == count + 1
    assert (event.action, event.actor_id, event.note) == (
        CaseAction.REGISTERED_ANYWAY,
        "planner",
        f"동명이인 ({household.id})",
    )

    async def timeline(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        app.push_screen(HouseholdScreen(new.id))
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)
        assert CaseAction.REGISTERED_ANYWAY.label("ko")[:6] in section(app.screen, "timeline")
        assert "동명이인" in section(app.screen, "timeline")

    run_app(
        ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=lambda: NOW), timeline, (120, 40)
    )
