"""Users' identities, and the keyring: who holds which vault key, read from the membership history.

- `users/<user hash>-<rev>.json`: a user's public keys and private keys sealed under their passphrase
  (Argon2id); the newest readable `rev` wins. It grants nothing: a user file whose keys the membership
  history (`members.py`) does not name opens nothing.
- `Keyring`: the verified history seen through the API the code above it uses (`for_user`, `active`,
  `sign_keys`, `admin_keys`, `latest_epoch`, `current`). A vault of the first format (signed grants in
  `keyring/`) is read only by its upgrade (`legacy_keyring.py`, `upgrade.py`).

File names are hashes of (vault id, user id): no names or logins in plain text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

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
    verify_signature,
)
from chandong_tui.vault.errors import AuthError, IntegrityError
from chandong_tui.vault.local_state import local_dir
from chandong_tui.vault.members import ADMIN_ROLE as ADMIN_ROLE
from chandong_tui.vault.members import (
    Grant,
    Member,
    Membership,
    MembershipRefused,
    NotUpgraded,
    canonical,
    check_pin,
    grant_aad,
    load_history,
    read_pin,
)

USERS_DIR = "users"
KEYRING_DIR = "keyring"
"""The first format's grants (read by the upgrade only)."""
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
    old_boxes: list[X25519PrivateKey] = field(default_factory=list)
    """The user's earlier box keys (before their last key changes): vault keys sealed to those by an
    admin who had not seen the change yet still open."""
    certs: list[dict[str, Any]] = field(default_factory=list)
    """The user's key changes since their invitation, each signed by the key before (`members.py`)."""

    @classmethod
    def generate(cls, user_id: str) -> Identity:
        return cls(user_id, X25519PrivateKey.generate(), Ed25519PrivateKey.generate())

    @property
    def box_public(self) -> bytes:
        return raw_public(self.box.public_key())

    @property
    def sign_public(self) -> bytes:
        return raw_public(self.sign.public_key())

    def box_for(self, box_pub: bytes) -> X25519PrivateKey | None:
        """The private key (current or earlier) of `box_pub`, if it is one of this user's."""
        return next((k for k in (self.box, *self.old_boxes) if raw_public(k.public_key()) == box_pub), None)


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
            "old_boxes": [b64e(raw_private(k)) for k in identity.old_boxes],
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
        "certs": identity.certs,
    }
    if one_time:
        doc["one_time"] = True
    path = root / USERS_DIR / f"{uhash}-{rev:06d}.json"
    write_atomic(path, orjson.dumps(doc, option=orjson.OPT_INDENT_2), exclusive=True)
    return path


def remove_old_identities(root: Path, uhash: str, keep_rev: int) -> None:
    """Delete a user's identity files older than `keep_rev` from the share (after new key pairs:
    an old passphrase must not open them from here; backups of the folder keep them)."""
    folder = root / USERS_DIR
    for path in folder.iterdir() if folder.is_dir() else ():
        match = _USER_NAME.match(path.name)
        if match and match.group(1) == uhash and int(match.group(2)) < keep_rev:
            path.unlink(missing_ok=True)


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
        old_boxes=[X25519PrivateKey.from_private_bytes(b64d(k)) for k in secret.get("old_boxes", [])],
        certs=list(doc.get("certs") or []),
    )


@dataclass
class Keyring:
    """Who holds which vault key, with which role: a view of the verified membership history
    (`members.py`), kept under the API the code above it uses."""

    grants: list[Grant]
    problems: list[tuple[str, str]]
    history: Membership | None = None

    def for_user(self, uhash: str) -> list[Grant]:
        return [g for g in self.grants if g.user == uhash]

    @property
    def latest_epoch(self) -> int:
        """The newest key epoch: removing a user starts a new one."""
        return self.history.epoch if self.history else 1

    def member(self, uhash: str) -> Member | None:
        return self.history.members.get(uhash) if self.history else None

    def active(self, uhash: str) -> bool:
        """Whether the user is a member now (a removed user is not)."""
        member = self.member(uhash)
        return member is not None and member.active

    def sign_keys(self, uhash: str) -> set[bytes]:
        """Every signing key the user has held (a reset gives a new one; old events keep theirs)."""
        member = self.member(uhash)
        return member.sign_keys if member else set()

    def admin_keys(self) -> set[bytes]:
        """The signing keys of the admins now (a removed or demoted admin's key is not one, nor an
        invitation)."""
        admins = self.history.active_admins() if self.history else []
        return {m.sign_pub for m in admins if not m.invited}

    def holds(self, uhash: str, box_pub: bytes) -> bool:
        """Whether `box_pub` is the member's current key (an older identity of theirs opens nothing)."""
        member = self.member(uhash)
        return member is not None and member.active and member.box_pub == box_pub

    def current(self, uhash: str, box_pub: bytes | None = None) -> Grant | None:
        """The user's newest grant (of the identity with `box_pub`, if given): its role is the
        member's role now."""
        grants = [g for g in self.for_user(uhash) if box_pub is None or g.box_pub == box_pub]
        return max(grants, key=lambda g: g.order) if grants else None


def load_keyring(root: Path, vault_id: str, root_sign_pub: bytes = b"") -> Keyring:
    """The verified membership history of the vault at `root`, checked against this PC's pin (and the
    pin moved forward). `MembershipRefused` for a history this PC must not accept, `NotUpgraded` for
    a vault of the first format. `root_sign_pub` is not used: the history names its root key."""
    pin = local_dir(vault_id)
    pinned = read_pin(pin)
    history = load_history(root, str((pinned or {}).get("genesis", "")))
    if history is None:
        raise NotUpgraded()
    if pinned is not None:
        check_pin(history, pin)
    return keyring_of(history, vault_id)


def keyring_of(history: Membership, vault_id: str) -> Keyring:
    """The keyring of a verified history, which must be the vault's named in `VAULT.json`."""
    if history.vault_id != vault_id:
        raise MembershipRefused(
            "VAULT.json does not match the vault's membership history (replaced?)", "members_replaced"
        )
    return Keyring(list(history.grants), list(history.problems), history)


def unwrap_grant(grant: Grant, identity: Identity, vault_id: str) -> bytes:
    """The vault key a grant carries, opened with the user's identity."""
    private = identity.box_for(grant.box_pub)
    if private is None:
        raise AuthError("this grant is for another key")
    return open_sealed_to(private, grant.sealed_key, grant_aad(vault_id, grant.epoch, grant.user))


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
    doc["sig"] = b64e(signer.sign.sign(canonical(doc)))
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
            and verify_signature(pub, b64d(doc["sig"]), canonical(doc))
        )
        return int(doc["at"]) if ok else 0
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return 0
