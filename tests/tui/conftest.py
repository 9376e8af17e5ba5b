"""The idle lock's timer looks only in the tests about it (they make it look often)."""

from __future__ import annotations

import pytest

from chandong_tui.tui.idle_lock import IdleLock


@pytest.fixture(autouse=True)
def idle_lock_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that move the app's clock on by hours (to see deadlines pass) would otherwise race the
    lock's 5-second check: whether it locks the screen before the next assertion depends on how busy
    the machine is. The idle-lock tests set their own interval, which wins over this one."""
    monkeypatch.setattr(IdleLock, "CHECK_EVERY_S", 24 * 3600.0)
