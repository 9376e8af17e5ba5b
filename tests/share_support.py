"""Several PCs on one shared vault folder, in one test: each PC is a state folder of its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from chandong_tui.vault.accounts import create_vault, unlock
from chandong_tui.vault.session import VaultSession
from tests.conftest import PASSPHRASE

DONG = "1159053000"


def shared_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new vault in `tmp_path/share/vault`, created by PC "a" (user `boss`)."""
    root = tmp_path / "share" / "vault"
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "pc-a"))
    create_vault(root, DONG, "boss", PASSPHRASE).close()
    return root


@contextmanager
def pc(name: str, root: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[VaultSession]:
    """The vault unlocked on PC `name` (its own state folder beside the share)."""
    monkeypatch.setenv("CHANDONG_HOME", str(root.parent.parent / f"pc-{name}"))
    with unlock(root, "boss", PASSPHRASE) as session:
        yield session
