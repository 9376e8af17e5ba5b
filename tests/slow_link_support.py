"""A slow link for real-terminal tests: 50 ms each way and 1 Mbit/s, between the SSH client and server.

The test makes a network namespace (`chandong-<short uuid>`) joined to the root namespace by a veth
pair with addresses in 10.x.y.0/30; `sshd` runs inside it (`ip netns exec NS sshd -D`, listening on
the namespace's veth address) and the `ssh` client runs in tmux in the root namespace, so every byte
between them crosses the veth pair.

The link is shaped in one of two ways, and `SlowLink.shaping` says which (the tests print it):

- `netem`: `tc qdisc ... netem delay 50ms rate 1mbit` on both veth ends, when the kernel has netem;
- `tbf + relay`: when it has not (`Specified qdisc kind is unknown`: no sch_netem, as on some CI and
  cloud kernels), a token bucket (`tbf rate 1mbit`) on both veth ends shapes the rate, and a small
  userspace TCP relay in the root namespace (`DelayRelay`: each chunk it reads is forwarded 50 ms
  after it arrived, in order, in both directions, with a bounded queue) adds the delay. The client
  then connects to the relay on 127.0.0.1, the relay to the sshd across the veth pair.

Bytes are counted where the server's traffic leaves: the namespace veth's `tx_bytes` (link level:
SSH framing, padding and MAC, TCP/IP and Ethernet headers all included). IPv6 is off on the pair and
each end knows the other's MAC address for good (no neighbour discovery, no ARP refreshes), so an
idle link counts nothing that is not the application's.

Everything is torn down in `finally`, also on failure: sshd with its children, the relay, the veth
pair and the namespace. Every subprocess has a timeout.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.terminal_support import IN_CI, SSH, SSH_KEYGEN, SSHD, Sshd

IP = shutil.which("ip") or ("/usr/sbin/ip" if Path("/usr/sbin/ip").exists() else None)
TC = shutil.which("tc") or ("/usr/sbin/tc" if Path("/usr/sbin/tc").exists() else None)

DELAY_S = 0.05
"""One-way delay added to the link (each direction)."""
RATE = "1mbit"
"""The link's rate (each direction)."""

needs_netns = pytest.mark.skipif(
    (os.geteuid() != 0 or None in (IP, TC, SSHD, SSH, SSH_KEYGEN) or shutil.which("tmux") is None)
    and not IN_CI,
    reason="needs root, iproute2 (ip, tc), tmux and OpenSSH",
)
"""Skip without root or these tools on a developer's machine; in CI (`CI` set) it must run."""


def run(*argv: str, timeout: float = 10, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, check=check)


