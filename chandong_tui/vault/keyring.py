"""Users' identities and the signed keyring that gives them the vault key.

- `users/<user hash>.json`: a user's public keys and private keys sealed under their passphrase
  (Argon2id). Written by the user (or the admin who created them) once per passphrase change;
  the newest `rev` wins.
- `keyring/<epoch>-<user hash>.json`: a grant — the vault key of one epoch sealed to the user's
  X25519 key, with the role, signed (Ed25519) by an admin. The vault creator's signing key is in
  `VAULT.json`; every other admin's authority is a grant chained back to it.

File names are hashes of (vault id, user id): no names or logins in plain text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.crypto import (
    KdfParams,
    b64d,
    b64e,
    open_sealed,
    open_sealed_to,
    raw_private,
    raw_public,
    seal,
    seal_to,
    verify_signature,
)
from chandong_tui.vault.errors import AuthError, IntegrityError

ADMIN_ROLE = "supervisor"
USERS_DIR = "users"
KEYRING_DIR = "keyring"
_GRANT_NAME = re.compile(r"^(\d{6})-([0-9a-f]{32})\.json$")
_USER_NAME = re.compile(r"^([0-9a-f]{32})-(\d{6})\.json$")


def user_hash(vault_id: str, user_id: str) -> str:
    """The name under which a user's files are kept."""
    return hashlib.sha256(f"chandong-user|{vault_id}|{user_id}".encode()).hexdigest()[:32]


@dataclass
class Identity:
    """A user's unlocked key pairs."""

    user_id: str
    box: X25519PrivateKey
    sign: Ed25519PrivateKey

    @classmethod
    def generate(cls, user_id: str) -> Identity:
        return cls(user_id, X25519PrivateKey.generate(), Ed25519PrivateKey.generate())

    @property
    def box_public(self) -> bytes:
        return raw_public(self.box.public_key())

    @property
    def sign_public(self) -> bytes:
        return raw_public(self.sign.public_key())


def _canonical(doc: dict[str, Any]) -> bytes:
    return orjson.dumps({k: v for k, v in doc.items() if k != "sig"}, option=orjson.OPT_SORT_KEYS)


def write_user_file(root: Path, vault_id: str, identity: Identity, passphrase: str, rev: int) -> Path:
    """Seal `identity` under `passphrase` and write it as revision `rev`."""
    uhash = user_hash(vault_id, identity.user_id)
    kdf = KdfParams.fresh()
    aad = f"chandong-identity|{vault_id}|{uhash}|{rev}".encode()
    secret = orjson.dumps(
        {
            "user": identity.user_id,
            "box": b64e(raw_private(identity.box)),
            "sign": b64e(raw_private(identity.sign)),
        }
    )
    doc = {
        "format": 1,
        "user": uhash,
        "rev": rev,
        "kdf": kdf.as_dict(),
        "box_pub": b64e(identity.box_public),
        "sign_pub": b64e(identity.sign_public),
        "sealed": b64e(seal(kdf.derive(passphrase), secret, aad)),
    }
    path = root / USERS_DIR / f"{uhash}-{rev:06d}.json"
    write_atomic(path, orjson.dumps(doc, option=orjson.OPT_INDENT_2), exclusive=True)
    return path


def latest_user_file(root: Path, vault_id: str, user_id: str) -> dict[str, Any] | None:
    """The newest readable revision of a user's identity file, or None."""
    uhash = user_hash(vault_id, user_id)
    folder = root / USERS_DIR
    if not folder.is_dir():
        return None
    revisions = sorted(
        (int(m.group(2)), p)
        for p in folder.iterdir()
        if (m := _USER_NAME.match(p.name)) and m.group(1) == uhash
    )
    for _rev, path in reversed(revisions):
        try:
            doc = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            continue
        if isinstance(doc, dict) and doc.get("user") == uhash:
            return doc
    return None


_DUMMY_KDF = KdfParams(alg="argon2id", salt=b64e(b"chandong-no-user"))


