"""A step casework refuses is shown on the form in the user's language; a bug is never shown as one.

The hand-off here changed under the open decline form (as when its sender withdraws it on another PC):
saving is refused with the catalogue's Korean text in the form's message line, and the form stays
open. A plain `ValueError` from a bug in the step is not caught as a form message: it stops the app.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from chandong_tui.casework.handoffs import request_handoff
from chandong_tui.i18n import t
from chandong_tui.model.enums import HandoffState
from chandong_tui.model.records import Handoff
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.note_modal import NoteModal
from chandong_tui.tui.screens import handoff_screen
from chandong_tui.tui.screens.handoff_screen import HandoffScreen
from tests.conftest import opened
from tests.tui.driving import run_app
from tests.tui.screen_support import app_for, open_from_my_work, planner_case_with_task, type_text


def handoff_to_officer(vault: Path) -> str:
    hid = planner_case_with_task(vault)
    with opened(vault, "planner") as repo:
        return request_handoff(repo, hid, target="worker", to_worker_id="officer", reason="순찰 구역").id


async def open_decline_form(
    app: ChandongApp, pilot: Pilot, handoff_id: str
) -> tuple[HandoffScreen, NoteModal[object]]:
    """The hand-off screen and its decline form over it, with a reason typed."""
    screen = await open_from_my_work(app, pilot, handoff_id)
    await pilot.press("d")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, NoteModal)
    await type_text(pilot, "담당 구역 밖")
    return screen, form


def test_a_step_that_no_longer_fits_is_refused_in_korean(demo_vault: Path) -> None:
    handoff_id = handoff_to_officer(demo_vault)

    async def decline(app: ChandongApp, pilot: Pilot) -> None:
        screen, form = await open_decline_form(app, pilot, handoff_id)
        handoff = screen.repo.get(Handoff, handoff_id)
        assert handoff is not None
        screen.repo.save(handoff.model_copy(update={"state": HandoffState.CANCELLED}))  # withdrawn meanwhile
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # still open: the user reads why
        shown = form.query_one("#form-message", Static).content.plain
        assert shown == t("err_handoff_not_waiting", "ko", handoff=handoff_id, state="취소")
        assert "cancelled" not in shown

    run_app(app_for(demo_vault, "officer"), decline)


def test_a_bug_is_not_shown_as_a_form_message(demo_vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    handoff_id = handoff_to_officer(demo_vault)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError("a bug in the step")

    monkeypatch.setattr(handoff_screen, "decline_handoff", broken)
    shown: list[str] = []

    async def decline(app: ChandongApp, pilot: Pilot) -> None:
        _screen, form = await open_decline_form(app, pilot, handoff_id)
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown.append(form.query_one("#form-message", Static).content.plain)

    with pytest.raises(ValueError, match="a bug in the step"):
        run_app(app_for(demo_vault, "officer"), decline)
    assert "a bug in the step" not in "".join(shown)
