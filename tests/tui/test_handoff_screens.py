"""사례 이관 in the TUI, as two people at two PCs would do it: one app signed in as the sender asks
(`h` on the household), a fresh app signed in as the receiver answers from 내 업무. What was stored
is read back through a fresh unlock after each app has closed."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from chandong_tui.casework.handoffs import history_lines, request_handoff, waiting_handoff_of
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.i18n import t
from chandong_tui.model.enums import HandoffState, HandoffStep, HandoffTarget, TaskState
from chandong_tui.model.records import Handoff
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.confirm_modal import ConfirmModal
from chandong_tui.tui.modals.handoff_modal import HandoffModal
from chandong_tui.tui.modals.note_modal import NoteModal
from chandong_tui.tui.screens.handoff_screen import HandoffScreen
from chandong_tui.tui.screens.household_screen import HouseholdScreen
from tests.conftest import opened
from tests.tui.driving import run_app, sign_in
from tests.tui.screen_support import (
    app_for,
    open_from_my_work,
    open_household,
    pick_option,
    planner_case_with_task,
    read_repo,
    section,
    shown_error,
    tab_to,
    type_text,
)


def handoffs_of(vault: Path, household_id: str) -> list[Handoff]:
    found = read_repo(vault, "supervisor", lambda repo: repo.handoffs_of(household_id))
    assert isinstance(found, list)
    return found


async def note(pilot: Pilot, words: str) -> None:
    """Type into the open one-text form and save it."""
    assert isinstance(pilot.app.screen, NoteModal)
    await type_text(pilot, words)
    await pilot.press("ctrl+s")
    await pilot.pause()


def test_handoff_from_request_to_accept_as_two_users(demo_vault: Path) -> None:
    hid = planner_case_with_task(demo_vault)

    async def request(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, hid)
        await pilot.press("h")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, HandoffModal)
        await pilot.press("ctrl+s")  # nothing filled in: each missing field says so beside it
        await pilot.pause()
        assert shown_error(form, "to_worker_id") == t("missing") and shown_error(form, "reason") == t(
            "missing"
        )
        await tab_to(pilot, "to_worker_id")
        await pick_option(pilot, "이")  # 이정민 (방문간호사)
        await tab_to(pilot, "reason")
        await type_text(pilot, "건강관리 필요")
        await tab_to(pilot, "summary")
        await type_text(pilot, "[bold]혈압[/] 관리")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert "건강관리 필요" in section(screen, "timeline")

    run_app(app_for(demo_vault, "planner"), request)
    (handoff,) = [h for h in handoffs_of(demo_vault, hid) if h.state is HandoffState.REQUESTED]
    assert (handoff.from_worker_id, handoff.target, handoff.to_worker_id) == (
        "planner",
        HandoffTarget.WORKER,
        "nurse",
    )
    assert handoff.reason == "건강관리 필요" and handoff.summary == "[bold]혈압[/] 관리"

    async def accept(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_from_my_work(app, pilot, handoff.id)
        body = screen.query_one("#handoff-body", Static).content.plain
        assert "[bold]혈압[/] 관리" in body  # user text stays literal
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen and screen.handoff is not None
        assert screen.handoff.state is HandoffState.ACCEPTED
        assert not screen.check_action("accept", ())  # answered: the keys are gone
        await pilot.press("o")  # the household's timeline shows every step
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)
        timeline = section(app.screen, "timeline")
        names = {"planner": "박서연", "nurse": "이정민"}
        for line in history_lines(screen.handoff, names=names):
            assert line in timeline

    run_app(app_for(demo_vault, "nurse"), accept)

    def stored(repo: CaseRepository) -> tuple[object, ...]:
        household = repo.household(hid)
        assert household is not None
        tasks = {task.id: task for task in repo.tasks_of(hid)}
        return (
            household.owner_id,
            tasks["t-travels"].owner_id,
            tasks["t-travels"].state,
            repo.get(Handoff, handoff.id),
        )

    owner, task_owner, task_state, after = read_repo(demo_vault, "nurse", stored)  # type: ignore[misc]
    assert (owner, task_owner, task_state) == ("nurse", "nurse", TaskState.OPEN)
    assert isinstance(after, Handoff) and after.state is HandoffState.ACCEPTED
    assert [(e.step, e.actor_id) for e in after.history] == [
        (HandoffStep.REQUEST, "planner"),
        (HandoffStep.ACCEPT, "nurse"),
    ]


def test_decline_keeps_the_case_with_its_owner(demo_vault: Path) -> None:
    hid = planner_case_with_task(demo_vault)
    with opened(demo_vault, "planner") as repo:
        handoff = request_handoff(repo, hid, target="worker", to_worker_id="officer", reason="순찰 구역")
        before = (repo.household(hid), sorted(repo.tasks_of(hid), key=lambda t: t.id))

    async def decline(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_from_my_work(app, pilot, handoff.id)
        await pilot.press("d")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NoteModal)
        await pilot.press("ctrl+s")  # a decline needs its reason
        await pilot.pause()
        assert shown_error(form, "note") == t("missing", "en")
        await note(pilot, "담당 구역 밖")
        assert app.screen is screen and screen.handoff is not None
        assert screen.handoff.state is HandoffState.DECLINED

    run_app(app_for(demo_vault, "officer", "en"), decline)
    with opened(demo_vault, "planner") as repo:
        after = (repo.household(hid), sorted(repo.tasks_of(hid), key=lambda t: t.id))
        stored = repo.get(Handoff, handoff.id)
        assert waiting_handoff_of(repo, hid) is None
    assert after == before  # owner, status and tasks as they were
    assert after[0] is not None and after[0].owner_id == "planner"
    assert stored is not None and stored.state is HandoffState.DECLINED
    assert stored.history[-1].note == "담당 구역 밖" and stored.history[-1].actor_id == "officer"


def test_returned_with_a_question_then_answered_then_withdrawn(demo_vault: Path) -> None:
    hid = planner_case_with_task(demo_vault)
    with opened(demo_vault, "planner") as repo:
        handoff = request_handoff(repo, hid, target="worker", to_worker_id="nurse", reason="건강")

    async def ask_back(app: ChandongApp, pilot: Pilot) -> None:
        await open_from_my_work(app, pilot, handoff.id)
        await pilot.press("r")
        await pilot.pause()
        await note(pilot, "최근 혈압 기록은?")

    run_app(app_for(demo_vault, "nurse"), ask_back)

    async def answer_and_withdraw(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        await pilot.press("o")  # the hand-offs I sent, those asked back first
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        offered = [value for _label, value in app.screen.options]
        returned = HandoffState.RETURNED.label()
        assert all(label.startswith(returned) for label, _value in app.screen.options[:2])
        assert handoff.id in offered[:2]  # the returned ones (the demo has one more) come first
        await pilot.press(*["down"] * offered.index(handoff.id), "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HandoffScreen)
        assert "최근 혈압 기록은?" in screen.query_one("#handoff-body", Static).content.plain
        await pilot.press("n")
        await pilot.pause()
        await note(pilot, "10월 방문 기록 참고")
        assert screen.handoff is not None and screen.handoff.state is HandoffState.REQUESTED
        await pilot.press("c")
        await pilot.pause()
        await note(pilot, "가구 사정 변경")
        assert screen.handoff.state is HandoffState.CANCELLED

    run_app(app_for(demo_vault, "planner"), answer_and_withdraw)
    (stored,) = [h for h in handoffs_of(demo_vault, hid) if h.id == handoff.id]
    assert [e.step for e in stored.history] == [
        HandoffStep.REQUEST,
        HandoffStep.RETURN,
        HandoffStep.ANSWER,
        HandoffStep.CANCEL,
    ]
    owner = read_repo(demo_vault, "planner", lambda repo: repo.household(hid).owner_id)  # type: ignore[union-attr]
    assert owner == "planner"


def test_help_lists_the_handoff_keys(demo_vault: Path) -> None:
    from tests.tui.screen_support import declared, open_help, rows_of

    hid = planner_case_with_task(demo_vault)
    with opened(demo_vault, "planner") as repo:
        handoff = request_handoff(repo, hid, target="worker", to_worker_id="nurse", reason="건강")

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await open_from_my_work(app, pilot, handoff.id)
        help_screen = await open_help(app, pilot)
        assert help_screen.help_title == t("help_title", screen=t("handoff"))
        assert declared(HandoffScreen, "ko") <= set(rows_of(help_screen))

    run_app(app_for(demo_vault, "nurse"), scenario)
