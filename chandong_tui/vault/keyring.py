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
_GRANT_NAME = re.compile(r"^(\d{6})-([0-9a-f]{32})(?:-(\d{3,}))?\.json$")
"""`<epoch>-<user hash>.json`, or `…-<n>.json` for the n-th grant of the same epoch (after a reset)."""
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
    must_change: bool = False
    """Unlocked with a one-time passphrase (new user, or reset by an admin): change it before work."""
    rev: int = 0
    """The revision of the user file it came from."""

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


def write_user_file(
    root: Path, vault_id: str, identity: Identity, passphrase: str, rev: int, *, one_time: bool = False
) -> Path:
    """Seal `identity` under `passphrase` and write it as revision `rev`.

    `one_time`: the passphrase was handed out by an admin and must be changed at first unlock (the flag
    that counts is sealed; the plain copy only lets `user list` show it).
    """
    uhash = user_hash(vault_id, identity.user_id)
    kdf = KdfParams.fresh()
    aad = f"chandong-identity|{vault_id}|{uhash}|{rev}".encode()
    secret = orjson.dumps(
        {
            "user": identity.user_id,
            "box": b64e(raw_private(identity.box)),
            "sign": b64e(raw_private(identity.sign)),
            **({"must_change": True} if one_time else {}),
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
    if one_time:
        doc["one_time"] = True
    path = root / USERS_DIR / f"{uhash}-{rev:06d}.json"
    write_atomic(path, orjson.dumps(doc, option=orjson.OPT_INDENT_2), exclusive=True)
    return path


def latest_user_file(root: Path, vault_id: str, user_id: str) -> dict[str, Any] | None:
    """The newest readable revision of a user's identity file, or None."""
    return latest_user_doc(root, user_hash(vault_id, user_id))


def latest_user_doc(root: Path, uhash: str) -> dict[str, Any] | None:
    """The newest readable revision of the identity file of the user with this hash, or None."""
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


_DUMMY_KDF = KdfParams(alg=KdfParams.fresh().alg, salt=b64e(b"chandong-no-user"))
"""What an unknown login costs: the same derivation as a real one (scrypt where Argon2id is missing,
as for real users' files)."""


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
        must_change=bool(secret.get("must_change", False)),
        rev=int(doc["rev"]),
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
    n: int = 0
    """The n-th grant of this epoch to this user (after a reset or a role change); the newest counts."""

    @property
    def order(self) -> tuple[int, int]:
        return (self.epoch, self.n)


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
    n: int = 0,
    *,
    uhash: str | None = None,
) -> Path:
    """Grant `user_id` the vault key of `epoch` with `role`, signed by `admin` (`n`: the n-th grant of
    this epoch to this user, after resets; 0 for the first; `uhash` instead of `user_id` when only the
    hash is known)."""
    uhash = uhash or user_hash(vault_id, user_id)
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
    suffix = f"-{n:03d}" if n else ""
    path = root / KEYRING_DIR / f"{epoch:06d}-{uhash}{suffix}.json"
    write_atomic(path, orjson.dumps(doc, option=orjson.OPT_INDENT_2), exclusive=True)
    return path


@dataclass
class Keyring:
    """Every grant of a vault that verifies, and the problems found on the way."""

    grants: list[Grant]
    problems: list[tuple[str, str]]

    def for_user(self, uhash: str) -> list[Grant]:
        return [g for g in self.grants if g.user == uhash]

    @property
    def latest_epoch(self) -> int:
        """The newest key epoch: removing a user starts a new one."""
        return max((g.epoch for g in self.grants), default=1)

    def active(self, uhash: str) -> bool:
        """Whether the user holds the newest epoch's key (a removed user does not)."""
        latest = self.latest_epoch
        return any(g.epoch == latest for g in self.for_user(uhash))

    def sign_keys(self, uhash: str) -> set[bytes]:
        """Every signing key ever granted to the user (a reset gives a new one; old events keep theirs)."""
        return {g.sign_pub for g in self.for_user(uhash)}

    def admin_keys(self) -> set[bytes]:
        return {g.sign_pub for g in self.grants if g.role == ADMIN_ROLE}

    def current(self, uhash: str, box_pub: bytes | None = None) -> Grant | None:
        """The user's newest grant (of the identity with `box_pub`, if given): its role counts."""
        grants = [g for g in self.for_user(uhash) if box_pub is None or g.box_pub == box_pub]
        return max(grants, key=lambda g: g.order) if grants else None

    def next_n(self, uhash: str, epoch: int) -> int:
        """The number of the next grant of `epoch` to this user."""
        return 1 + max((g.n for g in self.for_user(uhash) if g.epoch == epoch), default=-1)


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
            n=int(match.group(3) or 0),
        )
    except (KeyError, TypeError, ValueError):
        return None


def unwrap_grant(grant: Grant, identity: Identity, vault_id: str) -> bytes:
    """The vault key a grant carries, opened with the user's identity."""
    if grant.box_pub != identity.box_public:
        raise AuthError("this grant is for another key")
    aad = f"chandong-grant|{vault_id}|{grant.epoch}|{grant.user}".encode()
    return open_sealed_to(identity.box, grant.sealed_key, aad)


# -- passphrase policy -------------------------------------------------------------------------
MIN_PASSPHRASE = 10
"""개인정보의 안전성 확보조치 기준 해설서: at least 10 characters of two kinds (or 8 of three); a
passphrase of 10+ characters of two kinds is required here, whatever its length."""


