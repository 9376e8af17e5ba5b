"""Pausing and resuming a deadline clock from the household screen (`p`), driven with keys through
Textual's Pilot on a copy of the demo vault: the picker, the reason form, what the household and 내 업무
show, the timeline, and what was stored (read back through a fresh unlock after the app has closed).
The app's clock is fixed at the moment the test starts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from chandong_tui.casework.clock import first_visit_clock
from chandong_tui.casework.pausable import clocks_of_household
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.i18n import t
from chandong_tui.model.enums import FlagState
from chandong_tui.model.records import CrisisFlag, Household
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.commands import ScreenCommands
from chandong_tui.tui.flag_text import duration
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.clock_modal import ClockNoteModal
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.help_screen import HelpScreen, toggle_help
from chandong_tui.tui.screens.household_screen import HouseholdScreen
from chandong_tui.tui.widgets.work_list import WorkList
from tests.tui.driving import notifications, run_app
from tests.tui.screen_support import footer_keys, open_household, read_repo, section, type_text

FlaggedHousehold = tuple[Household, CrisisFlag, int, dt.datetime]


def flagged_household(vault: Path) -> FlaggedHousehold:
    """A planner's household with an open crisis flag not yet visited and at least one other clock to
    pause (so the picker is shown); how many clocks it has ten hours after the flag was raised, and
    that moment (the clock then reads 62:00 left)."""

    def pick(repo: CaseRepository) -> FlaggedHousehold:
        for household in sorted(repo.all(Household), key=lambda h: h.id):
            if household.owner_id != "planner":
                continue
            for flag in repo.flags_of(household.id):
                if flag.state is not FlagState.OPEN or flag.first_visit_at is not None:
                    continue
                moment = flag.raised_at + dt.timedelta(hours=10)
                clocks = clocks_of_household(repo, household, moment)
                if len(clocks) > 1:
                    return household, flag, len(clocks), moment
        raise AssertionError("the demo has no planner's household with a running crisis clock")

    found = read_repo(vault, "supervisor", pick)
    assert isinstance(found, tuple)
    return found


def stored_flag(vault: Path, flag_id: str) -> CrisisFlag:
    flag = read_repo(vault, "supervisor", lambda repo: repo.get(CrisisFlag, flag_id))
    assert isinstance(flag, CrisisFlag)
    return flag


async def pick_clock(app: ChandongApp, pilot: Pilot, record_id: str) -> str:
    """In the clock picker: move to the option of `record_id` with the arrow keys and take it; returns
    the option's line."""
    picker = app.screen
    assert isinstance(picker, ChoiceModal)
    assert picker.choice_title == t("clock_pick_title")
    options = picker.query_one(OptionList)
    values = [value for _label, value in picker.options]
    for _ in range(values.index(record_id)):
        await pilot.press("down")
    highlighted = options.get_option_at_index(options.highlighted or 0)
    assert highlighted.id == record_id
    line = str(highlighted.prompt)
    await pilot.press("enter")
    await pilot.pause()
    return line


def dashboard_line(app: ChandongApp, flag_id: str) -> str:
    assert isinstance(app.screen, DashboardScreen)
    items = app.screen.query_one("#work", WorkList)
    option = items.get_option(f"flag:{flag_id}")
    return str(option.prompt)


