"""Real terminals for tests: tmux on a private socket, and an `sshd` on loopback with throwaway keys.

Nothing here is mocked: `Tmux` drives a real tmux server and reads the screen with `capture-pane`;
`Sshd` runs `/usr/sbin/sshd -D` on 127.0.0.1 and a free port, for `ssh -tt` with a key made for the
test. Every subprocess call has a timeout, and every fixture stops what it started, also on failure
(processes are found by id: the server's own, its descendants, and those carrying the test's unique
vault path).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)
SSH = shutil.which("ssh")
SSH_KEYGEN = shutil.which("ssh-keygen")
IN_CI = bool(os.environ.get("CI"))

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None and not IN_CI, reason="needs tmux")
"""Skip without tmux on a developer's machine; in CI (`CI` set) tmux must be there."""

needs_ssh = pytest.mark.skipif(
    (shutil.which("tmux") is None or None in (SSHD, SSH, SSH_KEYGEN)) and not IN_CI,
    reason="needs tmux and OpenSSH (sshd, ssh, ssh-keygen)",
)
"""Skip without tmux or OpenSSH on a developer's machine; in CI they must be there."""


# -- processes --------------------------------------------------------------------------------
def children_of(pid: int) -> list[int]:
    """Every living descendant of `pid` (read from /proc), children before grandchildren."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in parents.get(queue.pop(0), []):
            found.append(child)
            queue.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has exited; only its parent has not reaped it yet
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


def kill_all(pids: list[int], grace: float = 3) -> None:
    """SIGTERM, then SIGKILL what is still alive after `grace` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while any(alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)


def wait_gone(pids: list[int], timeout: float) -> bool:
    """True when none of `pids` is alive within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return not any(alive(p) for p in pids)


# -- tmux -------------------------------------------------------------------------------------
class Tmux:
    """One tmux session (`app`) on a private server socket, killed at the end."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True, timeout=20
        ).stdout

    def start(self, command: str, width: int = 100, height: int = 30) -> None:
        """Run the shell `command` in a new detached session of `width` x `height` cells."""
        self.run("new-session", "-d", "-s", "app", "-x", str(width), "-y", str(height), command)

    def pane_pid(self) -> int:
        """The process tmux started for the pane (the shell running the command)."""
        return int(self.run("display-message", "-p", "-t", "app", "#{pane_pid}").strip())

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "app")

    def keys(self, *keys: str, pause: float = 0.15) -> None:
        """Send tmux key names (`Enter`, `Tab`, `BTab`, `C-s`, ...) or text, one at a time."""
        for key in keys:
            self.run("send-keys", "-t", "app", key)
            time.sleep(pause)

    def type(self, text: str, pause: float = 0.15) -> None:
        """Type `text` literally (never read as a key name), once the keys before it took effect.

        Textual moves the focus (Tab) after the key has gone round the focused widget, so text sent
        right behind a Tab can reach the widget the Tab was leaving; over SSH that happens.
        """
        self.settle()
        self.run("send-keys", "-t", "app", "-l", text)
        time.sleep(pause)

    def settle(self, quiet: float = 0.3, timeout: float = 10) -> None:
        """Wait until the screen (with its colours: the focus shows in them) stopped changing."""
        deadline = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            screen = self.run("capture-pane", "-p", "-e", "-t", "app")
            if screen != last:
                last, since = screen, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
            time.sleep(0.05)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; screen was:\n{self.screen()}")

    def wait_gone(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never went away; screen was:\n{self.screen()}")

    def kill(self) -> None:
        pane_processes: list[int] = []
        try:
            pane_processes = [self.pane_pid()]
            pane_processes += children_of(pane_processes[0])
        except (subprocess.SubprocessError, ValueError):
            pass
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=20)
        kill_all([p for p in pane_processes if alive(p)])


def tmux_session() -> Iterator[Tmux]:
    """Fixture body: a fresh tmux server, killed (with what ran in it) afterwards."""
    server = Tmux(f"chandong-test-{uuid.uuid4().hex[:8]}")
    try:
        yield server
    finally:
        server.kill()