def passphrase_problem(passphrase: str, user_id: str, current: str | None = None) -> str | None:
    """Why `passphrase` is not acceptable (None when it is): length, kinds of characters, not the
    login, not the passphrase it replaces."""
    if len(passphrase) < MIN_PASSPHRASE:
        return f"a passphrase needs at least {MIN_PASSPHRASE} characters"
    kinds = {
        "lower"
        if c.islower()
        else "upper"
        if c.isupper()
        else "digit"
        if c.isdigit()
        else "letter"
        if c.isalpha()
        else "other"
        for c in passphrase
    }
    if len(kinds) < 2:
        return "a passphrase needs two kinds of characters (letters, digits, symbols or spaces, 한글)"
    if user_id and user_id.casefold() in passphrase.casefold():
        return "a passphrase must not contain the login"
    if current is not None and passphrase == current:
        return "the new passphrase must differ from the last one"
    return None


def one_time_passphrase() -> str:
    """A passphrase an admin hands out (must be changed at first unlock): 4 groups of 4, unambiguous."""
    import secrets

    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)]
    groups[secrets.randbelow(4)] = "".join(secrets.choice("23456789") for _ in range(4))
    return "-".join(groups)


class LockedOut(AuthError):
    """Too many failed unlocks of a login (the same for logins that do not exist)."""


class PassphraseChangeRequired(AuthError):
    """The passphrase is a one-time one: unlock again with `new_passphrase` to set the user's own."""


# -- lockout -----------------------------------------------------------------------------------
LOCK_AFTER = 5
"""Failed unlocks in a row that lock a login."""
LOCK_MINUTES = 30
"""How long a lock lasts (a supervisor can lift it earlier with `chandong user reset`)."""
LOCKOUT_DIR = "lockout"
_FAILURE_NAME = re.compile(r"^f-(\d{13})-([0-9a-f]{8})\.json$")
_CLEAR_NAME = re.compile(r"^c-(\d{13})-([0-9a-f]{8})\.json$")


@dataclass(frozen=True)
class LockState:
    """Failed unlocks of one login since it was last cleared, and the lock they make (if any)."""

    failures: int
    locked_until_ms: int

    def locked(self, now_ms: int) -> bool:
        return now_ms < self.locked_until_ms


def lockout_folders(root: Path, local: Path, uhash: str) -> tuple[Path, Path]:
    """Where a login's failures are kept: in the shared vault (all PCs count them) and in this PC's
    state dir (a copy that someone who can delete files on the share cannot wipe)."""
    return root / LOCKOUT_DIR / uhash, local / LOCKOUT_DIR / uhash


def record_failure(folders: tuple[Path, ...], now_ms: int) -> None:
    """One failed unlock: a new write-once file in each folder (best effort on the share)."""
    import secrets

    name = f"f-{now_ms:013d}-{secrets.token_hex(4)}.json"
    body = orjson.dumps({"at": now_ms})
    for folder in folders:
        try:
            write_atomic(folder / name, body, exclusive=True)
        except OSError:
            continue  # the share may be offline: the local copy still counts


def record_clear(
    folders: tuple[Path, ...], uhash: str, signer: Identity, signer_hash: str, why: str, now_ms: int
) -> None:
    """Lift the count of failures (a successful unlock, or an admin's reset), signed by `signer`."""
    import secrets

    doc: dict[str, Any] = {"at": now_ms, "user": uhash, "by": signer_hash, "why": why}
    doc["pub"] = b64e(signer.sign_public)
    doc["sig"] = b64e(signer.sign.sign(_canonical(doc)))
    name = f"c-{now_ms:013d}-{secrets.token_hex(4)}.json"
    for folder in folders:
        try:
            write_atomic(folder / name, orjson.dumps(doc), exclusive=True)
        except OSError:
            continue


def lock_state(folders: tuple[Path, ...], uhash: str, trusted: set[bytes], now_ms: int) -> LockState:
    """Count the failures after the latest clear signed by the user or an admin (`trusted` keys).

    Every `LOCK_AFTER` failures lock the login for `LOCK_MINUTES` from the last of them; failures
    recorded while locked do not extend it. Unsigned or badly signed clears are ignored: failures are
    unsigned (whoever failed had no key), so anyone with write access to the share can add some — a
    denial of service an admin lifts — but nobody can lift a lock without a key.
    """
    failures: dict[str, int] = {}
    last_clear = 0
    for folder in folders:
        for path in folder.iterdir() if folder.is_dir() else ():
            if match := _FAILURE_NAME.match(path.name):
                failures[path.name] = int(match.group(1))
            elif _CLEAR_NAME.match(path.name) and (at := _verified_clear(path, uhash, trusted)):
                last_clear = max(last_clear, at)
    count, locked_until = 0, 0
    for at in sorted(at for at in failures.values() if at > last_clear):
        if at < locked_until:
            continue
        count += 1
        if count >= LOCK_AFTER:
            locked_until, count = at + LOCK_MINUTES * 60_000, 0
    pending = count if not locked_until or locked_until <= now_ms else LOCK_AFTER
    return LockState(pending, locked_until)


def _verified_clear(path: Path, uhash: str, trusted: set[bytes]) -> int:
    try:
        doc = orjson.loads(path.read_bytes())
        pub = b64d(doc["pub"])
        ok = (
            doc["user"] == uhash
            and pub in trusted
            and verify_signature(pub, b64d(doc["sig"]), _canonical(doc))
        )
        return int(doc["at"]) if ok else 0
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return 0
