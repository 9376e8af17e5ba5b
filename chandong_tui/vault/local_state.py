"""The local state dir (`CHANDONG_HOME`): per OS user and PC, never shared.

```
<home>/last_vault                 path of the vault opened last
<home>/vaults/<vault id>/pin.json   vault id and root key seen first (a swapped VAULT.json is refused)
<home>/vaults/<vault id>/slots/<device>/  lock, outbox/, cache.tdb (and cache.meta: see `cache.py`)
```
A slot is one device id: one writer. A second process on this PC takes another slot (and so another
device id) instead of waiting, so two windows never write the same files.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import sys
from pathlib import Path
from typing import IO

import orjson

from chandong_tui.vault.atomic import write_atomic
from chandong_tui.vault.encoding import b64e
from chandong_tui.vault.errors import IntegrityError
from chandong_tui.vault.folder import VaultInfo


def state_home() -> Path:
    """`CHANDONG_HOME`, else the platform's per-user data dir."""
    configured = os.environ.get("CHANDONG_HOME")
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "chandong"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "chandong"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "chandong"


def local_dir(vault_id: str) -> Path:
    """This PC's state folder for one vault."""
    return state_home() / "vaults" / vault_id


def remember_vault(root: Path) -> None:
    write_atomic(state_home() / "last_vault", str(root.resolve()).encode())


def last_vault() -> Path | None:
    try:
        return Path((state_home() / "last_vault").read_text().strip())
    except FileNotFoundError:
        return None


def check_pin(info: VaultInfo) -> None:
    """Trust on first use: the vault's root key must not change under the same id."""
    pin = local_dir(info.vault_id) / "pin.json"
    expected = {"vault_id": info.vault_id, "root_sign_pub": b64e(info.root_sign_pub)}
    try:
        seen = orjson.loads(pin.read_bytes())
    except FileNotFoundError:
        write_atomic(pin, orjson.dumps(expected))
        return
    if seen != expected:
        raise IntegrityError("VAULT.json changed since this PC first opened the vault (swapped or forged)")


class DeviceSlot:
    """A locked device slot for one vault: outbox and cache of one device id."""

    def __init__(self, folder: Path, lock: IO[bytes]) -> None:
        self.folder = folder
        self.device = folder.name
        self._lock = lock

    @property
    def outbox_dir(self) -> Path:
        return self.folder / "outbox"

    @property
    def cache_path(self) -> Path:
        return self.folder / "cache.tdb"

    def release(self) -> None:
        if not self._lock.closed:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()


def take_slot(vault_id: str) -> DeviceSlot:
    """The first free slot of this PC for the vault, or a new one with a fresh device id."""
    slots = local_dir(vault_id) / "slots"
    slots.mkdir(parents=True, exist_ok=True)
    for folder in sorted(p for p in slots.iterdir() if p.is_dir()):
        slot = _try_lock(folder)
        if slot is not None:
            return slot
    while True:
        folder = slots / secrets.token_hex(8)
        folder.mkdir()
        slot = _try_lock(folder)
        if slot is not None:
            return slot


def _try_lock(folder: Path) -> DeviceSlot | None:
    handle = open(folder / "lock", "a+b")  # noqa: SIM115 - held for the slot's lifetime
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return DeviceSlot(folder, handle)
