"""User lifecycle: `chandong user add|remove|list|passwd|reset`, one-time passphrases changed at first
unlock, the passphrase policy, removal by a new key epoch (checked with real crypto), and vaults made
before all this still opening."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chandong_tui.vault.accounts import add_user, remove_user, unlock
from chandong_tui.vault.chunks import CHUNK_NAME, open_chunk
from chandong_tui.vault.errors import AuthError, BadInput, IntegrityError
from chandong_tui.vault.folder import read_marker
from chandong_tui.vault.keyring import (
    PassphraseChangeRequired,
    load_keyring,
    passphrase_problem,
    unlock_identity,
    unwrap_grant,
    user_hash,
)
from tests.conftest import PASSPHRASE, REPO, main_in_process

ADMIN = "boss"
NURSE_PASS = "nurse passphrase 1"
PLANNER_PASS = "planner passphrase 1"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    from chandong_tui.casework.setup import init_vault

    root = tmp_path / "v"
    with init_vault(root, "1159053000", ADMIN, "관리자", PASSPHRASE) as admin:
        add_user(admin, "planner", "welfare_planner", PLANNER_PASS)
        add_user(admin, "nurse", "visiting_nurse", NURSE_PASS)
        admin.write("household", "before", {"tong": 1})
    return root


def _as(monkeypatch: pytest.MonkeyPatch, user: str, passphrase: str) -> None:
    monkeypatch.setenv("CHANDONG_USER", user)
    monkeypatch.setenv("CHANDONG_PASSPHRASE", passphrase)


def test_policy() -> None:
    assert passphrase_problem("short1", "kim") is not None
    assert passphrase_problem("aaaaaaaaaaaa", "kim") is not None  # one kind of character
    assert passphrase_problem("kim-is-here-2026", "kim") is not None  # contains the login
    assert passphrase_problem("same passphrase 1", "kim", current="same passphrase 1") is not None
    assert passphrase_problem("우리동네 순찰 2026", "kim") is None
    assert passphrase_problem("correct horse battery", "kim") is None


def test_add_gives_a_one_time_passphrase_to_change_at_first_unlock(
    vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, ADMIN, PASSPHRASE)
    code = main_in_process(
        "user",
        "add",
        str(vault),
        "officer",
        "--name",
        "박주무관",
        "--role",
        "neighbourhood_officer",
        "--zone",
        "3,4",
    )
    assert code == 0
    one_time = capsys.readouterr().out.strip()
    assert len(one_time) >= 10
    with pytest.raises(PassphraseChangeRequired):
        unlock(vault, "officer", one_time)
    _as(monkeypatch, "officer", one_time)
    assert main_in_process("verify", str(vault)) == 3  # nothing else until it is changed
    monkeypatch.setenv("CHANDONG_NEW_PASSPHRASE", one_time)
    assert main_in_process("user", "passwd", str(vault)) == 2  # no reuse of the last one
    monkeypatch.setenv("CHANDONG_NEW_PASSPHRASE", "short")
    assert main_in_process("user", "passwd", str(vault)) == 2
    monkeypatch.setenv("CHANDONG_NEW_PASSPHRASE", "순찰 돌기 좋은 날 7")
    assert main_in_process("user", "passwd", str(vault)) == 0
    with pytest.raises(AuthError):
        unlock(vault, "officer", one_time)
    with unlock(vault, "officer", "순찰 돌기 좋은 날 7") as session:
        assert session.role == "neighbourhood_officer"
        assert session.table("household").get_row("before") == {"tong": 1} | {
            k: v for k, v in session.table("household").get_row("before").items() if k.startswith("_")
        }
        from chandong_tui.casework.repository import CaseRepository
        from chandong_tui.model.records import Worker

        worker = CaseRepository(session).get(Worker, "officer")
        assert worker is not None and worker.zone_tongs == [3, 4]


def test_only_a_supervisor_adds_removes_and_resets(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _as(monkeypatch, "planner", PLANNER_PASS)
    assert main_in_process("user", "add", str(vault), "x", "--name", "x", "--role", "supervisor") == 3
    assert main_in_process("user", "remove", str(vault), "nurse") == 3
    assert main_in_process("user", "reset", str(vault), "nurse") == 3
    unlock(vault, "nurse", NURSE_PASS).close()  # untouched


def test_passwd_changes_an_ordinary_passphrase(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _as(monkeypatch, "nurse", NURSE_PASS)
    monkeypatch.setenv("CHANDONG_NEW_PASSPHRASE", "새 간호 문구 2 for me")
    assert main_in_process("user", "passwd", str(vault)) == 0
    with pytest.raises(AuthError):
        unlock(vault, "nurse", NURSE_PASS)
    unlock(vault, "nurse", "새 간호 문구 2 for me").close()


def _chunks(root: Path) -> list[Path]:
    return sorted(p for p in (root / "devices").rglob("*") if CHUNK_NAME.match(p.name))


def test_a_removed_user_cannot_read_what_is_written_after(vault: Path) -> None:
    before = set(_chunks(vault))
    with unlock(vault, ADMIN, PASSPHRASE) as admin:
        epoch = remove_user(admin, "planner")
        admin.write("household", "after", {"tong": 2})
        assert admin.epoch == epoch == 2
    after = [p for p in _chunks(vault) if p not in before]
    assert after

    info = read_marker(vault)
    keyring = load_keyring(vault, info.vault_id, info.root_sign_pub)
    # the removed user's own identity still opens with their passphrase (it is their file) …
    identity = unlock_identity(vault, info.vault_id, "planner", PLANNER_PASS)
    gone = user_hash(info.vault_id, "planner")
    their_keys = {g.epoch: unwrap_grant(g, identity, info.vault_id) for g in keyring.for_user(gone)}
    assert set(their_keys) == {1}
    # … but no grant of the new epoch opens with it, and the new chunks do not open with their keys
    for grant in (g for g in keyring.grants if g.epoch == epoch):
        with pytest.raises((AuthError, IntegrityError)):
            unwrap_grant(grant, identity, info.vault_id)
    for path in after:
        with pytest.raises(IntegrityError, match="no key for epoch 2"):
            open_chunk(path, info.vault_id, path.parent.name, their_keys.get)
    for path in before:  # what they had before, they still have (the README says so)
        open_chunk(path, info.vault_id, path.parent.name, their_keys.get)
    with pytest.raises(AuthError):
        unlock(vault, "planner", PLANNER_PASS)

    # remaining and new users read all of it
    with unlock(vault, "nurse", NURSE_PASS) as nurse:
        assert nurse.epoch == epoch
        assert nurse.table("household").get_row("before")["tong"] == 1
        assert nurse.table("household").get_row("after")["tong"] == 2
    with unlock(vault, ADMIN, PASSPHRASE) as admin:
        add_user(admin, "newcomer", "counsellor", "newcomer passphrase 1")
    with unlock(vault, "newcomer", "newcomer passphrase 1") as newcomer:
        assert set(newcomer.keys) == {1, 2}
        assert newcomer.table("household").get_row("before")["tong"] == 1
        assert newcomer.table("household").get_row("after")["tong"] == 2


def test_logins_name_every_status(vault: Path) -> None:
    from chandong_tui.vault.accounts import logins
    from chandong_tui.vault.keyring import LOCK_AFTER

    with unlock(vault, ADMIN, PASSPHRASE) as admin:
        add_user(admin, "officer", "neighbourhood_officer", "officer passphrase 1", one_time=True)
        remove_user(admin, "nurse")
    for _ in range(LOCK_AFTER):
        with pytest.raises(AuthError):
            unlock(vault, "planner", "not the passphrase 1")
    info = read_marker(vault)
    status = {login.uhash: (login.role, login.status) for login in logins(info)}
    assert status == {
        user_hash(info.vault_id, ADMIN): ("supervisor", "active"),
        user_hash(info.vault_id, "planner"): ("welfare_planner", "locked"),
        user_hash(info.vault_id, "nurse"): ("visiting_nurse", "removed"),
        user_hash(info.vault_id, "officer"): ("neighbourhood_officer", "must change passphrase"),
    }


def test_remove_by_cli_and_list(
    vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, ADMIN, PASSPHRASE)
    assert main_in_process("user", "remove", str(vault), "planner") == 0
    assert "revoke their access to the shared folder" in capsys.readouterr().err
    assert main_in_process("user", "remove", str(vault), ADMIN) == 2  # not oneself
    assert main_in_process("user", "list", str(vault), "--format", "csv") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "\ufeffuser,name,role,status"  # the BOM, like every CSV
    rows = {line.split(",")[0]: line for line in lines[1:]}
    assert rows[ADMIN].endswith("supervisor,active")
    assert rows["#" + user_hash(read_marker(vault).vault_id, "planner")[:12]].endswith("removed")
    assert rows["#" + user_hash(read_marker(vault).vault_id, "nurse")[:12]].endswith("visiting_nurse,active")


def test_reset_gives_a_new_identity_and_lifts_the_lockout(
    vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from chandong_tui.vault.keyring import LOCK_AFTER

    for _ in range(LOCK_AFTER):
        with pytest.raises(AuthError):
            unlock(vault, "nurse", "forgotten phrase 9")
    _as(monkeypatch, ADMIN, PASSPHRASE)
    assert main_in_process("user", "reset", str(vault), "nurse") == 0
    one_time = capsys.readouterr().out.strip()
    with pytest.raises(AuthError):
        unlock(vault, "nurse", NURSE_PASS)
    with unlock(vault, "nurse", one_time, new_passphrase="remembered phrase 9") as nurse:
        assert nurse.table("household").get_row("before")["tong"] == 1
    unlock(vault, "nurse", "remembered phrase 9").close()


def test_user_changes_are_in_the_access_log(vault: Path) -> None:
    from chandong_tui.casework.audit import events
    from chandong_tui.casework.repository import CaseRepository

    with unlock(vault, ADMIN, PASSPHRASE) as admin:
        remove_user(admin, "planner")
        log = events(CaseRepository(admin))
    actions = [(e.action, e.target) for e in log]
    assert ("user_add", "planner") in actions and ("user_add", "nurse") in actions
    assert ("user_remove", "planner") in actions


def test_adding_an_existing_user_is_refused(vault: Path) -> None:
    with unlock(vault, ADMIN, PASSPHRASE) as admin, pytest.raises(BadInput):
        add_user(admin, "nurse", "visiting_nurse", "another phrase 1")


OLD_COMMIT = "3fec7c4"
"""A commit from before roles, lockout and the access log: its vaults must still open."""

_MAKE_OLD_VAULT = """
import sys
from pathlib import Path
from chandong_tui.vault.accounts import add_user, create_vault
root = Path(sys.argv[1])
with create_vault(root, "1159053000", "boss", sys.argv[2]) as admin:
    admin.write("household", "old-1", {"tong": 7})
    add_user(admin, "planner", "welfare_planner", sys.argv[3])
