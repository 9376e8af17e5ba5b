"""The files of before the trust upgrade: unsigned, and read only when an admin's manifest lists them.

Chunks, packs and snapshots written before the upgrade carry no signature (`chunks.MAGIC`). Left as a
way in, anyone holding any epoch's key could add one (attack 2 of issue 16). So at the upgrade an admin
signs `LEGACY.json`: the SHA-256 of every unsigned file in the device folders at that moment
(`certify_legacy_files`). From then on readers take an unsigned file only when it is listed
(`writers.Writers.check`). A vault made since writes an empty manifest at its creation.

This PC remembers the manifest it saw (`legacy.json` in its state folder): one removed or replaced
later is refused, never read as "not upgraded".

The same for a member removed: they keep the key of the epochs they had and their signing key, so they
could still sign files of an old epoch. At the removal an admin signs the list of the files that user
signed (`departed/<user hash>-<n>.json`, `certify_departure`); from then on a file signed by a user who
is no longer a member is read only when such a list names it (`writers.Writers.check`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import orjson

from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.chunks import SIGNED_MAGIC, file_digest, read_header
from chandong_tui.vault.crypto import verify_signature
from chandong_tui.vault.encoding import b64d, b64e
from chandong_tui.vault.errors import BadInput, IntegrityError
from chandong_tui.vault.folder import VaultInfo
from chandong_tui.vault.keyring import ADMIN_ROLE, Identity, Keyring, user_hash
from chandong_tui.vault.local_state import local_dir
from chandong_tui.vault.share_files import classify
from chandong_tui.vault.stored import device_folders

if TYPE_CHECKING:
    from chandong_tui.vault.session import VaultSession


class Certifier(Protocol):
    """Who signs a manifest: an admin's session, or the upgrade's context (`upgrade.UpgradeContext`)."""

    @property
    def info(self) -> VaultInfo: ...
    @property
    def identity(self) -> Identity: ...
    @property
    def is_admin(self) -> bool: ...


MANIFEST = "LEGACY.json"
DEPARTED_DIR = "departed"


def _canonical(doc: dict[str, object]) -> bytes:
    return orjson.dumps({k: v for k, v in doc.items() if k != "sig"}, option=orjson.OPT_SORT_KEYS)


def _stored_files(info: VaultInfo) -> Iterator[tuple[Path, bytes]]:
    """Every chunk, pack, snapshot and conflict copy in the device folders, with its bytes (a file that
    cannot be read is left out: `verify` reports it)."""
    for device in device_folders(info.devices):
        for path in sorted((info.devices / device).iterdir()):
            if classify(path.name).kind not in ("chunk", "pack", "snapshot", "copy"):
                continue
            try:
                yield path, path.read_bytes()
            except OSError:
                continue


def unsigned_files(info: VaultInfo) -> dict[str, str]:
    """Every unsigned chunk, pack and snapshot in the device folders: relative path → SHA-256."""
    return {
        str(path.relative_to(info.root)): file_digest(data)
        for path, data in _stored_files(info)
        if not data.startswith(SIGNED_MAGIC)
    }


def write_manifest(info: VaultInfo, admin: Identity, files: dict[str, str]) -> None:
    """Sign and write `LEGACY.json` once (`BadInput` when the vault has one already)."""
    doc: dict[str, object] = {
        "v": 1,
        "vault": info.vault_id,
        "files": files,
        "by": user_hash(info.vault_id, admin.user_id),
        "key": b64e(admin.sign_public),
    }
    doc["sig"] = b64e(admin.sign.sign(_canonical(doc)))
    try:
        write_atomic(info.root / MANIFEST, orjson.dumps(doc, option=orjson.OPT_INDENT_2), exclusive=True)
    except FileExistsError:
        raise BadInput(f"this vault has been upgraded already ({MANIFEST} exists)") from None


def certify_legacy_files(admin_session: Certifier) -> int:
    """The admin's one-time step of the upgrade: list (and sign) the unsigned files there are now;
    returns how many. `BadInput` when not an admin or already upgraded."""
    if not admin_session.is_admin:
        raise BadInput("only a supervisor upgrades the vault")
    files = unsigned_files(admin_session.info)
    write_manifest(admin_session.info, admin_session.identity, files)
    remember(admin_session.info, file_digest((admin_session.info.root / MANIFEST).read_bytes()))
    return len(files)


def load_manifest(info: VaultInfo, keyring: Keyring) -> frozenset[str] | None:
    """The digests the admin-signed manifest lists; None when the vault was never upgraded (and this
    PC never saw a manifest); `IntegrityError` when it is forged, or gone or replaced since seen."""
    pinned = _pinned(info)
    try:
        data = (info.root / MANIFEST).read_bytes()
    except FileNotFoundError:
        if pinned:
            raise IntegrityError(f"{MANIFEST} was removed since this PC saw it (a rollback?)") from None
        return None
    digest = file_digest(data)
    if pinned and pinned != digest:
        raise IntegrityError(f"{MANIFEST} differs from the one this PC saw (replaced)")
    files = _admin_signed(info, keyring, data)
    if files is None:
        raise IntegrityError(f"{MANIFEST} is not signed by an admin of this vault (forged)")
    if not pinned:
        remember(info, digest)
    return frozenset(files.values())


def _admin_signed(info: VaultInfo, keyring: Keyring, data: bytes) -> dict[str, str] | None:
    """The files a list signed by an admin of the vault (or its root key) names; None if it is not."""
    try:
        doc = orjson.loads(data)
        key, uhash = b64d(str(doc["key"])), str(doc["by"])
        grants = keyring.for_user(uhash)
        admin = bool(grants) and max(grants, key=lambda g: g.order).role == ADMIN_ROLE
        ok = (
            doc["vault"] == info.vault_id
            and (key == info.root_sign_pub or (admin and key in keyring.sign_keys(uhash)))
            and _signature_verifies(key, doc)
        )
        files = {str(k): str(v) for k, v in dict(doc["files"]).items()}
        if "user" in doc:
            files[""] = str(doc["user"])  # whose departure (kept apart by `load_departures`)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        return None
    return files if ok else None


def files_signed_by(info: VaultInfo, uhash: str) -> dict[str, str]:
    """Every chunk, pack and snapshot whose certificate names the user of hash `uhash`: path → digest."""
    found: dict[str, str] = {}
    for path, data in _stored_files(info):
        try:
            header, _ = read_header(data)
        except IntegrityError:
            continue
        if (header.cert or {}).get("user") == uhash:
            found[str(path.relative_to(info.root))] = file_digest(data)
    return found


def certify_departure(admin_session: VaultSession, user_id: str) -> int:
    """At a member's removal: sign the list of the files they signed (the only ones of theirs read from
    then on); returns how many. Call it before the new key epoch is granted."""
    if not admin_session.is_admin:
        raise BadInput("only a supervisor removes users")
    info, admin = admin_session.info, admin_session.identity
    uhash = user_hash(info.vault_id, user_id)
    files = files_signed_by(info, uhash)
    doc: dict[str, object] = {
        "v": 1,
        "vault": info.vault_id,
        "user": uhash,
        "files": files,
        "by": user_hash(info.vault_id, admin.user_id),
        "key": b64e(admin.sign_public),
    }
    doc["sig"] = b64e(admin.sign.sign(_canonical(doc)))
    folder = info.root / DEPARTED_DIR
    n = len(list(folder.glob(f"{uhash}-*.json"))) if folder.is_dir() else 0
    write_atomic(folder / f"{uhash}-{n + 1:03d}.json", orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    return len(files)


def load_departures(info: VaultInfo, keyring: Keyring) -> tuple[dict[str, frozenset[str]], list[str]]:
    """Per removed user (hash), the digests of their files certified at their removal; and the lists
    that are not signed by an admin (forged: ignored, reported)."""
    found: dict[str, set[str]] = {}
    forged: list[str] = []
    folder = info.root / DEPARTED_DIR
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            files = _admin_signed(info, keyring, path.read_bytes())
        except OSError:
            files = None
        if files is None or "" not in files:
            forged.append(f"{DEPARTED_DIR}/{path.name}")
            continue
        user = files.pop("")
        found.setdefault(user, set()).update(files.values())
    return {user: frozenset(digests) for user, digests in found.items()}, forged


def _signature_verifies(key: bytes, doc: dict[str, object]) -> bool:
    return verify_signature(key, b64d(str(doc.get("sig", ""))), _canonical(doc))


def _pin_path(info: VaultInfo) -> Path:
    return local_dir(info.vault_id) / "legacy.json"


def _pinned(info: VaultInfo) -> str:
    try:
        return str(orjson.loads(_pin_path(info).read_bytes())["manifest"])
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
        return ""


def remember(info: VaultInfo, digest: str) -> None:
    write_atomic(_pin_path(info), orjson.dumps({"manifest": digest}))
