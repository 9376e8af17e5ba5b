"""내 업무 (the dashboard after unlock) driven through Textual's Pilot on a copy of the demo vault.

The app's clock is fixed at 65 hours after the last demo flag was raised: that flag's first-visit
clock is in its last 12 hours (highlighted), an older one is breached. What the screen lists is
compared with `my_work` computed in a separate session before the app starts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rich.style import Style
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Static

from chandong_tui.casework.actions import raise_flag, record_visit, register_household
from chandong_tui.casework.clock import KST, ClockState
from chandong_tui.casework.my_work import MyWork, my_work
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import HandoffTarget, TargetGroup, VisitKind
from chandong_tui.model.records import CrisisFlag, Handoff
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.household_screen import HouseholdScreen
from chandong_tui.tui.screens.households_screen import HouseholdsScreen
from chandong_tui.tui.widgets.work_list import WorkList
from chandong_tui.vault.accounts import unlock
from tests.tui.driving import run_app, sign_in
from tests.tui.screen_support import screen_lines

LAST_FLAG_RAISED = dt.datetime(2026, 10, 31, 17, 40, tzinfo=KST)
"""`raised_at` of the demo's newest flag (flag-0040), a planner's household not yet visited."""
AT = LAST_FLAG_RAISED + dt.timedelta(hours=65)
WARNING_FLAG = "flag-0040"
BREACHED_FLAG = "flag-0036"
HOSTILE_NAME = "[bold]김[/]"
SECTIONS = (
    "section_flags",
    "section_visits_due",
    "section_handoffs",
    "section_conferences",
    "section_tasks",
    "section_links_check",
)


def work_of(vault: Path, user: str = "planner", at: dt.datetime = AT) -> MyWork:
    with unlock(vault, user, DEMO_PASSPHRASE) as session:
        return my_work(CaseRepository(session), at)


def dashboard_app(
    vault: Path, lang: str = "ko", clock: dt.datetime = AT, user: str = "planner"
) -> ChandongApp:
    return ChandongApp(vault, lang=lang, user=user, low_bandwidth=True, clock=lambda: clock)


def work_list(app: ChandongApp) -> WorkList:
    assert isinstance(app.screen, DashboardScreen)
    return app.screen.query_one("#work", WorkList)


def prompts(app: ChandongApp) -> dict[str, Text]:
    """Option id → its line."""
    items = work_list(app)
    found = {}
    for index in range(items.option_count):
        option = items.get_option_at_index(index)
        assert isinstance(option.prompt, Text)
        found[option.id or ""] = option.prompt
    return found


def section_counts(app: ChandongApp, lang: str = "ko") -> dict[str, int]:
    lines = prompts(app)
    counts = {}
    for key in SECTIONS:
        header = lines[f"section:{key}"].plain
        label = f"{t(key, lang)} ("
        assert header.startswith(label) and header.endswith(")"), header
        counts[key] = int(header[len(label) : -1])
    return counts


def counts_of(work: MyWork) -> dict[str, int]:
    return {
        "section_flags": len(work.flags),
        "section_visits_due": len(work.visits_due),
        "section_handoffs": len(work.handoffs),
        "section_conferences": len(work.conferences),
        "section_tasks": len(work.tasks),
        "section_links_check": len(work.links),
    }


def summary_text(work: MyWork, lang: str = "ko") -> str:
    return t(
        "dashboard_summary",
        lang,
        flags=len(work.flags),
        breached=sum(1 for f in work.flags if f.clock.state is ClockState.BREACHED),
        visits=len(work.visits_due),
        handoffs=len(work.handoffs),
        conferences=len(work.conferences),
    )


def styled(line: Text, needle: str) -> list[Style]:
    """Styles of the spans covering the text `needle` in `line`."""
    start = line.plain.index(needle)
    end = start + len(needle)
    return [Style.parse(str(span.style)) for span in line.spans if span.start <= start and end <= span.end]


def has_background(styles: list[Style]) -> bool:
    return any(style.bgcolor is not None for style in styles)


# -- what it shows ---------------------------------------------------------------------------------
def test_dashboard_sections_match_my_work(demo_vault: Path) -> None:
    expected = work_of(demo_vault)
    clocks = {item.flag.id: item.clock.state for item in expected.flags}
    assert clocks[WARNING_FLAG] is ClockState.WARNING and clocks[BREACHED_FLAG] is ClockState.BREACHED
    assert ClockState.MET in clocks.values()
    app = dashboard_app(demo_vault)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        assert isinstance(app.screen, DashboardScreen)
        assert section_counts(app) == counts_of(expected)
        summary = app.screen.query_one("#dashboard-summary", Static).content
        assert str(summary) == summary_text(expected)
        title = str(app.screen.query_one("#dashboard-title", Static).content)
        assert title.startswith(t("my_work")) and "박서연" in title and title.endswith("2026-11-03 10:40")
        lines = prompts(app)
        ids = [key for key in lines if not key.startswith(("section:", "none:"))]
        assert ids == (
            [f"flag:{f.flag.id}" for f in expected.flags]
            + [f"due:{d.household.id}" for d in expected.visits_due]
            + [f"handoff:{h.id}" for h in expected.handoffs]
            + [f"conference:{c.id}" for c in expected.conferences]
            + [f"task:{task.id}" for task in expected.tasks]
            + [f"link:{link.id}" for link in expected.links[:100]]
        )
        for item in expected.visits_due:
            line = lines[f"due:{item.household.id}"].plain
            assert item.due_on.isoformat() in line and item.household.head_name in line
        # The flag in its last 12 hours is highlighted with its time left; the breached one says so.
        warning = lines[f"flag:{WARNING_FLAG}"]
        assert "남은 시간 7:00" in warning.plain
        warning_styles = styled(warning, "남은 시간 7:00")
        assert has_background(warning_styles) and any(s.bold for s in warning_styles)
        breached = lines[f"flag:{BREACHED_FLAG}"]
        assert "기한 초과 46:40" in breached.plain
        assert has_background(styled(breached, "기한 초과 46:40"))
        assert styled(breached, "기한 초과")[0] != warning_styles[0]
        for item in expected.flags:
            line = lines[f"flag:{item.flag.id}"]
            if item.clock.state in (ClockState.RUNNING, ClockState.MET, ClockState.LATE):
                assert "기한 초과" not in line.plain
                assert not any(Style.parse(str(span.style)).bgcolor for span in line.spans), line.plain
        shown = screen_lines(app)
        header = next(y for y, row in enumerate(shown) if t("section_flags") in row)
        assert "기한 초과 46:40" in shown[header + 1]  # the most urgent first, right under its header
        assert t("nothing_to_do") in lines["none:section_handoffs"].plain  # the demo has none for her

    run_app(app, scenario, (120, 40))


def clocked_app(vault: Path, moment: list[dt.datetime]) -> ChandongApp:
    """The planner's app, whose "now" is `moment[0]` (move it to move the clocks)."""
    return ChandongApp(vault, user="planner", low_bandwidth=True, clock=lambda: moment[0])


