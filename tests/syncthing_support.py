"""Two real Syncthing instances on 127.0.0.1 sharing one folder: "several PCs, one shared folder".

Nothing is mocked: `SyncthingPair` runs two `syncthing serve` processes, each with a throwaway home
(keys, config, index database) made by `syncthing generate` and then edited, and its own copy of the
shared folder (`<root>/pc1/vault`, `<root>/pc2/vault`). They talk only to each other, on loopback
ports picked free: global and local discovery, relays, NAT traversal (UPnP and STUN), usage and crash
reporting and upgrades are all off, and each device knows the other by id at an explicit
`tcp://127.0.0.1:PORT`. The folder is send-and-receive with the file watcher on (1 s delay) and a
rescan every few seconds, so a change propagates in seconds.

Every wait has a deadline, every HTTP call and subprocess a timeout, and `syncthing_pair` stops both
processes (SIGTERM, then SIGKILL) however the test ends. The REST API used (Syncthing 1.19):
`/rest/system/ping`, `/rest/system/status` (`myID`), `/rest/system/connections`,
`/rest/config/...` (GET, and PATCH of the folder's `paused`), `/rest/db/scan`, `/rest/db/status`
and `/rest/db/completion`, authenticated by the `X-API-Key` from `config.xml`.

The two start one after the other: Syncthing 1.19 can stall for 20 s (a Hello timeout) when two
devices dial each other at the same moment, so the second one to start is the one that connects.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.terminal_support import IN_CI, alive, children_of, kill_all

SYNCTHING = shutil.which("syncthing")

needs_syncthing = pytest.mark.skipif(SYNCTHING is None and not IN_CI, reason="needs syncthing")
"""Skip without `syncthing` on a developer's machine; in CI (`CI` set) it must be there."""

FOLDER_ID = "chandong-vault"
"""The id of the one shared folder on both devices."""

MARKER = ".stfolder"
"""Syncthing's folder marker: a folder without it is not synced (a guard against unmounted drives)."""

RESCAN_S = 5
WATCH_DELAY_S = 1

_OPTIONS = {
    # Loopback only: no discovery, relays, NAT traversal or STUN, nothing reported or fetched.
    "globalAnnounceEnabled": "false",
    "localAnnounceEnabled": "false",
    "relaysEnabled": "false",
    "natEnabled": "false",
    "stunKeepaliveStartS": "0",
    "announceLANAddresses": "false",
    "urAccepted": "-1",
    "crashReportingEnabled": "false",
    "autoUpgradeIntervalH": "0",
    "startBrowser": "false",
    # Quick to (re)connect, full speed on a busy 2-core machine, no free-space guard on small /tmp.
    "reconnectionIntervalS": "1",
    "setLowPriority": "false",
    "minHomeDiskFree": "0",
}

_IGNORED = {MARKER}
"""Syncthing's own entries in a folder, left out when two folders are compared."""


class SyncthingError(AssertionError):
    """A Syncthing instance did not start, answer or sync in time (with its log's tail)."""


