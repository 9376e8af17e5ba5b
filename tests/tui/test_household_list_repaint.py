"""What a keystroke in the household search repaints: the list narrows in the same screen update as
the search box, and the scroll bar repaints only the lines that change, while what it shows stays
what a full repaint shows."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from chandong_tui.casework.repository import HouseholdSummary
from chandong_tui.i18n import t
from chandong_tui.tui.screens.households_screen import HouseholdsScreen
from chandong_tui.tui.widgets.household_list import HouseholdList, LineScrollBar
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


def bar_lines(bar: LineScrollBar) -> list[Strip]:
    return bar.render_lines(Region(0, 0, bar.size.width, bar.size.height))


def test_the_scroll_bar_repaints_only_changed_lines_and_shows_what_a_full_repaint_shows() -> None:
    async def main() -> None:
        app = ListApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            listing = app.query_one(HouseholdList)
            bar = listing.vertical_scrollbar
            assert isinstance(bar, LineScrollBar) and bar.display
            drawn: list[int] = []
            real_render_line = bar.render_line

            def counting(y: int) -> Strip:
                drawn.append(y)
                return real_render_line(y)

            bar.render_line = counting  # type: ignore[method-assign]
            width = listing.scrollable_content_region.width
            # 600 rows, then 100, 20 (an empty track), 100 again, and moved to the end
            for query in ("", "김", "김 1통", "김", "김"):
                listing.filter(query)
                await pilot.pause()
                await pilot.pause()
                # the bar stays (an empty track when all rows fit): the columns never shift
                assert bar.display and listing.scrollable_content_region.width == width, query
                if bar.size.height:
                    shown = bar_lines(bar)
                    bar._styles_cache.clear()
                    assert shown == bar_lines(bar), query  # no line left stale
            listing.filter("")
            await pilot.pause()
            drawn.clear()
            listing.filter("김")  # 100 of 600: the thumb grows, most of the bar stays as it was
            await pilot.pause()
            assert 0 < len(drawn) < bar.size.height / 2
            listing.action_last()
            await pilot.pause()
            shown = bar_lines(bar)
            bar._styles_cache.clear()
            assert shown == bar_lines(bar)
            # and each line is what Textual's own scroll bar draws
            bar._render_content()
            height = bar.size.height
            assert [bar.render_line(y) for y in range(height)] == [
                ScrollBar.render_line(bar, y) for y in range(height)
            ]

    asyncio.run(main())


def test_typing_narrows_the_list_before_the_screen_is_updated(demo_vault: Path) -> None:
    from chandong_tui.tui.app import ChandongApp

    async def scenario(app: ChandongApp, pilot) -> None:  # noqa: ANN001 - a Pilot
        await sign_in(app, pilot)
        screen = app.screen
        assert isinstance(screen, HouseholdsScreen)
        total = screen.household_list.total
        screen.search_box.value = "김"  # no await: the Changed message has not been handled yet
        assert screen.household_list.query == "김"
        narrowed = len(screen.household_list.rows)
        assert narrowed < total
        assert screen._count_line == t("count_filtered", screen.lang, n=narrowed, total=total)
        await pilot.pause()
        assert screen.household_list.query == "김" and len(screen.household_list.rows) == narrowed

    run_app(ChandongApp(demo_vault, user="planner"), scenario)
