"""A team on one shared vault, and what attackers of issue 16 write into it (tests/security/test_writers_*).

The team: `boss` (supervisor, the vault's admin), `nurse`, `planner` (members), and `officer`, removed
(so the keyring has epochs 1 and 2 and the officer keeps the key of epoch 1). Each PC is a state
folder of its own beside the share (`on_pc`). An attacker writes files with the library's own
writer (`forge`), signed or not, with whatever header and ops they choose.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from chandong_tui.vault.accounts import add_user, create_vault, remove_user, unlock
from chandong_tui.vault.chunks import ChunkHeader, Signer, chunk_name, write_chunk
from chandong_tui.vault.crypto import random_key
from chandong_tui.vault.folder import read_marker
from chandong_tui.vault.hlc import Stamp
from chandong_tui.vault.keyring import Identity, load_keyring, unlock_identity, unwrap_grant, user_hash
from chandong_tui.vault.ops import Op, encode_ops
from chandong_tui.vault.session import VaultSession
from chandong_tui.vault.writers import DeviceKey, certify, device_key
from tests.conftest import PASSPHRASE

DONG = "1159053000"
PASSPHRASES = {"boss": PASSPHRASE, "nurse": "nurse passphrase 1", "planner": "planner passphrase 1"}
OFFICER_PASSPHRASE = "officer passphrase 1"


def team_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The team's vault in `tmp_path/share/vault`, made on PC "boss"; the officer already removed."""
    root = tmp_path / "share" / "vault"
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "pc-boss"))
    with create_vault(root, DONG, "boss", PASSPHRASE) as boss:
        add_user(boss, "nurse", "visiting_nurse", PASSPHRASES["nurse"])
        add_user(boss, "planner", "welfare_planner", PASSPHRASES["planner"])
        add_user(boss, "officer", "neighbourhood_officer", OFFICER_PASSPHRASE)
        boss.write("crisis_flag", "f-1", {"household_id": "h-1", "level": "urgent", "status": "open"})
        boss.write("household", "h-1", {"address": "상도로 1", "tong": 7})
        remove_user(boss, "officer")
    return root


@contextmanager
def on_pc(
    name: str, root: Path, monkeypatch: pytest.MonkeyPatch, user: str = "boss"
) -> Iterator[VaultSession]:
    """`user` unlocks the vault on PC `name` (its own state folder beside the share)."""
    monkeypatch.setenv("CHANDONG_HOME", str(root.parent.parent / f"pc-{name}"))
    with unlock(root, user, PASSPHRASES[user]) as session:
        yield session


def officer_keys(root: Path) -> tuple[Identity, dict[int, bytes]]:
    """What the removed officer still holds: their identity and the vault key of epoch 1."""
    info = read_marker(root)
    identity = unlock_identity(root, info.vault_id, "officer", OFFICER_PASSPHRASE)
    keyring = load_keyring(root, info.vault_id, info.root_sign_pub)
    grants = keyring.for_user(user_hash(info.vault_id, "officer"))
    return identity, {g.epoch: unwrap_grant(g, identity, info.vault_id) for g in grants}


def member_keys(root: Path, user: str) -> tuple[Identity, dict[int, bytes]]:
    """A current member's identity and every epoch's key they hold (a malicious member)."""
    info = read_marker(root)
    identity = unlock_identity(root, info.vault_id, user, PASSPHRASES[user])
    keyring = load_keyring(root, info.vault_id, info.root_sign_pub)
    grants = [g for g in keyring.for_user(user_hash(info.vault_id, user)) if g.box_pub == identity.box_public]
    return identity, {g.epoch: unwrap_grant(g, identity, info.vault_id) for g in grants}


def attacker_device_key(root: Path, identity: Identity, device: str, scratch: Path) -> DeviceKey:
    """A device key the attacker certifies with `identity` for `device` (kept in `scratch`)."""
    return device_key(scratch, read_marker(root).vault_id, device, identity)


class OutsiderKey:
    """A device key certified by a signing key nobody granted (an outsider's)."""

    def __init__(self, root: Path, device: str, user: str) -> None:
        fake = Identity.generate(user)
        self._key = device_key(root.parent / f"outsider-{device}", read_marker(root).vault_id, device, fake)
        self.cert = certify(fake, read_marker(root).vault_id, device, self._key.public)

    def sign_bytes(self, data: bytes) -> bytes:
        return self._key.sign_bytes(data)


def op(device: str, n: int, actor: str, table: str, row: str, fields: dict[str, Any], ms: int = 0) -> Op:
    """An op as a writer would make it (`ms`: its clock, far ahead by default so that it wins)."""
    return Op(
        id=f"{device}.{n}",
        hlc=Stamp(ms or 4_000_000_000_000, 0, device),
        actor=actor,
        table=table,
        row=row,
        set=fields,
    )


def forge(
    root: Path,
    device: str,
    seq: int,
    ops: list[Op],
    key: bytes,
    epoch: int,
    signer: Signer | None = None,
    prev: str = "",
) -> Path:
    """Write a chunk into `devices/<device>/` as an attacker would (unsigned without `signer`)."""
    folder = root / "devices" / device
    folder.mkdir(parents=True, exist_ok=True)
    numbers = [int(o.id.rsplit(".", 1)[1]) for o in ops]
    header = ChunkHeader(
        read_marker(root).vault_id, device, seq, "ops", epoch, min(numbers), max(numbers), prev=prev
    )
    return write_chunk(folder, header, encode_ops(ops), key, name=chunk_name(seq), signer=signer)


def new_device() -> str:
    return secrets.token_hex(8)


def fresh_key() -> bytes:
    return random_key()
