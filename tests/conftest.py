"""Every test gets its own state dir; no test touches the user's files."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from chandong_tui.casework.repository import CaseRepository
    from tests.terminal_support import Tmux

REPO = Path(__file__).resolve().parent.parent
PASSPHRASE = "correct horse battery"


@pytest.fixture(autouse=True)
def chandong_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CHANDONG_HOME", str(home))
    # COLUMNS and LINES: pytest-xdist's workers set them (80×24), and an app started from a test (in a
    # pty, tmux or over ssh) would take them for its terminal's size.
    for name in ("CHANDONG_USER", "CHANDONG_PASSPHRASE", "SSH_CONNECTION", "COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)
    from tests.trust_support import confirm_first_opens

    confirm_first_opens(monkeypatch)  # a PC's first open of a vault: see tests/trust_support.py
    return home


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo vault built once per test run (Argon2id is slow on purpose); copy it before use."""
    from chandong_tui.casework.setup import SAMPLE_TODAY, build_demo

    home = tmp_path_factory.mktemp("template-home")
    old = os.environ.get("CHANDONG_HOME")
    os.environ["CHANDONG_HOME"] = str(home)
    try:
        # Left on the sample's own dates: tests read it at fixed moments around them.
        return build_demo(tmp_path_factory.mktemp("template") / "vault", SAMPLE_TODAY).root
    finally:
        if old is None:
            del os.environ["CHANDONG_HOME"]
        else:
            os.environ["CHANDONG_HOME"] = old


@pytest.fixture
def demo_vault(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo vault, trusted by this test's PC (and the processes it starts)."""
    from tests.trust_support import trust_vault

    target = tmp_path / "demo"
    shutil.copytree(demo_template, target)
    trust_vault(target)
    return target


def main_in_process(*argv: str) -> int:
    """Run `chandong` in this process (so capsys sees its output); returns the exit code. Like a new
    process, each run starts with the environment the test set (the passphrases are taken out of the
    environment by the command that reads them)."""
    from chandong_tui import cli

    environment = dict(os.environ)
    try:
        return cli.main(list(argv))
    finally:
        os.environ.clear()
        os.environ.update(environment)


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    """Run `python -m chandong_tui` in a subprocess with no standard input."""
    import subprocess

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "chandong_tui", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=full_env,
        timeout=timeout,
        cwd=REPO,
    )


@contextmanager
def opened(vault: Path, user: str) -> Iterator[CaseRepository]:
    """A repository on `vault` unlocked as the demo user `user` (closed on the way out)."""
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.casework.setup import DEMO_PASSPHRASE
    from chandong_tui.vault.accounts import unlock

    with unlock(vault, user, DEMO_PASSPHRASE) as session:
        yield CaseRepository(session)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    """A tmux server of the test's own (its own socket), killed with everything in it afterwards."""
    from tests.terminal_support import tmux_session  # it reads this module's REPO

    yield from tmux_session()
