"""The terminal UI over a slow link: 50 ms each way and 1 Mbit/s between the ssh client and sshd.

The link is a network namespace and a veth pair the test makes (`tests/slow_link_support.py`: `netem`
when the kernel has it, else `tbf` for the rate and a userspace relay for the delay; the output says
which). The app runs under the sshd inside the namespace; the ssh client runs in tmux outside it.

- The visit-recording flow (sign in, search, open a household, record a visit, raise a flag, quit)
  completes over the link, and the vault holds both, published.
- On the household list (120x40), in low-bandwidth mode and in normal mode: the bytes the server
  sends per cursor move and per page scroll (the namespace veth's `tx_bytes`: link level, SSH and
  TCP/IP included), the keystroke-to-screen latency (from `tmux send-keys` until `capture-pane` shows
  the list changed) and the bytes sent per second while nobody types. Low-bandwidth mode must stay
  within 2 KiB per cursor move and 16 KiB per page, send no more than normal mode per action, and
  (next to) nothing while idle. `pytest -s` prints the figures.
"""

from __future__ import annotations

import contextlib
import socket
import statistics
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.slow_link_support import DELAY_S, DelayRelay, SlowLink, needs_netns, slow_link, slow_sshd
from tests.terminal_support import (
    Sshd,
    Tmux,
    alive,
    app_command,
    app_pids,
    kill_all,
    open_household,
    sign_in,
    then_report_exit,
    tmux_session,
    visit_and_flag_with_keys_alone,
)

MOVE_BYTES_MAX = 2048
"""Bytes per cursor move in a list over SSH (docs/ARCHITECTURE.md §6)."""
PAGE_BYTES_MAX = 16384
"""Bytes per page scroll at 120x40 (docs/ARCHITECTURE.md §6)."""
ONE_MORE_PACKET = 128
"""What the same redraw costs more when the app's write leaves in two SSH packets instead of one (a
second TCP/IP header, SSH length, padding and MAC): a ↓ of ~600 bytes moved by ~90 that way in one run."""
MOVES = 8
PAGES = 3
IDLE_S = 6.0
"""How long the idle list is watched (longer than a background sync round: 5 s)."""
SETTLE_S = 0.4
"""How long after the screen changed late bytes are still counted (more than a round trip)."""


@pytest.fixture
def link() -> Iterator[SlowLink]:
    yield from slow_link()


@pytest.fixture
def server(link: SlowLink, tmp_path: Path) -> Iterator[tuple[Sshd, tuple[str, int]]]:
    yield from slow_sshd(link, tmp_path / "sshd")


@pytest.fixture
def vaults(tmp_path: Path) -> Iterator[list[Path]]:
    """Where the remote `chandong demo` builds its vaults (one per app started); their apps are
    stopped at the end if still there."""
    made: list[Path] = []
    yield made
    for path in made:
        kill_all([pid for pid in app_pids(path) if alive(pid)])


# -- the relay on its own (no root needed) ----------------------------------------------------
def test_relay_delays_each_way_keeps_order_and_stops() -> None:
    """Through `DelayRelay` to an echo server on loopback: a round trip takes two delays, the bytes
    come back whole and in order, and stopping leaves no thread behind."""
    echo = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = echo.accept()
        with conn:
            while data := conn.recv(65536):
                conn.sendall(data)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    relay = DelayRelay(echo.getsockname()[:2], delay=DELAY_S)
    relay.start()
    try:
        with socket.create_connection(relay.address, timeout=10) as client:
            client.settimeout(10)
            started = time.monotonic()
            client.sendall(b"ping")
            assert client.recv(4) == b"ping"
            round_trip = time.monotonic() - started
            payload = bytes(range(256)) * 2000  # 512 kB, more than one read, in order
            sender = threading.Thread(target=client.sendall, args=(payload,), daemon=True)
            sender.start()
            back = bytearray()
            while len(back) < len(payload):
                chunk = client.recv(65536)
                assert chunk, "the relay closed early"
                back += chunk
            sender.join(timeout=10)
        assert bytes(back) == payload
        assert 2 * DELAY_S <= round_trip < 2 * DELAY_S + 0.5
        # a writer counts a chunk once `sendall` returned, which may be after the client read it
        expected, deadline = 2 * (4 + len(payload)), time.monotonic() + 5
        while sum(pipe.moved for pipe in relay.pipes) < expected and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sum(pipe.moved for pipe in relay.pipes) == expected
    finally:
        relay.stop()  # (asserts that its threads ended)
        echo.close()
        server.join(timeout=5)


