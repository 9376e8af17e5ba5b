"""Crisis flag forms on the household screen (`f` raise, `u` update, `x` resolve), driven with keys
through Textual's Pilot on a copy of the demo vault; what was stored is read back through a fresh
`unlock` after the app has closed. The app's clock is fixed at the moment the test starts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from chandong_tui.casework.clock import FIRST_VISIT_WINDOW, KST
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.i18n import t
from chandong_tui.model.enums import CrisisLevel, CrisisReason, FlagState, SupportKind
from chandong_tui.model.records import CrisisFlag, EmergencySupport
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.flag_modal import FlagModal, FlagPicker
from chandong_tui.tui.modals.resolve_flag_modal import ResolveFlagModal
from chandong_tui.tui.modals.visit_modal import VisitModal
from tests.tui.driving import run_app
from tests.tui.screen_support import (
    clear_input,
    fixed_clock,
    footer_keys,
    open_form,
    open_household,
    pick_option,
    quiet_household,
    read_repo,
    section,
    shown_error,
    tab_to,
    type_text,
)


def flags_of(vault: Path, household_id: str) -> list[CrisisFlag]:
    flags = read_repo(vault, "supervisor", lambda repo: repo.flags_of(household_id))
    assert isinstance(flags, list)
    return flags


def household_with_open_flags(vault: Path, count: int) -> str:
    """A household with exactly `count` open flags."""

    def pick(repo: CaseRepository) -> str:
        for summary in repo.household_summaries():
            flags = [f for f in repo.flags_of(summary.id) if f.state is FlagState.OPEN]
            if len(flags) == count:
                return summary.id
        raise AssertionError(f"the demo has no household with {count} open flags")

    found = read_repo(vault, "supervisor", pick)
    assert isinstance(found, str)
    return found


# -- raise ------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_raise_a_flag_with_keys(demo_vault: Path, size: tuple[int, int]) -> None:
    household = quiet_household(demo_vault)
    before = {flag.id for flag in flags_of(demo_vault, household.id)}
    moment, clock = fixed_clock()
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household.id)
        assert {"v", "f"} <= footer_keys(screen) and not {"u", "x"} & footer_keys(screen)
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FlagModal) and form.flag is None
        due = (moment + FIRST_VISIT_WINDOW).astimezone(KST)
        clock_line = str(form.query_one("#flag-clock", Static).content)
        assert t("flag_clock_due", due=f"{due:%Y-%m-%d %H:%M}") in clock_line
        assert app.focused is form.query_one("#level")
        await pick_option(pilot, "긴")  # 긴급
        await pilot.press("tab")
        await pilot.press("실", "space")  # 실직
        await pilot.pause(1.1)  # a pause starts a new type-ahead prefix
        await pilot.press("고", "space")  # 고독사 위험
        await pilot.press("tab")
        await type_text(pilot, "통장 제보: 2주째 연락 두절")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        flags = section(screen, "flags")
        assert "긴급" in flags and "실직, 고독사 위험" in flags
        assert "통장 제보: 2주째 연락 두절" in flags
        assert t("clock_left", left="72:00") in flags
        assert t("crisis_flags") in section(screen, "timeline")
        assert {"u", "x"} <= footer_keys(screen)

    run_app(app, scenario, size)
    new = [flag for flag in flags_of(demo_vault, household.id) if flag.id not in before]
    assert len(new) == 1
    flag = new[0]
    assert flag.level is CrisisLevel.URGENT
    assert flag.reasons == [CrisisReason.JOB_LOSS, CrisisReason.LONELY_DEATH_RISK]
    assert flag.raised_by == "planner"
    assert flag.raised_at == moment
    assert flag.state is FlagState.OPEN and flag.first_visit_at is None
    assert flag.note == "통장 제보: 2주째 연락 두절"


def test_a_flag_needs_a_level_and_a_reason(demo_vault: Path) -> None:
    household = quiet_household(demo_vault)
    before = flags_of(demo_vault, household.id)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await open_form(app, pilot, household.id, "f", FlagModal)
        await tab_to(pilot, "note")
        await type_text(pilot, "사유를 고르지 않음")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert shown_error(form, "level") == t("missing")
        assert shown_error(form, "reasons") == t("too_short")
        assert app.focused is form.query_one("#level")

    run_app(app, scenario)
    assert flags_of(demo_vault, household.id) == before


def test_visit_after_raising_a_flag_stops_its_clock(demo_vault: Path) -> None:
    household = quiet_household(demo_vault)
    moment, clock = fixed_clock()
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household.id)
        await pilot.press("f")
        await pilot.pause()
        await pick_option(pilot, "위")  # 위기
        await pilot.press("tab", "체", "space", "ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert t("clock_left", left="72:00") in section(screen, "flags")
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, VisitModal)
        await tab_to(pilot, "note")
        await type_text(pilot, "위기 첫 방문")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert t("clock_met") in section(screen, "flags")
        assert "위기 첫 방문" in section(screen, "timeline")

    run_app(app, scenario)
    [flag] = [f for f in flags_of(demo_vault, household.id) if f.state is FlagState.OPEN]
    assert flag.first_visit_at == moment
    assert flag.level is CrisisLevel.CRISIS and flag.reasons == [CrisisReason.ARREARS]


# -- update -----------------------------------------------------------------------------------
def test_update_changes_the_level(demo_vault: Path) -> None:
    household_id = household_with_open_flags(demo_vault, 1)
    [old] = [f for f in flags_of(demo_vault, household_id) if f.state is FlagState.OPEN]
    target = CrisisLevel.WATCH if old.level is not CrisisLevel.WATCH else CrisisLevel.URGENT
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household_id)
        assert {"u", "x"} <= footer_keys(screen)
        await pilot.press("u")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FlagModal) and form.flag is not None and form.flag.id == old.id
        assert form.value_of("level") == old.level.value
        assert set(form.value_of("reasons")) == {reason.value for reason in old.reasons}
        await pick_option(pilot, target.label()[0])
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert target.label() in section(screen, "flags")

    run_app(app, scenario)
    [new] = [f for f in flags_of(demo_vault, household_id) if f.id == old.id]
    assert new.level is target
    assert new.model_dump(exclude={"level"}) == old.model_dump(exclude={"level"})


def test_picker_offers_the_most_urgent_flag_first(demo_vault: Path) -> None:
    household_id = household_with_open_flags(demo_vault, 2)
    open_flags = [f for f in flags_of(demo_vault, household_id) if f.state is FlagState.OPEN]
    order = {level: rank for rank, level in enumerate(CrisisLevel)}
    first, second = sorted(open_flags, key=lambda f: (order[f.level], f.raised_at))
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household_id)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, FlagPicker)
        options = app.screen.query_one(OptionList)
        assert options.option_count == 2 and options.highlighted == 0
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FlagModal) and form.flag is not None and form.flag.id == first.id
        await pilot.press("escape")  # nothing changed: closes at once
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, FlagPicker)
        await pilot.press("down", "enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ResolveFlagModal) and form.flag.id == second.id
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("x", "escape")  # the picker closes without picking
        await pilot.pause()
        assert app.screen is screen

    run_app(app, scenario)
    assert [f for f in flags_of(demo_vault, household_id) if f.state is FlagState.OPEN] == open_flags


# -- resolve ----------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_resolve_stores_the_support_given(demo_vault: Path, size: tuple[int, int]) -> None:
    household_id = household_with_open_flags(demo_vault, 1)
    [old] = [f for f in flags_of(demo_vault, household_id) if f.state is FlagState.OPEN]
    moment, clock = fixed_clock()
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household_id)
        await pilot.press("x")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ResolveFlagModal) and form.flag.id == old.id
        assert app.focused is form.query_one("#livelihood", Input)
        await type_text(pilot, "삼십만원")  # not a number: said beside the field
        await pilot.press("tab", "tab")  # 의료 left blank
        await type_text(pilot, "-5")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert shown_error(form, "livelihood") == t("int_parsing")
        assert shown_error(form, "medical") == ""
        assert shown_error(form, "housing") == t("greater_than_equal", ge=0)
        livelihood = form.query_one("#livelihood", Input)
        assert app.focused is livelihood
        await clear_input(pilot, livelihood)
        await type_text(pilot, "300,000")
        await tab_to(pilot, "housing")
        await clear_input(pilot, form.query_one("#housing", Input))
        await type_text(pilot, "500000원")
        await pilot.press("tab")
        await type_text(pilot, "푸드뱅크, 정신건강복지센터,")
        await pilot.press("tab")
        await type_text(pilot, "긴급복지 지원 후 안정")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert t("none") in section(screen, "flags")  # no open flag left
        assert not {"u", "x"} & footer_keys(screen)
        assert FlagState.RESOLVED.label() in section(screen, "timeline")

    run_app(app, scenario, size)
    [flag] = [f for f in flags_of(demo_vault, household_id) if f.id == old.id]
    assert flag.state is FlagState.RESOLVED
    assert flag.resolved_at == moment
    assert flag.supports == [
        EmergencySupport(support=SupportKind.LIVELIHOOD, amount_won=300_000),
        EmergencySupport(support=SupportKind.HOUSING, amount_won=500_000),
    ]
    assert flag.services_linked == ["푸드뱅크", "정신건강복지센터"]
    assert flag.note == f"{old.note}\n긴급복지 지원 후 안정".strip()
    assert (flag.level, flag.reasons, flag.raised_at) == (old.level, old.reasons, old.raised_at)


def test_hostile_flag_note_is_shown_literally(demo_vault: Path) -> None:
    household = quiet_household(demo_vault)
    note = "[bold]김[/]\x1b[2J"
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household.id)
        await pilot.press("f")
        await pilot.pause()
        await pick_option(pilot, "관")
        await pilot.press("tab", "학", "space", "tab")
        await type_text(pilot, "[bold]김[/]")
        app.post_message(events.Paste("\x1b[2J"))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert "[bold]김[/]␛[2J" in section(screen, "flags")
        # Updating shows the stored note in the editor, made visible, never sent to the terminal.
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, FlagModal)
        assert app.screen.value_of("note") == note
        assert "\x1b" not in app.export_screenshot()
        await pilot.press("escape")
        await pilot.pause()

    run_app(app, scenario)
    [flag] = [f for f in flags_of(demo_vault, household.id) if f.state is FlagState.OPEN]
    assert flag.note == note
