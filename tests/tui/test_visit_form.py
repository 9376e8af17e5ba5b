"""The visit form (`v` on a household), driven with keys through Textual's Pilot on a copy of the demo
vault. What was stored is read back through a fresh `unlock` after the app has closed.

The app's clock is fixed at the moment the test starts, so "today" and the saved times are known.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static

from chandong_tui.casework.clock import KST, next_visit_default
from chandong_tui.i18n import t
from chandong_tui.model.enums import Need, Outcome, ResourceCategory, VisitKind
from chandong_tui.model.records import HealthMeasures, ResourceLink
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.confirm_modal import ConfirmModal
from chandong_tui.tui.modals.visit_modal import VisitModal, default_target, editor_visible
from chandong_tui.tui.screens.household_screen import HouseholdScreen
from tests.tui.driving import notifications, run_app
from tests.tui.screen_support import (
    clear_input,
    fixed_clock,
    open_form,
    open_household,
    pick_option,
    quiet_household,
    section,
    shown_error,
    tab_to,
    type_text,
    visits_of,
    write_note,
)

HOSTILE_NOTE_KEYS = "[bold]김[/]"
HOSTILE_NOTE_PASTE = "\x1b[2J"


# -- recording a visit ------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_record_a_visit_with_keys(demo_vault: Path, size: tuple[int, int]) -> None:
    household = quiet_household(demo_vault)
    before = {visit.id for visit in visits_of(demo_vault, household.id)}
    moment, clock = fixed_clock()
    today = moment.astimezone(KST).date()
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household.id)
        await pilot.press("v")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitModal)
        assert not form.query("#health_measures-systolic")  # a planner enters no health measures
        assert app.focused is form.query_one("#visited_on", Input)
        assert form.query_one("#visited_on", Input).value == today.isoformat()
        due = next_visit_default(household, today).isoformat()
        assert form.query_one("#next_visit_due", Input).value == due
        await tab_to(pilot, "needs")
        await pilot.press("주", "space")  # 주거
        await pilot.pause(1.1)  # a pause starts a new type-ahead prefix
        await pilot.press("ㅅ", "ㅎ", "space")  # 사회적 고립 (initial consonants: ㅅ alone is 소득)
        await tab_to(pilot, "resources-0-agency")
        await type_text(pilot, "상도종합사회복지관")
        await pilot.press("tab")
        await type_text(pilot, "밑반찬 지원")
        await pilot.press("tab")
        await pick_option(pilot, "물")  # 물품지원
        await pilot.press("tab")
        await pick_option(pilot, "제")  # 제공됨
        await tab_to(pilot, "note")
        await type_text(pilot, "라면 한 상자 전달")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen, "the form closed after saving"
        assert t("saved") in notifications(app)
        assert "라면 한 상자 전달" in section(screen, "timeline")

    run_app(app, scenario, size)
    visits = [visit for visit in visits_of(demo_vault, household.id) if visit.id not in before]
    assert len(visits) == 1
    visit = visits[0]
    assert visit.worker_id == "planner"
    assert visit.visited_on == today
    assert visit.visit_kind is VisitKind.REGULAR
    assert visit.target_group is default_target(household)
    assert visit.needs == [Need.HOUSING, Need.SOCIAL_ISOLATION]
    assert visit.resources == [
        ResourceLink(
            agency="상도종합사회복지관",
            service="밑반찬 지원",
            category=ResourceCategory.IN_KIND,
            outcome=Outcome.PROVIDED,
        )
    ]
    assert visit.health_measures is None
    assert visit.note == "라면 한 상자 전달"
    assert visit.next_visit_due == next_visit_default(household, today)


def test_target_group_and_due_date_follow_the_household(demo_vault: Path) -> None:
    household = quiet_household(demo_vault)
    moment, clock = fixed_clock()
    today = moment.astimezone(KST).date()
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await open_form(app, pilot, household.id, "v", VisitModal)
        assert form.value_of("target_group") == default_target(household).value
        # The proposed due date follows the visit date …
        visited = form.query_one("#visited_on", Input)
        await clear_input(pilot, visited)
        yesterday = today - dt.timedelta(days=1)
        await type_text(pilot, yesterday.isoformat())
        due = form.query_one("#next_visit_due", Input)
        assert due.value == next_visit_default(household, yesterday).isoformat()
        # … until the user types one of their own.
        await tab_to(pilot, "next_visit_due")
        await clear_input(pilot, due)
        await type_text(pilot, "2099-01-01")
        await pilot.press("shift+tab")
        await tab_to(pilot, "visited_on")
        await clear_input(pilot, visited)
        await type_text(pilot, today.isoformat())
        assert due.value == "2099-01-01"

    run_app(app, scenario)


def test_double_ctrl_s_saves_once(demo_vault: Path) -> None:
    household = quiet_household(demo_vault)
    before = {visit.id for visit in visits_of(demo_vault, household.id)}
    _, clock = fixed_clock()
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household.id)
        await pilot.press("v")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitModal)
        await tab_to(pilot, "note")
        await type_text(pilot, "한 번만")
        form.action_save()  # two Ctrl+S before the form has gone
        form.action_save()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("ctrl+s")  # on the household screen: nothing to save
        await pilot.pause()

    run_app(app, scenario)
    assert len([v for v in visits_of(demo_vault, household.id) if v.id not in before]) == 1


def test_escape_asks_before_dropping_edits(demo_vault: Path) -> None:
    household = quiet_household(demo_vault)
    before = visits_of(demo_vault, household.id)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household.id)
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("v")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitModal)
        await tab_to(pilot, "note")
        await type_text(pilot, "버릴 메모")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # keep the form and what was typed
        await pilot.pause()
        assert app.screen is form
        assert form.value_of("note") == "버릴 메모"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen

    run_app(app, scenario)
    assert visits_of(demo_vault, household.id) == before


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-02-30", t("date_not_real", day="2026-02-30", particle="은")),  # 2026-02-30은 없는 날짜입니다
        ("2026-13-40", t("date_not_real", day="2026-13-40", particle="은")),
        ("2026/02/03", t("date_format")),
        ("어제", t("date_format")),
    ],
)
def test_malformed_date_shows_the_error_beside_the_field(demo_vault: Path, typed: str, message: str) -> None:
    household = quiet_household(demo_vault)
    before = visits_of(demo_vault, household.id)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await open_form(app, pilot, household.id, "v", VisitModal)
        visited = form.query_one("#visited_on", Input)
        due_before = form.query_one("#next_visit_due", Input).value
        await clear_input(pilot, visited)
        await type_text(pilot, typed)
        assert form.query_one("#next_visit_due", Input).value == due_before  # not a date: left alone
        await tab_to(pilot, "note")
        await type_text(pilot, "안부 확인")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form, "the form stays open"
        assert shown_error(form, "visited_on") == message
        assert app.focused is visited
        assert str(form.query_one("#form-message", Static).content) == t("form_has_errors")
        # Fixed, it saves.
        await clear_input(pilot, visited)
        await type_text(pilot, household.registered_on.isoformat())  # a likely date: no question
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)

    run_app(app, scenario)
    after = visits_of(demo_vault, household.id)
    assert len(after) == len(before) + 1
    assert [v.visited_on for v in after if v not in before] == [household.registered_on]


def test_due_date_before_the_visit_is_refused_beside_it(demo_vault: Path) -> None:
    household = quiet_household(demo_vault)
    before = visits_of(demo_vault, household.id)
    moment, clock = fixed_clock()
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await open_form(app, pilot, household.id, "v", VisitModal)
        await tab_to(pilot, "next_visit_due")
        due = form.query_one("#next_visit_due", Input)
        await clear_input(pilot, due)
        await type_text(pilot, moment.astimezone(KST).date().isoformat())  # the visit's own day
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert shown_error(form, "next_visit_due") == t("due_before_visit")
        assert app.focused is due

    run_app(app, scenario)
    assert visits_of(demo_vault, household.id) == before


def test_resource_row_errors_land_beside_their_row(demo_vault: Path) -> None:
    household = quiet_household(demo_vault)
    before = visits_of(demo_vault, household.id)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await open_form(app, pilot, household.id, "v", VisitModal)
        await tab_to(pilot, "resources-1-agency")  # the first row stays empty (ignored)
        await type_text(pilot, "동 주민센터")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert shown_error(form, "resources-0") == ""
        assert t("missing") in shown_error(form, "resources-1")  # no service, no category
        assert app.focused is form.query_one("#resources-1-agency", Input)

    run_app(app, scenario)
    assert visits_of(demo_vault, household.id) == before


# -- roles ------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_nurse_records_health_measures(demo_vault: Path, size: tuple[int, int]) -> None:
    household = quiet_household(demo_vault)
    before = {visit.id for visit in visits_of(demo_vault, household.id)}
    _, clock = fixed_clock()
    app = ChandongApp(demo_vault, user="nurse", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await open_form(app, pilot, household.id, "v", VisitModal)
        assert form.value_of("visit_kind") == VisitKind.HEALTH.value
        await tab_to(pilot, "health_measures-systolic")
        await type_text(pilot, "335")  # out of range: the model's limit, beside the field
        await pilot.press("tab")
        await type_text(pilot, "85")
        await pilot.press("tab")
        await type_text(pilot, "110")
        await pilot.press("tab")
        await type_text(pilot, "61.5")
        await pilot.press("tab")
        await type_text(pilot, "혈압약 복용 중")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert shown_error(form, "health_measures-systolic") == t("less_than_equal", le=300)
        assert shown_error(form, "health_measures-diastolic") == ""
        systolic = form.query_one("#health_measures-systolic", Input)
        assert app.focused is systolic
        await clear_input(pilot, systolic)
        await type_text(pilot, "135")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)

    run_app(app, scenario, size)
    new = [visit for visit in visits_of(demo_vault, household.id, "nurse") if visit.id not in before]
    assert len(new) == 1
    assert new[0].visit_kind is VisitKind.HEALTH
    assert new[0].health_measures == HealthMeasures(
        systolic=135, diastolic=85, glucose=110, weight_kg=61.5, note="혈압약 복용 중"
    )
    # A planner reads the same visit without them.
    planner_view = [v for v in visits_of(demo_vault, household.id, "planner") if v.id == new[0].id]
    assert planner_view[0].health_measures is None


@pytest.mark.parametrize(
    ("user", "health"), [("planner", False), ("officer", False), ("nurse", True), ("supervisor", True)]
)
def test_only_health_roles_see_the_health_fields(demo_vault: Path, user: str, health: bool) -> None:
    household = quiet_household(demo_vault)
    app = ChandongApp(demo_vault, user=user, low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await open_form(app, pilot, household.id, "v", VisitModal)
        names = ["systolic", "diastolic", "glucose", "weight_kg", "note"]
        assert all(bool(form.query(f"#health_measures-{name}")) is health for name in names)
        labels = " ".join(str(label.content) for label in form.query(".field-label"))
        assert (t("systolic") in labels) is health

    run_app(app, scenario)


# -- hostile text -----------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_hostile_note_is_stored_exactly_and_shown_literally(demo_vault: Path, size: tuple[int, int]) -> None:
    household = quiet_household(demo_vault)
    before = {visit.id for visit in visits_of(demo_vault, household.id)}
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)
    note = HOSTILE_NOTE_KEYS + HOSTILE_NOTE_PASTE

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household.id)
        await pilot.press("v")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitModal)
        await tab_to(pilot, "note")
        await type_text(pilot, HOSTILE_NOTE_KEYS)
        app.post_message(events.Paste(HOSTILE_NOTE_PASTE))  # an escape sequence only arrives pasted
        await pilot.pause()
        assert form.value_of("note") == note
        # The editor shows the escape as a visible stand-in, never sends it to the terminal.
        editor = form.query_one("#note")
        assert editor_visible(note) in editor.render_line(0).text  # type: ignore[attr-defined]
        assert "\x1b" not in app.export_screenshot()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        timeline = section(screen, "timeline")
        assert "[bold]김[/]␛[2J" in timeline and "\x1b" not in timeline
        assert "\x1b" not in app.export_screenshot()

    run_app(app, scenario, size)
    new = [visit for visit in visits_of(demo_vault, household.id) if visit.id not in before]
    assert [visit.note for visit in new] == [note]


# -- what a Tab repaints ------------------------------------------------------------------------
def test_a_tab_keeps_the_footer_when_its_keys_stay(demo_vault: Path) -> None:
    """The footer is rebuilt only when the keys it shows change: a Tab between fields that offer the
    same keys leaves its key widgets in place (a rebuild lays the screen out and repaints it whole)."""
    from chandong_tui.tui.widgets.footer import keys_shown

    household = quiet_household(demo_vault)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await open_form(app, pilot, household.id, "v", VisitModal)
        kept = 0
        for _ in range(6):
            before, widgets = keys_shown(form), list(form.query("FooterKey"))
            await pilot.press("tab")
            await pilot.pause()
            after = list(form.query("FooterKey"))
            shown = {key for key, *_ in keys_shown(form)}
            assert after and {widget.key for widget in after} <= shown  # type: ignore[attr-defined]  # the keys that work now
            if keys_shown(form) == before:
                assert after == widgets  # the same widgets: nothing rebuilt
                kept += 1
        assert kept > 0

    run_app(app, scenario, (120, 40))


# -- unlikely visit dates ---------------------------------------------------------------------
@pytest.mark.parametrize("when", ["before_registration", "in_future"])
def test_an_unlikely_visit_date_asks_first_and_says_why(demo_vault: Path, when: str) -> None:
    household = quiet_household(demo_vault)
    before = visits_of(demo_vault, household.id)
    moment, clock = fixed_clock()
    today = moment.astimezone(KST).date()
    if when == "before_registration":
        day = household.registered_on - dt.timedelta(days=1)
        why = t("visit_confirm_before_registration", day=day, registered=household.registered_on.isoformat())
    else:
        day = today + dt.timedelta(days=1)
        why = t("visit_confirm_in_future", day=day, today=today.isoformat())
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await open_form(app, pilot, household.id, "v", VisitModal)
        await write_note(pilot, form)
        visited = form.query_one("#visited_on", Input)
        await clear_input(pilot, visited)
        await type_text(pilot, day.isoformat())
        await pilot.press("ctrl+s")
        await pilot.pause()
        question = app.screen
        assert isinstance(question, ConfirmModal)
        assert question.question == f"{why}\n{t('visit_confirm_save')}"
        await pilot.press("n")  # no: back to the form, nothing saved
        await pilot.pause()
        assert app.screen is form
        assert app.focused is visited
        assert not shown_error(form, "visited_on")
        await pilot.press("ctrl+s")  # asked again: nothing was confirmed
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")  # yes: saved through casework
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)
        assert t("saved") in notifications(app)

    run_app(app, scenario)
    after = visits_of(demo_vault, household.id)
    assert [v.visited_on for v in after if v not in before] == [day]


def test_a_no_leaves_nothing_saved_and_a_likely_date_saves_without_asking(demo_vault: Path) -> None:
    household = quiet_household(demo_vault)
    before = visits_of(demo_vault, household.id)
    moment, clock = fixed_clock()
    today = moment.astimezone(KST).date()
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await open_form(app, pilot, household.id, "v", VisitModal)
        await write_note(pilot, form)
        visited = form.query_one("#visited_on", Input)
        await clear_input(pilot, visited)
        await type_text(pilot, (household.registered_on - dt.timedelta(days=30)).isoformat())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")  # Esc is no as well
        await pilot.pause()
        assert app.screen is form
        await clear_input(pilot, visited)
        await type_text(pilot, today.isoformat())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen), "today needs no confirming"

    run_app(app, scenario)
    after = visits_of(demo_vault, household.id)
    assert [v.visited_on for v in after if v not in before] == [today]
