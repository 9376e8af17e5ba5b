"""Issue 16, attacks 1, 4 and 5: authority comes only from the signed membership history, pinned by
each PC. Each test names its attacker."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chandong_tui.vault.accounts import change_role, remove_user, unlock
from chandong_tui.vault.chunks import read_header
from chandong_tui.vault.crypto import random_key
from chandong_tui.vault.errors import AuthError
from chandong_tui.vault.keyring import user_hash
from chandong_tui.vault.members import MembershipRefused, member_doc, seal_keys
from chandong_tui.vault.verify import verify_vault
from tests.conftest import PASSPHRASE
from tests.security.members_support import (
    ADMIN,
    forge,
    history,
    identity_of,
    passphrase_of,
    team_vault,
)


def _newest_chunk_epoch(root: Path, device: str) -> int:
    chunks = sorted((root / "devices" / device).glob("*.chunk"))
    return read_header(chunks[-1].read_bytes())[0].epoch


def _problem_names(root: Path) -> dict[str, str]:
    with unlock(root, ADMIN, PASSPHRASE) as admin:
        return {p.path: p.reason for p in verify_vault(admin).problems}


def test_a_removed_supervisor_cannot_start_an_epoch_nor_come_back(tmp_path: Path) -> None:
    """Attacker: a removed member — a supervisor removed by the vault's creator, who keeps their key
    pairs and write access to the share. They start a new epoch with a key of their choosing, sealed
    to everyone, and add themselves back as admin: both entries are refused, the planner goes on
    publishing in the real epoch, the removed supervisor cannot unlock, and `verify` names both."""
    root = team_vault(tmp_path / "vault")
    sup2 = identity_of(root, "sup2")
    with unlock(root, ADMIN, PASSPHRASE) as admin:
        remove_user(admin, "sup2")
    real = history(root)
    theirs = random_key()
    epoch = real.epoch + 1
    keys = {
        uhash: seal_keys({epoch: theirs}, m.box_pub, real.vault_id, uhash)[str(epoch)]
        for uhash, m in real.members.items()
        if m.active and m.uhash != user_hash(real.vault_id, "officer")
    }
    officer = user_hash(real.vault_id, "officer")
    new_epoch = forge(root, real, sup2, "remove", {"user": officer, "epoch": epoch, "keys": keys})
    back = forge(
        root,
        real,
        sup2,
        "add",
        member_doc(
            user_hash(real.vault_id, "sup2"),
            "supervisor",
            sup2.box_public,
            sup2.sign_public,
            {},
            real.vault_id,
        ),
    )
    with unlock(root, "planner", passphrase_of("planner")) as planner:
        assert planner.epoch == real.epoch
        planner.write("household", "h-after", {"tong": 3})
        planner.publish()
        device = planner.device
    assert _newest_chunk_epoch(root, device) == real.epoch
    with pytest.raises(AuthError):
        unlock(root, "sup2", passphrase_of("sup2"))
    problems = _problem_names(root)
    for forged in (new_epoch, back):
        assert "not an admin" in problems[f"members/{forged.name}"]


def test_the_creators_key_is_distrusted_once_the_creator_is_removed(tmp_path: Path) -> None:
    """Attacker: a removed member — the vault's creator (whose key was the root key), removed by the
    other supervisor. Their signature no longer makes anyone an admin."""
    root = team_vault(tmp_path / "vault")
    boss = identity_of(root, ADMIN)
    with unlock(root, "sup2", passphrase_of("sup2")) as sup2:
        remove_user(sup2, ADMIN)
    state = history(root)
    forged = forge(
        root, state, boss, "role", {"user": user_hash(state.vault_id, "nurse"), "role": "supervisor"}
    )
    with unlock(root, "nurse", passphrase_of("nurse")) as nurse:
        assert nurse.role == "visiting_nurse"
    with unlock(root, "sup2", passphrase_of("sup2")) as sup2:
        problems = {p.path: p.reason for p in verify_vault(sup2).problems}
    assert "not an admin" in problems[f"members/{forged.name}"]
    with pytest.raises(AuthError):
        unlock(root, ADMIN, PASSPHRASE)


def test_a_demoted_supervisor_signs_nothing_more(tmp_path: Path) -> None:
    """Attacker: a malicious member — a supervisor demoted to planner, who signs a role entry making
    themselves supervisor again."""
    root = team_vault(tmp_path / "vault")
    with unlock(root, ADMIN, PASSPHRASE) as admin:
        change_role(admin, "sup2", "welfare_planner")
    state = history(root)
    sup2 = identity_of(root, "sup2")
    forge(root, state, sup2, "role", {"user": user_hash(state.vault_id, "sup2"), "role": "supervisor"})
    with unlock(root, "sup2", passphrase_of("sup2")) as session:
        assert session.role == "welfare_planner" and not session.is_admin


def test_restoring_the_membership_from_before_a_removal_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attacker: a removed member (the officer) with write access to the share, who restores the
    `members/` and `users/` files from before their removal. Every PC that saw the removal refuses
    the folder loudly; a session open meanwhile publishes nothing (its saves stay in its outbox)."""
    root = team_vault(tmp_path / "vault")
    shutil.copytree(root / "members", tmp_path / "old-members")
    shutil.copytree(root / "users", tmp_path / "old-users")
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "planner-pc"))
    open_session = unlock(root, "planner", passphrase_of("planner"))
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "admin-pc"))
    with unlock(root, ADMIN, PASSPHRASE) as admin:
        remove_user(admin, "officer")
    with unlock(root, "nurse", passphrase_of("nurse")):
        pass  # the nurse's PC (here: the admin's) has seen the removal
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "planner-pc"))
    open_session.refresh_keys()  # the planner's PC takes up the new epoch
    for folder in ("members", "users"):
        shutil.rmtree(root / folder)
        shutil.copytree(tmp_path / f"old-{folder}", root / folder)
    open_session.write("household", "h-during", {"tong": 1})
    with pytest.raises(MembershipRefused):
        open_session.publish()
    assert "h-during" in {op.row for op in open_session.unpublished_ops}
    open_session.close(publish=False)
    for pc, user in (("planner-pc", "planner"), ("admin-pc", "nurse")):
        monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / pc))
        with pytest.raises(MembershipRefused) as refused:
            unlock(root, user, passphrase_of(user))
        assert refused.value.key == "members_older"
        assert "older membership than this PC has seen" in str(refused.value)


