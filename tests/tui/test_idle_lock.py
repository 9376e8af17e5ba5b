"""The idle lock: a fake clock is moved on (no sleeping for minutes), the lock screen's timer looks.

What is checked is what happened: the screen shown and what it shows, the visit form's text kept,
the access-log events written (read back by the supervisor after the app closed), the lockout
files counted by the vault layer.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from chandong_tui.casework.audit import Event, events
from chandong_tui.casework.clock import KST
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.idle_lock import IdleLock, IdleMinutesError, idle_minutes
from chandong_tui.tui.modals.visit_modal import VisitModal
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.lock_screen import LockScreen
from chandong_tui.tui.screens.unlock_screen import UnlockScreen
from chandong_tui.vault import audit as chain
from chandong_tui.vault.accounts import unlock
from chandong_tui.vault.folder import read_marker
from chandong_tui.vault.keyring import LockedOut, load_keyring, lock_state, lockout_folders, user_hash
from chandong_tui.vault.local_state import local_dir
from tests.conftest import main_in_process
from tests.tui.driving import run_app, sign_in
from tests.tui.screen_support import FakeClock, open_form, quiet_household, type_passphrase

NOTE = "2층 계단 난간 고장, 다음 주 재방문"


@pytest.fixture(autouse=True)
def fast_idle_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(IdleLock, "CHECK_EVERY_S", 0.05)


async def let_timer_look(pilot: Pilot) -> None:
    await pilot.pause(0.2)


def shows(app: ChandongApp, text: str) -> bool:
    """Whether the terminal shows `text` now (in the SVG screenshot, spaces are `&#160;`)."""
    return text.replace(" ", "&#160;") in app.export_screenshot()


def access_log(vault: Path, user: str) -> list[Event]:
    with unlock(vault, "supervisor", DEMO_PASSPHRASE) as session:
        return [e for e in events(CaseRepository(session)) if e.actor == user]


def locked_failures(vault: Path, user: str) -> tuple[int, bool]:
    """(failures counted, locked now) for `user`, as the vault layer's lockout sees them."""
    info = read_marker(vault)
    uhash = user_hash(info.vault_id, user)
    keyring = load_keyring(vault, info.vault_id, info.root_sign_pub)
    trusted = keyring.sign_keys(uhash) | keyring.admin_keys() | {info.root_sign_pub}
    now_ms = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    state = lock_state(lockout_folders(vault, local_dir(info.vault_id), uhash), uhash, trusted, now_ms)
    return state.failures, state.locked(now_ms)


def test_idle_lock_covers_the_form_and_gives_it_back_after_the_passphrase(demo_vault: Path) -> None:
    household = quiet_household(demo_vault)
    clock = FakeClock()
    app = ChandongApp(demo_vault, user="planner", clock=clock, idle_minutes=10)
    seen: dict[str, object] = {}

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        form = await open_form(app, pilot, household.id, "v", VisitModal)
        note = form.query_one("#note", TextArea)
        note.focus()
        await pilot.press(*NOTE)
        await pilot.pause()
        assert note.text == NOTE
        title = form.form_title  # the household's head and 통/반
        assert shows(app, NOTE) and shows(app, title)

        clock.advance(9)  # nine minutes: not yet
        await let_timer_look(pilot)
        assert app.screen is form
        await pilot.press("end")  # a key: counting starts again
        clock.advance(9)
        await let_timer_look(pilot)
        assert app.screen is form, "a key pressed within the ten minutes keeps the screen open"

        clock.advance(1)  # ten minutes since the last key
        await let_timer_look(pilot)
        assert isinstance(app.screen, LockScreen)
        assert not shows(app, NOTE) and not shows(app, title)
        assert shows(app, "planner")  # who must type the passphrase, and nothing of the records
        await pilot.press("f2")  # global keys do not reach past the lock
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)

        await type_passphrase(app, pilot, "wrong passphrase 1")
        assert isinstance(app.screen, LockScreen)
        seen["failures_after_wrong"] = locked_failures(demo_vault, "planner")

        await type_passphrase(app, pilot, DEMO_PASSPHRASE)
        assert app.screen is form
        assert form.query_one("#note", TextArea).text == NOTE
        assert app.session is not None and not app.session.closed

    run_app(app, scenario)
    assert seen["failures_after_wrong"] == (1, False)
    assert locked_failures(demo_vault, "planner") == (0, False), "the right passphrase clears the count"
    log = access_log(demo_vault, "planner")
    idle = [e for e in log if e.action == chain.LOGIN_FAILURE and e.detail.get("idle_lock")]
    assert len(idle) == 1
    resumed = [e for e in log if e.action == chain.LOGIN and e.detail.get("after_idle_lock")]
    assert len(resumed) == 1
    assert resumed[0].detail["locked_at"] == (clock.at).isoformat(timespec="seconds")


