"""Sync in the terminal UI: background rounds, the status line and the 충돌 검토 screen.

Two PCs on one vault folder in one test: the app is PC A; PC B is a plain session unlocked in the same
process, which takes a device slot of its own (its own device id, outbox and cache). Rounds are driven
directly (`tick`), never waited for: the app's interval is an hour.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from chandong_tui.casework import conflicts as conflicts_module
from chandong_tui.casework.clock import KST
from chandong_tui.casework.conflicts import conflicts
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.i18n import t
from chandong_tui.model.records import Household
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.confirm_modal import ConfirmModal
from chandong_tui.tui.modals.visit_modal import VisitModal
from chandong_tui.tui.screens.conflicts_screen import ConflictsScreen
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.help_screen import toggle_help
from chandong_tui.tui.screens.households_screen import HouseholdsScreen
from chandong_tui.tui.sync_status import SyncLine, saves_waiting
from chandong_tui.vault import session as session_module
from chandong_tui.vault.accounts import unlock
from chandong_tui.vault.chunks import chunk_name
from chandong_tui.vault.session import VaultSession
from chandong_tui.vault.sync import sync_round
from tests.tui.driving import notifications, run_app, sign_in
from tests.tui.screen_support import HOUR, change, open_household, tab_to, type_text


class MovingClock:
    """The app's clock, moved by the test."""

    def __init__(self) -> None:
        self.at = dt.datetime(2026, 11, 2, 9, 30, tzinfo=KST)

    def __call__(self) -> dt.datetime:
        return self.at


async def tick(app: ChandongApp, pilot: Pilot) -> None:
    """One background round, as the timer would start it, run to its end."""
    assert app.sync.run_round(), "a round was already running"
    await app.workers.wait_for_complete()
    await pilot.pause()


def sync_line(app: ChandongApp) -> SyncLine:
    """The status line of the screen in front."""
    return app.screen.query_one(SyncLine)


def status(app: ChandongApp) -> str:
    line = sync_line(app)
    assert line.shown is not None
    return line.shown


def pc_b(vault: Path, user: str = "supervisor") -> VaultSession:
    """Another PC on the same folder: a second unlock in this process takes another device slot."""
    return unlock(vault, user, DEMO_PASSPHRASE)


def read_fresh(vault: Path, read: Callable[[CaseRepository], object]) -> object:
    """What a session opened afterwards reads (the app and PC B closed)."""
    with unlock(vault, "supervisor", DEMO_PASSPHRASE) as session:
        return read(CaseRepository(session))


def a_household(vault: Path) -> str:
    summaries = read_fresh(vault, lambda repo: repo.household_summaries())
    assert isinstance(summaries, list)
    return summaries[5].id


# -- another PC's change comes in ---------------------------------------------------------------
def test_another_pcs_change_shows_after_one_tick(demo_vault: Path) -> None:
    hid = a_household(demo_vault)
    moved = "서울특별시 동작구 가상새길 7"
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, sync_seconds=HOUR)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        screen = app.screen
        assert isinstance(screen, HouseholdsScreen)
        assert status(app).startswith(t("sync_at").format(at=""))
        b = pc_b(demo_vault)
        try:
            change(b, hid, road_address=moved)
            assert b.publish() >= 1
        finally:
            b.close()
        shown = {row.id: row.address for row in screen.household_list.rows}
        assert moved not in shown[hid]  # not before a round
        await tick(app, pilot)
        assert app.screen is screen
        shown = {row.id: row.address for row in screen.household_list.rows}
        assert moved in shown[hid]  # the list was read again, the cursor's screen kept
        assert app.sync.rounds == 1 and app.sync.state.trouble == ""

    run_app(app, scenario)