def test_a_copied_or_renamed_entry_gives_back_no_role(tmp_path: Path) -> None:
    """Attacker: a malicious member — a nurse demoted to planner, who copies the entry that added
    her as a nurse to the next entry's name, and writes a first-format grant file with her old role.
    Her role stays the planner's, and `verify` names both files."""
    root = team_vault(tmp_path / "vault")
    with unlock(root, ADMIN, PASSPHRASE) as admin:
        change_role(admin, "nurse", "welfare_planner")
    state = history(root)
    nurse_hash = user_hash(state.vault_id, "nurse")
    added = next(
        p
        for p in sorted((root / "members").iterdir())
        if nurse_hash in p.read_text() and '"add"' in p.read_text()
    )
    copy = root / "members" / f"{state.seq + 1:06d}-{added.name.split('-')[1]}"
    shutil.copyfile(added, copy)
    (root / "keyring").mkdir()
    grant = root / "keyring" / f"000001-{nurse_hash}-009.json"
    grant.write_text('{"role": "visiting_nurse"}')
    with unlock(root, "nurse", passphrase_of("nurse")) as nurse:
        assert nurse.role == "welfare_planner"
    problems = _problem_names(root)
    assert "members/" + copy.name in problems
    assert "not in the membership history" in problems[f"keyring/{grant.name}"]
