"""Three PCs save into one folder at once, each killed (SIGKILL) at random moments and restarted;
after a final sync round on each, every save any of them acknowledged is on every PC."""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from chandong_tui.vault.accounts import create_vault, unlock
from chandong_tui.vault.sync import sync_round
from chandong_tui.vault.verify import verify_vault
from tests.conftest import PASSPHRASE, REPO
from tests.trust_support import trust_vault

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from chandong_tui.vault.accounts import unlock
    from chandong_tui.vault.sync import sync_round
    pc, life = sys.argv[3], sys.argv[4]
    session = unlock(Path(sys.argv[1]), "boss", sys.argv[2])
    for i in range(100000):
        row = f"{pc}-{life}-{i}"
        session.write("visit", row, {"n": i, "pc": pc})
        print(f"saved {row}", flush=True)
        if i % 7 == 0:
            sync_round(session)  # publish and take in, as the app does every few seconds
""")

PCS = ("pc1", "pc2", "pc3")
LIVES = 3
"""Each PC is killed this many times (and started again after each kill but the last)."""


def start(root: Path, home: Path, pc: str, life: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(root), PASSPHRASE, pc, str(life)],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
        env={**os.environ, "CHANDONG_HOME": str(home)},
    )


def test_three_pcs_killed_at_random_lose_no_acknowledged_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "share" / "vault"
    homes = {pc: tmp_path / pc for pc in PCS}
    monkeypatch.setenv("CHANDONG_HOME", str(homes["pc1"]))
    create_vault(root, "1159053000", "boss", PASSPHRASE).close()
    for pc in PCS:
        trust_vault(root, homes[pc])  # each PC's user confirmed the fingerprint once
    rng = random.Random(20261207)
    acknowledged: set[str] = set()
    lives = dict.fromkeys(PCS, 0)
    running = {pc: start(root, homes[pc], pc, 0) for pc in PCS}
    selector = selectors.DefaultSelector()
    for pc, proc in running.items():
        selector.register(proc.stdout, selectors.EVENT_READ, pc)  # type: ignore[arg-type]
    kill_after = {pc: rng.randint(20, 120) for pc in PCS}
    saved_in_life = dict.fromkeys(PCS, 0)
    deadline = time.monotonic() + 180
    try:
        while running and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=1):
                pc = key.data
                line = key.fileobj.readline()  # type: ignore[union-attr]
                if line.startswith("saved "):
                    acknowledged.add(line.split()[1])
                    saved_in_life[pc] += 1
                if saved_in_life[pc] < kill_after[pc] and line:
                    continue
                proc = running.pop(pc)
                selector.unregister(proc.stdout)  # type: ignore[arg-type]
                proc.send_signal(signal.SIGKILL)
                rest = proc.stdout.read()  # type: ignore[union-attr]  # printed before the kill: acknowledged
                acknowledged.update(
                    line.split()[1] for line in rest.splitlines() if line.startswith("saved ")
                )
                proc.wait(timeout=10)
                lives[pc] += 1
                if lives[pc] < LIVES:
                    running[pc] = start(root, homes[pc], pc, lives[pc])
                    selector.register(running[pc].stdout, selectors.EVENT_READ, pc)  # type: ignore[arg-type]
                    kill_after[pc], saved_in_life[pc] = rng.randint(20, 120), 0
    finally:
        for proc in running.values():
            proc.kill()
            proc.wait(timeout=10)
    assert not running, "the writers did not get through their lives in time"
    assert len(acknowledged) > 100

    for _round in range(2):  # each PC publishes what its killed sessions left, then takes in the others'
        for pc in PCS:
            monkeypatch.setenv("CHANDONG_HOME", str(homes[pc]))
            with unlock(root, "boss", PASSPHRASE) as session:
                result = sync_round(session)
                assert not result.refused and not result.offline and result.waiting == 0
    for pc in PCS:
        monkeypatch.setenv("CHANDONG_HOME", str(homes[pc]))
        with unlock(root, "boss", PASSPHRASE) as session:
            visits = session.table("visit")
            missing = sorted(row for row in acknowledged if visits.get_row(row) is None)
            assert missing == [], f"{pc} lacks {len(missing)} acknowledged saves, e.g. {missing[:5]}"
            assert session.problems == [] and verify_vault(session).ok
