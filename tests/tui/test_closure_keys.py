"""Closing and reopening a case from the household screen, driven with keys on a copy of the demo
vault: `c` lists what is still open, asks the reason and saves a closure request; once a supervisor
approved it, `o` reopens the case with a reason. The timeline shows both; what was stored is read back
through a fresh unlock after each app has closed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from chandong_tui.casework.actions import raise_flag
from chandong_tui.casework.supervision import approve_closure, case_events_of, request_closure
from chandong_tui.casework.tasks import add_task
from chandong_tui.i18n import t
from chandong_tui.model.enums import CaseAction, ClosureReason, CrisisLevel, CrisisReason, HouseholdStatus
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.closure_modal import ClosureModal
from chandong_tui.tui.modals.note_modal import NoteModal
from chandong_tui.tui.screens.queue_screen import QueueScreen
from tests.casework_support import quiet_planner_case
from tests.conftest import opened
from tests.tui.driving import run_app, sign_in
from tests.tui.screen_support import (
    fixed_clock,
    open_household,
    pick_option,
    section,
    shown_error,
    tab_to,
    type_text,
)


@pytest.mark.parametrize(("size", "lang"), [((80, 24), "ko"), ((120, 40), "en")])
def test_close_with_a_reason_then_reopen_with_keys(
    demo_vault: Path, size: tuple[int, int], lang: str
) -> None:
    moment, clock = fixed_clock()
    with opened(demo_vault, "planner") as repo:
        household_id = quiet_planner_case(repo)
        add_task(repo, household_id, title="병원 동행", in_days=3, at=moment)
        raise_flag(repo, {"household_id": household_id, "level": "watch", "reasons": ["illness"]}, at=moment)
    moved_out = ClosureReason.MOVED_OUT.label(lang)

    async def close(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household_id)
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ClosureModal)
        listed = str(form.query_one("#closure-open", Static).content)
        assert t("closure_open_items", lang) in listed and "병원 동행" in listed
        watch, illness = CrisisLevel.WATCH.label(lang), CrisisReason.ILLNESS.label(lang)
        assert t("closure_item_flag", lang, level=watch, reasons=illness) in listed
        await pilot.press("ctrl+s")  # no reason picked
        await pilot.pause()
        assert app.screen is form and shown_error(form, "closure_reason") == t("missing", lang)
        await tab_to(pilot, "closure_reason")
        await pick_option(pilot, moved_out)
        assert form.value_of("closure_reason") == ClosureReason.MOVED_OUT
        await pilot.press("ctrl+s")  # the note is needed for 기타 only
        await pilot.pause()
        assert app.screen is screen
        assert screen.household is not None and screen.household.status is HouseholdStatus.CLOSURE_REQUESTED
        assert f"{CaseAction.CLOSURE_REQUESTED.label(lang)} · {moved_out}" in section(screen, "timeline")
        assert not screen.check_action("reopen", ())

    run_app(ChandongApp(demo_vault, user="planner", lang=lang, low_bandwidth=True, clock=clock), close, size)
    with opened(demo_vault, "supervisor") as repo:
        approve_closure(repo, household_id, "전출 확인", at=moment + dt.timedelta(minutes=5))
    later = moment + dt.timedelta(minutes=10)

    async def reopen(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household_id)
        assert screen.check_action("reopen", ()) and not screen.check_action("request_closure", ())
        await pilot.press("o")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NoteModal) and form.required
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and shown_error(form, "note") == t("missing", lang)
        await type_text(pilot, "전입 취소")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert screen.household is not None and screen.household.status is HouseholdStatus.OPEN
        timeline = section(screen, "timeline")
        assert f"{CaseAction.REOPENED.label(lang)} · 전입 취소" in timeline
        assert CaseAction.CLOSURE_APPROVED.label(lang) in timeline

    app = ChandongApp(demo_vault, user="planner", lang=lang, low_bandwidth=True, clock=lambda: later)
    run_app(app, reopen, size)
    with opened(demo_vault, "supervisor") as repo:
        household = repo.household(household_id)
        events = case_events_of(repo, household_id)
    assert household is not None and household.status is HouseholdStatus.OPEN
    assert [(e.action, e.actor_id, e.closure_reason, e.note) for e in events] == [
        (CaseAction.CLOSURE_REQUESTED, "planner", ClosureReason.MOVED_OUT, ""),
        (CaseAction.CLOSURE_APPROVED, "supervisor", None, "전출 확인"),
        (CaseAction.REOPENED, "planner", None, "전입 취소"),
    ]


def test_the_supervisor_queue_shows_why_a_case_is_to_close(demo_vault: Path) -> None:
    moment, clock = fixed_clock()
    with opened(demo_vault, "planner") as repo:
        household_id = quiet_planner_case(repo)
        request_closure(repo, household_id, "요양원 입소", reason=ClosureReason.TRANSFERRED, at=moment)

    async def supervise(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        await pilot.press("q")
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        prompt = queue.query_one("#queue-list", OptionList).get_option(f"closure:{household_id}").prompt
        assert f"{ClosureReason.TRANSFERRED.label('ko')} · 요양원 입소" in str(
            getattr(prompt, "plain", prompt)
        )

    run_app(ChandongApp(demo_vault, user="supervisor", low_bandwidth=True, clock=clock), supervise, (120, 40))