class Instance:
    """One `syncthing serve` with its home, folder copy, ports and REST client."""

    def __init__(self, name: str, home: Path, folder: Path, ports: tuple[int, int]) -> None:
        self.name = name
        self.home = home
        self.folder = folder
        self.gui_port, self.sync_port = ports
        self.log = home / "syncthing.log"
        self.api_key = ""
        self.device_id = ""
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        """Where the other device dials this one."""
        return f"tcp://127.0.0.1:{self.sync_port}"

    # -- setup -------------------------------------------------------------------------------
    def generate(self) -> None:
        """Keys and a default config (`syncthing generate`), read back for the id and API key."""
        assert SYNCTHING, "syncthing is not installed"
        self.home.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [SYNCTHING, "generate", f"--home={self.home}", "--no-default-folder", "--skip-port-probing"],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
            env=_env(),
        )
        if result.returncode != 0:
            raise SyncthingError(f"{self.name}: syncthing generate failed:\n{result.stdout}{result.stderr}")
        root = ET.parse(self.home / "config.xml").getroot()
        own = root.find("device")
        gui = root.find("gui/apikey")
        assert own is not None and gui is not None and gui.text, "unexpected config.xml from generate"
        self.device_id = own.attrib["id"]
        self.api_key = gui.text

    def configure(self, peer: Instance) -> None:
        """Edit config.xml: loopback GUI and listener, `peer` at its address, the shared folder."""
        path = self.home / "config.xml"
        tree = ET.parse(path)
        root = tree.getroot()
        own = root.find("device")
        assert own is not None
        own.set("name", self.name)

        gui = _child(root, "gui")
        gui.set("tls", "false")
        _child(gui, "address").text = f"127.0.0.1:{self.gui_port}"

        options = _child(root, "options")
        for listen in options.findall("listenAddress"):
            options.remove(listen)
        ET.SubElement(options, "listenAddress").text = self.address
        for key, value in _OPTIONS.items():
            _child(options, key).text = value

        # The peer and the folder start from the config's own defaults, so no field is left unset.
        device_template = root.find("defaults/device")
        folder_template = root.find("defaults/folder")
        assert device_template is not None and folder_template is not None
        device = copy.deepcopy(device_template)
        device.set("id", peer.device_id)
        device.set("name", peer.name)
        for address in device.findall("address"):
            device.remove(address)
        device.insert(0, ET.Element("address"))
        device[0].text = peer.address
        _child(device, "autoAcceptFolders").text = "false"
        root.insert(list(root).index(own) + 1, device)

        folder = copy.deepcopy(folder_template)
        folder.attrib.update(
            {
                "id": FOLDER_ID,
                "label": "vault",
                "path": str(self.folder),
                "type": "sendreceive",
                "rescanIntervalS": str(RESCAN_S),
                "fsWatcherEnabled": "true",
                "fsWatcherDelayS": str(WATCH_DELAY_S),
            }
        )
        for member in folder.findall("device"):
            folder.remove(member)
        for index, device_id in enumerate((self.device_id, peer.device_id)):
            member = ET.Element("device", {"id": device_id, "introducedBy": ""})
            ET.SubElement(member, "encryptionPassword")
            folder.insert(1 + index, member)
        _child(folder, "minDiskFree").text = "0"
        root.insert(0, folder)
        tree.write(path, encoding="utf-8", xml_declaration=False)

        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / MARKER).mkdir(exist_ok=True)

    # -- process -----------------------------------------------------------------------------
    def start(self) -> None:
        assert SYNCTHING
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    SYNCTHING,
                    "serve",
                    f"--home={self.home}",
                    "--no-browser",
                    "--no-restart",
                    "--no-upgrade",
                    f"--gui-address=127.0.0.1:{self.gui_port}",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_env(),
            )

    def wait_ready(self, timeout: float) -> None:
        """Until the REST API answers (and says it is the device we generated)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                raise SyncthingError(f"{self.name}: syncthing exited with {code}:\n{self.log_tail()}")
            try:
                if self.get("/rest/system/ping", timeout=2).get("ping") == "pong":
                    my_id = self.get("/rest/system/status")["myID"]
                    assert my_id == self.device_id, f"{self.name} runs as {my_id}, not {self.device_id}"
                    return
            except (OSError, ValueError):
                pass
            time.sleep(0.2)
        raise SyncthingError(f"{self.name}: REST API never answered on {self.gui_port}:\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL; with anything it started."""
        if self.process is None:
            return
        started = [self.process.pid, *children_of(self.process.pid)]
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        kill_all([p for p in started if alive(p)])

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # -- REST --------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None = None,
        body: Any = None,
        timeout: float = 30,
    ) -> Any:
        url = f"http://127.0.0.1:{self.gui_port}{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = None if body is None else json.dumps(body).encode()
        headers = {"X-API-Key": self.api_key, "Content-Type": "application/json"}
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            raise SyncthingError(f"{self.name}: {method} {path} -> {error.code}: {detail}") from error
        return json.loads(body) if body.strip() else None

    def get(self, path: str, timeout: float = 10, **params: str) -> Any:
        return self.request("GET", path, params or None, timeout=timeout)

    def connected_to(self, other: Instance) -> bool:
        connections = self.get("/rest/system/connections")["connections"]
        return bool(connections.get(other.device_id, {}).get("connected"))

    def status(self) -> dict[str, Any]:
        """`/rest/db/status` of the shared folder: state, global/local/need counters, pull errors."""
        return self.get("/rest/db/status", folder=FOLDER_ID)

    def completion_of(self, other: Instance) -> dict[str, Any]:
        """How complete `other` is on the shared folder, as this instance knows from its index."""
        return self.get("/rest/db/completion", folder=FOLDER_ID, device=other.device_id)

    def scan(self, timeout: float = 60) -> None:
        """Scan the shared folder now (the call returns when the scan is done)."""
        self.request("POST", "/rest/db/scan", {"folder": FOLDER_ID}, timeout=timeout)

    def set_folder_paused(self, paused: bool) -> None:
        self.request("PATCH", f"/rest/config/folders/{FOLDER_ID}", body={"paused": paused})

    def folder_paused(self) -> bool:
        return bool(self.get(f"/rest/config/folders/{FOLDER_ID}")["paused"])


