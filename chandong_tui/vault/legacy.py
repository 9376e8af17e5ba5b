"""The files of before the trust upgrade: unsigned, and read only when an admin's manifest lists them.

Chunks, packs and snapshots written before the upgrade carry no signature (`chunks.MAGIC`). Left as a
way in, anyone holding any epoch's key could add one (attack 2 of issue 16). So at the upgrade an admin
signs `LEGACY.json`: the SHA-256 of every unsigned file in the device folders at that moment
(`certify_legacy_files`). From then on readers take an unsigned file only when it is listed
(`writers.Writers.check`). A vault made since writes an empty manifest at its creation.

This PC remembers the manifest it saw (`legacy.json` in its state folder): one removed or replaced
later is refused, never read as "not upgraded".
"""

from __future__ import annotations

import orjson

from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.chunks import SIGNED_MAGIC, file_digest
from chandong_tui.vault.encoding import b64d, b64e
from chandong_tui.vault.errors import BadInput, IntegrityError
from chandong_tui.vault.folder import VaultInfo
from chandong_tui.vault.keyring import ADMIN_ROLE, Identity, Keyring, user_hash
from chandong_tui.vault.local_state import local_dir
from chandong_tui.vault.share_files import classify
from chandong_tui.vault.stored import device_folders

MANIFEST = "LEGACY.json"


def _canonical(doc: dict[str, object]) -> bytes:
    return orjson.dumps({k: v for k, v in doc.items() if k != "sig"}, option=orjson.OPT_SORT_KEYS)


def unsigned_files(info: VaultInfo) -> dict[str, str]:
    """Every unsigned chunk, pack and snapshot in the device folders: relative path → SHA-256."""
    found: dict[str, str] = {}
    for device in device_folders(info.devices):
        for path in sorted((info.devices / device).iterdir()):
            if classify(path.name).kind not in ("chunk", "pack", "snapshot", "copy"):
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if not data.startswith(SIGNED_MAGIC):
                found[str(path.relative_to(info.root))] = file_digest(data)
    return found


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


def certify_legacy_files(admin_session: object) -> int:
    """The admin's one-time step of the upgrade: list (and sign) the unsigned files there are now;
    returns how many. `BadInput` when not an admin or already upgraded.

    `admin_session` is a `VaultSession` (typed loosely: the session imports this module's readers)."""
    from chandong_tui.vault.session import VaultSession

    assert isinstance(admin_session, VaultSession)
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
    try:
        doc = orjson.loads(data)
        key, uhash = b64d(str(doc["key"])), str(doc["by"])
        grants = keyring.for_user(uhash)
        admin = bool(grants) and max(grants, key=lambda g: g.order).role == ADMIN_ROLE
        ok = (
            doc["vault"] == info.vault_id
            and (key == info.root_sign_pub or (admin and key in keyring.sign_keys(uhash)))
            and verify_signature_of(key, doc)
        )
        files = frozenset(str(v) for v in dict(doc["files"]).values())
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        ok, files = False, frozenset()
    if not ok:
        raise IntegrityError(f"{MANIFEST} is not signed by an admin of this vault (forged)")
    if not pinned:
        remember(info, digest)
    return files


def verify_signature_of(key: bytes, doc: dict[str, object]) -> bool:
    from chandong_tui.vault.crypto import verify_signature

    return verify_signature(key, b64d(str(doc.get("sig", ""))), _canonical(doc))


def _pin_path(info: VaultInfo):
    return local_dir(info.vault_id) / "legacy.json"


def _pinned(info: VaultInfo) -> str:
    try:
        return str(orjson.loads(_pin_path(info).read_bytes())["manifest"])
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
        return ""


def remember(info: VaultInfo, digest: str) -> None:
    write_atomic(_pin_path(info), orjson.dumps({"manifest": digest}))