async def on_dashboard(app: ChandongApp, pilot: Pilot) -> DashboardScreen:
    """Signed in, on 내 업무."""
    await sign_in(app, pilot, to_households=False)
    assert isinstance(app.screen, DashboardScreen)
    return app.screen


def test_clocks_tick_without_reading_again(demo_vault: Path) -> None:
    moment = [AT]
    app = clocked_app(demo_vault, moment)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await on_dashboard(app, pilot)
        moment[0] = AT + dt.timedelta(hours=8)  # the highlighted flag is now an hour late
        screen.tick()
        await pilot.pause()
        line = prompts(app)[f"flag:{WARNING_FLAG}"].plain
        assert "기한 초과 1:00" in line
        summary = str(screen.query_one("#dashboard-summary", Static).content)
        assert summary == summary_text(work_of(demo_vault, at=moment[0]))

    run_app(app, scenario, (120, 40))


def test_a_hidden_dashboard_does_not_redraw_on_its_tick(demo_vault: Path) -> None:
    """Under the household list the clocks wait: no work, no repaint of the list above (bytes over
    SSH); back on top they show the time again."""
    moment = [AT]
    app = clocked_app(demo_vault, moment)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        dashboard = await on_dashboard(app, pilot)
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen is not dashboard and dashboard in app.screen_stack[:-1]
        items = dashboard.query_one("#work", WorkList)
        before = [items.get_option_at_index(index).prompt for index in range(items.option_count)]
        moment[0] = AT + dt.timedelta(hours=8)
        dashboard.tick()
        await pilot.pause()
        after = [items.get_option_at_index(index).prompt for index in range(items.option_count)]
        assert after == before  # not redrawn while hidden
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is dashboard
        assert "기한 초과 1:00" in prompts(app)[f"flag:{WARNING_FLAG}"].plain

    run_app(app, scenario, (120, 40))


