"""The vault folder and its marker file `VAULT.json` (plaintext, written once).

```
VAULT.json                 format, vault id, dong code, fingerprint: a marker, trusted for nothing
members/<seq>-<hash>.json  the signed membership history (`members.py`): roles, keys, epochs
users/<hash>-<rev>.json    identities sealed under passphrases
devices/<device>/<seq>.chunk write-once encrypted op chunks, one writer per folder
```

The first format (`chandong-vault/1`) named the creator's signing key here and kept signed grants in
`keyring/`; such a vault is read as `legacy` until an admin upgrades it (`upgrade.py`). What a marker
says is checked against the history (`keyring.load_keyring`): a replaced one is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import orjson

from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.encoding import b64d
from chandong_tui.vault.errors import BadInput, IntegrityError, NotAVault

MARKER = "VAULT.json"
FORMAT = "chandong-vault/2"
LEGACY_FORMAT = "chandong-vault/1"
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
    """The first format's root key (trusted only by its upgrade); empty in the second."""
    legacy: bool = False
    """A first-format vault (no membership history yet)."""
    fingerprint: str = ""
    """What the marker claims; the history's own is what counts."""

    @property
    def devices(self) -> Path:
        return self.root / DEVICES_DIR


def check_empty(root: Path) -> None:
    """A vault is made only in an empty (or new) folder; never over an existing vault or other files."""
    root.mkdir(parents=True, exist_ok=True)
    if (root / MARKER).exists():
        raise BadInput(f"{root} is already a vault")
    if any(p for p in root.iterdir() if not p.name.startswith(".")):
        raise BadInput(f"{root} is not empty; a vault needs a folder of its own")


def write_marker(root: Path, vault_id: str, dong_code: str, fingerprint: str) -> VaultInfo:
    """Write `VAULT.json` of the second format (a new vault, or over the first one at its upgrade)."""
    doc = {"format": FORMAT, "vault_id": vault_id, "dong_code": dong_code, "fingerprint": fingerprint}
    write_atomic(root / MARKER, orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    return VaultInfo(root, vault_id, dong_code, b"", fingerprint=fingerprint)


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
        if doc.get("format") == LEGACY_FORMAT:
            legacy = not (root / "members").is_dir()  # an upgrade cut short after its history
            pub = b64d(doc["root_sign_pub"])
            return VaultInfo(root, str(doc["vault_id"]), str(doc["dong_code"]), pub, legacy=legacy)
        if doc.get("format") != FORMAT:
            raise IntegrityError(f"{MARKER}: unknown format {doc.get('format')!r}")
        fingerprint = str(doc.get("fingerprint", ""))
        return VaultInfo(root, str(doc["vault_id"]), str(doc["dong_code"]), b"", fingerprint=fingerprint)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        raise IntegrityError(f"{MARKER} is damaged") from None
