"""Pausing and resuming a household's deadline clocks (`p` on the household screen).

`ask_clock_step` offers the household's clocks that can pause or resume (`casework.pausable`): the only
one at once, else a `ChoiceModal` lists them, least time left first, each marked with what picking it
does (a paused clock is offered to resume, never to pause again). Then a `ClockNoteModal` asks why it
stops (required) or, to resume, an optional note, and saves through `deadlines.pause_clock` /
`resume_clock`. A refusal from casework (the clock changed on another PC meanwhile, a closed case, a
role that may not change it) is a notification as well as the form's message line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from chandong_tui.casework.clock import KST
from chandong_tui.casework.deadlines import pause_clock, resume_clock
from chandong_tui.casework.errors import CaseworkError
from chandong_tui.casework.pausable import PausableClock, PausableRecord, current_pause
from chandong_tui.casework.queue import ClockKind
from chandong_tui.i18n import Lang, t
from chandong_tui.model.records import CrisisFlag, Household, Task
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.flag_text import clock_label
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.note_modal import NoteModal
from chandong_tui.tui.modals.visit_modal import household_label

_KIND_LABEL = {
    ClockKind.FIRST_VISIT: "clock_first_visit",
    ClockKind.NEXT_VISIT: "clock_next_visit",
    ClockKind.TASK: "clock_task",
}


def kind_label(kind: ClockKind, lang: Lang | str) -> str:
    return t(_KIND_LABEL[kind], lang)


def clock_name(clock: PausableClock, lang: Lang | str) -> str:
    """`72시간 첫 방문 · 긴급`, `다음 방문 · 기한 2026-11-20`, `후속 과제 · 주거 지원 신청`."""
    record = clock.record
    if isinstance(record, CrisisFlag):
        detail = record.level.label(lang)
    elif isinstance(record, Task):
        detail = record.title
    else:  # a date clock is due at the end of its (moved) day
        day = (clock.deadline.due_at.astimezone(KST) - dt.timedelta(seconds=1)).date()
        detail = t("clock_due_day", lang, day=day.isoformat())
    return f"{kind_label(clock.kind, lang)} · {detail}"


def clock_option(clock: PausableClock, lang: Lang | str) -> str:
    """A picker line: what picking it does, which clock, where it stands."""
    action = t("clock_do_resume" if clock.paused else "clock_do_pause", lang)
    return f"[{action}] {clock_name(clock, lang)} · {clock_label(clock.deadline, lang)}"


class ClockNoteModal(NoteModal[PausableRecord]):
    """The reason of a pause (or the note of a resume); the model's errors on either show beside it."""

    def error_location(self, loc: tuple[Any, ...]) -> tuple[Any, ...]:
        if loc and loc[0] in ("reason", "resume_note"):
            return ("note", *loc[1:])
        return loc


def ask_clock_step(
    screen: ChandongScreen[Any],
    household: Household,
    clocks: list[PausableClock],
    done: Callable[[object], None],
) -> None:
    """Pick one of `clocks` (when there are several) and pause or resume it; `done` runs when the form
    closes, with the saved record or None."""
    if not clocks:
        screen.notify(t("clock_none", screen.lang), severity="warning")
        return
    if len(clocks) == 1:
        _open_form(screen, household, clocks[0], done)
        return

    def picked(record_id: str | None) -> None:
        clock = next((c for c in clocks if c.record.id == record_id), None)
        if clock is not None:
            _open_form(screen, household, clock, done)

    options = [(clock_option(clock, screen.lang), clock.record.id) for clock in clocks]
    screen.app.push_screen(ChoiceModal(t("clock_pick_title", screen.lang), options), picked)


def _open_form(
    screen: ChandongScreen[Any],
    household: Household,
    clock: PausableClock,
    done: Callable[[object], None],
) -> None:
    app, repo, lang, now = screen.app, screen.repo, screen.lang, screen.now
    names = {worker.id: worker.name for worker in repo.workers()}
    where = {"clock": clock_name(clock, lang), "household": household_label(repo, household, lang)}
    state = t("clock_now", lang, state=clock_label(clock.deadline, lang))
    pause = current_pause(clock.record)

    def save(note: str) -> PausableRecord:
        try:
            if pause is None:
                return pause_clock(repo, clock.record, note, at=now())
            return resume_clock(repo, clock.record, note, at=now())
        except CaseworkError as exc:
            app.notify(t("clock_step_refused", lang, reason=exc.message(lang)), severity="error")
            raise

    if pause is None:
        modal = ClockNoteModal(
            t("clock_pause_title", lang, **where), t("clock_pause_reason", lang), save, intro=state
        )
    else:
        paused = t(
            "clock_paused_by",
            lang,
            name=names.get(pause.paused_by, pause.paused_by),
            at=f"{pause.paused_at.astimezone(KST):%Y-%m-%d %H:%M}",
            reason=pause.reason,
        )
        modal = ClockNoteModal(
            t("clock_resume_title", lang, **where),
            t("clock_resume_note", lang),
            save,
            intro=f"{state}\n{paused}",
            required=False,
        )
    app.push_screen(modal, done)
