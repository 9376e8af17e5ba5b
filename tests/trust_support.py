"""Opening a vault on a PC that has not seen it: what a person confirming its fingerprint does.

A PC that opens a vault for the first time asks to confirm its fingerprint (`members.FirstOpen`).
Most tests play several PCs with state folders of their own and are not about that question, so the
suite answers it as a person who compares and says yes would (`confirm_first_opens`, used by every
test through `conftest.chandong_home`); tests of the question itself take it back (`first_open_asks`).
Processes a test starts do not inherit it: `trust_vault` pins a vault in the state folder instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chandong_tui.vault import accounts
from chandong_tui.vault.folder import VaultInfo, read_marker
from chandong_tui.vault.keyring import Keyring
from chandong_tui.vault.local_state import local_dir
from chandong_tui.vault.members import check_pin, load_history, read_pin

ASKING = accounts.trusted_keyring
"""The real check, which asks."""


def _confirming(info: VaultInfo, fingerprint: str | None = None) -> Keyring:
    if fingerprint is None and not info.legacy and read_pin(local_dir(info.vault_id)) is None:
        history = load_history(info.root)
        fingerprint = history.genesis_hash if history else None
    return ASKING(info, fingerprint)


def confirm_first_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every first open in this process confirms the fingerprint it is shown."""
    monkeypatch.setattr(accounts, "trusted_keyring", _confirming)


def first_open_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take `confirm_first_opens` back: a first open raises `FirstOpen` unless confirmed."""
    monkeypatch.setattr(accounts, "trusted_keyring", ASKING)


def trust_vault(root: Path, home: Path | None = None) -> str:
    """Pin the vault at `root` on this PC (the current `CHANDONG_HOME`, or the state folder `home` of
    another PC a test plays in a process of its own); returns its fingerprint."""
    history = load_history(root)
    if history is None or read_marker(root).legacy:
        return ""
    local = home / "vaults" / history.vault_id if home is not None else local_dir(history.vault_id)
    check_pin(history, local, confirmed=history.genesis_hash)
    return history.fingerprint
