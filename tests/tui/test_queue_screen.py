"""The supervisor queue in the TUI (`q` on 내 업무): the owner asks to close a case (`c` on the
household), a fresh app signed in as the supervisor approves it from the queue and reassigns two cases
marked with space; stored state is read through a fresh unlock after each app has closed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList

from chandong_tui.casework.clock import KST
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.supervision import case_events_of
from chandong_tui.i18n import t
from chandong_tui.model.enums import CaseAction, ClosureReason, HouseholdStatus
from chandong_tui.model.records import Handoff
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.closure_modal import ClosureModal
from chandong_tui.tui.modals.note_modal import NoteModal
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.household_screen import HouseholdScreen
from chandong_tui.tui.screens.queue_screen import QueueScreen
from tests.casework_support import quiet_planner_case
from tests.conftest import opened
from tests.tui.driving import notifications, run_app, sign_in
from tests.tui.screen_support import open_household, pick_option, read_repo, type_text

AT = dt.datetime(2026, 11, 3, 10, 40, tzinfo=KST)


def app_for(vault: Path, user: str, lang: str = "ko", at: dt.datetime = AT) -> ChandongApp:
    return ChandongApp(vault, lang=lang, user=user, low_bandwidth=True, clock=lambda: at)


async def open_queue(app: ChandongApp, pilot: Pilot) -> QueueScreen:
    await sign_in(app, pilot, to_households=False)
    assert isinstance(app.screen, DashboardScreen)
    await pilot.press("q")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, QueueScreen) and screen.queue is not None
    return screen


async def go_to(pilot: Pilot, screen: QueueScreen, key: str) -> None:
    """Move the cursor to the line `key` with arrow keys."""
    options = screen.query_one("#queue-list", OptionList)
    target = options.get_option_index(key)
    while options.highlighted != target:
        await pilot.press("down" if (options.highlighted or 0) < target else "up")
    await pilot.pause()


def test_supervisor_approves_a_closure_and_reassigns_two_cases(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        closing = quiet_planner_case(repo)

    async def ask_to_close(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, closing)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ClosureModal)
        await pick_option(pilot, "목표")  # the reason: 목표 달성
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen) and app.screen is screen
        assert screen.household is not None and screen.household.status is HouseholdStatus.CLOSURE_REQUESTED

    run_app(app_for(demo_vault, "planner"), ask_to_close)
    moved: list[str] = []

    async def supervise(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_queue(app, pilot)
        assert screen.computed == 1
        assert f"closure:{closing}" in screen.rows
        await go_to(pilot, screen, f"closure:{closing}")
        assert screen.computed == 1  # moving the cursor never computes the queue again
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, NoteModal)
        await type_text(pilot, "종결 승인합니다")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and screen.computed == 2
        assert f"closure:{closing}" not in screen.rows
        assert screen.queue is not None
        late = [v.household.id for v in screen.queue.overdue_visits if v.household.owner_id == "planner"]
        moved.extend(late[:2])
        for hid in moved:
            await go_to(pilot, screen, f"visit:{hid}")
            await pilot.press("space")
        await pilot.pause()
        assert screen.marked == set(moved)
        assert screen.computed == 2  # marking only redraws lines
        await pilot.press("a")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChoiceModal)
        values = [value for _label, value in picker.options]
        await pilot.press(*["down"] * values.index("officer"), "enter")
        await pilot.pause()
        assert app.screen is screen and screen.marked == set() and screen.computed == 3
        assert t("queue_reassigned", n=2, name="최동욱") in notifications(app)

    run_app(app_for(demo_vault, "supervisor", at=AT + dt.timedelta(hours=2)), supervise)

    def stored(repo: CaseRepository) -> dict[str, object]:
        return {
            hid: (
                repo.household(hid),
                [(e.action, e.closure_reason or e.note, e.to_owner_id) for e in case_events_of(repo, hid)],
            )
            for hid in [closing, *moved]
        }

    found = read_repo(demo_vault, "supervisor", stored)
    assert isinstance(found, dict)
    household, events = found[closing]
    assert household.status is HouseholdStatus.CLOSED and household.owner_id == "planner"
    assert events == [
        (CaseAction.CLOSURE_REQUESTED, ClosureReason.GOAL_MET, None),
        (CaseAction.CLOSURE_APPROVED, "종결 승인합니다", None),
    ]
    assert len(moved) == 2
    for hid in moved:
        household, events = found[hid]
        assert household.owner_id == "officer"
        assert events == [(CaseAction.REASSIGNED, "", "officer")]


def test_queue_filters_escalation_and_keys_by_role(demo_vault: Path) -> None:
    async def supervise(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_queue(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChoiceModal)
        await pilot.press("down", "down", "enter")  # 전체, then the first 통, then the second
        await pilot.pause()
        tong = int(picker.options[2][1])
        assert screen.filters.tong == tong and screen.computed == 2
        assert screen.queue is not None
        shown = [v.household for v in screen.queue.overdue_visits] + screen.queue.unowned
        assert shown and all(case.tong == tong for case in shown)
        await pilot.press("x")
        await pilot.pause()
        assert screen.filters.tong is None

    run_app(app_for(demo_vault, "supervisor", "en"), supervise)
    # Opening the queue marked the hand-offs unanswered for three working days as escalated.
    escalated = read_repo(
        demo_vault, "supervisor", lambda repo: [h.id for h in repo.all(Handoff) if h.escalated_at == AT]
    )
    assert escalated

    async def planner(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        assert isinstance(app.screen, DashboardScreen)
        assert not app.offers("open_queue")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)

    run_app(app_for(demo_vault, "planner"), planner)


def test_help_lists_every_key_of_the_queue(demo_vault: Path) -> None:
    from tests.tui.screen_support import declared, open_help, rows_of

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_queue(app, pilot)
        help_screen = await open_help(app, pilot)
        assert help_screen.help_title == t("help_title", "en", screen=t("queue_title", "en"))
        assert declared(QueueScreen, "en") <= set(rows_of(help_screen))
        assert rows_of(help_screen)[t("key_reassign", "en")].keys == ["a"]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

    run_app(app_for(demo_vault, "supervisor", "en"), scenario)
