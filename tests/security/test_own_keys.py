"""Issue 16, attack 6: users own their keys. An admin's one-time passphrase only authorises the
user's enrolment; a passphrase change or a reset makes new key pairs; no admin holds a user's
private keys, so none can sign as the user."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chandong_tui.casework.audit import verify_log
from chandong_tui.vault import audit as chain
from chandong_tui.vault.accounts import add_user, reset_user, unlock
from chandong_tui.vault.errors import AuthError
from chandong_tui.vault.folder import read_marker
from chandong_tui.vault.keyring import Identity, unlock_identity, user_hash, write_user_file
from chandong_tui.vault.local_state import take_slot
from chandong_tui.vault.members import MembershipRefused, key_change
from chandong_tui.vault.session import VaultSession
from tests.conftest import PASSPHRASE
from tests.security.members_support import ADMIN, DONG, history

ONE_TIME = "abcd-2345-efgh-6789"
OWN = "her own phrase 7"


def _vault_with_invited_nurse(root: Path) -> Path:
    from chandong_tui.vault.accounts import create_vault

    with create_vault(root, DONG, ADMIN, PASSPHRASE) as admin:
        add_user(admin, "nurse", "visiting_nurse", ONE_TIME, one_time=True)
    return root


def test_an_admin_cannot_sign_as_a_user_they_invited(tmp_path: Path) -> None:
    """Attacker: an admin, who kept the one-time passphrase (and so the invitation key pairs) and,
    after the nurse chose her own passphrase, signs an unmasked export "by the nurse" with them, and
    writes a key change of their own in her name. The nurse's keys are hers alone: the export does not
    verify as hers, and a PC that saw her key change refuses the admin's loudly."""
    root = _vault_with_invited_nurse(tmp_path / "vault")
    vault_id = read_marker(root).vault_id
    invitation = unlock_identity(root, vault_id, "nurse", ONE_TIME)
    with unlock(root, "nurse", ONE_TIME, new_passphrase=OWN) as nurse:
        own = nurse.identity
    assert own.sign_public != invitation.sign_public and own.box_public != invitation.box_public
    state = history(root)
    member = state.members[user_hash(vault_id, "nurse")]
    assert member.sign_pub == own.sign_public and invitation.sign_public not in member.sign_keys
    assert sorted(p.name for p in (root / "users").glob(f"{member.uhash}-*")) == [
        f"{member.uhash}-000002.json"
    ]
    with pytest.raises(AuthError):
        unlock(root, "nurse", ONE_TIME)  # the one-time passphrase opens nothing now
    with unlock(root, ADMIN, PASSPHRASE) as admin:
        keys = dict(admin.keys)
    posing = VaultSession(read_marker(root), invitation, "visiting_nurse", keys, take_slot(vault_id))
    posing.audit(chain.EXPORT, target="households.csv", detail={"unmasked": True})
    posing.close()
    with unlock(root, ADMIN, PASSPHRASE) as admin:
        report = verify_log(admin)
    assert any("signature of 'nurse' does not verify" in line for line in report.problems), report.problems
    # the admin enrols in her place: a newer identity file whose key change the invitation signs
    mine = Identity.generate("nurse")
    change = key_change(
        vault_id, member.uhash, member.key_event, state.seq, invitation, mine.box_public, mine.sign_public
    )
    mine.certs = [change]
    write_user_file(root, vault_id, mine, ONE_TIME, rev=3)
    with pytest.raises(MembershipRefused) as refused:
        unlock(root, ADMIN, PASSPHRASE)  # this PC saw her own key change: the admin's is refused
    assert refused.value.key == "members_keys_older"
    (root / "users" / f"{member.uhash}-000003.json").unlink()
    with unlock(root, "nurse", OWN) as nurse:
        assert nurse.identity.sign_public == own.sign_public


def test_an_old_passphrase_opens_nothing_after_a_change(tmp_path: Path) -> None:
    """Attacker: anyone holding an old passphrase and a backup of the user's old identity file
    (restored into the share). A passphrase change made new key pairs: the old ones open nothing."""
    root = _vault_with_invited_nurse(tmp_path / "vault")
    unlock(root, "nurse", ONE_TIME, new_passphrase=OWN).close()
    backup = tmp_path / "users-backup"
    shutil.copytree(root / "users", backup)
    newer = "another phrase of hers 8"
    with unlock(root, "nurse", OWN, new_passphrase=newer) as nurse:
        current = nurse.identity.box_public
    for path in backup.iterdir():
        target = root / "users" / path.name
        if not target.exists():
            shutil.copyfile(path, target)
    uhash = user_hash(read_marker(root).vault_id, "nurse")
    (root / "users" / f"{uhash}-000003.json").rename(tmp_path / "set-aside.json")  # the old one is newest
    with pytest.raises(AuthError):
        unlock(root, "nurse", OWN)
    (tmp_path / "set-aside.json").rename(root / "users" / f"{uhash}-000003.json")
    with unlock(root, "nurse", newer) as nurse:
        assert nurse.identity.box_public == current


def test_a_reset_is_a_new_enrolment(tmp_path: Path) -> None:
    """Attacker: an admin resetting a login. The old identity opens nothing; the user's next unlock
    makes key pairs the admin never sees."""
    root = _vault_with_invited_nurse(tmp_path / "vault")
    unlock(root, "nurse", ONE_TIME, new_passphrase=OWN).close()
    again = "wxyz-2345-abcd-6789"
    with unlock(root, ADMIN, PASSPHRASE) as admin:
        reset_user(admin, "nurse", again)
    invitation = unlock_identity(root, read_marker(root).vault_id, "nurse", again)
    with pytest.raises(AuthError):
        unlock(root, "nurse", OWN)
    with unlock(root, "nurse", again, new_passphrase="after the reset 9") as nurse:
        assert nurse.identity.sign_public != invitation.sign_public
        assert nurse.role == "visiting_nurse"
