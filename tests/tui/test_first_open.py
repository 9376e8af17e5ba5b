"""The unlock screen on a PC that has not opened the vault before (its fingerprint shown and confirmed)
and on a folder whose membership is older than this PC has seen (one line, nothing opened)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from chandong_tui.i18n import t
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.confirm_modal import ConfirmModal
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.unlock_screen import UnlockScreen
from chandong_tui.vault.local_state import local_dir
from chandong_tui.vault.members import load_history, read_pin
from tests.trust_support import first_open_asks
from tests.tui.driving import run_app, sign_in
from tests.tui.screen_support import type_passphrase


def _message(app: ChandongApp) -> str:
    return str(app.screen.query_one("#unlock-message", Static).content)


def test_a_first_open_shows_the_fingerprint_and_asks(
    demo_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = load_history(demo_vault)
    assert history is not None
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "new-pc"))
    first_open_asks(monkeypatch)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)
    seen: list[object] = []

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        modal = app.screen
        assert isinstance(modal, ConfirmModal) and app.session is None
        assert history.fingerprint in modal.question
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen) and app.session is None
        assert _message(app) == t("members_not_confirmed")
        await type_passphrase(app, pilot, "chandong-demo")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        seen.append(type(app.screen))

    run_app(app, scenario)
    assert seen == [DashboardScreen]
    pin = read_pin(local_dir(history.vault_id))
    assert pin is not None and pin["genesis"] == history.genesis_hash


def test_an_older_membership_is_one_line(demo_vault: Path) -> None:
    newest = sorted((demo_vault / "members").glob("*.json"))[-1]
    newest.unlink()  # a restored folder from before the last change (this PC pinned it)
    history = load_history(demo_vault)
    assert history is not None
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)
    said: list[str] = []

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        assert isinstance(app.screen, UnlockScreen) and app.session is None
        said.append(_message(app))

    run_app(app, scenario)
    assert said == [t("members_older", have=history.seq, seen=history.seq + 1)]