# -- a conflict, reviewed and resolved -------------------------------------------------------------
def test_concurrent_changes_are_counted_reviewed_and_resolved_everywhere(demo_vault: Path) -> None:
    hid = a_household(demo_vault)
    ours, theirs = "가상새길 11 (A)", "가상옛길 22 (B)"
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, sync_seconds=HOUR)
    kept: list[str] = []

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        assert app.repo is not None and isinstance(app.screen, DashboardScreen)
        names = {w.id: w.name for w in app.repo.workers()}
        b = pc_b(demo_vault)
        try:
            change(b, hid, road_address=theirs)  # PC B, not published yet
            change(app.session, hid, road_address=ours)  # PC A at the same time
            await tick(app, pilot)  # A publishes its change; B's is not there yet
            assert app.session.unpublished == 0
            assert t("sync_conflicts", n=1) not in status(app)
            assert b.publish() >= 1
            await tick(app, pilot)  # A takes B's in: two live values
            assert t("sync_conflicts", n=1) in status(app)

            await pilot.press("k")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ConflictsScreen)
            (conflict,) = screen.conflicts
            assert (conflict.table, conflict.row, conflict.field) == ("household", hid, "road_address")
            both = {(ours, "planner"), (theirs, "supervisor")}
            assert {(v.value, v.actor) for v in conflict.values} == both
            listing = screen.query_one("#conflicts-list", OptionList)
            lines = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
            shown = "\n".join(lines)
            assert t("field_road_address") in lines[0] and "통" in lines[0]
            for value in conflict.values:  # side by side: value, worker's name, date and time
                line = next(line for line in lines if value.value in line)
                assert names[value.actor] in line
                assert f"{value.at.astimezone(KST):%Y-%m-%d %H:%M}" in line
            assert names["planner"] in shown and names["supervisor"] in shown

            # B sees the conflict too once it has taken A's change in.
            assert sync_round(b).ingest.chunks >= 1
            assert len(conflicts(CaseRepository(b))) == 1

            # Keep the value the record does not show meanwhile: the choice is what counts.
            number = next(i for i, v in enumerate(conflict.values, 1) if v.value != conflict.shown)
            kept.append(conflict.values[number - 1].value)
            await pilot.press(str(number))
            await pilot.pause()
            assert isinstance(app.screen, ConfirmModal)
            await pilot.press("y")
            await pilot.pause()
            await app.workers.wait_for_complete()  # the round the save started
            await pilot.pause()
            assert app.screen is screen and screen.conflicts == []
            assert t("saved") in notifications(app)
            assert app.session.unpublished == 0  # sent on at once
            assert t("sync_conflicts", n=1) not in status(app)
            household = app.repo.get(Household, hid)
            assert household is not None and household.road_address == kept[0]

            sync_round(b)  # B takes the resolution in
            assert conflicts(CaseRepository(b)) == []
        finally:
            b.close()

    run_app(app, scenario)
    assert kept
    stored = read_fresh(demo_vault, lambda repo: (repo.get(Household, hid), conflicts(repo)))
    assert isinstance(stored, tuple)
    household, left = stored
    assert household.road_address == kept[0] and left == []


def test_others_see_only_their_own_conflicts_and_a_number_too_high_is_refused(demo_vault: Path) -> None:
    hid = a_household(demo_vault)
    app = ChandongApp(demo_vault, user="nurse", low_bandwidth=True, sync_seconds=HOUR)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        b, c = pc_b(demo_vault, "supervisor"), pc_b(demo_vault, "planner")
        try:
            change(b, hid, owner_id="officer")
            change(c, hid, owner_id="supervisor")
            b.publish()
            c.publish()
        finally:
            b.close()
            c.close()
        await tick(app, pilot)
        household = app.repo.household(hid)
        assert household is not None and household.owner_id != "nurse"
        assert t("sync_conflicts", n=1) not in status(app)  # neither the nurse's case nor her value
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen) and app.screen.conflicts == []
        await pilot.press("escape")
        await pilot.pause()
        change(app.session, hid, owner_id="nurse")  # now a value of hers … written after both: no conflict
        await tick(app, pilot)
        assert t("sync_conflicts", n=1) not in status(app)

    run_app(app, scenario)


