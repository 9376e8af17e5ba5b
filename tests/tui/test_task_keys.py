"""Follow-up tasks from the household screen, driven with keys through Textual's Pilot on a copy of the
demo vault: `t` adds one (title, assignee, due date), `d` marks one done with a note, `n` cancels one
with its reason (a picker when several are open); the task section and the timeline follow, and what
was stored is read back through a fresh unlock after the app has closed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import OptionDoesNotExist

from chandong_tui.casework.clock import KST
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.tasks import add_task
from chandong_tui.i18n import t
from chandong_tui.model.enums import TaskState, TaskStep
from chandong_tui.model.records import Task
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.commands import ScreenCommands
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.note_modal import NoteModal
from chandong_tui.tui.modals.task_modal import ReassignTaskModal, TaskModal
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.help_screen import HelpScreen, toggle_help
from chandong_tui.tui.widgets.work_list import WorkList
from tests.conftest import opened
from tests.tui.driving import notifications, run_app
from tests.tui.screen_support import (
    clear_input,
    fixed_clock,
    open_household,
    pick_option,
    read_repo,
    section,
    shown_error,
    tab_to,
    type_text,
)


def case_without_tasks(repo: CaseRepository) -> str:
    """An open household of the planner with no open task."""
    for summary in repo.household_summaries():
        mine = summary.owner_id == "planner" and summary.status == "open"
        if mine and all(task.state is not TaskState.OPEN for task in repo.tasks_of(summary.id)):
            return summary.id
    raise AssertionError("the demo has planner cases without tasks")


def on_my_work(dashboard: DashboardScreen, task_id: str) -> bool:
    try:
        dashboard.query_one("#work", WorkList).get_option(f"task:{task_id}")
    except OptionDoesNotExist:
        return False
    return True


def tasks_stored(vault: Path, household_id: str) -> list[Task]:
    tasks = read_repo(vault, "supervisor", lambda repo: repo.tasks_of(household_id))
    assert isinstance(tasks, list)
    return sorted(tasks, key=lambda task: task.created_at or dt.datetime.min.replace(tzinfo=KST))


def test_add_a_task_with_keys(demo_vault: Path) -> None:
    moment, clock = fixed_clock()
    due = moment.astimezone(KST).date() + dt.timedelta(days=20)
    with opened(demo_vault, "planner") as repo:
        household_id = case_without_tasks(repo)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household_id)
        assert t("task_none") in section(screen, "tasks")
        assert screen.check_action("add_task", ()) and not screen.check_action("finish_task", ())
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TaskModal)
        assert form.value_of("owner_id") == "planner"  # the case owner by default
        assert form.value_of("due_on")  # the vault's follow-up days proposed
        await pilot.press("ctrl+s")  # a title is needed
        await pilot.pause()
        assert app.screen is form and shown_error(form, "title") == t("missing")
        await type_text(pilot, "주거급여 신청 확인")
        await tab_to(pilot, "due_on")
        due_input = form.query_one("#due_on", Input)
        await clear_input(pilot, due_input)
        await type_text(pilot, "11월 말")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and shown_error(form, "due_on") == t("date_format")
        await clear_input(pilot, due_input)
        await type_text(pilot, due.isoformat())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        tasks = section(screen, "tasks")
        assert "주거급여 신청 확인" in tasks and due.isoformat() in tasks
        assert t("task_none") not in tasks
        timeline = section(screen, "timeline")
        assert TaskStep.CREATED.label("ko") in timeline and "주거급여 신청 확인" in timeline
        assert screen.check_action("finish_task", ()) and screen.check_action("cancel_task", ())

    run_app(app, scenario, (120, 40))
    (task,) = tasks_stored(demo_vault, household_id)
    assert (task.title, task.owner_id, task.due_on, task.state) == (
        "주거급여 신청 확인",
        "planner",
        due,
        TaskState.OPEN,
    )
    assert (task.created_by, task.created_at) == ("planner", moment)


def test_finish_one_of_two_then_cancel_the_other_with_keys(demo_vault: Path) -> None:
    moment, clock = fixed_clock()
    today = moment.astimezone(KST).date()
    with opened(demo_vault, "planner") as repo:
        household_id = case_without_tasks(repo)
        soon = add_task(repo, household_id, title="병원 동행", due_on=today + dt.timedelta(days=2), at=moment)
        later = add_task(
            repo,
            household_id,
            title="후원 물품 전달",
            owner_id="nurse",
            due_on=today + dt.timedelta(days=9),
            at=moment,
        )
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household_id)
        dashboard = app.screen_stack[-2]
        assert isinstance(dashboard, DashboardScreen)
        assert on_my_work(dashboard, soon.id)  # the planner's open task is on 내 업무
        # -- done: two open, so a picker (soonest due first), then an optional note --
        await pilot.press("d")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChoiceModal) and picker.choice_title == t("task_pick_title")
        assert [value for _label, value in picker.options] == [soon.id, later.id]
        options = picker.query_one(OptionList)
        assert options.highlighted == 0
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NoteModal) and not form.required
        await type_text(pilot, "동행 완료")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        tasks = section(screen, "tasks").splitlines()
        done_line = next(line for line in tasks if "병원 동행" in line)
        assert TaskState.DONE.label("ko") in done_line
        timeline = section(screen, "timeline")
        assert TaskStep.DONE.label("ko") in timeline and "동행 완료" in timeline
        # -- cancel: one open left, so straight to the reason, which is required --
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NoteModal) and form.required
        title = str(form.query_one("#form-title", Static).content)
        assert "후원 물품 전달" in title
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and shown_error(form, "note") == t("missing")
        await type_text(pilot, "가족이 전달함")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert TaskStep.CANCELLED.label("ko") in section(screen, "timeline")
        assert not screen.check_action("finish_task", ()) and not screen.check_action("cancel_task", ())
        # -- back on 내 업무, the finished task is gone --
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dashboard and not on_my_work(dashboard, soon.id)

    run_app(app, scenario, (120, 40))
    stored = {task.id: task for task in tasks_stored(demo_vault, household_id)}
    done, cancelled = stored[soon.id], stored[later.id]
    assert (done.state, done.done_at) == (TaskState.DONE, moment)
    assert [(e.step, e.actor_id, e.note) for e in done.history] == [(TaskStep.DONE, "planner", "동행 완료")]
    assert cancelled.state is TaskState.CANCELLED
    assert [(e.step, e.actor_id, e.note) for e in cancelled.history] == [
        (TaskStep.CANCELLED, "planner", "가족이 전달함")
    ]


def test_someone_else_may_not_finish_a_task(demo_vault: Path) -> None:
    moment, clock = fixed_clock()
    with opened(demo_vault, "planner") as repo:
        household_id = case_without_tasks(repo)
        task = add_task(repo, household_id, title="병원 동행", in_days=3, at=moment)
    app = ChandongApp(demo_vault, user="officer", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household_id)
        assert "병원 동행" in section(screen, "tasks")
        for key in ("d", "n"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen
        assert notifications(app).count(t("task_not_allowed")) == 2
        # The keys are in the palette and the help, with their descriptions
        titles = [entry.title for entry in ScreenCommands(screen).commands()]
        assert {t("cmd.household.task_add"), t("cmd.household.task_done")} <= set(titles)
        toggle_help(app)
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {row.description: row for part in app.screen.sections for row in part.rows}
        assert rows[t("key_task_add")].keys == ["t"] and rows[t("key_task_cancel")].keys == ["n"]

    run_app(app, scenario, (120, 40))
    (stored,) = tasks_stored(demo_vault, household_id)
    assert stored == task


def test_reassign_a_task_with_keys_and_my_work_names_its_household(demo_vault: Path) -> None:
    """`a` gives the open task to another worker (the form offers everyone but its assignee); the
    timeline says who to whom, and 내 업무's task line names the household (head, 통-반)."""
    moment, clock = fixed_clock()
    with opened(demo_vault, "planner") as repo:
        household_id = case_without_tasks(repo)
        task = add_task(repo, household_id, title="병원 동행", in_days=3, at=moment)
        summary = next(s for s in repo.household_summaries() if s.id == household_id)
        nurse = repo.worker("nurse")
        assert nurse is not None
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household_id)
        dashboard = app.screen_stack[-2]
        assert isinstance(dashboard, DashboardScreen)
        line = dashboard.query_one("#work", WorkList).get_option(f"task:{task.id}").prompt
        shown = str(getattr(line, "plain", line))
        assert summary.head_name in shown and f"{summary.tong}-{summary.ban}" in shown
        assert screen.check_action("reassign_task", ())
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ReassignTaskModal)
        assert "planner" not in {value for _label, value in form.query_one("#to_worker_id", Select)._options}
        await pilot.press("ctrl+s")  # nobody picked
        await pilot.pause()
        assert app.screen is form and shown_error(form, "to_worker_id") == t("missing")
        await pick_option(pilot, nurse.name)
        assert form.value_of("to_worker_id") == "nurse"
        await tab_to(pilot, "note")
        await type_text(pilot, "혈압 관리")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        moved = next(line for line in section(screen, "timeline").splitlines() if "할 일 담당" in line)
        assert f"병원 동행 → {nurse.name} · 혈압 관리" in moved  # the kind column is clipped at 12 cells
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dashboard and not on_my_work(dashboard, task.id)  # the nurse's now

    run_app(app, scenario, (120, 40))
    (stored,) = tasks_stored(demo_vault, household_id)
    assert (stored.owner_id, stored.due_on, stored.state) == ("nurse", task.due_on, TaskState.OPEN)
    assert [(e.step, e.actor_id, e.to_owner_id, e.note) for e in stored.history] == [
        (TaskStep.REASSIGNED, "planner", "nurse", "혈압 관리")
    ]
