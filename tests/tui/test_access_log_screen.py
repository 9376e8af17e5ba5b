"""The supervisor's access-log screen: the review of the month per user, the chain's check at the top,
a user's events with stored text shown escaped; nothing of it for other roles."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from chandong_tui.casework.access import reveal_rrn
from chandong_tui.casework.audit import verify_log
from chandong_tui.casework.clock import now
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.i18n import t
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.commands import ScreenCommands
from chandong_tui.tui.screens.access_log_screen import (
    AccessEventsScreen,
    AccessLogScreen,
    month_of,
    shift_month,
)
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.vault.accounts import unlock
from chandong_tui.vault.chunks import CHUNK_NAME
from tests.conftest import opened
from tests.tui.driving import run_app, sign_in

HOSTILE_REASON = "본인 확인\x1b[2J\x1b]0;pwned\x07"


def planner_reveals(vault: Path) -> str:
    """The planner reveals one number with a reason holding escape sequences; the member's id."""
    with opened(vault, "planner") as repo:
        member = next(m for s in repo.household_summaries() for m in repo.members_of(s.id) if m.rrn)
        reveal_rrn(repo, member.id, HOSTILE_REASON)
        return member.id


async def open_log(app: ChandongApp, pilot: Pilot) -> AccessLogScreen:
    await sign_in(app, pilot, to_households=False)
    assert isinstance(app.screen, DashboardScreen)
    await pilot.press("a")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, AccessLogScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
    return screen


def test_supervisor_reviews_the_month_and_reads_a_users_events_escaped(demo_vault: Path) -> None:
    member_id = planner_reveals(demo_vault)
    app = ChandongApp(demo_vault, user="supervisor")

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_log(app, pilot)
        verified = screen.query_one("#log-verify", Static).content.plain  # type: ignore[union-attr]
        assert screen.report is not None and screen.report.ok
        assert verified == t("access_log_ok", events=screen.report.events, devices=screen.report.devices)
        assert screen.month == month_of(now())
        planner = next(line for line in screen.lines if line.user == "planner")
        assert planner.reveals == 1 and planner.logins >= 1 and planner.flagged
        users = screen.query_one("#log-users", OptionList)
        rows = [str(users.get_option_at_index(i).prompt) for i in range(users.option_count)]
        planner_row = next(row for row in rows if "박서연" in row or "planner" in row)
        assert "⚑" in planner_row

        users.highlighted = next(i for i, line in enumerate(screen.lines) if line.user == "planner")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        events_screen = app.screen
        assert isinstance(events_screen, AccessEventsScreen) and events_screen.user == "planner"
        body = events_screen.query_one("#events-body", Static).content.plain  # type: ignore[union-attr]
        assert member_id in body
        assert "본인 확인␛[2J␛]0;pwned␇" in body  # the reason, its escapes made visible
        assert "\x1b" not in body and "\x07" not in body
        assert "\x1b" not in app.export_screenshot()

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("left_square_bracket")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert screen.month == shift_month(month_of(now()), -1)
        assert all(line.user != "planner" or line.reveals == 0 for line in screen.lines)
        await pilot.press("right_square_bracket")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert next(line for line in screen.lines if line.user == "planner").reveals == 1

    run_app(app, scenario, size=(100, 30))


def test_a_cut_off_chain_is_named_at_the_top(demo_vault: Path) -> None:
    with unlock(demo_vault, "supervisor", DEMO_PASSPHRASE) as session:
        assert verify_log(session).ok  # this PC now remembers every chain's head
    chunks = sorted(p for p in (demo_vault / "devices").rglob("*") if CHUNK_NAME.match(p.name))
    max(chunks, key=lambda p: p.stat().st_mtime_ns).unlink()  # the newest events are gone
    app = ChandongApp(demo_vault, user="supervisor")

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_log(app, pilot)
        assert screen.report is not None and not screen.report.ok
        shown = screen.query_one("#log-verify", Static).content.plain  # type: ignore[union-attr]
        assert shown.startswith(t("access_log_bad", n=len(screen.report.problems)))
        assert "missing" in shown

    run_app(app, scenario, size=(100, 30))


def test_no_access_log_for_other_roles(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="planner")

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert "a" not in [key for key, b in app.active_bindings.items() if b.binding.show]
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is screen
        titles = [entry.title for entry in ScreenCommands(screen).commands()]
        assert t("cmd_access_log_open") not in titles

    run_app(app, scenario)


def test_supervisor_palette_offers_the_access_log(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="supervisor")

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        assert "a" in [key for key, b in app.active_bindings.items() if b.binding.show]
        commands = {entry.title: entry.run for entry in ScreenCommands(app.screen).commands()}
        commands[t("cmd_access_log_open")]()
        await pilot.pause()
        assert isinstance(app.screen, AccessLogScreen)
        await app.workers.wait_for_complete()

    run_app(app, scenario)


def test_months_move_across_years() -> None:
    assert shift_month("2026-01", -1) == "2025-12"
    assert shift_month("2025-12", 1) == "2026-01"
    assert shift_month("2026-06", -18) == "2024-12"