# -- over the slow link -----------------------------------------------------------------------
@needs_netns
@pytest.mark.timeout(120)
def test_link_is_slow(link: SlowLink, server: tuple[Sshd, tuple[str, int]]) -> None:
    """The link really is about 1 Mbit/s: 250 kB from the server take at least 1.8 s more than nothing."""
    sshd, via = server
    print(f"\n{link.describe()}")

    def timed(remote: str) -> tuple[float, bytes]:
        started = time.monotonic()
        done = subprocess.run(
            [arg for arg in sshd.ssh_argv(remote, via) if arg != "-tt"],  # no terminal: raw bytes
            capture_output=True,
            timeout=60,
            check=True,
        )
        return time.monotonic() - started, done.stdout

    empty, _ = timed("true")
    sent_before = link.server_tx_bytes()
    full, data = timed("head -c 250000 /dev/urandom")
    sent = link.server_tx_bytes() - sent_before
    print(f"ssh true: {empty:.2f} s; 250 kB: {full:.2f} s; {sent} bytes on the link")
    assert len(data) == 250000
    assert sent >= 250000
    assert full - empty >= 0.9 * 250000 * 8 / 1e6


@needs_netns
@pytest.mark.timeout(240)
def test_visit_flow_over_slow_link(
    link: SlowLink,
    server: tuple[Sshd, tuple[str, int]],
    vaults: list[Path],
    chandong_home: Path,
) -> None:
    sshd, via = server
    print(f"\n{link.describe()}")
    vault = sshd.folder.parent / "demo"
    vaults.append(vault)
    started, sent = time.monotonic(), link.server_tx_bytes()
    with contextlib.contextmanager(tmux_session)() as tmux:
        visit_and_flag_with_keys_alone(tmux, sshd.ssh_command(app_command(vault, chandong_home), via), vault)
    took, sent = time.monotonic() - started, link.server_tx_bytes() - sent
    print(f"visit-recording flow over the slow link: {took:.1f} s, {sent / 1000:.0f} kB from the server")


@dataclass
class Figures:
    """What one app session on the household list sent and how fast it answered."""

    mode: str
    opening: int = 0
    """Bytes from the key that opens the list until a second after it showed."""
    first_move: int = 0
    """Bytes of the first cursor move after the list opened."""
    moves: list[int] = field(default_factory=list)
    """Bytes per cursor move, from the key until the screen showed it."""
    late: list[int] = field(default_factory=list)
    """Bytes the server sent in the `SETTLE_S` after each move showed."""
    pages: list[int] = field(default_factory=list)
    move_ms: list[float] = field(default_factory=list)
    page_ms: list[float] = field(default_factory=list)
    idle_per_s: float = 0.0

    def row(self) -> str:
        med = statistics.median
        return (
            f"{self.mode:<14} {self.opening:>7} {med(self.moves):>8.0f} {max(self.moves):>7} "
            f"{self.first_move:>8} {med(self.late):>6.0f} {med(self.pages):>8.0f} {med(self.move_ms):>7.0f} "
            f"{med(self.page_ms):>8.0f} {self.idle_per_s:>9.0f}"
        )


HEADER = (
    f"{'mode':<14} {'open B':>7} {'↓ bytes':>8} {'↓ max':>7} {'1st ↓':>8} {'late':>6} {'page B':>8} "
    f"{'↓ ms':>7} {'page ms':>8} {'idle B/s':>9}"
)


def list_region(tmux: Tmux, top: int) -> list[str]:
    """The household list's lines with their colours (the cursor shows in them): below the line
    `top` (the column header) and above the sync status line and the footer."""
    return tmux.run("capture-pane", "-p", "-e", "-t", "app").splitlines()[top + 1 : -2]


def timed_key(tmux: Tmux, link: SlowLink, top: int, key: str) -> tuple[float, int, int]:
    """Send `key`; (seconds until the list changed on screen, bytes the server sent until then,
    bytes it sent in the `SETTLE_S` after)."""
    before = list_region(tmux, top)
    sent = link.server_tx_bytes()
    started = time.monotonic()
    tmux.run("send-keys", "-t", "app", key)
    while list_region(tmux, top) == before:
        if time.monotonic() - started > 10:
            raise AssertionError(f"{key} never changed the list:\n{tmux.screen()}")
        time.sleep(0.01)
    latency = time.monotonic() - started
    shown = link.server_tx_bytes()
    time.sleep(SETTLE_S)
    return latency, shown - sent, link.server_tx_bytes() - shown


def measure(tmux: Tmux, link: SlowLink, mode: str) -> Figures:
    """From 내 업무: the bytes that open the household list, then on the list idle bytes, cursor
    moves and page scrolls."""
    figures = Figures(mode)
    sent = link.server_tx_bytes()
    tmux.keys("l")
    tmux.wait_for("200가구")
    time.sleep(1.0)  # (not until the screen is still: in normal mode the cursor blinks)
    figures.opening = link.server_tx_bytes() - sent
    tmux.settle(quiet=1.0)
    plain = tmux.screen().splitlines()
    (top,) = [i for i, line in enumerate(plain) if "통-반" in line]
    sent = link.server_tx_bytes()
    time.sleep(IDLE_S)
    figures.idle_per_s = (link.server_tx_bytes() - sent) / IDLE_S
    _, figures.first_move, _ = timed_key(tmux, link, top, "Down")
    for _ in range(MOVES):
        latency, sent, late = timed_key(tmux, link, top, "Down")
        figures.moves.append(sent)
        figures.late.append(late)
        figures.move_ms.append(latency * 1000)
    for _ in range(PAGES):
        latency, sent, late = timed_key(tmux, link, top, "NPage")
        figures.pages.append(sent + late)
        figures.page_ms.append(latency * 1000)
    return figures


