"""Issue 16, attack 3 and "a self-certifying vault": the vault's id and fingerprint come from its root
key and the history's first entry; a PC that opens it for the first time asks to confirm the
fingerprint; a replaced `VAULT.json` or history is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chandong_tui.vault.accounts import unlock
from chandong_tui.vault.crypto import random_key
from chandong_tui.vault.folder import read_marker, write_marker
from chandong_tui.vault.keyring import Identity, user_hash
from chandong_tui.vault.members import (
    FirstOpen,
    MembershipRefused,
    derive_vault_id,
    member_doc,
    write_genesis,
)
from tests.conftest import PASSPHRASE, main_in_process
from tests.security.members_support import ADMIN, DONG, history, passphrase_of, team_vault
from tests.trust_support import first_open_asks


def test_the_vault_id_derives_from_the_root_key(tmp_path: Path) -> None:
    """No attacker: what makes the vault self-certifying."""
    root = team_vault(tmp_path / "vault")
    state = history(root)
    genesis = next((root / "members").glob("000001-*.json")).read_bytes()
    assert read_marker(root).vault_id == state.vault_id
    assert state.vault_id != derive_vault_id("0" * 32, Identity.generate("x").sign_public)
    assert read_marker(root).fingerprint == state.fingerprint and len(state.fingerprint) == 24
    assert b'"legacy":false' in genesis.replace(b" ", b"")


def _outsiders_history(root: Path) -> str:
    """The outsider's replacement: a genesis of their own naming the vault's id (as an upgraded vault
    would), every member with their real public keys, and one epoch key of their choosing."""
    real = history(root)
    outsider = Identity.generate("outsider")
    shutil.rmtree(root / "members")
    theirs = {1: random_key()}
    fake = write_genesis(
        root,
        outsider,
        DONG,
        lambda vault_id: [
            member_doc(
                user_hash(vault_id, "outsider"),
                "supervisor",
                outsider.box_public,
                outsider.sign_public,
                theirs,
                vault_id,
            ),
            *(
                member_doc(u, m.role, m.box_pub, m.sign_pub, theirs, vault_id)
                for u, m in real.members.items()
            ),
        ],
        legacy_vault_id=real.vault_id,
    )
    write_marker(root, real.vault_id, DONG, fake.fingerprint)
    return fake.fingerprint


def test_an_outsiders_root_key_is_refused_on_every_pc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attacker: an outsider with write access to the share, who replaces `VAULT.json` and the
    membership history with their own root key and sealed epoch key. The PCs that opened the vault
    refuse it; a new PC shows another fingerprint than the one `init` printed, and refuses the
    replacement when given the real one."""
    root = team_vault(tmp_path / "vault")
    real = history(root).fingerprint
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "planner-pc"))
    with unlock(root, "planner", passphrase_of("planner")):
        pass
    fake = _outsiders_history(root)
    assert fake != real
    with pytest.raises(MembershipRefused) as refused:
        unlock(root, "planner", passphrase_of("planner"))
    assert refused.value.key == "members_replaced"
    first_open_asks(monkeypatch)
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "new-pc"))
    with pytest.raises(FirstOpen) as asked:
        unlock(root, "planner", passphrase_of("planner"))
    assert asked.value.fingerprint == fake
    with pytest.raises(FirstOpen):
        unlock(root, "planner", passphrase_of("planner"), fingerprint=real)
    assert not (tmp_path / "new-pc" / "vaults").exists() or not any(
        (tmp_path / "new-pc").rglob("members-pin.json")
    )


def test_a_replaced_marker_is_refused_even_on_a_new_pc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attacker: an outsider with write access to the share, who rewrites `VAULT.json` alone (another
    vault id, or the first format's root key). Every PC refuses the folder."""
    root = team_vault(tmp_path / "vault")
    state = history(root)
    write_marker(root, "0" * 32, DONG, state.fingerprint)
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "new-pc"))
    with pytest.raises(MembershipRefused) as refused:
        unlock(root, ADMIN, PASSPHRASE, fingerprint=state.fingerprint)
    assert refused.value.key == "members_replaced"


def test_a_first_open_without_a_fingerprint_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No attacker: what a new PC does. Without a terminal and without `--fingerprint`, one line
    naming the option (exit 3); a wrong fingerprint opens nothing; the right one opens and pins."""
    root = team_vault(tmp_path / "vault")
    real = history(root).fingerprint
    first_open_asks(monkeypatch)
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "new-pc"))
    monkeypatch.setenv("CHANDONG_USER", "planner")
    monkeypatch.setenv("CHANDONG_PASSPHRASE", passphrase_of("planner"))
    assert main_in_process("verify", str(root)) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"--fingerprint {real}" in err[0]
    assert main_in_process("verify", str(root), "--fingerprint", "0000-0000-0000-0000-0000") == 3
    assert "nothing opened" in capsys.readouterr().err
    assert main_in_process("verify", str(root), "--fingerprint", real) == 0
    assert main_in_process("verify", str(root)) == 0  # pinned now
    assert main_in_process("fingerprint", str(root)) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == real


def test_a_second_first_entry_beside_the_real_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Attacker: an outsider with write access to the share, who puts a first entry of their own (their
    root key, the vault's id) beside the real one. A PC that pinned the vault takes the real one and
    `verify` names the other; a new PC cannot tell them apart and refuses loudly."""
    root = team_vault(tmp_path / "vault")
    real = history(root)
    aside = tmp_path / "real-members"
    shutil.copytree(root / "members", aside)
    _outsiders_history(root)
    fake = next((root / "members").glob("000001-*.json"))
    theirs = fake.read_bytes()
    shutil.rmtree(root / "members")
    shutil.copytree(aside, root / "members")
    fake.write_bytes(theirs)
    write_marker(root, real.vault_id, DONG, real.fingerprint)
    with unlock(root, ADMIN, PASSPHRASE) as admin:
        from chandong_tui.vault.verify import verify_vault

        problems = {p.path: p.reason for p in verify_vault(admin).problems}
    assert problems[f"members/{fake.name}"] == "another first entry (not this vault's)"
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "new-pc"))
    with pytest.raises(MembershipRefused) as refused:
        unlock(root, ADMIN, PASSPHRASE)
    assert refused.value.key == "members_forked"


def test_init_prints_the_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No attacker: the supervisor gets the fingerprint that other PCs will show."""
    monkeypatch.setenv("CHANDONG_PASSPHRASE", PASSPHRASE)
    root = tmp_path / "new"
    assert main_in_process("init", str(root), "--dong", DONG, "--name", "김감독", "--user", ADMIN) == 0
    assert f"fingerprint {history(root).fingerprint}" in capsys.readouterr().err
