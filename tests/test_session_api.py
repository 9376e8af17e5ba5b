"""The session's boundary: its state is read through properties and changed through its methods only.

`sync`, `packs`, `snapshots`, account administration and case work read the session; none of them sets
its fields or reads its private ones (they used to, which made the session's guarantees depend on
code elsewhere)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import chandong_tui
from chandong_tui.vault.accounts import create_vault
from tests.conftest import PASSPHRASE

READ_ONLY = (
    "info",
    "identity",
    "role",
    "slot",
    "device",
    "keys",
    "epoch",
    "pending",
    "last_ingest",
    "publishing_stopped",
    "problems",
    "closed",
)


def test_the_sessions_state_cannot_be_set_from_outside(tmp_path: Path) -> None:
    with create_vault(tmp_path / "v", "1159053000", "boss", PASSPHRASE) as session:
        for name in READ_ONLY:
            with pytest.raises(AttributeError):
                setattr(session, name, getattr(session, name))
        with pytest.raises(TypeError):
            session.keys[session.epoch + 1] = b"\0" * 32  # type: ignore[index]
        assert session.epoch == max(session.keys) == 1


def test_a_new_epoch_reaches_the_session_through_adopt_epoch(tmp_path: Path) -> None:
    with create_vault(tmp_path / "v", "1159053000", "boss", PASSPHRASE) as session:
        key = session.keys[1]
        session.adopt_epoch(2, b"\1" * 32)
        assert session.epoch == 2 and dict(session.keys) == {1: key, 2: b"\1" * 32}


SESSION_NAMES = r"(?:session|admin|fresh|self\.session|repo\.session)"
PRIVATE_READ = re.compile(rf"\b{SESSION_NAMES}\._[a-z]")
FIELD_SET = re.compile(rf"\b{SESSION_NAMES}\.[a-z_]+(?:\[[^\]]*\])? = ")


def test_no_module_reads_the_sessions_private_fields_or_sets_its_fields() -> None:
    package = Path(chandong_tui.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        if path == package / "vault" / "session.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if PRIVATE_READ.search(line) or FIELD_SET.search(line):
                found.append(f"{path.relative_to(package)}:{number}: {line.strip()}")
    assert found == []
