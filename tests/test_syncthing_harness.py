"""The Syncthing pair syncs real files between its two folders, and talks to nothing but itself.

What the vault's sync tests stand on: a file written on one PC arrives byte for byte on the other,
files written on both PCs at once reach both, a delete travels, and the pair is stopped afterwards.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.syncthing_support import (
    FOLDER_ID,
    WATCH_DELAY_S,
    SyncthingPair,
    needs_syncthing,
    syncthing_pair,
    tree,
    wait_for,
)
from tests.terminal_support import alive

pytestmark = [needs_syncthing, pytest.mark.timeout(90)]

ARRIVES_WITHIN_S = 15
"""A new file reaches the other PC by the file watcher (1 s delay) or the 5 s rescan: well within."""


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[SyncthingPair]:
    yield from syncthing_pair(tmp_path)


def test_the_pair_is_on_loopback_only_and_reports_nothing(pair: SyncthingPair) -> None:
    for me, other in ((pair.pc1, pair.pc2), (pair.pc2, pair.pc1)):
        options = me.get("/rest/config/options")
        assert options["listenAddresses"] == [me.address]
        assert me.address.startswith("tcp://127.0.0.1:")
        assert not options["globalAnnounceEnabled"] and not options["localAnnounceEnabled"]
        assert not options["relaysEnabled"] and not options["natEnabled"]
        assert options["stunKeepaliveStartS"] == 0
        assert options["urAccepted"] == -1 and not options["crashReportingEnabled"]
        assert options["autoUpgradeIntervalH"] == 0
        peer = me.get(f"/rest/config/devices/{other.device_id}")
        assert peer["addresses"] == [other.address]
        folder = me.get(f"/rest/config/folders/{FOLDER_ID}")
        assert folder["type"] == "sendreceive" and folder["fsWatcherEnabled"]
        assert Path(folder["path"]) == me.folder
        assert {d["deviceID"] for d in folder["devices"]} == {me.device_id, other.device_id}


def test_a_file_written_on_pc1_arrives_on_pc2_with_the_same_bytes(pair: SyncthingPair) -> None:
    payload = os.urandom(300_000)  # several blocks, nothing a sync could guess
    (pair.pc1.folder / "devices" / "abc").mkdir(parents=True)
    (pair.pc1.folder / "devices" / "abc" / "chunk-1.bin").write_bytes(payload)
    arrived = pair.pc2.folder / "devices" / "abc" / "chunk-1.bin"
    started = time.monotonic()

    # No rescan asked for: the watcher (or the periodic rescan) must find it by itself.
    wait_for(lambda: arrived.is_file() and arrived.read_bytes() == payload, ARRIVES_WITHIN_S, "pc2's copy")
    took = time.monotonic() - started
    seen = pair.wait_synced()

    assert took < ARRIVES_WITHIN_S
    assert arrived.read_bytes() == payload
    assert tree(pair.pc1.folder) == tree(pair.pc2.folder) == {"devices/abc/chunk-1.bin": payload}
    assert seen["pc1"]["status"]["globalFiles"] == seen["pc2"]["status"]["globalFiles"] == 1


def test_files_written_on_both_pcs_at_once_reach_both(pair: SyncthingPair) -> None:
    written = {"from-pc1.bin": os.urandom(50_000), "from-pc2.bin": os.urandom(70_000)}
    start = threading.Barrier(2)

    def write(folder: Path, name: str) -> None:
        start.wait(timeout=10)
        (folder / name).write_bytes(written[name])

    writers = [
        threading.Thread(target=write, args=(pair.pc1.folder, "from-pc1.bin")),
        threading.Thread(target=write, args=(pair.pc2.folder, "from-pc2.bin")),
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=10)

    seen = pair.wait_synced()

    assert tree(pair.pc1.folder) == written
    assert tree(pair.pc2.folder) == written
    assert seen["pc1"]["status"]["globalFiles"] == seen["pc2"]["status"]["globalFiles"] == 2


def test_a_file_deleted_on_one_pc_is_deleted_on_the_other(pair: SyncthingPair) -> None:
    (pair.pc1.folder / "keep.txt").write_bytes(b"kept")
    (pair.pc1.folder / "gone.txt").write_bytes(b"to be deleted")
    pair.wait_synced()
    assert (pair.pc2.folder / "gone.txt").read_bytes() == b"to be deleted"

    (pair.pc2.folder / "gone.txt").unlink()
    seen = pair.wait_synced()

    assert not (pair.pc1.folder / "gone.txt").exists()
    assert tree(pair.pc1.folder) == tree(pair.pc2.folder) == {"keep.txt": b"kept"}
    assert seen["pc1"]["status"]["globalDeleted"] >= 1


def test_changes_made_while_paused_meet_after_resuming(pair: SyncthingPair) -> None:
    pair.pause_sync()
    (pair.pc1.folder / "offline-1.txt").write_bytes(b"one")
    (pair.pc2.folder / "offline-2.txt").write_bytes(b"two")
    time.sleep(2 * WATCH_DELAY_S + 1)  # the watcher would have sent them by now
    assert not (pair.pc2.folder / "offline-1.txt").exists()
    assert not (pair.pc1.folder / "offline-2.txt").exists()

    pair.resume_sync()
    pair.wait_synced()

    expected = {"offline-1.txt": b"one", "offline-2.txt": b"two"}
    assert tree(pair.pc1.folder) == tree(pair.pc2.folder) == expected


def test_the_pair_stops_both_processes(tmp_path: Path) -> None:
    body = syncthing_pair(tmp_path)
    pair = next(body)
    processes = [i.process for i in pair.both]
    assert all(p is not None and p.poll() is None for p in processes)
    pids = [p.pid for p in processes if p is not None]

    body.close()  # what pytest does after the test, passed or failed

    assert not any(alive(pid) for pid in pids)
