"""The bench's measuring tools measure what they say: bytes through a pty, keystrokes, ready marks.

No timing is asserted (machines are noisy); counts, units and the shape of the results are.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from chandong_tui.bench import ready_scenarios, tui_scenarios
from chandong_tui.bench.measure import Timing, format_value
from chandong_tui.bench.pty_driver import CTRL_Q, PtyProgram, PtyTimeout
from chandong_tui.casework.setup import DEMO_PASSPHRASE

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

TINY_APP = """
from textual.app import App
from textual.widgets import Label

class Tiny(App):
    BINDINGS = [("x", "change", "change")]

    def compose(self):
        yield Label("before-marker", id="label")

    def action_change(self):
        self.query_one("#label", Label).update("after-marker")

Tiny().run()
"""


# -- the pty driver -----------------------------------------------------------------------------
def test_pty_counts_every_byte_written() -> None:
    with PtyProgram(["printf", "abc\\ndef"]) as term:
        out = term.drain(quiet=0.3, timeout=10)
        assert term.process.wait(timeout=10) == 0
    assert out == b"abc\r\ndef"  # the terminal turns \n into \r\n, as a real one does
    assert term.total == len(out) == 8


def test_pty_has_the_size_asked_for() -> None:
    with PtyProgram(["stty", "size"], columns=120, rows=40) as term:
        assert term.read_until(b"\n", timeout=10).strip() == b"40 120"


def test_bytes_for_counts_the_echo_and_the_answer() -> None:
    with PtyProgram(["cat"]) as term:
        assert term.bytes_for(b"hello\r", quiet=0.3) == len(b"hello\r\n") * 2  # echo, then cat's copy
        assert term.close(b"\x04", timeout=10) == 0  # ctrl+d


def test_collect_reads_for_a_while_however_busy() -> None:
    with PtyProgram(["sh", "-c", "while :; do printf x; sleep 0.05; done"]) as term:
        out = term.collect(0.5)
        assert 3 <= len(out) == term.total  # keeps reading while the program keeps writing
        with pytest.raises(PtyTimeout, match="still writing"):
            term.drain(quiet=0.2, timeout=0.6)


def test_close_kills_a_program_that_does_not_quit() -> None:
    term = PtyProgram(["sleep", "60"])
    assert term.close(b"q", timeout=0.3) is None
    assert term.process.returncode is not None


def test_read_until_gives_up_with_the_tail() -> None:
    with PtyProgram(["printf", "nothing here"]) as term, pytest.raises(PtyTimeout, match="nothing here"):
        term.read_until(b"never", timeout=2)


def test_pty_counts_a_textual_repaint() -> None:
    with PtyProgram([sys.executable, "-c", TINY_APP], env={"TERM": "xterm-256color"}) as term:
        term.read_until(b"before-marker", timeout=60)
        term.drain(quiet=0.3, timeout=30)
        assert term.drain(quiet=0.5, timeout=30) == b""  # nothing moves on its own
        before = term.total
        changed = term.bytes_for(b"x", quiet=0.3)
        assert 0 < changed == term.total - before
        assert b"after-marker" in term.tail()
        assert term.close(CTRL_Q, timeout=30) == 0


# -- units --------------------------------------------------------------------------------------
def test_values_print_in_their_units() -> None:
    assert format_value(0.0123, "s") == "12.3 ms"
    assert format_value(556, "B") == "556 B"
    assert format_value(9.5 * 1024, "B") == "9.5 KiB"
    assert format_value(150_000, "KiB") == "154 MB"
    assert Timing("bytes", (1.0, 3.0, 2.0), "B").as_dict() == {
        "name": "bytes",
        "unit": "B",
        "median": 2.0,
        "min": 1.0,
        "max": 3.0,
        "n": 3,
    }


# -- the TUI scenarios on the demo vault --------------------------------------------------------
def test_search_gives_one_timing_per_keystroke(demo_vault: Path) -> None:
    result = tui_scenarios.search_keystrokes(
        demo_vault, queries=["ㄱㅅ", "1"], user="planner", passphrase=DEMO_PASSPHRASE
    )
    assert result.queries == ("ㄱㅅ", "1")
    assert len(result.keystroke.samples) == len(result.filter_only.samples) == 3
    assert len(result.noop.samples) == tui_scenarios.NOOP_KEYS
    assert all(sample > 0 for sample in result.keystroke.samples + result.filter_only.samples)
    assert result.households > 0


def test_default_queries_come_from_the_data() -> None:
    from chandong_tui.casework.repository import HouseholdSummary

    summary = HouseholdSummary(
        id="hh-1",
        head_name="김철수",
        member_names=("김철수",),
        tong=1,
        ban=2,
        address="가상로 12 101호",
        tags=(),
        owner_id=None,
        status="open",
        open_flag_level=None,
        phone_tails=("1234",),
    )
    assert tui_scenarios.default_queries([summary]) == ["ㄱㅊㅅ", "김철", "1234", "가상로"]


def test_open_to_ready_reports_the_screen_after_unlock(demo_vault: Path) -> None:
    result = ready_scenarios.open_to_ready(demo_vault, 1, user="planner", passphrase=DEMO_PASSPHRASE)
    assert result.screens[0] not in ("UnlockScreen", "Screen")
    assert len(result.after_unlock.samples) == len(result.minimal.samples) == 1
    assert 0 < result.kdf.median < result.unlock.median
    assert 0 < result.first_paint.median < result.cold_start.median
    assert 0 < result.after_unlock.median < result.cold_start.median
    if sys.platform == "linux":
        assert 0 < result.rss.median <= result.peak_rss.median
    assert set(result.stages) == {stage for stage, _, _ in ready_scenarios.STAGES}
    assert all(seconds >= 0 for seconds in result.stages.values())


def test_terminal_bytes_of_the_household_list(demo_vault: Path) -> None:
    result = tui_scenarios.terminal_bytes(
        demo_vault, moves=3, pages=1, rounds=1, user="planner", passphrase=DEMO_PASSPHRASE
    )
    assert len(result.cursor_move.samples) == 3
    assert len(result.page_scroll.samples) == 1
    assert all(sample > 0 for sample in result.cursor_move.samples)
    assert result.startup > 0
    typed = result.search
    assert len(typed.cpu.samples) == sum(len(query) for query in tui_scenarios.PTY_QUERIES)
    # every key was drawn (the search box shows it), and cost the app CPU time before its last byte
    assert all(written > 0 for written in typed.written.samples)
    assert all(cpu > 0 for cpu in typed.cpu.samples)
    assert all(0 < latency < 10 for latency in typed.latency.samples)
    assert len(typed.noop_cpu.samples) == tui_scenarios.NOOP_KEYS
    assert typed.idle_cpu >= 0
    assert len(result.tab.samples) == tui_scenarios.FORM_TABS
    assert all(written > 0 for written in result.tab.samples)  # each Tab moved the focus on screen
    # a focus move repaints what it changes, not the whole screen (about 19 KB at 120×40)
    assert max(result.tab.samples) < 8 * 1024


# -- the open-speed work in the vault -----------------------------------------------------------
def test_a_loaded_cache_is_frozen_until_closed(demo_vault: Path) -> None:
    from chandong_tui.vault import cache
    from chandong_tui.vault.accounts import unlock

    unlock(demo_vault, "planner", DEMO_PASSPHRASE).close()  # leaves a cache to load
    before = cache._frozen_caches
    session = unlock(demo_vault, "planner", DEMO_PASSPHRASE)
    try:
        assert session.cache.storage.frozen
        assert cache._frozen_caches == before + 1
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
    finally:
        session.close()
    assert not session.cache.storage.frozen
    assert cache._frozen_caches == before
    if before == 0:
        assert gc.get_freeze_count() == 0
    assert session.table("household").storage.read()  # still readable after close


def test_a_dropped_storage_unfreezes_too(tmp_path: Path) -> None:
    from chandong_tui.vault import cache

    key = bytes(32)
    writer = cache.EncryptedMemoryStorage(tmp_path / "cache.tdb", key, b"|test")
    writer.write({"household": {"hh-1": {"tong": 1, "_c": [1, 0, "d", "d.1"]}}})
    writer.flush()
    before = cache._frozen_caches
    storage = cache.EncryptedMemoryStorage(tmp_path / "cache.tdb", key, b"|test")
    assert storage.load()
    assert storage.read() == {"household": {"hh-1": {"tong": 1, "_c": [1, 0, "d", "d.1"]}}}
    assert cache._frozen_caches == before + 1
    del storage
    gc.collect()
    assert cache._frozen_caches == before
    again = cache.EncryptedMemoryStorage(tmp_path / "cache.tdb", key, b"|test")
    assert again.load()
    again.release()
    again.release()  # one release per load, however often it is called
    assert cache._frozen_caches == before


def test_a_tampered_cache_is_not_loaded(tmp_path: Path) -> None:
    from chandong_tui.vault import cache

    key = bytes(32)
    writer = cache.EncryptedMemoryStorage(tmp_path / "cache.tdb", key, b"|test")
    writer.write({"household": {}})
    writer.flush()
    data = bytearray((tmp_path / "cache.tdb").read_bytes())
    data[-1] ^= 1
    (tmp_path / "cache.tdb").write_bytes(bytes(data))
    before = cache._frozen_caches
    storage = cache.EncryptedMemoryStorage(tmp_path / "cache.tdb", key, b"|test")
    assert not storage.load()
    assert storage.read() is None
    assert not storage.frozen
    assert cache._frozen_caches == before


# -- the supervisor queue -----------------------------------------------------------------------
def test_queue_timings_come_with_the_queue_measured(demo_vault: Path) -> None:
    from chandong_tui.bench import queue_scenarios
    from chandong_tui.casework.queue import supervisor_queue
    from tests.conftest import opened

    result = queue_scenarios.supervisor_queue_timing(
        demo_vault, 2, user="supervisor", passphrase=DEMO_PASSPHRASE
    )
    assert len(result.after_change.samples) == len(result.indices_kept.samples) == 2
    assert all(sample > 0 for sample in result.after_change.samples + result.indices_kept.samples)
    with opened(demo_vault, "supervisor") as repo:
        queue = supervisor_queue(repo, queue_scenarios.bench_now())
    assert result.sizes == queue_scenarios.queue_sizes(queue)
    assert result.sizes["caseload"] > 0


def test_queue_screen_opens_once_per_sample(demo_vault: Path) -> None:
    from chandong_tui.bench import queue_scenarios

    result = queue_scenarios.queue_screen_open(demo_vault, 2, user="supervisor", passphrase=DEMO_PASSPHRASE)
    assert len(result.open.samples) == len(result.noop.samples) == 2
    assert all(sample > 0 for sample in result.open.samples)
    assert result.lines > 6  # six section headers and their lines


def test_the_queue_screen_is_timed_in_the_search_scenarios_app(demo_vault: Path) -> None:
    from chandong_tui.bench import queue_scenarios
    from chandong_tui.tui.screens.dashboard_screen import DashboardScreen

    opened: list[queue_scenarios.QueueScreenResult] = []
    screens: list[str] = []

    async def then(app, pilot) -> None:
        screens.append(type(app.screen).__name__)
        opened.append(await queue_scenarios.time_queue_opens(app, pilot, 2))
        assert isinstance(app.screen, DashboardScreen)

    result = tui_scenarios.search_keystrokes(
        demo_vault, queries=["1"], user="supervisor", passphrase=DEMO_PASSPHRASE, then=then
    )
    assert len(result.keystroke.samples) == 1
    assert screens == ["HouseholdsScreen"]  # after the search, in the same app
    assert len(opened) == 1 and len(opened[0].open.samples) == 2 and opened[0].lines > 6
