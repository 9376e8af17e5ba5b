"""Reveal with a reason (`r` on a household): the number in plain on that view only, the reveal in the
access log with its reason; officers refused and nothing logged. Driven with keys through Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from chandong_tui.casework.audit import Event, events
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.i18n import t
from chandong_tui.model.fields import mask_rrn
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.idle_lock import IdleLock
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.reveal_modal import RevealModal
from chandong_tui.tui.screens.household_screen import HouseholdScreen
from chandong_tui.tui.screens.lock_screen import LockScreen
from chandong_tui.vault import audit as chain
from chandong_tui.vault.accounts import unlock
from tests.tui.driving import notifications, run_app
from tests.tui.screen_support import FakeClock, open_household, type_passphrase

REASON = "긴급복지 신청서 본인 확인"


def numbered_household(vault: Path) -> tuple[str, list[tuple[str, str, str]]]:
    """A household with two or more members with a registration number: (id, [(member id, name,
    plain number)]), read by the supervisor (who holds the plain numbers)."""
    with unlock(vault, "supervisor", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        for summary in repo.household_summaries():
            members = [(m.id, m.name, m.rrn) for m in repo.members_of(summary.id) if m.rrn]
            if len(members) >= 2:
                return summary.id, members  # type: ignore[return-value]
    raise AssertionError("the demo has no household with two numbered members")


def reveals(vault: Path) -> list[Event]:
    with unlock(vault, "supervisor", DEMO_PASSPHRASE) as session:
        return [e for e in events(CaseRepository(session)) if e.action == chain.REVEAL]


def members_text(app: ChandongApp) -> str:
    """The members section of the household screen (the topmost one, even under a form)."""
    screen = next(s for s in reversed(app.screen_stack) if isinstance(s, HouseholdScreen))
    return screen.query_one("#detail-members", Static).content.plain  # type: ignore[union-attr]


def test_planner_reveals_a_number_with_a_reason_for_this_view_only(demo_vault: Path) -> None:
    household_id, members = numbered_household(demo_vault)
    member_id, name, number = members[1]
    app = ChandongApp(demo_vault, user="planner")

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household_id)
        assert number not in members_text(app) and mask_rrn(number) in members_text(app)
        assert "r" in [key for key, b in app.active_bindings.items() if b.binding.show]
        await pilot.press("r")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChoiceModal)
        await pilot.press("down", "enter")  # the second numbered member
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, RevealModal) and name in modal.form_title
        await pilot.press("ctrl+s")  # no reason: refused beside the field, nothing revealed
        await pilot.pause()
        assert app.screen is modal and number not in members_text(app)
        await pilot.press(*REASON, "ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert number in members_text(app)
        assert t("saved") not in notifications(app)
        # Leaving the household and coming back: masked again.
        await pilot.press("escape")
        await pilot.pause()
        await open_household_again(app, pilot, household_id)
        assert number not in members_text(app) and mask_rrn(number) in members_text(app)

    run_app(app, scenario)
    logged = reveals(demo_vault)
    assert [(e.actor, e.target, e.detail) for e in logged] == [
        ("planner", member_id, {"field": "rrn", "reason": REASON})
    ]


async def open_household_again(app: ChandongApp, pilot: Pilot, household_id: str) -> None:
    assert app.repo is not None
    app.push_screen(HouseholdScreen(household_id))
    await pilot.pause()


def test_officer_is_refused_and_nothing_is_logged(demo_vault: Path) -> None:
    household_id, _members = numbered_household(demo_vault)
    app = ChandongApp(demo_vault, user="officer")

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household_id)
        footer_keys = [key for key, b in app.active_bindings.items() if b.binding.show]
        assert "r" not in footer_keys  # not offered in the footer ...
        await pilot.press("r")  # ... and the key says why not
        await pilot.pause()
        assert app.screen is screen
        assert t("reveal_forbidden") in notifications(app)

    run_app(app, scenario)
    assert reveals(demo_vault) == []


def test_idle_lock_masks_a_revealed_number_again(demo_vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(IdleLock, "CHECK_EVERY_S", 0.05)
    household_id, members = numbered_household(demo_vault)
    _member_id, _name, number = members[0]
    clock = FakeClock()
    app = ChandongApp(demo_vault, user="nurse", clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household_id)
        await pilot.press("r", "enter")  # the first member
        await pilot.pause()
        await pilot.press(*REASON, "ctrl+s")
        await pilot.pause()
        assert number in members_text(app)
        clock.advance(10)
        await pilot.pause(0.2)
        assert isinstance(app.screen, LockScreen)
        await type_passphrase(app, pilot, DEMO_PASSPHRASE)
        assert app.screen is screen
        assert number not in members_text(app)

    run_app(app, scenario)
    assert [e.actor for e in reveals(demo_vault)] == ["nurse"]