def test_pause_and_resume_a_first_visit_clock_with_keys(demo_vault: Path) -> None:
    household, flag, count, moment = flagged_household(demo_vault)
    later = moment + dt.timedelta(hours=5)
    now = [moment]
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=lambda: now[0])
    assert duration(first_visit_clock(flag, moment).remaining, "ko") == "62:00"
    paused_label, running_label = t("clock_paused_left", left="62:00"), t("clock_left", left="62:00")

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household.id)
        assert "p" in footer_keys(screen) and len(screen.clocks) == count
        # -- pause: pick the flag's clock, give the reason --
        await pilot.press("p")
        await pilot.pause()
        line = await pick_clock(app, pilot, flag.id)
        assert line.startswith(f"[{t('clock_do_pause')}] {t('clock_first_visit')} · {flag.level.label('ko')}")
        form = app.screen
        assert isinstance(form, ClockNoteModal) and form.required
        title = str(form.query_one("#form-title", Static).content)
        assert title.startswith(f"기한 일시정지 · {t('clock_first_visit')} · {flag.level.label('ko')} · ")
        await pilot.press("ctrl+s")  # a pause needs a reason
        await pilot.pause()
        assert app.screen is form
        assert str(form.query_one("#error-note", Static).content) == t("missing")
        await type_text(pilot, "입원 중 (11/10 퇴원 예정)")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert paused_label in section(screen, "flags")
        timeline = section(screen, "timeline")
        assert t("clock_step_paused") in timeline and "입원 중 (11/10 퇴원 예정)" in timeline
        assert app.repo is not None
        planner_name = app.repo.worker("planner").name  # type: ignore[union-attr]
        step_line = next(row for row in timeline.splitlines() if t("clock_step_paused") in row)
        assert planner_name[:4] in step_line and t("clock_first_visit") in step_line
        # -- 내 업무 shows it paused --
        await pilot.press("escape")
        await pilot.pause()
        assert dashboard_line(app, flag.id).split()[1:3] == ["일시정지", "·"]  # (its column is 20 cells)
        now[0] = later  # back to the household, hours later
        app.push_screen(HouseholdScreen(household.id))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HouseholdScreen)
        assert paused_label in section(screen, "flags")  # a paused clock does not count down
        # -- a second `p` on the paused clock offers to resume it, never to pause again --
        await pilot.press("p")
        await pilot.pause()
        line = await pick_clock(app, pilot, flag.id)
        assert line.startswith(f"[{t('clock_do_resume')}] {t('clock_first_visit')}")
        form = app.screen
        assert isinstance(form, ClockNoteModal) and not form.required
        intro = str(form.query_one("#note-intro", Static).content)
        assert "입원 중 (11/10 퇴원 예정)" in intro and planner_name in intro
        await type_text(pilot, "퇴원 확인")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert running_label in section(screen, "flags")  # the 5 hours paused did not count
        assert t("clock_step_resumed") in section(screen, "timeline")
        assert "퇴원 확인" in section(screen, "timeline")

    run_app(app, scenario, (120, 40))
    stored = stored_flag(demo_vault, flag.id)
    (pause,) = stored.pauses
    assert (pause.reason, pause.paused_by, pause.paused_at) == (
        "입원 중 (11/10 퇴원 예정)",
        "planner",
        moment,
    )
    assert (pause.resumed_at, pause.resumed_by, pause.resume_note) == (later, "planner", "퇴원 확인")
    assert first_visit_clock(stored, later).due_at == first_visit_clock(flag, later).due_at + (later - moment)


def test_clock_key_and_palette_entry_follow_the_clocks(demo_vault: Path) -> None:
    household, flag, _count, moment = flagged_household(demo_vault)
    app = ChandongApp(demo_vault, lang="en", user="planner", low_bandwidth=True, clock=lambda: moment)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household.id)
        # The palette entry opens the picker; Esc there changes nothing.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*t("cmd_clock_pause", "en"))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        binding = next(
            a.binding for a in screen.active_bindings.values() if a.binding.id == "household.clock_pause"
        )
        assert (binding.key, binding.description, binding.tooltip) == (
            "p",
            t("key_clock_pause", "en"),
            t("tip_clock_pause", "en"),
        )
        # The help lists the key with what it does.
        toggle_help(app)
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen) and help_screen.source is screen
        rows = {row.description: row for part in help_screen.sections for row in part.rows}
        row = rows[t("key_clock_pause", "en")]
        assert row.keys == ["p"] and row.tooltip == t("tip_clock_pause", "en")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        # A household with no clock left (closed case, no open flag or task) offers neither.
        screen.clocks = []
        screen.refresh_bindings()
        assert "p" not in footer_keys(screen)
        titles = [entry.title for entry in ScreenCommands(screen).commands()]
        assert t("cmd_flag_update", "en") in titles and t("cmd_clock_pause", "en") not in titles

    run_app(app, scenario, (120, 40))
    assert stored_flag(demo_vault, flag.id).pauses == []


def test_a_refused_step_is_a_notification(demo_vault: Path) -> None:
    """The clock was paused on another PC after the household was read: the form says why it could
    not pause it, in a notification as well, and nothing more is stored."""
    household, flag, _count, moment = flagged_household(demo_vault)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=lambda: moment)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household.id)
        await pilot.press("p")
        await pilot.pause()
        await pick_clock(app, pilot, flag.id)
        form = app.screen
        assert isinstance(form, ClockNoteModal)
        from chandong_tui.casework.deadlines import pause_clock

        assert app.repo is not None
        pause_clock(app.repo, flag, "다른 PC에서 정지", at=moment)
        await type_text(pilot, "입원")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        message = str(form.query_one("#form-message", Static).content)
        assert message == t("err_clock_already_paused", record=flag.id)  # in the app's language (ko)
        notes = notifications(app)
        assert t("clock_step_refused", reason=message) in notes
        await pilot.press("escape")  # typed text: asks first
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen
        assert t("clock_step_paused") in section(screen, "timeline")  # read again: the other PC's pause

    run_app(app, scenario, (120, 40))
    assert [p.reason for p in stored_flag(demo_vault, flag.id).pauses] == ["다른 PC에서 정지"]
