"""A team's vault and an attacker's tools for the security tests of the membership history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from chandong_tui.vault.accounts import add_user, create_vault, unlock
from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.crypto import b64e
from chandong_tui.vault.folder import read_marker
from chandong_tui.vault.keyring import Identity, unlock_identity
from chandong_tui.vault.members import (
    ENTRY_FORMAT,
    MEMBERS_DIR,
    Membership,
    canonical,
    entry_hash,
    load_history,
)
from tests.conftest import PASSPHRASE

DONG = "1159053000"
ADMIN = "boss"
TEAM = {
    "sup2": ("supervisor", "second super 22"),
    "planner": ("welfare_planner", "planner phrase 1"),
    "nurse": ("visiting_nurse", "nurse phrase 12"),
    "officer": ("neighbourhood_officer", "officer phrase 1"),
}


def team_vault(root: Path) -> Path:
    """A vault of `boss` (its creator and root key) and the four logins of `TEAM`, each enrolled
    (they unlocked once, making their own key pairs)."""
    with create_vault(root, DONG, ADMIN, PASSPHRASE) as admin:
        for user, (role, passphrase) in TEAM.items():
            add_user(admin, user, role, passphrase)
    for user, (_role, passphrase) in TEAM.items():
        unlock(root, user, passphrase).close()
    return root


def passphrase_of(user: str) -> str:
    return PASSPHRASE if user == ADMIN else TEAM[user][1]


def identity_of(root: Path, user: str) -> Identity:
    """A member's key pairs, as they keep them (their own user file and passphrase)."""
    return unlock_identity(root, read_marker(root).vault_id, user, passphrase_of(user))


def history(root: Path) -> Membership:
    state = load_history(root)
    assert state is not None
    return state


def forge(root: Path, state: Membership, signer: Identity, kind: str, body: dict[str, Any]) -> Path:
    """Write a membership entry after `state`'s head, signed by `signer`, as anyone with write access
    to the share can (no check of who may)."""
    doc: dict[str, Any] = {
        "format": ENTRY_FORMAT,
        "vault": state.vault_id,
        "seq": state.seq + 1,
        "prev": state.head,
        "kind": kind,
        "body": body,
        "pub": b64e(signer.sign_public),
    }
    doc["sig"] = b64e(signer.sign.sign(canonical(doc)))
    path = root / MEMBERS_DIR / f"{doc['seq']:06d}-{entry_hash(doc)[:16]}.json"
    write_atomic(path, orjson.dumps(doc), exclusive=True)
    return path