# -- the app ----------------------------------------------------------------------------------
def app_command(vault: Path, home: Path, unset: tuple[str, ...] = ()) -> str:
    """The shell command that runs `chandong demo` building `vault`, with the state dir `home`.

    Everything it needs is on the command line (sshd starts from a clean environment). `unset` names
    environment variables the app must not see (`SSH_CONNECTION`: not in low-bandwidth mode over SSH).
    """
    app = " ".join(
        shlex.quote(part)
        for part in (
            "env",
            *(f"--unset={name}" for name in unset),
            f"CHANDONG_HOME={home}",
            "TERM=xterm-256color",
            "LANG=C.UTF-8",
            sys.executable,
            "-m",
            "chandong_tui",
            "demo",
            "--dir",
            str(vault),
        )
    )
    return f"cd {shlex.quote(str(REPO))} && {app}"


def then_report_exit(command: str) -> str:
    """`command`, then its exit status on the screen, and the pane kept open to read it."""
    return f"{command}; echo EXITED $?; sleep 120"


# -- sshd -------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PortTaken(AssertionError):
    """A server could not bind the free port picked for it: something else took it first."""


class Sshd:
    """An `sshd -D` on 127.0.0.1 with throwaway host and client keys, for the current user.

    `address` is where it listens, `prefix` what runs it (`ip netns exec NS`: in a network namespace).
    """

    def __init__(
        self, folder: Path, address: str = "127.0.0.1", prefix: tuple[str, ...] = (), port: int | None = None
    ) -> None:
        self.folder = folder
        self.address = address
        self.prefix = prefix
        self.port = port or free_port()
        self._port_picked = port is None
        """The port was picked free here: another process (a parallel test) may take it before sshd
        binds it, and `start` then tries another."""
        self.host_key = folder / "host_ed25519"
        self.client_key = folder / "client_ed25519"
        self.config = folder / "sshd_config"
        self.log = folder / "sshd.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20, attempts: int = 3) -> None:
        """Start sshd; on a port taken between picking it and binding it, again on another."""
        for attempt in range(attempts):
            try:
                self._start_once(timeout)
                return
            except PortTaken:
                if not self._port_picked or attempt == attempts - 1:
                    raise
                self.port = free_port()

    def _start_once(self, timeout: float) -> None:
        assert SSHD and SSH and SSH_KEYGEN, "OpenSSH (sshd, ssh, ssh-keygen) is not installed"
        for key in (self.host_key, self.client_key):
            for old in (key, key.with_suffix(".pub")):
                old.unlink(missing_ok=True)
            subprocess.run(
                [SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "chandong-test", "-f", str(key)],
                check=True,
                capture_output=True,
                timeout=30,
            )
        authorized = self.folder / "authorized_keys"
        authorized.write_text(self.client_key.with_suffix(".pub").read_text())
        authorized.chmod(0o600)
        self.config.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    f"ListenAddress {self.address}",
                    f"HostKey {self.host_key}",
                    f"AuthorizedKeysFile {authorized}",
                    f"PidFile {self.folder / 'sshd.pid'}",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",
                    "PermitRootLogin prohibit-password",
                    f"AllowUsers {_current_user()}",
                    "PermitTTY yes",
                    "X11Forwarding no",
                    "AllowTcpForwarding no",
                    "PrintMotd no",
                    "PrintLastLog no",
                    "UseDNS no",
                    "LogLevel VERBOSE",
                    "",
                ]
            )
        )
        with contextlib.suppress(PermissionError):  # not root: sshd says what it misses in its log
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation dir
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*self.prefix, SSHD, "-D", "-e", "-f", str(self.config)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.log.read_text()
                if "Address already in use" in log:
                    raise PortTaken(f"sshd: port {self.port} taken:\n{log}")
                raise AssertionError(f"sshd exited with {self.process.returncode}:\n{log}")
            if f"Server listening on {self.address} port {self.port}" not in self.log.read_text():
                time.sleep(0.1)  # (a connection alone could reach another process on a taken port)
                continue
            try:
                with socket.create_connection((self.address, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(
            f"sshd never listened on {self.address} port {self.port}:\n{self.log.read_text()}"
        )

    def ssh_argv(self, remote_command: str, via: tuple[str, int] | None = None) -> list[str]:
        """`ssh -tt` into this server running `remote_command` (a shell command line); `via` is the
        (host, port) to connect to when that is not the server's own (a relay in between)."""
        assert SSH
        host, port = via or (self.address, self.port)
        return [
            SSH,
            "-tt",
            "-i",
            str(self.client_key),
            "-p",
            str(port),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "ConnectTimeout=10",
            f"{_current_user()}@{host}",
            remote_command,
        ]

    def ssh_command(self, remote_command: str, via: tuple[str, int] | None = None) -> str:
        """`ssh_argv` as one shell command line (for tmux)."""
        return shlex.join(self.ssh_argv(remote_command, via))

    def stop(self) -> None:
        if self.process is None:
            return
        started = [self.process.pid, *children_of(self.process.pid)]  # connections and their shells
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        kill_all([p for p in started if alive(p)])


def _current_user() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name


def sshd_server(folder: Path) -> Iterator[Sshd]:
    """Fixture body: a started `Sshd` in `folder`, stopped (with its connections) afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    server = Sshd(folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def app_pids(vault: Path) -> list[int]:
    """The running `chandong demo --dir vault` processes (the app itself, not shells around it)."""
    import re

    pattern = f"^{re.escape(sys.executable)} -m chandong_tui demo --dir {re.escape(str(vault))}$"
    result = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True, timeout=10)
    return [int(p) for p in result.stdout.split()]


# -- the flow, with keys alone ----------------------------------------------------------------
HEAD = "김철수"
"""The head of the demo household the flow works on (one match in the sample dong)."""


def sign_in(tmux: Tmux, timeout: float = 60) -> str:
    """From the unlock screen to 내 업무 as the demo's welfare planner."""
    from chandong_tui.casework.setup import DEMO_PASSPHRASE

    tmux.wait_for("사용자 ID", timeout=timeout)
    tmux.keys("planner", "Tab", DEMO_PASSPHRASE, "Enter")
    return tmux.wait_for("내 업무")


def open_household(tmux: Tmux, name: str = HEAD) -> str:
    """From 내 업무: the household list, a search for `name`, Enter on the one match."""
    tmux.keys("l")
    listing = tmux.wait_for("200가구")
    assert "통-반" in listing
    tmux.type(name)
    tmux.wait_for("1/200")
    tmux.keys("Enter")
    detail = tmux.wait_for("가구원")
    assert name in detail
    return detail


VISIT_NOTE = "현관에서 면담함"
FLAG_NOTE = "실직 후 월세 두 달 체납"


def record_visit_and_raise_flag(tmux: Tmux) -> None:
    """On the household's screen: record a visit, then raise a crisis flag, with keys alone."""
    record_visit(tmux)
    raise_flag(tmux)


RESOURCE = ("동작구 주거복지센터", "주거급여 신청 지원")
"""(기관, 서비스) of the resource `record_visit(…, with_resource=True)` links (분야 물품지원, 진행중)."""


def record_visit(tmux: Tmux, *, with_resource: bool = False) -> None:
    """On the household's screen: record a visit with keys alone (and a resource linked on it).

    The only place that knows the visit form's fields and their order (`v`): 방문일 (today), 방문 유형,
    대상, 확인된 욕구 (a pick list), three resource rows of four fields (기관, 서비스, 분야, 처리결과), 메모,
    다음 방문 예정일 (proposed).
    """
    tmux.keys("v")
    tmux.wait_for("방문상담 기록")
    tmux.settle()  # the first field takes the focus after the form is drawn
    tmux.keys("Tab", "Tab", "Tab")  # 방문일 → 방문 유형 → 대상 → 확인된 욕구
    tmux.type("주")  # the pick list jumps to 주거 ...
    tmux.keys("Space")  # ... and space picks it
    if with_resource:
        agency, service = RESOURCE
        tmux.keys("Tab")
        tmux.type(agency)
        tmux.keys("Tab")
        tmux.type(service)
        tmux.keys("Tab", "Enter")  # 분야: open the list ...
        tmux.type("물")  # ... type to find 물품지원 ...
        tmux.keys("Enter")  # ... and pick it
        tmux.keys(*["Tab"] * 10)  # past 처리결과 (진행중) and the two empty rows to 메모
    else:
        tmux.keys(*["Tab"] * 13)  # past the resource rows (left empty) to 메모
    tmux.type(VISIT_NOTE)
    tmux.settle()  # Ctrl+S acts at once, the note's keys go through the editor first
    tmux.keys("C-s")
    tmux.wait_for("저장됨")
    tmux.wait_gone("저장됨", timeout=10)
    if with_resource:
        tmux.wait_for(f"진행중   {agency} / {service}")  # among the links awaiting an outcome
    else:
        tmux.keys("PageDown")  # the timeline, below the sections ...
        tmux.wait_for(f"주거 · {VISIT_NOTE}")  # ... shows the visit: need and note
        tmux.keys("Home")  # back to the top of the household


def raise_flag(tmux: Tmux) -> None:
    """On the household's screen: raise a crisis flag with keys alone. The crisis-flag form (`f`):
    위기 수준 (a Select), 위기 사유 (a pick list), 메모."""
    tmux.keys("f")
    tmux.wait_for("위기가구 등록")
    tmux.settle()
    tmux.keys("Enter")  # 위기 수준: open the list ...
    tmux.type("위")  # ... type to find 위기 ...
    tmux.keys("Enter")  # ... and pick it
    tmux.keys("Tab")  # 위기 사유
    tmux.type("실")  # 실직
    tmux.keys("Space")
    tmux.keys("Tab")  # 메모
    tmux.type(FLAG_NOTE)
    tmux.settle()
    tmux.keys("C-s")
    tmux.wait_for("저장됨")
    tmux.wait_for(FLAG_NOTE)  # among the household's open flags


TASK_TITLE = "주거급여 서류 확인"
TASK_NOTE = "서류 접수됨"


def add_and_finish_task(tmux: Tmux) -> None:
    """On the household's screen (a case of the planner with no open task): add a follow-up task
    (`t`: 제목, then the proposed assignee and due date), then mark it done with a note (`d`)."""
    tmux.keys("t")
    tmux.wait_for("할 일 등록")
    tmux.settle()
    tmux.type(TASK_TITLE)
    tmux.settle()
    tmux.keys("C-s")
    tmux.wait_for("저장됨")
    tmux.wait_for(TASK_TITLE)  # in the household's task section and on its timeline
    tmux.wait_gone("저장됨", timeout=10)
    tmux.keys("d")
    tmux.wait_for("할 일 완료")
    tmux.settle()
    tmux.type(TASK_NOTE)
    tmux.settle()
    tmux.keys("C-s")
    tmux.wait_for("저장됨")
    tmux.keys("PageDown")  # the timeline, below the sections
    tmux.wait_for(TASK_NOTE)  # the step on the timeline, with its note


@dataclass
class VaultFacts:
    """What the vault holds for the flow's household, read by a fresh session of the planner."""

    visits: int
    open_flags: int
    unpublished: int
    """Changes found only in this PC's outbox at unlock: the app did not publish them on its way out."""
    problems: list[str]
    device: str
    """The device slot this read used: the app's own once the app has gone (the first free slot)."""


def vault_facts(vault: Path, name: str = HEAD, verify: bool = False) -> VaultFacts:
    """Unlock `vault` as the planner on this PC (the state dir is the test's `CHANDONG_HOME`)."""
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.casework.setup import DEMO_PASSPHRASE
    from chandong_tui.model.enums import FlagState
    from chandong_tui.vault.accounts import unlock
    from chandong_tui.vault.verify import verify_vault

    with unlock(vault, "planner", DEMO_PASSPHRASE) as session:
        unpublished = session.carried_over  # (not `unpublished`: this unlock's own login event is there)
        repo = CaseRepository(session)
        (household,) = [h for h in repo.household_summaries() if h.head_name == name]
        visits = len(repo.visits_of(household.id))
        open_flags = sum(f.state is FlagState.OPEN for f in repo.flags_of(household.id))
        problems = [str(p) for p in session.problems]
        if verify:
            problems += [str(p) for p in verify_vault(session).problems]
        device = session.device
    return VaultFacts(visits, open_flags, unpublished, problems, device)


def visit_and_flag_with_keys_alone(tmux: Tmux, command: str, vault: Path) -> None:
    """Run `command` (the demo app, locally or through ssh) in `tmux`: sign in, open a household, record a
    visit and raise a flag with keys alone, quit; the vault then holds both, published, with no problem."""
    tmux.start(then_report_exit(command))
    tmux.wait_for("사용자 ID", timeout=60)  # the demo vault is built (and closed) by now
    before = vault_facts(vault)
    sign_in(tmux)
    open_household(tmux)
    record_visit_and_raise_flag(tmux)
    tmux.keys("Escape", "C-q")
    assert "EXITED 0" in tmux.wait_for("EXITED")  # (through ssh, ssh passes on the app's exit status)
    after = vault_facts(vault, verify=True)
    assert (after.visits, after.open_flags) == (before.visits + 1, before.open_flags + 1)
    assert after.device == before.device  # the app's slot, free again
    assert after.unpublished == 0  # the app published both on its way out
    assert after.problems == []