class SyncthingPair:
    """Two instances, `pc1` and `pc2`, each with its copy of the one shared folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        ports = free_ports(4)
        self.pc1 = Instance("pc1", root / "pc1" / "syncthing", root / "pc1" / "vault", ports[:2])
        self.pc2 = Instance("pc2", root / "pc2" / "syncthing", root / "pc2" / "vault", ports[2:])

    @property
    def both(self) -> tuple[Instance, Instance]:
        return self.pc1, self.pc2

    def start(self, timeout: float = 45, attempts: int = 3) -> None:
        """Generate, configure and start both; return once they answer and are connected. When a port
        picked free was taken before Syncthing bound it (by a test running in parallel), both start
        again from new homes on new ports."""
        for attempt in range(attempts):
            try:
                self._start_once(timeout)
                return
            except SyncthingError:
                taken = any("address already in use" in i.log_tail(400).lower() for i in self.both)
                if not taken or attempt == attempts - 1:
                    raise
                self.stop()
                ports = free_ports(4)
                for instance, pair in ((self.pc1, ports[:2]), (self.pc2, ports[2:])):
                    shutil.rmtree(instance.home)
                    instance.gui_port, instance.sync_port = pair
                    instance.process = None

    def _start_once(self, timeout: float) -> None:
        for instance in self.both:
            instance.generate()
        self.pc1.configure(self.pc2)
        self.pc2.configure(self.pc1)
        deadline = time.monotonic() + timeout
        for instance in self.both:
            instance.start()
            instance.wait_ready(max(1.0, deadline - time.monotonic()))
        self.wait_connected(max(1.0, deadline - time.monotonic()))

    def wait_connected(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pc1.connected_to(self.pc2) and self.pc2.connected_to(self.pc1):
                return
            time.sleep(0.2)
        raise SyncthingError(f"pc1 and pc2 never connected:\n{self._logs()}")

    def rescan(self) -> None:
        """Scan the folder on both now (rather than wait for the watcher or the rescan interval)."""
        for instance in self.both:
            instance.scan()

    def pause_sync(self) -> None:
        """The PCs stop exchanging the folder, as if offline: each pauses it (nothing is sent or
        pulled, local changes wait). The connection itself stays up: Syncthing 1.19 can stall for
        20 s when two devices dial each other at the same moment, as both do on a resume."""
        for instance in self.both:
            instance.set_folder_paused(True)
        for instance in self.both:
            assert instance.folder_paused(), instance.status()["state"]

    def resume_sync(self) -> None:
        for instance in self.both:
            instance.set_folder_paused(False)

    def in_sync(self) -> tuple[bool, dict[str, Any]]:
        """Whether both are connected, idle, need nothing, agree on the global state and see the
        other complete; with what was read (for the error message)."""
        seen: dict[str, Any] = {}
        for me, other in ((self.pc1, self.pc2), (self.pc2, self.pc1)):
            seen[me.name] = {
                "connected": me.connected_to(other),
                "status": me.status(),
                "peer": me.completion_of(other),
            }
        ok = True
        for facts in seen.values():
            status, peer = facts["status"], facts["peer"]
            ok &= facts["connected"] and status["state"] == "idle"
            ok &= status["needTotalItems"] == 0 and status["pullErrors"] == 0
            ok &= peer["completion"] == 100 and peer["needItems"] == 0 and peer["needDeletes"] == 0
        one, two = seen["pc1"]["status"], seen["pc2"]["status"]
        for key in ("globalFiles", "globalDirectories", "globalDeleted", "globalBytes"):
            ok &= one[key] == two[key]
        return ok, seen

    def wait_synced(self, timeout: float = 30, rescan: bool = True) -> dict[str, Any]:
        """Until both report the folder idle and in sync, twice in a row with the same global state.

        `rescan` first scans both copies, so changes written just before are counted in (else they
        are picked up by the file watcher within ~1 s, or the next rescan).
        """
        deadline = time.monotonic() + timeout
        while rescan:
            try:  # a folder just resumed may still be starting
                self.rescan()
                break
            except SyncthingError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        last_global: tuple[Any, ...] | None = None
        seen: dict[str, Any] = {}
        while time.monotonic() < deadline:
            ok, seen = self.in_sync()
            now_global = tuple(seen[n]["status"]["sequence"] for n in ("pc1", "pc2")) + tuple(
                seen["pc1"]["status"][k] for k in ("globalFiles", "globalDeleted", "globalBytes")
            )
            if ok and now_global == last_global:
                return seen
            last_global = now_global if ok else None
            time.sleep(0.5)
        raise SyncthingError(
            f"not in sync within {timeout} s:\n{json.dumps(seen, indent=1, default=str)}\n{self._logs()}"
        )

    def stop(self) -> None:
        errors: list[BaseException] = []
        for instance in self.both:
            try:
                instance.stop()
            except Exception as error:
                errors.append(error)
        if errors:
            raise errors[0]

    def _logs(self) -> str:
        return "\n".join(f"--- {i.name} log:\n{i.log_tail()}" for i in self.both)


def syncthing_pair(root: Path) -> Iterator[SyncthingPair]:
    """Fixture body: a started `SyncthingPair` under `root`, both stopped afterwards.

    Folders already at `root/pc1/vault` or `root/pc2/vault` are shared as they are (so a vault
    built before the pair starts is copied to the other PC); missing ones are created empty.
    """
    pair = SyncthingPair(root)
    try:
        pair.start()
        yield pair
    finally:
        pair.stop()


def free_ports(count: int) -> tuple[int, ...]:
    """`count` different free TCP ports on 127.0.0.1 (all held open while picking)."""
    with contextlib.ExitStack() as held:
        probes = [held.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return tuple(probe.getsockname()[1] for probe in probes)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its relative path, with its bytes (Syncthing's own left out)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if relative.parts[0] in _IGNORED or not path.is_file():
            continue
        found[relative.as_posix()] = path.read_bytes()
    return found


def wait_for(check: Any, timeout: float, what: str, pause: float = 0.2) -> Any:
    """Poll `check()` until it returns something true, at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(pause)
    raise AssertionError(f"{what}: not within {timeout} s")


def _child(parent: ET.Element, tag: str) -> ET.Element:
    """`parent`'s first `tag` child, made when missing."""
    found = parent.find(tag)
    return found if found is not None else ET.SubElement(parent, tag)


def _env() -> dict[str, str]:
    """The environment for syncthing: no upgrades or restarts, nothing from the caller's config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ST")}
    env.update({"STNOUPGRADE": "1", "STNORESTART": "1", "LANG": "C.UTF-8"})
    with contextlib.suppress(KeyError):
        del env["XDG_CONFIG_HOME"]
    return env
