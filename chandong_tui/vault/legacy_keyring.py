"""The first format's keyring, read once by the upgrade (`upgrade.py`) and never trusted after.

`keyring/<epoch>-<user hash>[-<n>].json`: the vault key of one epoch sealed to a user, with the role,
signed by the root key in `VAULT.json` or by any key ever granted the admin role. That rule is what
issue 16's attacks 1, 3, 4 and 5 break; it is kept here exactly as it was, only so that an admin can
carry today's members into the membership history.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from chandong_tui.vault.crypto import b64d, verify_signature
from chandong_tui.vault.keyring import KEYRING_DIR
from chandong_tui.vault.members import ADMIN_ROLE, Grant, canonical

_GRANT_NAME = re.compile(r"^(\d{6})-([0-9a-f]{32})(?:-(\d{3,}))?\.json$")
"""`<epoch>-<user hash>.json`, or `…-<n>.json` for the n-th grant of the same epoch (after a reset)."""


@dataclass
class LegacyKeyring:
    """Every grant of a first-format vault that verifies by the old rule."""

    grants: list[Grant]
    problems: list[tuple[str, str]]
    files: dict[str, str]
    """Every grant file read (name → sha256), recorded by the upgrade."""

    def for_user(self, uhash: str) -> list[Grant]:
        return [g for g in self.grants if g.user == uhash]

    @property
    def latest_epoch(self) -> int:
        return max((g.epoch for g in self.grants), default=1)

    def active(self, uhash: str) -> bool:
        latest = self.latest_epoch
        return any(g.epoch == latest for g in self.for_user(uhash))

    def sign_keys(self, uhash: str) -> set[bytes]:
        return {g.sign_pub for g in self.for_user(uhash)}

    def admin_keys(self) -> set[bytes]:
        return {g.sign_pub for g in self.grants if g.role == ADMIN_ROLE}

    def holds(self, uhash: str, box_pub: bytes) -> bool:
        return any(g.box_pub == box_pub for g in self.for_user(uhash))

    def current(self, uhash: str, box_pub: bytes | None = None) -> Grant | None:
        grants = [g for g in self.for_user(uhash) if box_pub is None or g.box_pub == box_pub]
        return max(grants, key=lambda g: g.order) if grants else None


def load_legacy_keyring(root: Path, vault_id: str, root_sign_pub: bytes) -> LegacyKeyring:
    """Read and verify every grant: signed by the vault's root key or by an admin granted before."""
    folder = root / KEYRING_DIR
    raw: list[tuple[str, dict[str, Any]]] = []
    problems: list[tuple[str, str]] = []
    files: dict[str, str] = {}
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not _GRANT_NAME.match(path.name):
            continue
        try:
            data = path.read_bytes()
            doc = orjson.loads(data)
            assert isinstance(doc, dict)
            raw.append((f"{KEYRING_DIR}/{path.name}", doc))
            files[path.name] = hashlib.sha256(data).hexdigest()
        except (OSError, orjson.JSONDecodeError, AssertionError):
            problems.append((f"{KEYRING_DIR}/{path.name}", "unreadable grant"))
    trusted_signers = {root_sign_pub}
    grants: list[Grant] = []
    pending = raw
    while pending:  # admins may grant admins: repeat until no new signer becomes trusted
        rest: list[tuple[str, dict[str, Any]]] = []
        for name, doc in pending:
            grant = _verified_grant(name, doc, vault_id, trusted_signers)
            if grant is None:
                rest.append((name, doc))
                continue
            grants.append(grant)
            if grant.role == ADMIN_ROLE:
                trusted_signers.add(grant.sign_pub)
        if len(rest) == len(pending):
            problems.extend((name, "grant signature does not verify") for name, _ in rest)
            break
        pending = rest
    return LegacyKeyring(grants, problems, files)


def _verified_grant(name: str, doc: dict[str, Any], vault_id: str, signers: set[bytes]) -> Grant | None:
    try:
        granter = b64d(doc["granter_pub"])
        match = _GRANT_NAME.match(name.rsplit("/", 1)[-1])
        if (
            granter not in signers
            or doc["vault"] != vault_id
            or match is None
            or int(match.group(1)) != doc["epoch"]
            or match.group(2) != doc["user"]
        ):
            return None
        if not verify_signature(granter, b64d(doc["sig"]), canonical(doc)):
            return None
        return Grant(
            epoch=int(doc["epoch"]),
            user=doc["user"],
            role=doc["role"],
            box_pub=b64d(doc["box_pub"]),
            sign_pub=b64d(doc["sign_pub"]),
            granted_by=doc["granted_by"],
            sealed_key=doc["key"],
            n=int(match.group(3) or 0),
        )
    except (KeyError, TypeError, ValueError):
        return None