@needs_netns
@pytest.mark.timeout(240)
def test_bytes_and_latency_per_action_over_slow_link(
    link: SlowLink,
    server: tuple[Sshd, tuple[str, int]],
    vaults: list[Path],
    chandong_home: Path,
) -> None:
    sshd, via = server
    results: list[Figures] = []
    # Over SSH the app starts in low-bandwidth mode by itself; without SSH_CONNECTION it does not.
    for mode, unset in (("low-bandwidth", ()), ("normal", ("SSH_CONNECTION",))):
        vaults.append(sshd.folder.parent / f"demo-{len(vaults)}")
        command = sshd.ssh_command(app_command(vaults[-1], chandong_home, unset=unset), via)
        with contextlib.contextmanager(tmux_session)() as tmux:
            tmux.start(then_report_exit(command), width=120, height=40)
            sign_in(tmux)
            tmux.settle(quiet=1.0)
            results.append(measure(tmux, link, mode))
            tmux.keys("Escape", "C-q")
            assert "EXITED 0" in tmux.wait_for("EXITED")

    print(f"\n{link.describe()}")
    print(
        f"household list, 120x40; bytes sent by the server; medians of {MOVES} moves (↓, after the "
        f"first) and {PAGES} pages (PgDn); ms: key sent until the screen showed it"
    )
    print(HEADER)
    for figures in results:
        print(figures.row())
    low, normal = results
    med = statistics.median

    assert med(low.moves) + med(low.late) <= MOVE_BYTES_MAX
    assert med(low.pages) <= PAGE_BYTES_MAX
    # the same redraw in both modes (SSH packets vary by their padding, or by one more packet)
    assert med(low.moves) <= med(normal.moves) * 1.05 + ONE_MORE_PACKET
    assert med(low.pages) <= med(normal.pages) * 1.05
    # nobody typing: normal mode blinks the search box's cursor, low-bandwidth mode sends nothing
    assert low.idle_per_s <= normal.idle_per_s / 10
    # the link is slow (two one-way delays at least), the app still answers within a second
    assert 2 * DELAY_S <= med(low.move_ms) / 1000 < 1.0


def idle_bytes(tmux: Tmux, link: SlowLink, seconds: float = 3.0) -> int:
    """Bytes the server sends in `seconds` once the screen has been still for a second."""
    tmux.settle(quiet=1.0)
    sent = link.server_tx_bytes()
    time.sleep(seconds)
    return link.server_tx_bytes() - sent


@needs_netns
@pytest.mark.timeout(240)
def test_low_bandwidth_mode_sends_nothing_while_idle(
    link: SlowLink,
    server: tuple[Sshd, tuple[str, int]],
    vaults: list[Path],
    chandong_home: Path,
) -> None:
    """Over SSH (low-bandwidth mode by itself) no screen sends a byte while nobody types: no blinking
    cursor in the passphrase box, the search box, a form's note or the command palette, no clock."""
    sshd, via = server
    vaults.append(sshd.folder.parent / "demo")
    idle: dict[str, int] = {}
    with contextlib.contextmanager(tmux_session)() as tmux:
        tmux.start(then_report_exit(sshd.ssh_command(app_command(vaults[-1], chandong_home), via)))
        tmux.wait_for("사용자 ID", timeout=60)
        idle["unlock"] = idle_bytes(tmux, link)
        sign_in(tmux)
        idle["내 업무"] = idle_bytes(tmux, link)
        tmux.keys("l")
        tmux.wait_for("200가구")
        idle["household list (search box)"] = idle_bytes(tmux, link)
        tmux.keys("F2")  # back to 내 업무
        tmux.wait_gone("200가구")
        open_household(tmux)
        idle["household"] = idle_bytes(tmux, link)
        tmux.keys("v")
        tmux.wait_for("방문상담 기록")
        tmux.settle()
        tmux.keys(*["Tab"] * 16)  # to 메모, a text area
        idle["visit form (note)"] = idle_bytes(tmux, link)
        tmux.keys("Escape")
        tmux.settle()
        tmux.keys("C-p")
        idle["command palette"] = idle_bytes(tmux, link)
        tmux.keys("Escape", "Escape", "C-q")
        tmux.wait_for("EXITED")
    print(f"\n{link.describe()}")
    for screen, sent in idle.items():
        print(f"idle, low-bandwidth mode, {screen}: {sent} bytes in 3 s")
    assert idle == dict.fromkeys(idle, 0)