def test_enter_on_a_flag_opens_its_household(demo_vault: Path) -> None:
    expected = work_of(demo_vault)
    app = dashboard_app(demo_vault)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        items = work_list(app)
        assert items.highlighted_option is not None
        assert items.highlighted_option.id == f"flag:{expected.flags[0].flag.id}"  # the header is skipped
        await pilot.press("down")
        second = expected.flags[1].flag
        assert items.highlighted_option is not None and items.highlighted_option.id == f"flag:{second.id}"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)
        assert app.screen.household_id == second.household_id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert work_list(app).highlighted_option.id == f"flag:{second.id}"  # same item after the refresh
        due = expected.visits_due[0].household.id
        work_list(app).highlighted = work_list(app).get_option_index(f"due:{due}")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen) and app.screen.household_id == due

    run_app(app, scenario, (120, 40))


def test_headers_are_not_selectable(demo_vault: Path) -> None:
    app = dashboard_app(demo_vault)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        items = work_list(app)
        await pilot.press("home")
        assert items.highlighted_option is not None and items.highlighted_option.id.startswith("flag:")
        headers = [
            i for i in range(items.option_count) if items.get_option_at_index(i).id.startswith("section:")
        ]
        assert all(items.get_option_at_index(i).disabled for i in headers)
        items.post_message(WorkList.OptionSelected(items, items.get_option_at_index(headers[1]), headers[1]))
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)

    run_app(app, scenario, (120, 40))


def test_keys_move_between_dashboard_and_household_list(demo_vault: Path) -> None:
    app = dashboard_app(demo_vault)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is dashboard
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)
        await pilot.press("f3")  # already there: nothing piles up
        await pilot.pause()
        assert app.screen_stack[-2:] == [dashboard, app.screen]
        await pilot.press("enter")  # the first household
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is dashboard and app.screen_stack[-1] is dashboard
        assert not any(isinstance(s, (HouseholdScreen, HouseholdsScreen)) for s in app.screen_stack)
        await pilot.press("f2")  # on itself: nothing happens
        await pilot.pause()
        assert app.screen is dashboard

    run_app(app, scenario)


def test_coming_back_reads_the_work_again(demo_vault: Path) -> None:
    before = work_of(demo_vault)
    target = before.visits_due[0].household.id
    quiet = next(d.household.id for d in before.visits_due[1:] if d.household.open_flag_level is None)
    app = dashboard_app(demo_vault)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        assert section_counts(app) == counts_of(before)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)
        repo = app.repo
        assert repo is not None
        record_visit(
            repo,
            {
                "household_id": target,
                "visited_on": AT.date().isoformat(),
                "visit_kind": VisitKind.REGULAR,
                "target_group": TargetGroup.ELDERLY,
                "note": "안부 확인",
                "next_visit_due": (AT.date() + dt.timedelta(days=30)).isoformat(),
            },
            at=AT,
        )
        raised = AT - dt.timedelta(hours=30)
        raise_flag(repo, {"household_id": quiet, "level": "urgent", "reasons": ["illness"]}, at=raised)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        counts = section_counts(app)
        assert counts["section_visits_due"] == len(before.visits_due) - 1
        assert counts["section_flags"] == len(before.flags) + 1
        lines = prompts(app)
        assert f"due:{target}" not in lines
        new_flag = next(
            key
            for key in lines
            if key.startswith("flag:") and key[5:] not in {f.flag.id for f in before.flags}
        )
        assert "남은 시간 42:00" in lines[new_flag].plain
        summary = str(app.screen.query_one("#dashboard-summary", Static).content)
        assert summary == summary_text(my_work(repo, AT))

    run_app(app, scenario, (120, 40))
    with unlock(demo_vault, "planner", DEMO_PASSPHRASE) as session:  # and it was saved
        assert target not in {d.household.id for d in my_work(CaseRepository(session), AT).visits_due}


