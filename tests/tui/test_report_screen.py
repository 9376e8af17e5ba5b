"""The supervisor's monthly report screen, driven through Pilot on a copy of the demo vault.

Expected figures come from the reports layer (`compute`, `monthly_report`), never hard-coded: the
screen must show what the report shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Input, Static

from chandong_tui.i18n import t
from chandong_tui.reports.figures import FIGURES, compute
from chandong_tui.reports.month import Month
from chandong_tui.reports.monthly import monthly_report
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.export_modal import ExportModal
from chandong_tui.tui.screens.households_screen import HouseholdsScreen
from chandong_tui.tui.screens.report_screen import (
    ReportScreen,
    figure_label,
    format_value,
    month_before,
    previous_month,
)
from tests.reports_support import readme_figure_labels
from tests.tui import driving
from tests.tui.driving import notifications, run_app

TODAY = dt.date(2026, 11, 15)
Scenario = Callable[[ChandongApp, Pilot], Awaitable[None]]


@pytest.fixture(autouse=True)
def no_real_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`~` in a default export path never reaches the user's home."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


async def sign_in(app: ChandongApp, pilot: Pilot) -> None:
    await driving.sign_in(app, pilot)
    assert isinstance(app.screen, HouseholdsScreen)


async def settle(app: ChandongApp, pilot: Pilot) -> None:
    """Let the report worker finish and its message be handled."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def open_report(app: ChandongApp, pilot: Pilot) -> ReportScreen:
    """Push the report screen with a fixed `today` (the key itself is tested separately)."""
    assert app.repo is not None
    app.push_screen(ReportScreen(today=TODAY))
    await pilot.pause()
    await settle(app, pilot)
    assert isinstance(app.screen, ReportScreen)
    return app.screen


def assert_shows(app: ChandongApp, screen: ReportScreen, month: Month) -> None:
    """Table and chart equal the reports layer for `month` and the 11 months before it."""
    assert app.repo is not None
    assert screen.month == month
    expected = compute(app.repo, month).dong.values()
    assert screen.values == expected
    for figure in FIGURES:
        shown = screen.table.get_cell(figure.key, "value")
        assert shown == format_value(figure, expected[figure.key], screen.lang), figure.key
    widest = max(cell_len(str(screen.table.get_cell(f.key, "value"))) for f in FIGURES)
    assert screen.table.columns["value"].get_render_width(screen.table) >= widest  # nothing cut off
    months = [month_before(month, back) for back in range(11, -1, -1)]
    tallies = [compute(app.repo, m).dong for m in months]
    assert screen.chart.months == months
    assert screen.chart.visits == [tally.counts["visits"] for tally in tallies]
    assert screen.chart.flags == [tally.counts["crisis_flags_raised"] for tally in tallies]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_supervisor_sees_the_figures_and_moves_months(demo_vault: Path, size: tuple[int, int]) -> None:
    app = ChandongApp(demo_vault, user="supervisor", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        await pilot.press("ctrl+r")  # the key from the household list, with the real today
        await settle(app, pilot)
        assert isinstance(app.screen, ReportScreen)
        assert app.screen.month == previous_month(dt.date.today())
        app.screen.dismiss()
        await pilot.pause()

        screen = await open_report(app, pilot)
        start = Month(2026, 10)
        assert_shows(app, screen, start)
        assert any(screen.chart.visits) and any(screen.chart.flags)  # the demo has both
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert_shows(app, screen, Month(2026, 9))
        assert screen.query_one("#report-month", Input).value == "2026-09"
        await pilot.press("right", "right")
        await settle(app, pilot)
        assert_shows(app, screen, Month(2026, 11))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)

    run_app(app, scenario, size)


def test_english_labels(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="supervisor", lang="en", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        screen = await open_report(app, pilot)
        labels = [str(screen.table.get_cell(f.key, "figure")) for f in FIGURES]
        assert labels == [figure_label(f, "en") for f in FIGURES]
        readme = readme_figure_labels()
        assert labels == [readme[f.key][1] for f in FIGURES]  # the README's English labels
        assert "Visits" in labels and not any("_" in label for label in labels)

    run_app(app, scenario)


def test_planner_cannot_open_the_report(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        assert "open_report" not in {b.binding.action for b in app.active_bindings.values() if b.binding.show}
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)
        messages = notifications(app)
        assert t("report_supervisor_only") in messages
        # The screen itself refuses too.
        assert app.repo is not None
        app.push_screen(ReportScreen(today=TODAY))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)

    run_app(app, scenario)


def test_export_writes_the_report_and_escape_writes_nothing(demo_vault: Path, tmp_path: Path) -> None:
    app = ChandongApp(demo_vault, user="supervisor", low_bandwidth=True)
    target = tmp_path / "out" / "report.csv"
    target.parent.mkdir()
    escaped = tmp_path / "out" / "escaped.csv"

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        screen = await open_report(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportModal)
        path_input = app.screen.query_one("#export-path", Input)
        assert path_input.value == "~/chandong-report-2026-10.csv"
        path_input.value = str(escaped)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert not escaped.exists()

        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert app.repo is not None
        expected = monthly_report([app.repo], Month(2026, 10)).to_csv("ko")
        data = target.read_bytes()
        assert data == expected
        assert data.startswith(b"\xef\xbb\xbf")
        # The screen names each figure by its CSV header, as the README's table does.
        header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        labels = [str(screen.table.get_cell(f.key, "figure")) for f in FIGURES]
        readme = readme_figure_labels()
        assert labels == header[4:] == [readme[f.key][0] for f in FIGURES]
        message = str(screen.query_one("#report-message", Static).content)
        assert message == t("report_saved", path=str(target))

        # Keys header, and a path that cannot be written: a message, no crash.
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "missing" / "x.csv")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#report-message", Static).has_class("-error")

    run_app(app, scenario)


def test_malformed_month_gives_a_message(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="supervisor", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        screen = await open_report(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        month_input = screen.query_one("#report-month", Input)
        assert app.focused is month_input
        month_input.value = ""
        await pilot.press(*"2026-13", "enter")
        await pilot.pause()
        assert app.screen is screen
        message = screen.query_one("#report-message", Static)
        assert str(message.content) == t("report_month_bad")
        assert message.has_class("-error")
        assert screen.month == Month(2026, 10)
        # Typing a good month moves there.
        month_input.value = ""
        await pilot.press(*"2026-03", "enter")
        await settle(app, pilot)
        assert_shows(app, screen, Month(2026, 3))
        assert str(message.content) == ""

    run_app(app, scenario)