# -- the shared folder goes away -------------------------------------------------------------------
def break_share(vault: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Make the devices folder unusable; returns what mends it."""
    devices = vault / "devices"
    if how == "removed":
        aside = vault.parent / "devices-aside"
        devices.rename(aside)
        devices.write_bytes(b"")  # a dead mount leaves something that is not a folder

        def mend() -> None:
            devices.unlink()
            aside.rename(devices)

        return mend
    modes = {p: p.stat().st_mode for p in [devices, *devices.iterdir()]}
    for path in modes:
        path.chmod(0o555)
    writer = session_module.write_chunk
    if os.geteuid() == 0:  # root writes through modes: the write fails as it would for anyone else

        def refused(*_args: object, **_kwargs: object) -> Path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

        monkeypatch.setattr(session_module, "write_chunk", refused)

    def mend_modes() -> None:
        # only what was patched here: `undo` would also undo the test's state folder (CHANDONG_HOME)
        monkeypatch.setattr(session_module, "write_chunk", writer)
        for path, mode in modes.items():
            path.chmod(mode)

    return mend_modes


@pytest.mark.parametrize("how", ["removed", "read_only"])
def test_unreachable_share_is_said_saves_stay_in_the_outbox_and_it_recovers(
    demo_vault: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    hid = a_household(demo_vault)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, sync_seconds=HOUR)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await open_household(app, pilot, hid)
        mend = break_share(demo_vault, how, monkeypatch)
        await tick(app, pilot)
        if how == "removed":  # reading fails already
            assert status(app).startswith(t("sync_offline"))
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, VisitModal)
        await tab_to(pilot, "note")
        await type_text(pilot, "공유 폴더 없이 저장")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert t("saved") in notifications(app)
        assert app.session is not None
        in_outbox = [op for op in app.session.outbox.scan().ops if op.table == "visit"]
        assert in_outbox  # durable on this PC
        app.sync.poll()  # the save is noticed at the next poll: a round at once
        await app.workers.wait_for_complete()
        await pilot.pause()
        line = status(app)
        assert line.startswith(t("sync_offline")) and sync_line(app).has_class("-trouble")
        waiting = saves_waiting(app.session)  # access-log events go out too but are not saves
        assert 1 <= waiting < app.session.unpublished and t("sync_kept", n=waiting) in line
        mend()
        await tick(app, pilot)
        line = status(app)
        assert line.startswith(t("sync_at").format(at="")) and not sync_line(app).has_class("-trouble")
        assert app.session.unpublished == 0 and t("sync_offline") not in line

    run_app(app, scenario)
    visits = read_fresh(demo_vault, lambda repo: [v.note for v in repo.visits_of(hid)])
    assert isinstance(visits, list) and "공유 폴더 없이 저장" in visits


# -- low bandwidth, keys, palette ------------------------------------------------------------------
def test_low_bandwidth_status_line_repaints_only_on_news(
    demo_vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hid = a_household(demo_vault)
    clock = MovingClock()
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock, sync_seconds=HOUR)
    counted: list[int] = []
    real_conflicts = conflicts_module.conflicts

    def counting(repo: CaseRepository) -> list[conflicts_module.Conflict]:
        counted.append(1)
        return real_conflicts(repo)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        line = sync_line(app)
        before, repaints = line.shown, line.repaints
        assert before == t("sync_at", at="09:30")
        monkeypatch.setattr(conflicts_module, "conflicts", counting)
        clock.at += dt.timedelta(minutes=7)
        await tick(app, pilot)
        await tick(app, pilot)
        assert line.shown == before and line.repaints == repaints  # quiet rounds: not a byte
        change(app.session, hid, address_detail="가상동 1층")  # a save here: sent, no conflict possible
        await tick(app, pilot)
        assert line.shown == t("sync_at", at="09:37") and line.repaints == repaints + 1
        assert counted == []  # conflicts are not counted again for a save made here
        b = pc_b(demo_vault)
        try:
            change(b, hid, tong=3)
            b.publish()
        finally:
            b.close()
        clock.at += dt.timedelta(minutes=1)
        await tick(app, pilot)
        assert line.shown == t("sync_at", at="09:38") and line.repaints == repaints + 2
        assert counted == [1]  # another PC's change came in: counted once
        app.set_low_bandwidth(False)  # otherwise the time moves with every round
        clock.at += dt.timedelta(minutes=1)
        await tick(app, pilot)
        assert line.shown == t("sync_at", at="09:39") and line.repaints == repaints + 3

    run_app(app, scenario)


def test_conflict_keys_are_in_the_help_and_the_palette_opens_the_screen(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, lang="en", user="planner", low_bandwidth=True, sync_seconds=HOUR)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        toggle_help(app)
        await pilot.pause()
        rows = {row.description: row for s in app.screen.sections for row in s.rows}
        assert rows[t("key_conflicts", "en")].keys == ["k"]
        toggle_help(app)
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"sync: conflicts")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)
        assert t("conflicts_none", "en") in str(
            app.screen.query_one("#conflicts-list", OptionList).get_option_at_index(0).prompt
        )
        toggle_help(app)
        await pilot.pause()
        rows = {row.description: row for s in app.screen.sections for row in s.rows}
        assert rows[t("key_keep_number", "en")].keys == [str(n) for n in range(1, 10)]
        assert t("key_keep", "en") in rows
        toggle_help(app)
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"sync: now")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.sync.rounds == 1

    run_app(app, scenario)


def test_a_copied_pc_stops_publishing_and_says_so(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, sync_seconds=HOUR)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        session = app.session
        assert session is not None
        own = demo_vault / "devices" / session.device
        newest = max(own.iterdir(), key=lambda p: p.name)
        # Another PC with this PC's id (a copied state folder) wrote the next chunk.
        shutil.copy(newest, own / chunk_name(session.own_chunk_seq + 1))
        await tick(app, pilot)
        assert status(app).startswith(t("sync_clone"))

    run_app(app, scenario)