def test_lockout_on_the_idle_lock_ends_the_session(demo_vault: Path) -> None:
    clock = FakeClock()
    app = ChandongApp(demo_vault, user="planner", clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        assert isinstance(app.screen, DashboardScreen)
        session = app.session
        assert session is not None
        clock.advance(10)
        await let_timer_look(pilot)
        assert isinstance(app.screen, LockScreen)
        for attempt in range(5):
            await type_passphrase(app, pilot, f"not it {attempt}")
        assert isinstance(app.screen, UnlockScreen)
        assert app.session is None and app.repo is None and session.closed
        assert len(app.screen_stack) == 2  # the default screen and the unlock screen: nothing else
        message = str(app.screen.query_one("#unlock-message").render())
        # The lockout line, with its end in Korean time: 30 minutes from the failure that locked it.
        until = re.search(
            r"실패가 5회 이어져 (\d{4}-\d\d-\d\d \d\d:\d\d)\(한국 시간\)까지 잠겼습니다", message
        )
        assert until is not None, message
        ends = dt.datetime.strptime(until.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=KST)
        assert abs(ends - (dt.datetime.now(KST) + dt.timedelta(minutes=30))) < dt.timedelta(minutes=2)
        # The right passphrase is refused now: the login is locked on every PC.
        await type_passphrase(app, pilot, DEMO_PASSPHRASE)
        assert isinstance(app.screen, UnlockScreen) and app.session is None

    run_app(app, scenario)
    assert locked_failures(demo_vault, "planner")[1]
    with pytest.raises(LockedOut):
        unlock(demo_vault, "planner", DEMO_PASSPHRASE)
    log = access_log(demo_vault, "planner")
    seen = [(e.action, e.device, e.seq, e.detail) for e in log]  # shown if a check below fails
    assert [e for e in log if e.action == chain.LOCKOUT and e.detail.get("idle_lock")], seen
    assert len([e for e in log if e.action == chain.LOGIN_FAILURE and e.detail.get("idle_lock")]) == 5, seen


def test_no_lock_before_the_unlock_and_the_unlock_screen_is_untouched(demo_vault: Path) -> None:
    clock = FakeClock()
    app = ChandongApp(demo_vault, user="planner", clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await pilot.pause()
        clock.advance(60)
        await let_timer_look(pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert not app.idle_lock.locked

    run_app(app, scenario)


@pytest.mark.parametrize("value", [0, -5, 61, 10_000, "", "ten", "2.5", "0x10"])
def test_idle_minutes_cannot_be_turned_off_or_made_absurd(value: object) -> None:
    with pytest.raises(IdleMinutesError, match="1 to 60"):
        idle_minutes(value)
    with pytest.raises(IdleMinutesError):
        ChandongApp(Path("."), idle_minutes=value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [1, 10, 60, " 15 "])
def test_idle_minutes_accepted(value: object) -> None:
    assert idle_minutes(value) == int(str(value))


def test_cli_refuses_an_idle_lock_of_zero(demo_vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main_in_process("open", str(demo_vault), "--idle-minutes", "0")
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("chandong: error: ") and err.count("\n") == 1
    assert "cannot be turned off" in err
