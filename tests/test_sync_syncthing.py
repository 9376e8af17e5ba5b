"""Several PCs, one Syncthing folder: `chandong sync` on each PC, and a concurrent address change.

A demo vault is built on pc1, Syncthing copies it to pc2, and each PC has its own state dir
(`CHANDONG_HOME`). With Syncthing paused (the PCs offline from each other), a user on each PC changes
the same household's `road_address`. Then, as users do: `chandong sync VAULT` on each PC, Syncthing
carries the published files across, `chandong sync VAULT` again. Both PCs must read the same
address, and both must list the household in `chandong conflicts VAULT --format json` with both
values (the address is a sensitive field: concurrent values are kept for a person to decide), and
show it in the terminal UI's 충돌 검토 screen (k on 내 업무).

Contract of `chandong conflicts VAULT --format json`: a JSON list of objects with at least `table`,
`row`, `field` and `values`, a list of `{value, actor, at}`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.pilot import Pilot

from chandong_tui.casework.setup import DEMO_PASSPHRASE, sample_path
from tests.conftest import REPO, run_cli
from tests.syncthing_support import SyncthingPair, needs_syncthing, syncthing_pair, tree
from tests.trust_support import trust_vault

pytestmark = [needs_syncthing, pytest.mark.timeout(240)]

SYNCED_WITHIN_S = 60
"""How long Syncthing may take to carry the vault (or the new files) to the other PC."""

_EDIT = """
import sys
from pathlib import Path
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.records import Household
from chandong_tui.vault.accounts import unlock

vault, user, passphrase, household_id, address = sys.argv[1:]
with unlock(Path(vault), user, passphrase) as session:
    repo = CaseRepository(session)
    household = repo.get(Household, household_id)
    assert household is not None, household_id
    assert repo.save(household.model_copy(update={"road_address": address}))
"""
"""Change one household's address through `CaseRepository` (the session publishes on close)."""

_READ = """
import json, sys
from pathlib import Path
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.records import Household
from chandong_tui.vault.accounts import unlock

vault, user, passphrase, household_id = sys.argv[1:]
with unlock(Path(vault), user, passphrase) as session:
    household = CaseRepository(session).get(Household, household_id)
    print(json.dumps({"road_address": household.road_address if household else None}))
"""
"""Print the household's address as this PC reads it."""


@dataclass(frozen=True)
class Pc:
    """One PC: its copy of the vault and its own state dir."""

    name: str
    vault: Path
    home: Path

    def env(self, user: str) -> dict[str, str]:
        return {
            "CHANDONG_HOME": str(self.home),
            "CHANDONG_USER": user,
            "CHANDONG_PASSPHRASE": DEMO_PASSPHRASE,
        }

    def cli(self, user: str, *args: str) -> str:
        result = run_cli(*args, env=self.env(user))
        said = f"{result.stdout}{result.stderr}"
        assert result.returncode == 0, f"{self.name}: chandong {args[0]} -> {result.returncode}:\n{said}"
        return result.stdout

    def python(self, user: str, script: str, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", script, str(self.vault), user, DEMO_PASSPHRASE, *args],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **self.env(user)},
            timeout=120,
            cwd=REPO,
        )
        assert result.returncode == 0, f"{self.name}: {result.stdout}{result.stderr}"
        return result.stdout

    def change_address(self, user: str, household_id: str, address: str) -> None:
        self.python(user, _EDIT, household_id, address)

    def address(self, user: str, household_id: str) -> str:
        return json.loads(self.python(user, _READ, household_id))["road_address"]

    def sync(self, user: str) -> dict:
        """One `chandong sync VAULT` round; what it did (its JSON summary)."""
        done = json.loads(self.cli(user, "sync", str(self.vault), "--format", "json"))
        assert not done["problems"] and not done["refused"] and not done["offline"], f"{self.name}: {done}"
        return done

    def conflicts(self, user: str) -> list[dict]:
        listed = json.loads(self.cli(user, "conflicts", str(self.vault), "--format", "json"))
        assert isinstance(listed, list)
        return listed


