"""`chandong demo` over `ssh -tt`, into an sshd the test starts on 127.0.0.1 with throwaway keys.

The same keys as in a local terminal (sign in, search, open a household, record a visit, raise a
crisis flag), and the connection dropped under the app: the app must leave by itself, through its
usual shutdown (the vault session published and closed), and lose nothing that was saved. (The app does
so through `terminal_watch.watch_terminal`.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.terminal_support import (
    Sshd,
    Tmux,
    alive,
    app_command,
    app_pids,
    children_of,
    kill_all,
    needs_ssh,
    open_household,
    record_visit_and_raise_flag,
    sign_in,
    sshd_server,
    then_report_exit,
    vault_facts,
    visit_and_flag_with_keys_alone,
    wait_gone,
)

pytestmark = [needs_ssh, pytest.mark.timeout(120)]

EXIT_WITHIN_S = 10
"""How long the app may take to leave after its terminal went away."""


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[Sshd]:
    yield from sshd_server(tmp_path / "sshd")


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Path]:
    """Where the remote `chandong demo` builds its vault; its app is stopped at the end if still there."""
    path = tmp_path / "demo"
    yield path
    kill_all([pid for pid in app_pids(path) if alive(pid)])


def ssh_client(tmux: Tmux) -> int:
    """The `ssh` process running in the tmux pane."""
    pane = children_of(tmux.pane_pid())
    clients = [pid for pid in pane if Path(f"/proc/{pid}/comm").read_text().strip() == "ssh"]
    assert len(clients) == 1, clients
    return clients[0]


def test_demo_over_ssh(tmux: Tmux, sshd: Sshd, vault: Path, chandong_home: Path) -> None:
    tmux.start(then_report_exit(sshd.ssh_command(app_command(vault, chandong_home))))
    sign_in(tmux)
    open_household(tmux)
    tmux.keys("Escape", "C-q")
    assert "EXITED 0" in tmux.wait_for("EXITED")  # ssh passes on the app's exit status
    assert app_pids(vault) == []
    facts = vault_facts(vault, verify=True)
    assert facts.problems == []


def test_visit_and_flag_over_ssh(tmux: Tmux, sshd: Sshd, vault: Path, chandong_home: Path) -> None:
    visit_and_flag_with_keys_alone(tmux, sshd.ssh_command(app_command(vault, chandong_home)), vault)


@pytest.mark.parametrize("how", ["app-leads-session", "shell-outlives-hangup"])
def test_ssh_drop_app_exits_cleanly(
    how: str, tmux: Tmux, sshd: Sshd, vault: Path, tmp_path: Path, chandong_home: Path
) -> None:
    """The ssh client is killed: the remote app leaves by itself, having closed its session.

    `app-leads-session` is `ssh host 'chandong ...'`: the remote shell execs the app, which leads the
    terminal's session and gets the hang-up signal itself. In `shell-outlives-hangup` a shell around
    the app survives the hang-up (and then reports the app's exit status): no signal reaches the app,
    only its terminal is gone.
    """
    status = tmp_path / "status"
    command = app_command(vault, chandong_home)
    if how == "shell-outlives-hangup":
        command = f"trap : HUP; {command}; echo $? > {status}"
    tmux.start(then_report_exit(sshd.ssh_command(command)))
    tmux.wait_for("사용자 ID", timeout=60)
    before = vault_facts(vault)
    sign_in(tmux)
    open_household(tmux)
    record_visit_and_raise_flag(tmux)  # saved, not yet published: the way out must publish them
    (app,) = app_pids(vault)
    session_leader = int(Path(f"/proc/{app}/stat").read_text().rsplit(")", 1)[1].split()[3])
    assert (session_leader == app) == (how == "app-leads-session")

    os.kill(ssh_client(tmux), signal.SIGKILL)  # the connection drops
    dropped = time.monotonic()
    if not wait_gone([app], EXIT_WITHIN_S):
        state = subprocess.run(
            ["ps", "-o", "pid,stat,pcpu,cmd", "-p", str(app)], capture_output=True, text=True, timeout=10
        )
        detail = f"the app still runs {EXIT_WITHIN_S} s after its terminal went away:\n{state.stdout}"
        pytest.fail(detail)
    took = time.monotonic() - dropped

    unclean = []
    if how == "shell-outlives-hangup":
        deadline = time.monotonic() + 5
        while not status.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        code = status.read_text().strip() if status.exists() else "(none)"
        if code != "0":
            unclean.append(f"exit status {code} after {took:.1f} s ({128 + signal.SIGHUP}: killed by SIGHUP)")
    after = vault_facts(vault, verify=True)
    assert after.device == before.device  # the app's slot was freed
    assert after.problems == []
    # nothing saved is lost ...
    assert (after.visits, after.open_flags) == (before.visits + 1, before.open_flags + 1)
    # ... and it reached the shared folder: published by the app's own shutdown, not left in the outbox
    if after.unpublished:
        unclean.append(f"{after.unpublished} change(s) left unpublished in this PC's outbox")
    if unclean:
        detail = f"the app did not close its session when its terminal went away: {'; '.join(unclean)}"
        pytest.fail(detail)