def unlock_identity(root: Path, vault_id: str, user_id: str, passphrase: str) -> Identity:
    """The user's identity; `AuthError` for an unknown user or wrong passphrase, indistinguishably."""
    doc = latest_user_file(root, vault_id, user_id)
    if doc is None:
        _DUMMY_KDF.derive(passphrase)  # same cost as a real attempt: do not reveal who exists
        raise AuthError("wrong user or passphrase")
    try:
        kdf = KdfParams(**doc["kdf"])
        aad = f"chandong-identity|{vault_id}|{doc['user']}|{doc['rev']}".encode()
        secret = orjson.loads(open_sealed(kdf.derive(passphrase), b64d(doc["sealed"]), aad))
    except IntegrityError:
        raise AuthError("wrong user or passphrase") from None
    except (KeyError, TypeError, ValueError):
        raise IntegrityError("user file is malformed") from None
    return Identity(
        user_id=secret["user"],
        box=X25519PrivateKey.from_private_bytes(b64d(secret["box"])),
        sign=Ed25519PrivateKey.from_private_bytes(b64d(secret["sign"])),
    )


@dataclass(frozen=True)
class Grant:
    """A verified grant: a user's role and public keys, and the sealed vault key of one epoch."""

    epoch: int
    user: str
    role: str
    box_pub: bytes
    sign_pub: bytes
    granted_by: str
    sealed_key: dict[str, str]


def write_grant(
    root: Path,
    vault_id: str,
    admin: Identity,
    epoch: int,
    user_id: str,
    role: str,
    box_pub: bytes,
    sign_pub: bytes,
    vault_key: bytes,
) -> Path:
    """Grant `user_id` the vault key of `epoch` with `role`, signed by `admin`."""
    uhash = user_hash(vault_id, user_id)
    aad = f"chandong-grant|{vault_id}|{epoch}|{uhash}".encode()
    doc: dict[str, Any] = {
        "format": 1,
        "vault": vault_id,
        "epoch": epoch,
        "user": uhash,
        "role": role,
        "box_pub": b64e(box_pub),
        "sign_pub": b64e(sign_pub),
        "granted_by": user_hash(vault_id, admin.user_id),
        "granter_pub": b64e(admin.sign_public),
        "key": seal_to(X25519PublicKey.from_public_bytes(box_pub), vault_key, aad),
    }
    doc["sig"] = b64e(admin.sign.sign(_canonical(doc)))
    path = root / KEYRING_DIR / f"{epoch:06d}-{uhash}.json"
    write_atomic(path, orjson.dumps(doc, option=orjson.OPT_INDENT_2), exclusive=True)
    return path


@dataclass
class Keyring:
    """Every grant of a vault that verifies, and the problems found on the way."""

    grants: list[Grant]
    problems: list[tuple[str, str]]

    def for_user(self, uhash: str) -> list[Grant]:
        return [g for g in self.grants if g.user == uhash]


def load_keyring(root: Path, vault_id: str, root_sign_pub: bytes) -> Keyring:
    """Read and verify every grant: signed by the vault's root key or by an admin granted before."""
    folder = root / KEYRING_DIR
    raw: list[tuple[str, dict[str, Any]]] = []
    problems: list[tuple[str, str]] = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not _GRANT_NAME.match(path.name):
            continue
        try:
            doc = orjson.loads(path.read_bytes())
            assert isinstance(doc, dict)
            raw.append((f"{KEYRING_DIR}/{path.name}", doc))
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
    return Keyring(grants, problems)


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
        if not verify_signature(granter, b64d(doc["sig"]), _canonical(doc)):
            return None
        return Grant(
            epoch=int(doc["epoch"]),
            user=doc["user"],
            role=doc["role"],
            box_pub=b64d(doc["box_pub"]),
            sign_pub=b64d(doc["sign_pub"]),
            granted_by=doc["granted_by"],
            sealed_key=doc["key"],
        )
    except (KeyError, TypeError, ValueError):
        return None


def unwrap_grant(grant: Grant, identity: Identity, vault_id: str) -> bytes:
    """The vault key a grant carries, opened with the user's identity."""
    if grant.box_pub != identity.box_public:
        raise AuthError("this grant is for another key")
    aad = f"chandong-grant|{vault_id}|{grant.epoch}|{grant.user}".encode()
    return open_sealed_to(identity.box, grant.sealed_key, aad)