@pytest.fixture
def two_pcs(tmp_path: Path) -> Iterator[tuple[SyncthingPair, Pc, Pc]]:
    """A demo vault built on pc1 and copied by Syncthing to pc2; each PC with its own state dir."""
    pc1 = Pc("pc1", tmp_path / "pc1" / "vault", tmp_path / "pc1" / "home")
    pc2 = Pc("pc2", tmp_path / "pc2" / "vault", tmp_path / "pc2" / "home")
    for pc in (pc1, pc2):
        pc.home.mkdir(parents=True)
    built = run_cli("demo", "--dir", str(pc1.vault), "--no-tui", env={"CHANDONG_HOME": str(pc1.home)})
    assert built.returncode == 0, built.stderr
    for pair in syncthing_pair(tmp_path):
        pair.wait_synced(SYNCED_WITHIN_S)
        assert tree(pc2.vault) == tree(pc1.vault)
        trust_vault(pc2.vault, pc2.home)  # pc2's user confirmed the fingerprint once
        yield pair, pc1, pc2


def a_household() -> str:
    return json.loads(sample_path().read_bytes())["households"][0]["id"]


@pytest.mark.parametrize(
    ("user1", "user2"),
    [("planner", "supervisor"), ("planner", "planner")],
    ids=["different-users", "same-user"],
)
def test_a_concurrent_address_change_on_two_pcs_is_kept_as_a_conflict_on_both(
    two_pcs: tuple[SyncthingPair, Pc, Pc], user1: str, user2: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair, pc1, pc2 = two_pcs
    household = a_household()
    before = pc1.address(user1, household)
    assert pc2.address(user2, household) == before
    on_pc1, on_pc2 = "서울특별시 종로구 새주소로 1", "서울특별시 종로구 다른길 22"

    pair.pause_sync()  # offline from each other: neither sees the other's change
    pc1.change_address(user1, household, on_pc1)
    pc2.change_address(user2, household, on_pc2)
    assert pc1.address(user1, household) == on_pc1
    assert pc2.address(user2, household) == on_pc2

    for pc, user in ((pc1, user1), (pc2, user2)):
        alone = pc.sync(user)  # nothing from the other PC yet: no conflict either
        assert alone["waiting"] == 0 and alone["conflicts"] == 0, f"{pc.name}: {alone}"
    pair.resume_sync()
    pair.wait_synced(SYNCED_WITHIN_S)
    assert tree(pc1.vault) == tree(pc2.vault)
    for pc, user in ((pc1, user1), (pc2, user2)):
        together = pc.sync(user)  # takes in the other PC's change, copied by Syncthing
        assert together["ops_in"] >= 1 and together["conflicts"] >= 1, f"{pc.name}: {together}"
        assert not together["copies"] and not together["pending"], f"{pc.name}: {together}"
    pair.wait_synced(SYNCED_WITHIN_S)  # whatever the second round wrote has crossed too

    # Both PCs settle on the same value, one of the two written.
    settled = pc1.address(user1, household)
    assert settled == pc2.address(user2, household)
    assert settled in (on_pc1, on_pc2)

    # And both keep both values for a person to decide, with who wrote each and when.
    for pc, user in ((pc1, user1), (pc2, user2)):
        listed = [
            c
            for c in pc.conflicts(user)
            if c["table"] == "household" and c["row"] == household and c["field"] == "road_address"
        ]
        assert len(listed) == 1, f"{pc.name}: {listed}"
        values = listed[0]["values"]
        assert sorted(v["value"] for v in values) == sorted([on_pc1, on_pc2]), f"{pc.name}: {values}"
        assert {v["actor"] for v in values} == {user1, user2}
        assert all(v["at"] for v in values)
        assert listed[0]["shown"] == settled

    # And the 충돌 검토 screen of the terminal UI shows it on both PCs, with both values.
    for pc, user in ((pc1, user1), (pc2, user2)):
        monkeypatch.setenv("CHANDONG_HOME", str(pc.home))
        shown = review_screen_values(pc.vault, user, household)
        assert sorted(shown) == sorted([on_pc1, on_pc2]), f"{pc.name}: {shown}"


def review_screen_values(vault: Path, user: str, household: str) -> list[str]:
    """Open the app as `user` on this PC, press k on 내 업무, and read the address conflict listed."""
    from chandong_tui.tui.app import ChandongApp
    from chandong_tui.tui.screens.conflicts_screen import ConflictsScreen
    from tests.tui.driving import run_app, sign_in

    found: list[str] = []
    app = ChandongApp(vault, user=user, low_bandwidth=True, sync_seconds=3600.0)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)
        for conflict in app.screen.conflicts:
            if (conflict.table, conflict.row, conflict.field) == ("household", household, "road_address"):
                found.extend(str(v.value) for v in conflict.values)

    run_app(app, scenario)
    return found
