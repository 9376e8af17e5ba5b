"""Lockout after repeated failed unlocks: counted across PCs through the shared folder, kept on each
PC, lifted by time, by an admin or by a successful unlock, the same for logins that do not exist."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import orjson
import pytest

from chandong_tui.vault import accounts
from chandong_tui.vault.accounts import add_user, clear_lockout, create_vault, unlock
from chandong_tui.vault.errors import AuthError
from chandong_tui.vault.keyring import LOCK_AFTER, LOCK_MINUTES, LOCKOUT_DIR, LockedOut
from tests.conftest import PASSPHRASE

PLANNER_PASS = "planner passphrase 1"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "v"
    with create_vault(root, "1159053000", "boss", PASSPHRASE) as admin:
        add_user(admin, "planner", "welfare_planner", PLANNER_PASS)
    return root


def _fail(root: Path, user: str, times: int) -> list[AuthError]:
    errors = []
    for _ in range(times):
        with pytest.raises(AuthError) as caught:
            unlock(root, user, "wrong passphrase!")
        errors.append(caught.value)
    return errors


def test_five_failures_lock_even_the_right_passphrase(vault: Path) -> None:
    errors = _fail(vault, "planner", LOCK_AFTER)
    assert all(type(e) is AuthError for e in errors[:-1])
    assert isinstance(errors[-1], LockedOut)
    with pytest.raises(LockedOut):
        unlock(vault, "planner", PLANNER_PASS)


def test_unknown_logins_fail_and_lock_alike(vault: Path) -> None:
    known = _fail(vault, "planner", LOCK_AFTER)
    unknown = _fail(vault, "ghost", LOCK_AFTER)
    assert [(type(e), str(e)) for e in known] == [(type(e), str(e)) for e in unknown]
    for user, passphrase in (("planner", PLANNER_PASS), ("ghost", "whatever passphrase")):
        with pytest.raises(LockedOut) as caught:
            unlock(vault, user, passphrase)
        assert str(caught.value) == str(known[-1])


def test_unknown_and_known_logins_take_similar_time(vault: Path) -> None:
    def timed(user: str) -> float:
        start = time.perf_counter()
        with pytest.raises(AuthError):
            unlock(vault, user, "wrong passphrase!")
        return time.perf_counter() - start

    known = min(timed("planner") for _ in range(3))  # the least disturbed of three (a busy machine)
    unknown = min(timed("ghost") for _ in range(3))
    assert 0.5 < known / unknown < 2.0  # both are one Argon2id derivation


def test_the_lock_ends_after_its_period(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail(vault, "planner", LOCK_AFTER)
    later = time.time_ns() // 1_000_000 + LOCK_MINUTES * 60_000 + 1_000
    monkeypatch.setattr(accounts, "now_ms", lambda: later)
    unlock(vault, "planner", PLANNER_PASS).close()


def test_a_success_starts_the_count_again(vault: Path) -> None:
    _fail(vault, "planner", LOCK_AFTER - 1)
    unlock(vault, "planner", PLANNER_PASS).close()
    errors = _fail(vault, "planner", LOCK_AFTER - 1)
    assert not any(isinstance(e, LockedOut) for e in errors)
    unlock(vault, "planner", PLANNER_PASS).close()


def test_an_admin_lifts_the_lock(vault: Path) -> None:
    _fail(vault, "planner", LOCK_AFTER)
    with unlock(vault, "boss", PASSPHRASE) as admin:
        clear_lockout(admin, "planner")
    unlock(vault, "planner", PLANNER_PASS).close()


def test_failures_on_several_pcs_add_up(vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail(vault, "planner", 3)
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "other-pc"))
    errors = _fail(vault, "planner", 2)
    assert isinstance(errors[-1], LockedOut)


def test_deleting_the_shared_record_does_not_unlock_this_pc(vault: Path) -> None:
    _fail(vault, "planner", LOCK_AFTER)
    shutil.rmtree(vault / LOCKOUT_DIR)
    with pytest.raises(LockedOut):
        unlock(vault, "planner", PLANNER_PASS)


def test_a_forged_clear_does_not_unlock(vault: Path, chandong_home: Path) -> None:
    _fail(vault, "planner", LOCK_AFTER)
    for folder in (vault / LOCKOUT_DIR).iterdir():
        forged = {"at": time.time_ns() // 1_000_000, "user": folder.name, "by": "x", "why": "unlock"}
        forged |= {"pub": "AAAA", "sig": "AAAA"}
        (folder / f"c-{forged['at']:013d}-00000000.json").write_bytes(orjson.dumps(forged))
    with pytest.raises(LockedOut):
        unlock(vault, "planner", PLANNER_PASS)


def test_failures_and_the_lockout_reach_the_access_log(vault: Path) -> None:
    from chandong_tui.casework.audit import events
    from chandong_tui.casework.repository import CaseRepository

    _fail(vault, "planner", LOCK_AFTER)
    with unlock(vault, "boss", PASSPHRASE) as admin:
        log = events(CaseRepository(admin))
    # signed by who unlocked next (their actor), with the login that was typed (issue 16, attack 7)
    actions = [(e.action, e.actor, e.claimed) for e in log]
    assert actions.count(("login_failure", "boss", "planner")) == LOCK_AFTER
    assert ("lockout", "boss", "planner") in actions
    assert all(e.detail.get("by") is None for e in log)
    assert actions[-1] == ("login", "boss", "")
