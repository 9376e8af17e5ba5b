"""The visit form's next visit: a date, or "다음 방문 없음" as an explicit choice with a reason; an
empty date without that choice is refused beside the field. Driven with keys at 80×24 and 120×40; what
was stored is read back through a fresh unlock after the app has closed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from chandong_tui.i18n import t
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.visit_modal import VisitModal
from tests.tui.driving import run_app
from tests.tui.screen_support import (
    clear_input,
    fixed_clock,
    open_form,
    quiet_household,
    section,
    shown_error,
    tab_to,
    type_text,
    visits_of,
)


@pytest.mark.parametrize(("size", "lang"), [((80, 24), "ko"), ((120, 40), "en")])
def test_no_next_visit_is_a_choice_with_a_reason(demo_vault: Path, size: tuple[int, int], lang: str) -> None:
    household = quiet_household(demo_vault)
    before = {visit.id for visit in visits_of(demo_vault, household.id)}
    _moment, clock = fixed_clock()
    app = ChandongApp(demo_vault, user="planner", lang=lang, low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await open_form(app, pilot, household.id, "v", VisitModal)
        screen = app.screen_stack[-2]
        await tab_to(pilot, "note")
        await type_text(pilot, "이사 준비 중")
        await tab_to(pilot, "next_visit_due")
        await clear_input(pilot, form.query_one("#next_visit_due", Input))
        await pilot.press("ctrl+s")  # neither a date nor the choice
        await pilot.pause()
        assert app.screen is form and shown_error(form, "next_visit_due") == t("next_visit_choose", lang)
        await tab_to(pilot, "no_next_visit")
        await pilot.press("space")
        await pilot.pause()
        assert form.query_one("#no_next_visit", Checkbox).value
        await pilot.press("ctrl+s")  # the choice needs its reason
        await pilot.pause()
        assert app.screen is form and shown_error(form, "no_next_visit_reason") == t("missing", lang)
        assert shown_error(form, "next_visit_due") == ""
        await tab_to(pilot, "no_next_visit_reason")
        await type_text(pilot, "전출 예정")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert t("no_next_visit_shown", lang, reason="전출 예정") in section(screen, "timeline")

    run_app(app, scenario, size)
    (saved,) = [v for v in visits_of(demo_vault, household.id) if v.id not in before]
    assert (saved.next_visit_due, saved.no_next_visit_reason, saved.note) == (
        None,
        "전출 예정",
        "이사 준비 중",
    )


def test_choosing_no_next_visit_empties_the_proposed_date(demo_vault: Path) -> None:
    household = quiet_household(demo_vault)
    _moment, clock = fixed_clock()
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await open_form(app, pilot, household.id, "v", VisitModal)
        assert form.query_one("#next_visit_due", Input).value  # a date proposed
        await tab_to(pilot, "no_next_visit")
        await pilot.press("space")
        await pilot.pause()
        assert form.query_one("#next_visit_due", Input).value == ""
        await pilot.press("shift+tab")  # a date typed again with the choice ticked: refused, not guessed
        await type_text(pilot, "2099-01-01")
        await tab_to(pilot, "no_next_visit_reason")
        await type_text(pilot, "전출")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and shown_error(form, "next_visit_due") == t("next_visit_both")

    run_app(app, scenario, (120, 40))