"""


def test_a_vault_made_before_still_opens(tmp_path: Path) -> None:
    old_code = tmp_path / "old"
    old_code.mkdir()
    try:
        archive = subprocess.run(
            ["git", "archive", OLD_COMMIT, "chandong_tui"], cwd=REPO, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("the old commit is not available (not a git checkout)")
    subprocess.run(["tar", "-x", "-C", str(old_code)], input=archive, check=True)
    root = tmp_path / "vault"
    subprocess.run(
        [sys.executable, "-c", _MAKE_OLD_VAULT, str(root), PASSPHRASE, PLANNER_PASS],
        env={
            "PYTHONPATH": str(old_code),
            "CHANDONG_HOME": str(tmp_path / "old-home"),
            "PATH": "/usr/bin:/bin",
        },
        check=True,
        capture_output=True,
    )
    assert not (root / "lockout").exists()
    with unlock(root, "planner", PLANNER_PASS) as planner:
        assert planner.table("household").get_row("old-1")["tong"] == 7
    with unlock(root, "boss", PASSPHRASE) as admin:
        from chandong_tui.casework.audit import verify_log

        assert admin.table("household").get_row("old-1")["tong"] == 7
        assert verify_log(admin).ok
        remove_user(admin, "planner")  # and the new features work on it


def test_a_session_open_during_a_removal_publishes_in_the_new_epoch(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = set(_chunks(vault))
    nurse = unlock(vault, "nurse", NURSE_PASS)  # another PC, open all along
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "admin-pc"))
    with unlock(vault, ADMIN, PASSPHRASE) as admin:
        remove_user(admin, "planner")
    nurse.write("household", "while-open", {"tong": 5})
    nurse.close()
    assert nurse.epoch == 2
    info = read_marker(vault)
    identity = unlock_identity(vault, info.vault_id, "planner", PLANNER_PASS)
    keyring = load_keyring(vault, info.vault_id, info.root_sign_pub)
    their_keys = {
        g.epoch: unwrap_grant(g, identity, info.vault_id)
        for g in keyring.for_user(user_hash(info.vault_id, "planner"))
    }
    for path in (p for p in _chunks(vault) if p not in before):
        with pytest.raises(IntegrityError):
            open_chunk(path, info.vault_id, path.parent.name, their_keys.get)


def test_a_removed_users_open_session_stops_publishing(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planner = unlock(vault, "planner", PLANNER_PASS)
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "admin-pc"))
    with unlock(vault, ADMIN, PASSPHRASE) as admin:
        remove_user(admin, "planner")
    planner.write("household", "late", {"tong": 9})
    with pytest.raises(AuthError):
        planner.publish()
    planner.close()
    assert any("removed" in str(p) for p in planner.problems)
    with unlock(vault, ADMIN, PASSPHRASE) as admin:
        assert admin.table("household").get_row("late") is None


def test_role_change(
    vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from chandong_tui.casework.audit import events
    from chandong_tui.casework.repository import CaseRepository

    _as(monkeypatch, ADMIN, PASSPHRASE)
    assert main_in_process("user", "role", str(vault), "planner", "case_manager") == 0
    assert main_in_process("user", "role", str(vault), ADMIN, "counsellor") == 2  # no demoting a supervisor
    with unlock(vault, "planner", PLANNER_PASS) as planner:
        assert planner.role == "case_manager"
    with unlock(vault, ADMIN, PASSPHRASE) as admin:
        remove_user(admin, "nurse")  # a new epoch keeps the new role
        (change,) = events(CaseRepository(admin), action="role_change")
    assert change.detail == {"from": "welfare_planner", "to": "case_manager"}
    with unlock(vault, "planner", PLANNER_PASS) as planner:
        assert planner.role == "case_manager" and planner.epoch == 2
    _as(monkeypatch, "planner", PLANNER_PASS)
    assert main_in_process("user", "role", str(vault), "planner", "supervisor") == 3  # not an admin


@settings(max_examples=200, deadline=None)
@given(passphrase=st.text(max_size=40), login=st.text(max_size=12), current=st.none() | st.text(max_size=20))
def test_policy_on_any_text(passphrase: str, login: str, current: str | None) -> None:
    """Never raises; whatever it accepts is long enough, mixed, not the login, not the last one."""
    problem = passphrase_problem(passphrase, login, current)
    if problem is None:
        assert len(passphrase) >= 10 and passphrase != current
        assert not login or login.casefold() not in passphrase.casefold()


def test_one_time_passphrases_follow_the_policy() -> None:
    from chandong_tui.vault.keyring import one_time_passphrase

    secrets = {one_time_passphrase() for _ in range(200)}
    assert len(secrets) == 200
    assert all(passphrase_problem(s, "planner") is None for s in secrets)


@settings(max_examples=50, deadline=None)
@given(zone=st.text(max_size=20))
def test_zone_argument_is_parsed_or_refused(zone: str) -> None:
    from chandong_tui.cli import CliError
    from chandong_tui.cli_users import _zone

    try:
        tongs = _zone(zone)
    except CliError as exc:
        assert exc.code == 2
    else:
        assert tongs == sorted(set(tongs)) and all(1 <= t <= 999 for t in tongs)
