"""Who wrote a file of the share, and whether they were allowed to: device keys certified by users.

Every chunk, pack and snapshot written since the trust upgrade is signed (Ed25519, `chunks.py`) by a
*device key*: a key of this PC's device slot and this user, derived from a local secret that is sealed
to the user's identity (X25519 box key) in the slot folder, so only that user unlocks it. The file's
header carries the key's *certificate*: (vault, device, user hash, device key) signed by the user's
signing key (no login in plain text in the share). The same local secret gives the key of the local
cache (attack 9 of issue 16: a copy of a PC's state folder reads nothing without the user's identity).

A reader accepts a file only when (`Writers.check`):
- it is signed under its certificate's device key, the certificate names the folder's device and is
  signed by a signing key the keyring gives that user, and the user holds a grant of the file's key
  epoch (a member of that epoch); a user removed since is read only in the files an admin certified
  theirs at the removal (`legacy.certify_departure`); a snapshot's signer must be a member now, and
  the snapshot sealed in the newest epoch;
- or it is unsigned and listed in `LEGACY.json`, the manifest of the files written before the upgrade
  that an admin signed at the upgrade (`legacy.py`); before any upgrade, unsigned files are read as
  they always were, and reported as such by `chandong verify`.

And then (`Writers.check_ops`): every op's author (`actor`) is the signer, every op id and every
access-log event belongs to the folder's device, and every event's signer (`by`) is the file's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.chunks import Opened
from chandong_tui.vault.crypto import (
    derive_key,
    open_sealed_to,
    random_key,
    raw_public,
    seal_to,
    verify_signature,
)
from chandong_tui.vault.encoding import b64d, b64e
from chandong_tui.vault.errors import IntegrityError
from chandong_tui.vault.keyring import Identity, Keyring, user_hash
from chandong_tui.vault.ops import Op

AUDIT_TABLE = "audit_log"
"""The access-log table (`audit.AUDIT_LOG`; named here so that `audit` can import this module)."""
KEYS_DIR = "keys"
"""In a device slot: `<user hash>.json`, the user's local secret sealed to their identity."""


class Outdated(IntegrityError):
    """A snapshot its writer was allowed to write, but not to start from now (a member removed since,
    or a key epoch started since): skipped, and a note rather than a problem."""


def _canonical(doc: dict[str, Any]) -> bytes:
    return orjson.dumps({k: v for k, v in doc.items() if k != "sig"}, option=orjson.OPT_SORT_KEYS)


def certify(identity: Identity, vault_id: str, device: str, device_pub: bytes) -> dict[str, Any]:
    """A device certificate: the user's signing key vouches for `device_pub` writing as `device`."""
    cert: dict[str, Any] = {
        "v": 1,
        "vault": vault_id,
        "device": device,
        "user": user_hash(vault_id, identity.user_id),
        "key": b64e(device_pub),
        "by": b64e(identity.sign_public),
    }
    cert["sig"] = b64e(identity.sign.sign(_canonical(cert)))
    return cert


@dataclass(frozen=True)
class DeviceKey:
    """This PC's key for one user in one device slot, and what it gives: signatures and the cache key."""

    secret: bytes
    sign: Ed25519PrivateKey
    cert: dict[str, Any]
    fresh: bool = False
    """Made now (none was sealed to this identity in the slot yet): the cache is rebuilt."""

    @property
    def public(self) -> bytes:
        return raw_public(self.sign.public_key())

    @property
    def cache_key(self) -> bytes:
        """The local cache's key: of this PC and user, never a vault key (`cache.LocalCache`)."""
        return derive_key(self.secret, b"chandong-local-cache")

    def sign_bytes(self, data: bytes) -> bytes:
        return self.sign.sign(data)


