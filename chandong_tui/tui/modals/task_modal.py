"""Follow-up tasks from the household screen: `TaskModal` adds one (title, assignee, due date);
`ask_task_step` finishes (`d`), cancels (`n`) or reassigns (`a`, `ReassignTaskModal`) an open one.

The form proposes the case owner as assignee and the vault's follow-up working days as due date, and
saves through `casework.tasks.add_task`. To finish or cancel, a `ChoiceModal` asks which task when
several are open (soonest due first), then a `NoteModal` asks for an optional note (done) or the
reason (cancel, required), saved through `finish_task` / `cancel_task`; to reassign, a form asks for
the new assignee (the current one left out) and an optional note, saved through `reassign_task`. A
refusal from casework (the task changed on another PC meanwhile, a user who may not change it) shows
in the form's message line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from pydantic import ValidationError
from pydantic_core import PydanticCustomError
from textual.app import ComposeResult
from textual.widgets import Select

from chandong_tui.casework.clock import KST
from chandong_tui.casework.deadlines import follow_up_due, settings_of
from chandong_tui.casework.tasks import TaskWithClock, add_task, cancel_task, finish_task, reassign_task
from chandong_tui.i18n import CATALOGUE, Lang, t
from chandong_tui.model.enums import TaskState
from chandong_tui.model.records import Household, Task
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.flag_text import clock_label
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.form_modal import FormField, FormModal
from chandong_tui.tui.modals.handoff_modal import worker_options
from chandong_tui.tui.modals.note_modal import NoteModal, require_filled
from chandong_tui.tui.modals.visit_modal import SafeInput, SafeTextArea, household_label, household_of

TaskStepName = Literal["done", "cancel", "reassign"]


def task_line(entry: TaskWithClock, names: dict[str, str], lang: Lang | str) -> str:
    """`2026-11-10 · 서류 확인 · 박서연 · 남은 …`: due day, title, assignee, where its clock stands."""
    task = entry.task
    state = clock_label(entry.deadline, lang) if task.state is TaskState.OPEN else task.state.label(lang)
    who = names.get(task.owner_id, task.owner_id)
    return f"{task.due_on.isoformat()} · {task.title} · {who} · {state}"


class TaskModal(FormModal[Task]):
    """Add a task to `household_id`; dismisses with the saved task."""

    DEFAULT_CSS = """
    TaskModal FormField > Horizontal > Select { width: 1fr; }
    TaskModal FormField > Horizontal > SafeInput { width: 1fr; }
    """

    def __init__(self, household_id: str) -> None:
        self.household: Household = household_of(self.repo, household_id)
        super().__init__(
            t("task_add_title", self.lang, household=household_label(self.repo, self.household, self.lang))
        )

    def fields(self) -> ComposeResult:
        lang = self.lang
        options = worker_options(self.repo, lang)
        ids = {value for _label, value in options}
        default = next((w for w in (self.household.owner_id, self.repo.user_id) if w in ids), Select.BLANK)
        due = follow_up_due(self.now().astimezone(KST).date(), settings_of(self.repo))
        yield FormField(t("task_title", lang), SafeInput(id="title"), "title")
        yield FormField(
            t("task_assignee", lang),
            Select(options, value=default, prompt=t("pick_one", lang), id="owner_id"),
            "owner_id",
        )
        yield FormField(t("task_due_on", lang), SafeInput(due.isoformat(), id="due_on"), "due_on")

    def submit(self) -> Task:
        values = {name: self.value_of(name) for name in ("title", "owner_id", "due_on")}
        require_filled(values, ["title", "owner_id", "due_on"])
        try:
            due_on = dt.date.fromisoformat(str(values["due_on"]).strip())
        except ValueError:
            error = PydanticCustomError("date_format", CATALOGUE["date_format"].en)
            raise ValidationError.from_exception_data(
                "form", [{"type": error, "loc": ("due_on",), "input": values["due_on"]}]
            ) from None
        return add_task(
            self.repo,
            self.household.id,
            title=str(values["title"]),
            owner_id=str(values["owner_id"]),
            due_on=due_on,
            at=self.now(),
        )


class ReassignTaskModal(FormModal[Task]):
    """Give `task` to another worker, with an optional note; dismisses with the saved task."""

    DEFAULT_CSS = """
    ReassignTaskModal FormField > Horizontal > Select { width: 1fr; }
    ReassignTaskModal FormField > Horizontal > SafeTextArea { width: 1fr; height: 3; }
    """

    def __init__(self, task: Task) -> None:
        self.chosen = task
        super().__init__(t("task_reassign_title", self.lang, task=task.title))

    def fields(self) -> ComposeResult:
        lang = self.lang
        options = worker_options(self.repo, lang, {self.chosen.owner_id})
        yield FormField(
            t("task_new_assignee", lang),
            Select(options, prompt=t("pick_one", lang), id="to_worker_id"),
            "to_worker_id",
        )
        yield FormField(t("task_done_note", lang), SafeTextArea(id="note"), "note")

    def submit(self) -> Task:
        values = {"to_worker_id": self.value_of("to_worker_id"), "note": self.value_of("note")}
        require_filled(values, ["to_worker_id"])
        return reassign_task(
            self.repo, self.chosen.id, str(values["to_worker_id"]), str(values["note"]), at=self.now()
        )


def ask_task_step(
    screen: ChandongScreen[Any],
    tasks: list[TaskWithClock],
    *,
    step: TaskStepName,
    done: Callable[[object], None],
) -> None:
    """Pick one of the open `tasks` (when there are several) and finish, cancel or reassign it
    (`step`); `done` runs when the form closes, with the saved task or None."""
    if not tasks:
        screen.notify(t("task_none", screen.lang), severity="warning")
        return
    if len(tasks) == 1:
        _open_form(screen, tasks[0].task, step, done)
        return
    names = {worker.id: worker.name for worker in screen.repo.workers()}

    def picked(task_id: str | None) -> None:
        entry = next((e for e in tasks if e.task.id == task_id), None)
        if entry is not None:
            _open_form(screen, entry.task, step, done)

    options = [(task_line(entry, names, screen.lang), entry.task.id) for entry in tasks]
    screen.app.push_screen(ChoiceModal(t("task_pick_title", screen.lang), options), picked)


def _open_form(
    screen: ChandongScreen[Any], task: Task, step: TaskStepName, done: Callable[[object], None]
) -> None:
    repo, lang, now = screen.repo, screen.lang, screen.now
    modal: FormModal[Task]
    if step == "reassign":
        modal = ReassignTaskModal(task)
    elif step == "cancel":
        modal = NoteModal(
            t("task_cancel_title", lang, task=task.title),
            t("task_cancel_reason", lang),
            lambda reason: cancel_task(repo, task.id, reason, at=now()),
        )
    else:
        modal = NoteModal(
            t("task_done_title", lang, task=task.title),
            t("task_done_note", lang),
            lambda note: finish_task(repo, task.id, note, at=now()),
            required=False,
        )
    screen.app.push_screen(modal, done)
