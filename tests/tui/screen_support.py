"""Helpers for driving screens with Pilot, shared by the TUI test modules: households and forms of the
demo vault, keys, the help screen, a movable clock and the footer's keys."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rich.cells import cell_len
from textual.binding import ActiveBinding, Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static

from chandong_tui.casework.clock import now
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.i18n import t
from chandong_tui.model.records import Household, Visit
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.form_modal import FormModal
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.handoff_screen import HandoffScreen
from chandong_tui.tui.screens.help_screen import HelpScreen, KeyRow, toggle_help
from chandong_tui.tui.screens.household_screen import HouseholdScreen
from chandong_tui.tui.widgets.work_list import WorkList
from chandong_tui.vault.accounts import unlock
from chandong_tui.vault.session import VaultSession
from tests.casework_support import add_task, quiet_planner_case
from tests.conftest import opened
from tests.tui.driving import sign_in

# -- households, forms and keys --------------------------------------------------------------
F = TypeVar("F", bound=FormModal[Any])


def fixed_clock() -> tuple[dt.datetime, Callable[[], dt.datetime]]:
    """The moment the test started, and a clock that always says it (minute precision)."""
    moment = now().replace(second=0, microsecond=0)
    return moment, lambda: moment


def read_repo(vault: Path, user: str, read: Callable[[CaseRepository], object]) -> object:
    """What `read` finds in the vault, through a fresh unlock (the app must have closed)."""
    with unlock(vault, user, DEMO_PASSPHRASE) as session:
        return read(CaseRepository(session))


def quiet_household(vault: Path) -> Household:
    """A household with tags and no open crisis flag."""

    def pick(repo: CaseRepository) -> Household:
        for summary in repo.household_summaries():
            if summary.tags and summary.open_flag_level is None:
                household = repo.household(summary.id)
                assert household is not None
                return household
        raise AssertionError("the demo has no quiet household")

    household = read_repo(vault, "supervisor", pick)
    assert isinstance(household, Household)
    return household


def visits_of(vault: Path, household_id: str, user: str = "supervisor") -> list[Visit]:
    visits = read_repo(vault, user, lambda repo: repo.visits_of(household_id))
    assert isinstance(visits, list)
    return visits


async def open_household(app: ChandongApp, pilot: Pilot, household_id: str) -> HouseholdScreen:
    """Sign in (to 내 업무) and open the household's detail on top."""
    await sign_in(app, pilot, to_households=False)
    assert app.repo is not None
    app.push_screen(HouseholdScreen(household_id))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, HouseholdScreen) and screen.household_id == household_id
    return screen


async def open_form(app: ChandongApp, pilot: Pilot, household_id: str, key: str, cls: type[F]) -> F:
    """Open the household, press the form's `key`; the form shown, checked to be a `cls`."""
    await open_household(app, pilot, household_id)
    await pilot.press(key)
    await pilot.pause()
    form = app.screen
    assert isinstance(form, cls)
    return form


async def type_text(pilot: Pilot, value: str) -> None:
    await pilot.press(*value)
    await pilot.pause()


async def clear_input(pilot: Pilot, widget: Input) -> None:
    """Delete what an input holds, with keys."""
    await pilot.press("end", *["backspace"] * len(widget.value))


async def pick_option(pilot: Pilot, typed: str) -> None:
    """On a focused `Select`: open it, type to jump to an option, take it."""
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*typed)
    await pilot.press("enter")
    await pilot.pause()


async def tab_to(pilot: Pilot, widget_id: str, limit: int = 40) -> None:
    """Press Tab until the widget `#widget_id` has focus."""
    for _ in range(limit):
        focused = pilot.app.focused
        if focused is not None and focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"tab never reached #{widget_id}")


async def write_note(pilot: Pilot, form: FormModal[Any], note: str = "안부 확인") -> None:
    """Type a note into a visit form (a visit with nothing in it is refused), then go back to its
    first field."""
    await tab_to(pilot, "note")
    await type_text(pilot, note)
    form.query_one("#visited_on").focus()
    await pilot.pause()


def shown_error(form: FormModal[Any], name: str) -> str:
    """The error shown beside the field `name` ("" when none is)."""
    error = form.query_one(f"#error-{name}", Static)
    return str(error.content) if error.has_class("-shown") else ""


def section(screen: HouseholdScreen, name: str) -> str:
    return screen.query_one(f"#detail-{name}", Static).content.plain