def device_key(slot_folder: Path, vault_id: str, device: str, identity: Identity) -> DeviceKey:
    """The user's key in this slot, unsealed with their identity; a new one when there is none (or
    it was sealed to an identity they no longer have: a reset)."""
    uhash = user_hash(vault_id, identity.user_id)
    path = slot_folder / KEYS_DIR / f"{uhash}.json"
    aad = f"chandong-local|{vault_id}|{device}|{uhash}".encode()
    fresh = False
    try:
        doc = orjson.loads(path.read_bytes())
        secret = open_sealed_to(identity.box, doc["box"], aad)
    except (OSError, orjson.JSONDecodeError, IntegrityError, KeyError, TypeError, ValueError):
        secret, fresh = random_key(), True
        box = seal_to(X25519PublicKey.from_public_bytes(identity.box_public), secret, aad)
        write_atomic(path, orjson.dumps({"v": 1, "box": box}))
    sign = Ed25519PrivateKey.from_private_bytes(derive_key(secret, b"chandong-device-sign"))
    return DeviceKey(secret, sign, certify(identity, vault_id, device, raw_public(sign.public_key())), fresh)


@dataclass
class Writers:
    """The check every reader of the share makes of a file's writer (see the module doc)."""

    vault_id: str
    keyring: Keyring
    legacy: frozenset[str] | None
    """Digests of the unsigned files `LEGACY.json` lists; None when the vault was never upgraded."""
    departed: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Per removed user (hash): the digests of the files an admin certified theirs at the removal."""
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(path, reason) of the lists above that were refused (a forged or vanished manifest)."""
    _certs: dict[str, str] = field(default_factory=dict)
    """Certificates checked already (signature → user), so that a folder's files cost one check each."""

    def check(self, opened: Opened, device: str, *, snapshot: bool = False) -> str:
        """The hash of the user who wrote `opened`, found in `device`'s folder ("" for a listed legacy
        file); `IntegrityError` saying why it is refused."""
        header = opened.header
        if not opened.signed:
            if self.legacy is None or opened.digest in self.legacy:
                return ""
            raise IntegrityError(
                "unsigned, and not among the files of before the upgrade (LEGACY.json): forged"
            )
        cert = header.cert or {}
        uhash = self._certified(cert, device)
        if not any(g.epoch == header.epoch for g in self.keyring.for_user(uhash)):
            raise IntegrityError(
                f"signed by user {uhash[:8]}, who is not a member of key epoch {header.epoch}"
            )
        if not self.keyring.active(uhash) and opened.digest not in self.departed.get(uhash, frozenset()):
            raise IntegrityError(
                f"signed by user {uhash[:8]}, removed from the vault, and not among their files an admin "
                "certified at the removal (written since?)"
            )
        if snapshot and (not self.keyring.active(uhash) or header.epoch != self.keyring.latest_epoch):
            raise Outdated(f"snapshot signed by user {uhash[:8]}, not a member now (or of an old key epoch)")
        return uhash

    def _certified(self, cert: dict[str, Any], device: str) -> str:
        sig = str(cert.get("sig", ""))
        known = self._certs.get(sig)
        if known is not None and cert.get("device") == device:
            return known
        user = ""
        try:
            user, by = str(cert["user"]), b64d(str(cert["by"]))
            ok = (
                cert["vault"] == self.vault_id
                and cert["device"] == device
                and by in self.keyring.sign_keys(user)
                and verify_signature(by, b64d(sig), _canonical(cert))
            )
        except (KeyError, TypeError, ValueError):
            ok = False
        if not ok:
            raise IntegrityError("device certificate does not verify for this folder (forged)")
        self._certs[sig] = user
        return user

    def check_ops(self, ops: Iterable[Op], signer: str, device: str) -> None:
        """Each op written by the user of hash `signer` (when signed) as `device`: `IntegrityError`
        naming the first that is not (an author or an access-log event claimed for someone else)."""
        prefix = f"{device}."
        hashes: dict[str, str] = {}
        for op in ops:
            actor = hashes.get(op.actor) or hashes.setdefault(op.actor, user_hash(self.vault_id, op.actor))
            if signer and actor != signer:
                raise IntegrityError(f"an op by {op.actor!r} in a file another user signed (forged author)")
            if not op.id.startswith(prefix):
                raise IntegrityError(f"op {op.id} of another device in this device's folder (forged)")
            if op.table != AUDIT_TABLE:
                continue
            if op.set.get("dev") != device or not op.row.startswith(prefix):
                raise IntegrityError(
                    f"access-log event of device {op.set.get('dev')!r} in this device's folder (forged)"
                )
            if signer and op.set.get("by") != op.actor:
                raise IntegrityError(
                    f"access-log event signed as {op.set.get('by')!r} in a file of another user (forged)"
                )
