"""The terminal interface driven through Textual's Pilot, on a copy of the demo vault.

No async plugin is installed, so each test runs its scenario with `asyncio.run`. Every app runs in
low-bandwidth mode (no animations, no blinking cursor) except where that mode is what is tested.
`CHANDONG_HOME` points at a temp dir for every test (autouse fixture in tests/conftest.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Static

from chandong_tui.casework.repository import CaseRepository, HouseholdSummary
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.i18n import t
from chandong_tui.model.enums import HouseholdTag
from chandong_tui.model.records import Household, Member
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.household_filter import HouseholdFilter, initials
from chandong_tui.tui.screens.household_screen import HouseholdScreen
from chandong_tui.tui.screens.households_screen import HouseholdsScreen, SearchBox
from chandong_tui.tui.screens.unlock_screen import UnlockScreen
from chandong_tui.tui.text import cell, join, safe_text
from chandong_tui.tui.widgets.household_list import HouseholdList, fit_cell, line_segments
from chandong_tui.vault.accounts import unlock
from tests.tui.driving import run_app, sign_in

HOSTILE_NAME = "[bold]김[/]"
HOSTILE_ADDRESS = "\x1b[2J가상해킹로 1"


def summaries_of(vault: Path, user: str) -> list[HouseholdSummary]:
    with unlock(vault, user, DEMO_PASSPHRASE) as session:
        return CaseRepository(session).household_summaries()


def households_list(app: ChandongApp) -> HouseholdList:
    assert isinstance(app.screen, HouseholdsScreen)
    return app.screen.household_list


# -- unlock -----------------------------------------------------------------------------------
def test_wrong_passphrase_stays_on_unlock_with_message(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, "not-the-passphrase")
        assert isinstance(app.screen, UnlockScreen)
        message = app.screen.query_one("#unlock-message", Static)
        assert str(message.content) == t("auth_failed")
        assert app.focused is app.screen.query_one("#passphrase", Input)
        assert app.screen.query_one("#passphrase", Input).value == ""
        assert app.session is None

    run_app(app, scenario)


def test_unknown_user_gets_the_same_message(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="nobody", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert str(app.screen.query_one("#unlock-message", Static).content) == t("auth_failed")

    run_app(app, scenario)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_unlock_shows_every_household_aligned(demo_vault: Path, size: tuple[int, int]) -> None:
    expected = summaries_of(demo_vault, "planner")
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)
    sessions = []

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        households = households_list(app)
        sessions.append(app.session)
        assert households.rows == expected
        count = app.screen.query_one("#count", Static)
        assert str(count.content) == t("count_households", n=len(expected))
        width = households.scrollable_content_region.width
        assert width <= size[0]
        lines = [households.render_line(y) for y in range(households.scrollable_content_region.height)]
        # Korean is two cells wide: every line fills the width exactly, none overflows.
        assert all(line.cell_length == width for line in lines)
        assert lines[0].text.startswith(t("col_tong_ban"))
        for y, summary in enumerate(expected[: len(lines) - 1], start=1):
            assert lines[y].text.startswith(f"{summary.tong}-{summary.ban}".ljust(5))
            assert summary.head_name[:3] in lines[y].text

    run_app(app, scenario, size)
    assert sessions[0].closed and app.session is None


# -- list -------------------------------------------------------------------------------------
def _matches_text(summary: HouseholdSummary, query: str) -> bool:
    tags = " ".join(f"{HouseholdTag(tag).ko} {HouseholdTag(tag).en}" for tag in summary.tags)
    haystack = " ".join([*summary.member_names, summary.address, tags]).casefold()
    return query.casefold() in haystack


def test_search_narrows_the_rows(demo_vault: Path) -> None:
    summaries = summaries_of(demo_vault, "planner")
    name_query = summaries[7].head_name[:2]
    by_name = [s for s in summaries if _matches_text(s, name_query)]
    tong, ban = summaries[20].tong, summaries[20].ban
    by_tong_ban = [s for s in summaries if (s.tong, s.ban) == (tong, ban)]
    by_tong = [s for s in summaries if s.tong == tong]
    assert 0 < len(by_name) < len(summaries) and 0 < len(by_tong_ban) <= len(by_tong) < len(summaries)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        households = households_list(app)
        search = app.screen.query_one("#search", Input)
        assert app.focused is search
        await pilot.press(*name_query)
        await pilot.pause()
        assert households.rows == by_name
        assert str(app.screen.query_one("#count", Static).content) == t(
            "count_filtered", n=len(by_name), total=len(summaries)
        )
        for query, expected in ((f"{tong}-{ban}", by_tong_ban), (f"{tong}통", by_tong), ("", summaries)):
            search.value = query
            await pilot.pause()
            assert households.rows == expected, query
        search.value = "zzzz-no-such-household"
        await pilot.pause()
        assert households.rows == [] and households.current is None
        await pilot.press("down", "enter")  # nothing to open: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)

    run_app(app, scenario)


def test_cursor_keys_and_enter_open_the_row_under_the_cursor(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        households = households_list(app)
        await pilot.press("down", "down", "down")  # from the search box
        assert households.cursor == 3
        await pilot.press("escape")  # into the list itself
        assert app.focused is households
        await pilot.press("pagedown", "pagedown")
        body = households.scrollable_content_region.height - 1
        assert households.cursor > 3
        top = round(households.scroll_offset.y)
        assert top <= households.cursor < top + body
        await pilot.press("end")
        await pilot.pause()
        assert households.cursor == len(households.rows) - 1
        top = round(households.scroll_offset.y)
        assert top <= households.cursor < top + body
        last_line = households.render_line(households.cursor - top + 1)
        assert households.rows[-1].head_name[:3] in last_line.text
        await pilot.press("home", "down", "down", "up")
        target = households.rows[1]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)
        assert app.screen.household_id == target.id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)
        assert households.cursor == 1

    run_app(app, scenario)


# -- hostile text -----------------------------------------------------------------------------
def _plant_hostile_household(vault: Path) -> str:
    """Rename a household head to markup and give it an address with a terminal escape.

    `model_copy` skips validation on purpose: whatever the model accepts today, text from another
    PC, an older version or an import must still be shown literally.
    """
    with unlock(vault, "supervisor", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        summary = repo.household_summaries()[10]
        household = repo.household(summary.id)
        head = repo.members_of(summary.id)[0]
        assert isinstance(household, Household) and isinstance(head, Member)
        repo.save_many(
            [
                household.model_copy(
                    update={"road_address": HOSTILE_ADDRESS, "address_detail": "\x9b31m\n2층"}
                ),
                head.model_copy(update={"name": HOSTILE_NAME}),
            ]
        )
        return summary.id


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_hostile_text_is_shown_literally(demo_vault: Path, size: tuple[int, int]) -> None:
    household_id = _plant_hostile_household(demo_vault)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        households = households_list(app)
        await pilot.press(*"가상해킹로")
        await pilot.pause()
        assert [s.id for s in households.rows] == [household_id]
        line = households.render_line(1).text
        assert (HOSTILE_NAME if size[0] >= 100 else "[bold]김[…") in line
        assert "␛[2J" in line and "\x1b" not in line
        assert households.render_line(1).cell_length == households.scrollable_content_region.width
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen) and app.screen.household_id == household_id
        header = app.screen.query_one("#detail-header", Static).content
        members = app.screen.query_one("#detail-members", Static).content
        assert "␛[2J가상해킹로 1 \\x9b31m␊2층" in header.plain
        assert HOSTILE_NAME in members.plain
        assert not any(ch in header.plain + members.plain for ch in "\x1b\x9b")
        screenshot = app.export_screenshot()
        assert "\x1b" not in screenshot and "\x9b" not in screenshot

    run_app(app, scenario, size)


def test_safe_text_makes_controls_visible() -> None:
    assert safe_text("a\x1b[2J\x00\x7f\x9b\u202e\tb") == "a␛[2J␀␡\\x9b\\u202e␉b"
    assert safe_text("[bold]김[/]") == "[bold]김[/]"
    assert safe_text(None) == ""
    for width in range(0, 9):
        assert cell_len(cell("김민수 abc", width).plain) == width
    assert cell("abc", 5, align="right").plain == "  abc"


LIST_VALUES = [HOSTILE_NAME, HOSTILE_ADDRESS, "김민수", "abc", "", "a\u0301b", "x\u202e"]
LIST_VALUES.append("가나다라마바사아자차카타")  # wider than any column


def test_list_cells_fit_as_text_cell_does() -> None:
    """Rows are drawn without building a `Text` per cell; the text is what `cell` gives."""
    for value in LIST_VALUES:
        for width in range(-1, 20):
            assert fit_cell(value, width) == cell(value, width).plain, (value, width)


@pytest.mark.parametrize("over", [None, Style(bold=True, bgcolor="blue")])
def test_list_lines_have_the_segments_of_joined_text(over: Style | None) -> None:
    """`line_segments` gives what `join`ing `cell`s and rendering the `Text` on the list's colours
    gave (same text, same styles, same segment boundaries, so screenshots do not change)."""
    base, muted, urgent = Style(color="white", bgcolor="black"), Style(dim=True), Style(color="red")
    specs = [
        [("3-2", 5, None), ("김민수", 10, None), (HOSTILE_ADDRESS, 12, None)],
        [("3-2", 5, None), ("독거", 6, muted), ("긴급", 4, urgent), ("담당자이름", 8, None)],
        [("주소", 0, muted), ("x", 3, muted), ("", 4, Style()), ("y", 1, None)],
        [(value, width, urgent) for value, width in zip(LIST_VALUES, range(1, 9), strict=True)],
    ]
    console = Console()
    for spec in specs:
        line = join([cell(value, width, style or "") for value, width, style in spec])
        if over is not None:
            line.stylize(over)
        rendered = line.render(console)
        expected = [Segment(seg.text, base + seg.style if seg.style else base) for seg in rendered]
        cells = [(fit_cell(value, width), style) for value, width, style in spec]
        assert line_segments(cells, base, over) == expected, spec


def _screen_cells(app: ChandongApp) -> str:
    """Every cell's text and style, as Textual's SVG screenshot of the screen."""
    return app.export_screenshot()


def test_search_repaints_only_changed_rows_yet_shows_what_a_full_repaint_shows(demo_vault: Path) -> None:
    """A keystroke repaints the lines whose row changed (and the cursor's); after every key, scrolled
    or not, the screen is what repainting the whole list gives."""
    summaries = summaries_of(demo_vault, "planner")
    query = summaries[len(summaries) // 2].head_name
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        households = households_list(app)

        async def assert_like_full_repaint(step: str) -> None:
            await pilot.pause()
            shown = _screen_cells(app)
            households.refresh()
            await pilot.pause()
            assert shown == _screen_cells(app), step

        for char in query:
            await pilot.press(char)
            await assert_like_full_repaint(char)
        for step in (["backspace"] * len(query), ["pagedown", "down"], [query[0]], ["backspace"], ["down"]):
            await pilot.press(*step)
            await assert_like_full_repaint(" ".join(step))
        assert households.rows == summaries and households.cursor == 1

    run_app(app, scenario, (120, 40))


def test_search_box_scrolls_long_text_as_an_input_does() -> None:
    """The search box skips the screen layout `Input` asks for on each keystroke; a query wider than
    the box still scrolls with the cursor exactly as in a plain `Input`."""

    seen: list[str] = []

    class Boxes(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="plain")
            yield SearchBox(seen.append, id="search")

    async def main() -> None:
        app = Boxes()
        async with app.run_test(size=(40, 8)) as pilot:
            plain, search = app.query_one("#plain", Input), app.query_one("#search", SearchBox)
            for box in (plain, search):
                box.focus()
                await pilot.press(*"가상솔밭로 12길 김철수 010-1234-5678 abcdefghij", "left", "left")
                await pilot.pause()
            assert search.value == plain.value and search.scroll_offset == plain.scroll_offset
            assert seen[-1] == search.value  # the list is told of every change as it happens
            assert search.scroll_offset.x > 0
            for y in range(3):
                assert search.render_line(y).text == plain.render_line(y).text

    asyncio.run(main())


# -- detail and roles -------------------------------------------------------------------------
def _household_with_health(vault: Path) -> str:
    with unlock(vault, "nurse", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        for summary in repo.household_summaries():
            if any(member.health and member.health.conditions for member in repo.members_of(summary.id)):
                return summary.id
    raise AssertionError("the demo has no member with health details")


@pytest.mark.parametrize(("user", "sees_health"), [("nurse", True), ("planner", False)])
def test_health_details_only_for_nurses(demo_vault: Path, user: str, sees_health: bool) -> None:
    household_id = _household_with_health(demo_vault)
    app = ChandongApp(demo_vault, user=user, low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        households = households_list(app)
        households.cursor = [s.id for s in households.rows].index(household_id)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)
        members = app.screen.query_one("#detail-members", Static).content.plain
        assert (t("conditions") in members) is sees_health
        timeline = app.screen.query_one("#detail-timeline", Static).content.plain
        repo = app.repo
        assert repo is not None
        entries = repo.timeline(household_id)
        assert entries, "the demo household has a history"
        dates = [line[:10] for line in timeline.splitlines()[2:] if line[:4].isdigit()]
        assert dates == [entry.at.date().isoformat() for entry in entries]  # newest first
        assert dates == sorted(dates, reverse=True)
        for member in repo.members_of(household_id):
            if member.phone:
                assert member.phone not in members  # masked
        await pilot.press("pagedown", "end", "home")
        await pilot.press("backspace")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)

    run_app(app, scenario, (120, 40))


def test_english_interface(demo_vault: Path) -> None:
    total = len(summaries_of(demo_vault, "planner"))
    app = ChandongApp(demo_vault, lang="en", user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await pilot.pause()
        labels = [str(label.content) for label in app.screen.query("Label")]
        assert labels == ["User ID", "Passphrase"]
        await sign_in(app, pilot)
        households = households_list(app)
        assert str(app.screen.query_one("#count", Static).content) == f"{total} households"
        header = households.render_line(0).text
        assert "Head" in header and "Owner" in header
        english_tags = {tag.en for tag in HouseholdTag}
        tagged = next(i for i, s in enumerate(households.rows) if s.tags)
        households.cursor = tagged
        await pilot.pause()
        top = round(households.scroll_offset.y)
        row = households.render_line(tagged - top + 1).text
        assert any(label[:6] in row for label in english_tags)
        # (the screen's own localised bindings: Textual has no public reading of them; the search box has
        # the focus, so the screen's "/" is not among the active ones)
        descriptions = {binding.description for _, binding in app.screen._bindings}
        assert "Search" in descriptions and "Quit" in descriptions
        await pilot.press("enter")
        await pilot.pause()
        header_text = app.screen.query_one("#detail-header", Static).content.plain
        assert "Household detail" in header_text and "Owner" in header_text

    run_app(app, scenario, (120, 40))


# -- commands, exit paths, low bandwidth ------------------------------------------------------
def test_command_palette_search_entry(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, lang="en", user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        households_list(app).focus()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"households: search")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)
        assert app.focused is app.screen.query_one("#search", Input)

    run_app(app, scenario)


def test_exit_closes_the_session(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)
    sessions = []

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        sessions.append(app.session)
        assert sessions[0] is not None and not sessions[0].closed
        app.exit()
        await pilot.pause()

    run_app(app, scenario)
    assert sessions[0].closed
    # The slot is free again: the same user can open the vault at once.
    with unlock(demo_vault, "planner", DEMO_PASSPHRASE) as session:
        assert session.device == sessions[0].device


def test_quit_key_closes_the_session(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)
    sessions = []

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        sessions.append(app.session)
        await pilot.press("ctrl+q")
        await pilot.pause()

    run_app(app, scenario)
    assert sessions[0].closed


def test_low_bandwidth_mode(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await pilot.pause()
        assert app.animation_level == "none"
        assert app.screen.query_one("#passphrase", Input).cursor_blink is False

    run_app(app, scenario)
    normal = ChandongApp(demo_vault, user="planner")
    assert normal.animation_level != "none"


# -- the filter on its own --------------------------------------------------------------------
def _summary(
    id: str,
    names: tuple[str, ...],
    tong: int,
    ban: int,
    address: str,
    tags: tuple[str, ...] = (),
    phones: tuple[str, ...] = (),
) -> HouseholdSummary:
    return HouseholdSummary(
        id=id,
        head_name=names[0],
        member_names=names,
        tong=tong,
        ban=ban,
        address=address,
        tags=tags,
        owner_id=None,
        status="open",
        open_flag_level=None,
        phone_tails=phones,
    )


def test_household_filter_terms() -> None:
    a = _summary("a", ("김민수", "이영희"), 3, 2, "상도로 12", ("elderly_alone",), ("5678",))
    b = _summary("b", ("박철수",), 13, 2, "가상로 5678길 3", ("newborn",), ("1111",))
    c = _summary("c", ("Kim Lee",), 3, 12, "Sangdo-ro 1", (), ())
    search = HouseholdFilter([a, b, c])
    assert search("") == [a, b, c]
    assert search("3-2") == [a]
    assert search("3통") == [a, c]
    assert search("2반") == [a, b]
    assert search("3통12반") == [c]
    assert search("5678") == [a, b]  # a's phone, b's address
    assert search("78") == [a, b]
    assert search("ㄱㅁㅅ") == [a]
    assert search("ㅊㅅ") == [b]
    assert search("영희") == [a]
    assert search("독거") == [a]
    assert search("newborn") == [b]
    assert search("kim") == [c]
    assert search("김 3-2") == [a] and search("김 13-2") == []
    assert initials("김민수 A") == "ㄱㅁㅅ A"


def test_filter_is_fast_enough_for_a_dong() -> None:
    import time

    many = [
        _summary(
            f"h{i}",
            (f"김{i}", f"이{i}"),
            i % 30 + 1,
            i % 9 + 1,
            f"상도로 {i}길",
            ("elderly_alone",),
            (f"{i:04d}",),
        )
        for i in range(3000)
    ]
    search = HouseholdFilter(many)
    started = time.perf_counter()
    for query in ("ㄱ", "김1", "상도로 12", "3-2", "0123"):
        search(query)
    assert (time.perf_counter() - started) / 5 < 0.05  # budget is 10 ms; leave room for slow CI
