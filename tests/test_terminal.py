"""`chandong demo` in a real terminal (tmux): unlock, search and open a household with keys alone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from chandong_tui.casework.setup import DEMO_PASSPHRASE
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"), reason="needs tmux"
)


class Tmux:
    """One tmux session on a private server socket, killed at the end."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True, timeout=20
        ).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "app")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", "app", key)
            time.sleep(0.15)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; screen was:\n{self.screen()}")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    server = Tmux(f"chandong-test-{uuid.uuid4().hex[:8]}")
    yield server
    subprocess.run(["tmux", "-L", server.socket, "kill-server"], capture_output=True, timeout=20)


def test_demo_in_a_real_terminal(tmux: Tmux, tmp_path: Path, chandong_home: Path) -> None:
    vault = tmp_path / "demo"
    command = (
        f"cd {REPO} && CHANDONG_HOME={chandong_home} TERM=xterm-256color "
        f"{sys.executable} -m chandong_tui demo --dir {vault}; echo EXITED $?; sleep 60"
    )
    tmux.run("new-session", "-d", "-s", "app", "-x", "100", "-y", "30", command)
    tmux.wait_for("사용자 ID", timeout=60)
    tmux.keys("planner", "Tab", DEMO_PASSPHRASE, "Enter")
    listing = tmux.wait_for("200가구")
    assert "통-반" in listing
    tmux.keys("김철수")
    tmux.wait_for("1/200")
    tmux.keys("Enter")
    detail = tmux.wait_for("가구원")
    assert "김철수" in detail
    tmux.keys("Escape", "C-q")
    assert "EXITED 0" in tmux.wait_for("EXITED")
    from chandong_tui.vault.session import unlock

    with unlock(vault, "planner", DEMO_PASSPHRASE) as session:  # the app released its slot and closed cleanly
        assert session.device in {p.name for p in (vault / "devices").iterdir()}
