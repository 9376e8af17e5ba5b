"""Issue 16, attack 7 on the screens and `audit show`: an event shows its signer, and a failed unlock the
login that was typed apart from who signed it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.i18n import t
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.screens.access_log_screen import AccessEventsScreen, AccessLogScreen
from chandong_tui.vault.accounts import unlock
from chandong_tui.vault.errors import AuthError
from tests.conftest import main_in_process
from tests.tui.driving import run_app, sign_in


def _fail_as_planner(vault: Path) -> None:
    """Malicious member (or anyone at the PC) types the planner's login with a wrong passphrase."""
    with pytest.raises(AuthError):
        unlock(vault, "planner", "not the planner's passphrase")


def test_the_planners_events_show_who_signed_the_failed_unlock(demo_vault: Path) -> None:
    """Malicious member fails an unlock as the planner on the supervisor's PC: on the access-log screen,
    the planner's month lists the failure signed by the supervisor, with the login typed."""
    _fail_as_planner(demo_vault)
    app = ChandongApp(demo_vault, user="supervisor")

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AccessLogScreen)
        planner = next(line for line in screen.lines if line.user == "planner")
        assert planner.failures == 1
        users = screen.query_one("#log-users", OptionList)
        users.highlighted = next(i for i, line in enumerate(screen.lines) if line.user == "planner")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        events = app.screen
        assert isinstance(events, AccessEventsScreen)
        body = events.query_one("#events-body", Static).content.plain  # type: ignore[union-attr]
        line = next(row for row in body.splitlines() if "login_failure" in row)
        assert t("access_signed_by", user="supervisor") in line
        assert t("access_claimed", login="planner") in line

    run_app(app, scenario, size=(120, 30))


def test_audit_show_names_the_signer_and_the_login_typed(
    demo_vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`chandong audit show` gives each event's signer as its actor, and the typed login apart."""
    _fail_as_planner(demo_vault)
    monkeypatch.setenv("CHANDONG_USER", "supervisor")
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)
    capsys.readouterr()
    assert (
        main_in_process("audit", "show", str(demo_vault), "--action", "login_failure", "--format", "csv") == 0
    )
    rows = [line.split(",") for line in capsys.readouterr().out.strip().splitlines()]
    header, failure = rows[0], rows[-1]
    assert failure[header.index("actor")] == "supervisor"
    assert failure[header.index("claimed")].strip() == "planner"