# -- the help screen --------------------------------------------------------------------------
def rows_of(help_screen: HelpScreen) -> dict[str, KeyRow]:
    return {row.description: row for section in help_screen.sections for row in section.rows}


def declared(cls: type, lang: str, app: ChandongApp | None = None) -> set[str]:
    """The descriptions of the bindings a class declares (catalogue keys), in `lang`; with `app`, of
    those for its user (an `app.…` action the app does not offer, a supervisor's screen, left out)."""
    return {
        t(b.description, lang)
        for b in cls.BINDINGS
        if isinstance(b, Binding)
        and b.id is not None
        and (app is None or not b.action.startswith("app.") or app.offers(b.action.removeprefix("app.")))
    }


async def open_help(app: ChandongApp, pilot: Pilot) -> HelpScreen:
    source = app.screen
    toggle_help(app)
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen) and app.screen.source is source
    return app.screen


# -- the clock and keys -----------------------------------------------------------------------
class FakeClock:
    """A clock the test moves on."""

    def __init__(self) -> None:
        self.at = now().replace(second=0, microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, minutes: float) -> None:
        self.at += dt.timedelta(minutes=minutes)


async def type_passphrase(app: ChandongApp, pilot: Pilot, passphrase: str) -> None:
    await pilot.press(*passphrase, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def footer_keys(screen: HouseholdScreen) -> set[str]:
    """The keys of the screen's own bindings that are offered now."""
    return {active.binding.key for active in own_bindings(screen) if active.binding.show}


def own_bindings(screen: Screen[Any]) -> list[ActiveBinding]:
    """The bindings `screen` itself declares that are active now (as Textual's footer reads them:
    `active_bindings`, which leaves out those whose `check_action` says False)."""
    return [active for active in screen.active_bindings.values() if active.node is screen]


# -- what the terminal shows ------------------------------------------------------------------
_SVG_TEXT = re.compile(r'<text [^>]*?x="([0-9.]+)"[^>]*?clip-path="url\(#[^")]*-line-(\d+)\)">(.*?)</text>')
_CELL_WIDTH = 20 * 0.61
"""Rich's SVG export: a cell is 0.61 of the 20-unit line height wide (`Console.export_svg` defaults)."""


def screen_lines(app: ChandongApp) -> list[str]:
    """The terminal's lines now, as plain text a full width each, read from Textual's public
    `export_screenshot` (the SVG places each run of text at its cell; blank runs are left out)."""
    width, height = app.size
    runs: dict[int, list[tuple[int, str]]] = {}
    for x, line, text in _SVG_TEXT.findall(app.export_screenshot()):
        runs.setdefault(int(line), []).append(
            (round(float(x) / _CELL_WIDTH), html.unescape(text.replace("&#160;", " ")))
        )
    lines = []
    for y in range(height):
        text, cells = "", 0
        for column, run in sorted(runs.get(y, [])):
            text += " " * max(0, column - cells) + run
            cells = max(cells, column) + cell_len(run)
        lines.append(text + " " * max(0, width - cells))
    return lines


# -- hand-offs and other PCs' changes ------------------------------------------------------
HOUR = 3600.0
"""The app's sync interval in these tests: no round starts by itself while a test runs."""


def planner_case_with_task(vault: Path) -> str:
    with opened(vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        add_task(repo, hid, "planner", "t-travels")
        return hid


def app_for(vault: Path, user: str, lang: str = "ko") -> ChandongApp:
    _moment, clock = fixed_clock()
    return ChandongApp(vault, lang=lang, user=user, low_bandwidth=True, clock=clock)


async def open_from_my_work(app: ChandongApp, pilot: Pilot, handoff_id: str) -> HandoffScreen:
    """Sign in to 내 업무, move to the hand-off's line and press Enter."""
    await sign_in(app, pilot, to_households=False)
    assert isinstance(app.screen, DashboardScreen)
    work = app.screen.query_one("#work", WorkList)
    work.highlighted = work.get_option_index(f"handoff:{handoff_id}")
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, HandoffScreen) and screen.handoff_id == handoff_id
    return screen


def change(session: VaultSession, household_id: str, **fields: object) -> None:
    repo = CaseRepository(session)
    household = repo.household(household_id)
    assert household is not None
    assert repo.save(household.model_copy(update=fields))
