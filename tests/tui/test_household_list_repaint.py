"""What a keystroke in the household search repaints: the list narrows in the same screen update as
the search box, and only the lines that change (a row or the scroll bar's cell at its end) are
repainted, while what they show stays what a full repaint shows."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip

from chandong_tui.casework.repository import HouseholdSummary
from chandong_tui.i18n import t
from chandong_tui.tui.screens.households_screen import HouseholdsScreen
from chandong_tui.tui.widgets.household_list import HouseholdList
from tests.tui.driving import run_app, sign_in

NAMES = ("김철수", "이영희", "박민수", "최지우", "정하나", "강다솜")


def summaries(n: int) -> list[HouseholdSummary]:
    return [
        HouseholdSummary(
            id=f"hh-{i:04d}",
            head_name=NAMES[i % len(NAMES)],
            member_names=(NAMES[i % len(NAMES)],),
            tong=1 + i % 30,
            ban=1 + i % 5,
            address=f"가상로 {i}",
            tags=(),
            owner_id=None,
            status="open",
            open_flag_level=None,
            phone_tails=(f"{i:04d}",),
        )
        for i in range(n)
    ]


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield HouseholdList(id="households")

    def on_mount(self) -> None:
        self.query_one(HouseholdList).load(summaries(600), {})


def bar_column(listing: HouseholdList) -> list[Segment]:
    """The last cell of each line as the list draws it."""
    lines = listing.render_lines(Region(0, 0, listing.size.width, listing.size.height))
    x = listing.gutter.left + listing.scrollable_content_region.width - 1
    return [list(line.crop(x, x + 1))[0] for line in lines]


def shape(cells: list[Segment]) -> list[tuple[str, bool]]:
    """A bar's glyph on each line and whether it is the thumb's body (drawn reversed)."""
    return [(cell.text, bool(cell.style and cell.style.reverse)) for cell in cells]


def textual_bar(listing: HouseholdList) -> list[tuple[str, bool]]:
    """The shape of what Textual's own scroll bar draws for the list's window and rows."""
    height = listing.scrollable_content_region.height
    virtual = listing.virtual_size.height
    bar = ScrollBarRender.render_bar(
        size=height,
        virtual_size=virtual,
        window_size=height if height < virtual else 0,
        position=listing.scroll_offset.y,
    )
    return shape(list(bar.segments))


def test_the_scroll_bar_is_drawn_in_the_lines_and_only_changed_lines_are_repainted() -> None:
    async def main() -> None:
        app = ListApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            listing = app.query_one(HouseholdList)
            assert not listing.show_vertical_scrollbar  # no scroll bar widget: no cut in every line
            drawn: list[int] = []
            real_render_line = listing.render_line

            def counting(y: int) -> Strip:
                drawn.append(y)
                return real_render_line(y)

            listing.render_line = counting  # type: ignore[method-assign]
            width = listing.scrollable_content_region.width
            # 600 rows, then 100, 20 (an empty track), 100 again, and moved to the end
            for query in ("", "김", "김 1통", "김", "김"):
                listing.filter(query)
                await pilot.pause()
                await pilot.pause()
                assert listing.scrollable_content_region.width == width, query  # no column shifts
                shown = bar_column(listing)
                listing._styles_cache.clear()
                listing._forget_drawn()
                assert shown == bar_column(listing), query  # no line left stale
                assert shape(shown) == textual_bar(listing), query
            listing.filter("")
            await pilot.pause()
            drawn.clear()
            listing.filter("김 1통")  # 20 of 600: the thumb is gone, 20 rows change and the blank lines
            await pilot.pause()
            assert 0 < len(set(drawn)) <= listing.size.height
            drawn.clear()
            listing.action_cursor_down()  # a cursor move repaints its two lines, bar cells included
            await pilot.pause()
            assert sorted(set(drawn)) == [1, 2]
            assert not listing.allow_vertical_scroll  # the wheel has nothing to scroll ...
            listing.filter("")
            await pilot.pause()
            assert listing.allow_vertical_scroll  # ... until there is more than a screenful
            listing.action_last()  # scrolled to the end: the thumb at the bottom
            await pilot.pause()
            assert listing.scroll_offset.y > 0
            assert shape(bar_column(listing)) == textual_bar(listing)

    asyncio.run(main())


def test_typing_narrows_the_list_before_the_screen_is_updated(demo_vault: Path) -> None:
    from chandong_tui.tui.app import ChandongApp

    async def scenario(app: ChandongApp, pilot) -> None:
        await sign_in(app, pilot)
        screen = app.screen
        assert isinstance(screen, HouseholdsScreen)
        total = screen.household_list.total
        screen.search_box.value = "김"  # no await: the Changed message has not been handled yet
        assert screen.household_list.search_text == "김"
        narrowed = len(screen.household_list.rows)
        assert narrowed < total
        assert screen._count_line == t("count_filtered", screen.lang, n=narrowed, total=total)
        await pilot.pause()
        assert screen.household_list.search_text == "김" and len(screen.household_list.rows) == narrowed

    run_app(ChandongApp(demo_vault, user="planner"), scenario)
