"""The unlock screen beyond a plain unlock: a one-time passphrase replaced in the app, a locked login
told until when, the demo's users and passphrase named on a demo vault only.

A new worker is added as `chandong user add` adds one (the accounts API, a one-time passphrase), on a
private copy of the demo vault; what is checked afterwards is read back through the vault layer.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE, DEMO_USERS
from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import Role
from chandong_tui.model.records import Worker
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.choose_passphrase_modal import (
    ChoosePassphraseModal,
    passphrase_refusal,
    policy_line,
)
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.unlock_screen import UnlockScreen, locked_line
from chandong_tui.vault.accounts import LoginLocked, add_user, create_vault, unlock
from chandong_tui.vault.errors import AuthError
from chandong_tui.vault.keyring import (
    LOCK_AFTER,
    LOCK_MINUTES,
    MIN_PASSPHRASE,
    LockedOut,
    PassphraseChangeRequired,
    one_time_passphrase,
)
from chandong_tui.vault.local_state import state_home
from tests.conftest import PASSPHRASE
from tests.tui.driving import run_app, sign_in
from tests.tui.screen_support import type_passphrase

NEW_USER = "jisoo"
CHOSEN = "Spring-morning-26"


def add_new_worker(vault: Path) -> str:
    """`chandong user add VAULT jisoo --name … --role welfare_planner`: returns the one-time passphrase."""
    with unlock(vault, "supervisor", DEMO_PASSPHRASE) as admin:
        worker = Worker(id=NEW_USER, name="김지수", role=Role.WELFARE_PLANNER, dong_code=admin.info.dong_code)
        secret = one_time_passphrase()
        add_user(admin, worker.id, worker.role.value, secret, one_time=True)
        CaseRepository(admin).save(worker)
    return secret


def shown(screen: object, selector: str) -> str:
    widget = screen.query_one(selector, Static)  # type: ignore[attr-defined]
    return str(widget.content) if widget.display else ""


async def fill(app: ChandongApp, pilot: Pilot, new: str, again: str) -> None:
    """Type `new`, Enter (to the second field), `again`, Enter; wait for the worker if one started."""
    await pilot.press(*new, "enter")
    await pilot.press(*again, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def test_a_one_time_passphrase_is_replaced_in_the_app(demo_vault: Path, chandong_home: Path) -> None:
    one_time = add_new_worker(demo_vault)
    app = ChandongApp(demo_vault, user=NEW_USER, low_bandwidth=True)
    seen: list[type] = []

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, one_time, to_households=False)
        modal = app.screen
        assert isinstance(modal, ChoosePassphraseModal) and app.session is None
        assert shown(modal, "#choose-policy") == policy_line(Lang.KO)
        assert str(MIN_PASSPHRASE) in shown(modal, "#choose-policy")
        # Esc goes back to the login, to type the passphrase again
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen) and app.session is None
        assert app.screen.query_one("#passphrase", Input).value == ""
        assert app.focused is app.screen.query_one("#passphrase", Input)
        await type_passphrase(app, pilot, one_time)
        modal = app.screen
        assert isinstance(modal, ChoosePassphraseModal)
        # the second copy differs: said beside it, nothing changed
        await fill(app, pilot, CHOSEN, CHOSEN + "x")
        assert app.screen is modal
        assert shown(modal, "#again-error") == t("passphrases_differ")
        assert shown(modal, "#new-error") == ""
        assert app.focused is modal.query_one("#again", Input)
        assert modal.query_one("#again", Input).value == ""
        # Esc, and the one-time passphrase again: a fresh choice
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        await type_passphrase(app, pilot, one_time)
        modal = app.screen
        assert isinstance(modal, ChoosePassphraseModal)
        # a weak one (too short): the policy's refusal beside the first field, both typed again
        await fill(app, pilot, "Short-1", "Short-1")
        assert app.screen is modal
        assert shown(modal, "#new-error") == t("first_unlock_too_short", min=MIN_PASSPHRASE)
        assert shown(modal, "#again-error") == ""
        assert app.focused is modal.query_one("#new", Input)
        assert modal.query_one("#new", Input).value == modal.query_one("#again", Input).value == ""
        # the one-time passphrase again is refused too (the policy: not the one it replaces)
        await fill(app, pilot, one_time, one_time)
        assert shown(modal, "#new-error") == t("first_unlock_same")
        # a good one, twice: straight into 내 업무
        await fill(app, pilot, CHOSEN, CHOSEN)
        seen.append(type(app.screen))
        assert app.session is not None and app.session.user_id == NEW_USER

    run_app(app, scenario)
    assert seen == [DashboardScreen]
    with unlock(demo_vault, NEW_USER, CHOSEN) as session:
        assert session.user_id == NEW_USER
    with pytest.raises(AuthError) as refused:
        unlock(demo_vault, NEW_USER, one_time)
    assert not isinstance(refused.value, PassphraseChangeRequired)
    secret = one_time.encode()
    for base in (demo_vault, chandong_home):
        assert not [p for p in base.rglob("*") if p.is_file() and secret in p.read_bytes()]


def test_the_policy_speaks_the_users_language_for_each_rule() -> None:
    cases = {
        "first_unlock_too_short": ("Ab1", ""),
        "first_unlock_one_kind": ("abcdefghijklmn", ""),
        "first_unlock_has_login": (f"{NEW_USER}-2026-spring", ""),
        "first_unlock_same": ("Summer-noon-27", "Summer-noon-27"),
    }
    for lang in Lang:
        for key, (new, current) in cases.items():
            assert passphrase_refusal(new, NEW_USER, current, lang) == t(key, lang, min=MIN_PASSPHRASE)
        assert passphrase_refusal(CHOSEN, NEW_USER, "one-time-pass", lang) is None
    assert "10" in policy_line(Lang.KO) and "10" in policy_line(Lang.EN)


def _fail(vault: Path, user: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AuthError):
            unlock(vault, user, "not the passphrase!")


def test_a_locked_login_is_told_so_and_until_when(demo_vault: Path) -> None:
    _fail(demo_vault, "planner", LOCK_AFTER - 1)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)
    messages: list[str] = []

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, "still not it!", to_households=False)  # the last failure locks
        messages.append(shown(app.screen, "#unlock-message"))
        await type_passphrase(app, pilot, DEMO_PASSPHRASE)  # the right one, while locked
        assert isinstance(app.screen, UnlockScreen) and app.session is None
        messages.append(shown(app.screen, "#unlock-message"))

    started = time.time()
    run_app(app, scenario)
    with pytest.raises(LoginLocked) as locked:
        unlock(demo_vault, "planner", DEMO_PASSPHRASE)
    assert messages == [locked_line(locked.value, Lang.KO)] * 2
    assert messages[0] != t("auth_failed")
    until = re.search(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2})\(한국 시간\)까지 잠겼습니다", messages[0])
    assert until is not None
    kst = dt.timezone(dt.timedelta(hours=9))
    shown_end = dt.datetime.strptime(until.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=kst).timestamp()
    assert started + LOCK_MINUTES * 60 - 60 <= shown_end <= time.time() + LOCK_MINUTES * 60 + 60


def test_the_lock_line_in_english_and_without_an_end() -> None:
    assert locked_line(LoginLocked(None), Lang.EN) == t("login_locked_admin", Lang.EN)
    assert locked_line(LockedOut("locked"), Lang.KO) == t("login_locked_admin", Lang.KO)
    end = dt.datetime(2026, 12, 8, 9, 41, 20, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    line = locked_line(LoginLocked(int(end.timestamp() * 1000)), Lang.EN)
    assert line == t("login_locked_until", Lang.EN, n=LOCK_AFTER, until="2026-12-08 09:42")


def test_the_lock_error_carries_its_end(tmp_path: Path) -> None:
    root = tmp_path / "v"
    create_vault(root, "1159053000", "boss", PASSPHRASE).close()
    before = time.time_ns() // 1_000_000
    _fail(root, "ghost", LOCK_AFTER - 1)
    with pytest.raises(LoginLocked) as locked:
        unlock(root, "ghost", "not the passphrase!")
    after = time.time_ns() // 1_000_000
    assert locked.value.until_ms is not None
    assert before + LOCK_MINUTES * 60_000 <= locked.value.until_ms <= after + LOCK_MINUTES * 60_000


def _hint_of(vault: Path) -> str:
    app = ChandongApp(vault, user="planner", low_bandwidth=True)
    hints: list[str] = []

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        hints.append(shown(app.screen, "#unlock-hint"))

    run_app(app, scenario)
    return hints[0]


def test_the_demo_names_its_users_and_passphrase(demo_template: Path) -> None:
    demo = state_home() / "demo" / "20261031-153000"  # where `chandong demo` builds it
    shutil.copytree(demo_template, demo)
    hint = _hint_of(demo)
    assert hint == t("demo_hint", users=", ".join(DEMO_USERS), passphrase=DEMO_PASSPHRASE)
    assert DEMO_PASSPHRASE in hint and all(user in hint for user in DEMO_USERS)


def test_a_vault_of_ones_own_names_no_demo(tmp_path: Path) -> None:
    root = tmp_path / "team"
    create_vault(root, "1159053000", "planner", PASSPHRASE).close()
    assert _hint_of(root) == ""
