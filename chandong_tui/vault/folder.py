"""The vault folder and its marker file `VAULT.json` (plaintext, written once).

```
VAULT.json                 format, vault id, dong code, the creator's signing key
users/<hash>-<rev>.json    identities sealed under passphrases
keyring/<epoch>-<hash>.json  signed grants of the vault key
devices/<device>/<seq>.chunk write-once encrypted op chunks, one writer per folder
```
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import orjson

from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.encoding import b64d, b64e
from chandong_tui.vault.errors import BadInput, IntegrityError, NotAVault

MARKER = "VAULT.json"
FORMAT = "chandong-vault/1"
DEVICES_DIR = "devices"
DEVICE_NAME = re.compile(r"^[0-9a-f]{16}$")
"""A device folder's name: 16 hex digits."""


@dataclass(frozen=True)
class VaultInfo:
    """What `VAULT.json` says."""

    root: Path
    vault_id: str
    dong_code: str
    root_sign_pub: bytes

    @property
    def devices(self) -> Path:
        return self.root / DEVICES_DIR


def create_marker(root: Path, dong_code: str, root_sign_pub: bytes) -> VaultInfo:
    """Write `VAULT.json` in an empty (or new) folder; never over an existing vault or other files."""
    root.mkdir(parents=True, exist_ok=True)
    if (root / MARKER).exists():
        raise BadInput(f"{root} is already a vault")
    if any(p for p in root.iterdir() if not p.name.startswith(".")):
        raise BadInput(f"{root} is not empty; a vault needs a folder of its own")
    info = VaultInfo(root, uuid.uuid4().hex, dong_code, root_sign_pub)
    doc = {
        "format": FORMAT,
        "vault_id": info.vault_id,
        "dong_code": dong_code,
        "root_sign_pub": b64e(root_sign_pub),
    }
    write_atomic(root / MARKER, orjson.dumps(doc, option=orjson.OPT_INDENT_2), exclusive=True)
    return info


def read_marker(root: Path) -> VaultInfo:
    """The vault at `root`; `NotAVault` when there is no marker (a folder is never silently initialised)."""
    path = root / MARKER
    if not root.is_dir():
        raise NotAVault(f"{root} is not a folder")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotAVault(f"{root} is not a chandong vault ({MARKER} is missing)") from None
    try:
        doc = orjson.loads(data)
        if doc.get("format") != FORMAT:
            raise IntegrityError(f"{MARKER}: unknown format {doc.get('format')!r}")
        return VaultInfo(root, str(doc["vault_id"]), str(doc["dong_code"]), b64d(doc["root_sign_pub"]))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        raise IntegrityError(f"{MARKER} is damaged") from None