# -- the delay relay --------------------------------------------------------------------------
class _Pipe:
    """One direction of one relayed connection: a reader thread queues what it reads with the time it
    arrived, a writer thread sends each chunk `delay` seconds after that, in order. At most `bound`
    bytes wait in the queue (the reader stops reading, TCP pushes back on the sender)."""

    def __init__(self, source: socket.socket, sink: socket.socket, delay: float, bound: int) -> None:
        self.source, self.sink, self.delay, self.bound = source, sink, delay, bound
        self.queue: deque[tuple[float, bytes]] = deque()
        self.queued = 0
        self.moved = 0
        """Bytes forwarded so far (payload: what the relay read and wrote, no headers)."""
        self.stopped = False
        self.ready = threading.Condition()
        self.threads = [
            threading.Thread(target=self._read, daemon=True),
            threading.Thread(target=self._write, daemon=True),
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def _read(self) -> None:
        while True:
            try:
                data = self.source.recv(65536)
            except OSError:
                data = b""
            with self.ready:
                while data and self.queued >= self.bound and not self.stopped:
                    self.ready.wait(0.2)
                if self.stopped:
                    return
                self.queue.append((time.monotonic(), data))  # b"": the end of the stream
                self.queued += len(data)
                self.ready.notify_all()
            if not data:
                return

    def _write(self) -> None:
        while True:
            with self.ready:
                while not self.queue and not self.stopped:
                    self.ready.wait(0.2)
                if self.stopped:
                    return
                arrived, data = self.queue.popleft()
                self.queued -= len(data)
                self.ready.notify_all()
            wait = arrived + self.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                if not data:
                    self.sink.shutdown(socket.SHUT_WR)
                    return
                self.sink.sendall(data)
                self.moved += len(data)
            except OSError:
                return

    def stop(self) -> None:
        with self.ready:
            self.stopped = True
            self.ready.notify_all()


class DelayRelay:
    """A TCP relay from `listen` to `target` that holds each chunk `delay` seconds, both directions."""

    def __init__(
        self,
        target: tuple[str, int],
        delay: float = DELAY_S,
        listen: tuple[str, int] = ("127.0.0.1", 0),
        bound: int = 1 << 20,
    ) -> None:
        self.target, self.delay, self.bound = target, delay, bound
        self.listener = socket.create_server(listen)
        self.listener.settimeout(0.2)
        self.address: tuple[str, int] = self.listener.getsockname()[:2]
        self.pipes: list[_Pipe] = []
        self.sockets: list[socket.socket] = []
        self.stopped = threading.Event()
        self.acceptor = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> None:
        self.acceptor.start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            for end in (client, server):
                end.settimeout(None)
                end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no delay but ours
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                pipe = _Pipe(source, sink, self.delay, self.bound)
                self.pipes.append(pipe)
                pipe.start()

    def stop(self) -> None:
        self.stopped.set()
        with contextlib.suppress(OSError):
            self.listener.close()
        for pipe in self.pipes:
            pipe.stop()
        for end in self.sockets:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
        self.acceptor.join(timeout=5)
        for pipe in self.pipes:
            for thread in pipe.threads:
                thread.join(timeout=5)
        stuck = [t for p in self.pipes for t in p.threads if t.is_alive()] + (
            [self.acceptor] if self.acceptor.is_alive() else []
        )
        assert not stuck, f"relay threads still running: {stuck}"


# -- the namespace and its link ---------------------------------------------------------------
class SlowLink:
    """A network namespace joined by a veth pair shaped to 50 ms each way and 1 Mbit/s."""

    def __init__(self) -> None:
        tag = uuid.uuid4().hex[:8]
        self.namespace = f"chandong-{tag}"
        self.outer = f"chd{tag}o"  # (interface names: at most 15 characters)
        self.inner = f"chd{tag}i"
        x, y = int(tag[:2], 16), int(tag[2:4], 16) & 0xFC
        self.outer_address = f"10.{x}.{y}.1"
        self.inner_address = f"10.{x}.{y}.2"
        """The namespace's address (the server's)."""
        self.shaping = ""
        """`netem` or `tbf + relay` (see the module's docstring)."""
        self.relay: DelayRelay | None = None
        self._made_namespace = self._made_pair = False

    @property
    def prefix(self) -> tuple[str, ...]:
        """What runs a command inside the namespace."""
        assert IP
        return (IP, "netns", "exec", self.namespace)

    def inside(self, *argv: str, timeout: float = 10, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run(*self.prefix, *argv, timeout=timeout, check=check)

    def up(self) -> None:
        assert IP and TC, "iproute2 (ip, tc) is not installed"
        run(IP, "netns", "add", self.namespace)
        self._made_namespace = True
        run(IP, "link", "add", self.outer, "type", "veth", "peer", "name", self.inner)
        self._made_pair = True
        run(IP, "link", "set", self.inner, "netns", self.namespace)
        if Path("/proc/sys/net/ipv6").exists():  # no router solicitations or other IPv6 chatter
            Path(f"/proc/sys/net/ipv6/conf/{self.outer}/disable_ipv6").write_text("1")
            self.inside("sh", "-c", f"echo 1 > /proc/sys/net/ipv6/conf/{self.inner}/disable_ipv6")
        run(IP, "addr", "add", f"{self.outer_address}/30", "dev", self.outer)
        run(IP, "-n", self.namespace, "addr", "add", f"{self.inner_address}/30", "dev", self.inner)
        run(IP, "link", "set", self.outer, "up")
        run(IP, "-n", self.namespace, "link", "set", self.inner, "up")
        run(IP, "-n", self.namespace, "link", "set", "lo", "up")
        outer_mac = Path(f"/sys/class/net/{self.outer}/address").read_text().strip()
        inner_mac = self.inside("cat", f"/sys/class/net/{self.inner}/address").stdout.strip()
        run(
            IP,
            "neigh",
            "replace",
            self.inner_address,
            "lladdr",
            inner_mac,
            "dev",
            self.outer,
            "nud",
            "permanent",
        )
        run(
            *(IP, "-n", self.namespace, "neigh", "replace", self.outer_address),
            *("lladdr", outer_mac, "dev", self.inner, "nud", "permanent"),
        )
        self._shape()

    def _shape(self) -> None:
        assert TC
        delay = f"{round(DELAY_S * 1000)}ms"
        netem = ("root", "netem", "delay", delay, "rate", RATE, "limit", "1000")
        first = run(TC, "qdisc", "add", "dev", self.outer, *netem, check=False)
        if first.returncode == 0:
            self.inside(TC, "qdisc", "add", "dev", self.inner, *netem)
            self.shaping = "netem"
            return
        if "unknown" not in first.stderr.lower():
            raise AssertionError(f"tc netem failed: {first.stderr.strip()}")
        # No netem in this kernel: the rate by a token bucket on both ends, the delay by the relay.
        # (burst: a few full frames; latency: how long a packet may queue before it is dropped.)
        tbf = ("root", "tbf", "rate", RATE, "burst", "5kb", "latency", "500ms")
        run(TC, "qdisc", "add", "dev", self.outer, *tbf)
        self.inside(TC, "qdisc", "add", "dev", self.inner, *tbf)
        self.shaping = "tbf + relay"

    def start_relay(self, port: int) -> tuple[str, int]:
        """Where the client connects to reach `port` on the namespace's address over this link."""
        if self.shaping == "netem":
            return (self.inner_address, port)
        self.relay = DelayRelay((self.inner_address, port))
        self.relay.start()
        return self.relay.address

    def server_tx_bytes(self) -> int:
        """Bytes the namespace's end of the pair has sent (the server's side, link level)."""
        return int(self.inside("cat", f"/sys/class/net/{self.inner}/statistics/tx_bytes").stdout)

    def describe(self) -> str:
        how = (
            f"netem delay {round(DELAY_S * 1000)}ms rate {RATE} on both veth ends"
            if self.shaping == "netem"
            else f"tbf rate {RATE} on both veth ends + userspace relay adding {round(DELAY_S * 1000)} ms "
            "each way (no netem in this kernel)"
        )
        return f"slow link: {how}; bytes = {self.inner} tx_bytes (server side, link level)"

    def down(self) -> None:
        """Take everything down that `up` and `start_relay` made (each step tried on its own)."""
        failures = []
        if self.relay is not None:
            try:
                self.relay.stop()
            except AssertionError as exc:
                failures.append(str(exc))
        if self._made_pair:
            gone = run(IP or "ip", "link", "del", self.outer, check=False)  # (takes its peer with it)
            if gone.returncode and Path(f"/sys/class/net/{self.outer}").exists():
                failures.append(f"veth {self.outer}: {gone.stderr.strip()}")
        if self._made_namespace:
            gone = run(IP or "ip", "netns", "del", self.namespace, check=False)
            if gone.returncode:
                failures.append(f"namespace {self.namespace}: {gone.stderr.strip()}")
        assert not failures, "; ".join(failures)


def slow_link() -> Iterator[SlowLink]:
    """Fixture body: a `SlowLink`, up, and down again afterwards (also when setting up failed)."""
    link = SlowLink()
    try:
        link.up()
        yield link
    finally:
        link.down()


def slow_sshd(link: SlowLink, folder: Path) -> Iterator[tuple[Sshd, tuple[str, int]]]:
    """Fixture body: an `Sshd` inside `link`'s namespace, and where the ssh client connects to reach it
    over the slow link; stopped (with its connections) afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    server = Sshd(folder, address=link.inner_address, prefix=link.prefix, port=22)
    try:
        server.start()
        yield server, link.start_relay(server.port)
    finally:
        server.stop()