def test_english_labels(demo_vault: Path) -> None:
    expected = work_of(demo_vault)
    app = dashboard_app(demo_vault, lang="en")

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        assert section_counts(app, "en") == counts_of(expected)
        lines = prompts(app)
        assert lines["section:section_flags"].plain.startswith("Crisis flags")
        assert "7:00 left" in lines[f"flag:{WARNING_FLAG}"].plain
        assert "Overdue by 46:40" in lines[f"flag:{BREACHED_FLAG}"].plain
        assert "Crisis" in lines[f"flag:{WARNING_FLAG}"].plain
        summary = str(app.screen.query_one("#dashboard-summary", Static).content)
        assert summary == summary_text(expected, "en")
        title = str(app.screen.query_one("#dashboard-title", Static).content)
        assert title.startswith("My work") and "Welfare planner" in title
        # Labels are English; only what workers typed (names, addresses, places) stays Korean.
        for key, line in lines.items():
            if key.startswith(("section:", "none:")):
                assert not any(_hangul(ch) for ch in line.plain), line.plain
            elif key.startswith("flag:"):
                state = line.plain[: line.plain.index(" left") if " left" in line.plain else 30]
                assert not any(_hangul(ch) for ch in state), line.plain
        descriptions = {active.binding.description for active in app.screen.active_bindings.values()}
        assert "Quit" in descriptions

    run_app(app, scenario, (120, 40))


def _hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_renders_within_the_terminal(demo_vault: Path, size: tuple[int, int]) -> None:
    app = dashboard_app(demo_vault)
    width, height = size

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        lines = app.screen._compositor.render_strips()
        assert len(lines) == height
        assert all(line.cell_length == width for line in lines)
        title = str(app.screen.query_one("#dashboard-title", Static).content)
        assert title in lines[0].text  # one line, not cut
        items = work_list(app)
        region = items.scrollable_content_region
        assert region.right <= width
        assert items.virtual_size.height == items.option_count  # one row per item, never wrapped
        for y in range(region.height):
            strip = items.render_line(y)
            assert strip.cell_length == region.width
        cropped = [items.render_line(y).text.rstrip() for y in range(region.height)]
        assert any(row.endswith("…") for row in cropped) is (width < 100)
        await pilot.press("pagedown", "end")
        await pilot.pause()
        assert all(line.cell_length == width for line in app.screen._compositor.render_strips())

    run_app(app, scenario, size)


# -- hostile text ----------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_hostile_household_is_shown_literally(demo_vault: Path, size: tuple[int, int]) -> None:
    with unlock(demo_vault, "planner", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        household, _ = register_household(
            repo,
            {
                "tong": 1,
                "ban": 1,
                "road_address": "\x1b[2J가상해킹로 1",
                "consent": {"given": True, "on": "2026-11-01"},
            },
            [{"name": HOSTILE_NAME, "birth_date": "1950-01-01", "sex": "male", "relation": "head"}],
            at=AT,
        )
        flag = raise_flag(
            repo, {"household_id": household.id, "level": "urgent", "reasons": ["abuse"]}, at=AT
        )
        repo.save(
            Handoff(
                id="ho-hostile",
                household_id=household.id,
                from_worker_id="officer",
                target=HandoffTarget.WORKER,
                to_worker_id="planner",
                reason=HOSTILE_NAME,
            )
        )
    app = dashboard_app(demo_vault)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        lines = prompts(app)
        flag_line = lines[f"flag:{flag.id}"]
        assert "[bold]김[…" in flag_line.plain  # the name column is ten cells: cropped, not interpreted
        assert "␛[2J가상해킹로 1" in flag_line.plain and "\x1b" not in flag_line.plain
        handoff_line = lines["handoff:ho-hostile"]
        assert handoff_line.plain.endswith(HOSTILE_NAME)
        start = handoff_line.plain.index(HOSTILE_NAME)
        assert not any(Style.parse(str(span.style)).bold for span in handoff_line.spans if span.end > start)
        items = work_list(app)
        index = items.get_option_index(f"flag:{flag.id}")
        items.highlighted = index
        await pilot.pause()
        shown = "\n".join(screen_lines(app))
        assert "[bold]김[" in shown and "\x1b" not in shown
        assert "\x1b" not in app.export_screenshot()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen) and app.screen.household_id == household.id

    run_app(app, scenario, size)


def test_supervisor_sees_the_whole_dong(demo_vault: Path) -> None:
    expected = work_of(demo_vault, "supervisor")
    app = dashboard_app(demo_vault, user="supervisor")

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        assert section_counts(app) == counts_of(expected)
        summary = str(app.screen.query_one("#dashboard-summary", Static).content)
        assert summary == f"{summary_text(expected)} · {t('whole_dong', Lang.KO)}"
        assert [k for k in prompts(app) if k.startswith("flag:")] == [
            f"flag:{f.flag.id}" for f in expected.flags
        ]
        assert {f.flag.id for f in expected.flags} >= {WARNING_FLAG, BREACHED_FLAG, "flag-0039"}
        assert all(isinstance(f.flag, CrisisFlag) for f in expected.flags)

    run_app(app, scenario, (120, 40))
