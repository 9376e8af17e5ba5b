"""Filters of the household list (my cases, tag, 통, open crisis flag), combined with the search.

Expected rows come from the stored records read through a fresh unlock (full `Household` and
`CrisisFlag` records, not the summaries the list is built from).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Static

from chandong_tui.casework.actions import raise_flag
from chandong_tui.casework.repository import CaseRepository, HouseholdSummary
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.i18n import t
from chandong_tui.model.enums import FlagState, HouseholdTag
from chandong_tui.model.records import CrisisFlag, Household
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.household_filter import HouseholdFilter, ListFilters, initials
from chandong_tui.tui.screens.households_screen import HouseholdsScreen, TongPrompt
from chandong_tui.tui.widgets.household_list import HouseholdList
from chandong_tui.vault.accounts import unlock
from tests.tui.driving import run_app, sign_in
from tests.tui.screen_support import screen_lines


class Stored:
    """What the vault holds, read as `user` through a fresh unlock."""

    def __init__(self, vault: Path, user: str = "planner") -> None:
        with unlock(vault, user, DEMO_PASSPHRASE) as session:
            repo = CaseRepository(session)
            self.households = {h.id: h for h in repo.all(Household)}
            self.open_flagged = {f.household_id for f in repo.all(CrisisFlag) if f.state is FlagState.OPEN}
            self.order = [s.id for s in repo.household_summaries()]
            names = {s.id: " ".join(s.member_names) for s in repo.household_summaries()}
        self.text = {
            hid: f"{names[hid]} {h.road_address} {h.address_detail}" for hid, h in self.households.items()
        }
        """Names of the members and the address: what a search term is matched against."""

    def ids(self, keep) -> list[str]:
        return [hid for hid in self.order if keep(self.households[hid])]


def shown(app: ChandongApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, HouseholdsScreen)
    return [summary.id for summary in screen.household_list.rows]


def count_line(app: ChandongApp) -> str:
    return str(app.screen.query_one("#count", Static).content)


def footer_keys(app: ChandongApp) -> list[str]:
    return [key.key for key in app.screen.query("FooterKey")]  # type: ignore[attr-defined]


def test_each_filter_matches_the_stored_records(demo_vault: Path) -> None:
    vault = Stored(demo_vault)
    total = len(vault.order)
    mine = vault.ids(lambda h: h.owner_id == "planner")
    flagged = vault.ids(lambda h: h.id in vault.open_flagged)
    assert 0 < len(mine) < total and 0 < len(flagged) < total
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        screen = app.screen
        assert isinstance(screen, HouseholdsScreen)
        await pilot.press("escape")  # from the search box to the list: letters are keys there
        assert app.focused is screen.household_list
        await pilot.press("m")
        assert shown(app) == mine
        assert count_line(app) == t(
            "filter_line", filters=t("filter_mine"), count=t("count_filtered", n=len(mine), total=total)
        )
        await pilot.press("o")
        both = [hid for hid in mine if hid in vault.open_flagged]
        assert shown(app) == both
        assert f"{t('filter_mine')} · {t('filter_open_flag')}" in count_line(app)
        await pilot.press("m")  # off again
        assert shown(app) == flagged
        await pilot.press("o")
        assert shown(app) == vault.order and count_line(app) == t("count_households", n=total)

        for tag in HouseholdTag:  # `t` walks through the tags in order, then back to none
            await pilot.press("t")
            assert screen.filters.tag == tag.value
            assert shown(app) == vault.ids(lambda h, tag=tag: tag in h.tags), tag
            assert tag.ko in count_line(app)
        await pilot.press("t")
        assert screen.filters.tag is None and shown(app) == vault.order

        await pilot.press("g")  # 통: asks for a number
        await pilot.pause()
        assert isinstance(app.screen, TongPrompt)
        await pilot.press("2", "2", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert shown(app) == vault.ids(lambda h: h.tong == 22)
        assert t("filter_tong", tong=22) in count_line(app)

    run_app(app, scenario)


def test_filters_combine_with_the_search(demo_vault: Path) -> None:
    vault = Stored(demo_vault)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        screen = app.screen
        assert isinstance(screen, HouseholdsScreen)
        await pilot.press("m")  # in the search box a letter is typed, not a filter
        assert screen.search_box.value == "m" and not screen.filters.active
        await pilot.press("backspace", *"김", "escape", "m", "t")  # 김 + my cases + 독거어르신
        expected = vault.ids(
            lambda h: h.owner_id == "planner" and "elderly_alone" in h.tags and "김" in vault.text[h.id]
        )
        assert expected and shown(app) == expected
        await pilot.press("slash")  # back to the search box: the filters stay
        assert app.focused is screen.search_box
        await pilot.press("backspace")
        assert shown(app) == vault.ids(lambda h: h.owner_id == "planner" and "elderly_alone" in h.tags)
        await pilot.press(*"22통", "escape", "x")  # the search narrows by 통 too; x clears everything
        assert screen.search_box.value == "" and not screen.filters.active
        assert shown(app) == vault.order
        await pilot.press("g")  # a 통 filter with a search
        await pilot.pause()
        await pilot.press(*"7", "enter", "slash", *"ㄱ")
        await pilot.pause()
        expected = vault.ids(lambda h: h.tong == 7 and "ㄱ" in initials(vault.text[h.id]))
        assert expected and shown(app) == expected

    run_app(app, scenario)


def test_tong_prompt_refuses_what_is_not_a_tong(demo_vault: Path) -> None:
    app = ChandongApp(demo_vault, lang="en", user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        screen = app.screen
        assert isinstance(screen, HouseholdsScreen)
        await pilot.press("escape", "g")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, TongPrompt)
        await pilot.press("0", "enter")
        await pilot.pause()
        assert app.screen is prompt
        assert str(prompt.query_one("#tong-message", Static).content) == t("tong_prompt_bad", "en")
        await pilot.press("escape")  # cancelled: nothing changes
        await pilot.pause()
        assert app.screen is screen and not screen.filters.active
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("3", "enter")
        await pilot.pause()
        assert screen.filters.tong == 3 and "tong 3" in count_line(app)
        await pilot.press("g")
        await pilot.pause()
        assert app.screen.query_one("#tong-input", Input).value == "3"  # the current 통 to edit
        await pilot.press("backspace", "enter")  # empty clears
        await pilot.pause()
        assert screen.filters.tong is None

    run_app(app, scenario)


def test_filter_keys_are_in_the_footer_only_where_they_work(demo_vault: Path) -> None:
    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        await pilot.pause()
        in_search = footer_keys(app)
        assert "escape" in in_search and "ctrl+n" in in_search
        assert not {"m", "o", "slash"} & set(in_search)
        await pilot.press("escape")
        await pilot.pause()
        in_list = footer_keys(app)
        assert {"m", "o", "ctrl+n", "slash"} <= set(in_list) and "escape" not in in_list
        width = sum(key.outer_size.width for key in app.screen.query("FooterKey"))
        assert width <= 80, in_list  # the whole footer fits 80 columns

    for lang in ("ko", "en"):
        run_app(ChandongApp(demo_vault, lang=lang, user="planner", low_bandwidth=True), scenario)


def test_my_cases_of_a_supervisor_is_empty_not_broken(demo_vault: Path) -> None:
    vault = Stored(demo_vault, "supervisor")
    owned = vault.ids(lambda h: h.owner_id == "supervisor")
    app = ChandongApp(demo_vault, user="supervisor", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        await pilot.press("escape", "m")
        assert shown(app) == owned
        await pilot.press("enter")  # nothing to open when empty: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, HouseholdsScreen)

    run_app(app, scenario)


# -- the filter and the list on their own -----------------------------------------------------
def _summary(i: int) -> HouseholdSummary:
    return HouseholdSummary(
        id=f"h{i}",
        head_name=f"김{i}",
        member_names=(f"김{i}", f"이{i}"),
        tong=i % 30 + 1,
        ban=i % 9 + 1,
        address=f"상도로 {i}길",
        tags=(("elderly_alone",) if i % 3 == 0 else ()) + (("newborn",) if i % 5 == 0 else ()),
        owner_id="planner" if i % 2 else "officer",
        status="open",
        open_flag_level="urgent" if i % 7 == 0 else None,
        phone_tails=(f"{i:04d}",),
    )


KEYS = ["김", "이", "1", "2", "0", "ㄱ", "ㅅ", "ㄷ", "상", "도", "통", "반", "-", " ", "a", "⌫"]
"""What the property test types: name and address syllables, digits, initials, 통/반, a space, a
letter, and a backspace."""


@settings(max_examples=300, deadline=None)
@given(
    keys=st.lists(st.sampled_from(KEYS), max_size=12),
    filters=st.sampled_from([None, ListFilters(), ListFilters(owner_id="planner"), ListFilters(tong=2)]),
    switch_at=st.integers(min_value=0, max_value=12),
)
def test_typing_key_by_key_finds_what_a_fresh_search_finds(
    keys: list[str], filters: ListFilters | None, switch_at: int
) -> None:
    """One filter that searches from its last result when a key only narrows it, against a fresh
    filter for every query (the filters change once on the way, as the list's filter keys do)."""
    many = [_summary(i) for i in range(120)]
    typing = HouseholdFilter(many)
    query = ""
    for step, key in enumerate(keys):
        query = query[:-1] if key == "⌫" else query + key
        used = filters if step < switch_at else ListFilters(open_flag=True)
        assert typing(query, used) == HouseholdFilter(many)(query, used), (query, used)


def test_list_filters_on_their_own() -> None:
    many = [_summary(i) for i in range(60)]
    search = HouseholdFilter(many)
    assert search("", ListFilters()) == many and not ListFilters().active
    mine = ListFilters(owner_id="planner")
    assert search("", mine) == [s for s in many if s.owner_id == "planner"]
    flagged = ListFilters(open_flag=True, tag="newborn")
    assert search("", flagged) == [s for s in many if s.open_flag_level and "newborn" in s.tags]
    assert [s.id for s in search("", flagged)] == ["h0", "h35"]
    assert search("김1", ListFilters(tong=2)) == [s for s in many if s.tong == 2 and "김1" in s.head_name]
    assert search("3통", ListFilters(tong=4)) == []


def test_filters_stay_instant_and_only_visible_rows_are_drawn() -> None:
    """3,500 households: a filter change costs a few milliseconds, and drawing the screen renders only
    the rows on it (the list is virtualised), whichever filter is on; a row drawn before is not drawn
    again (the strips are cached by household), yet the screen shows the right rows."""
    many = [_summary(i) for i in range(3500)]

    class ListApp(App[None]):
        def compose(self) -> ComposeResult:
            yield HouseholdList(id="households")

    async def main() -> None:
        app = ListApp()
        async with app.run_test(size=(80, 24)) as pilot:
            households = app.query_one(HouseholdList)
            households.load(many, {})
            await pilot.pause()
            drawn: list[str] = []
            row = households._row

            def counting(summary, columns):
                drawn.append(summary.id)
                return row(summary, columns)

            households._row = counting  # type: ignore[method-assign]
            height = households.scrollable_content_region.height
            for filters in (
                ListFilters(owner_id="planner"),
                ListFilters(owner_id="planner", open_flag=True),
                ListFilters(tag="elderly_alone", tong=4),
                ListFilters(),
            ):
                drawn.clear()
                started = time.perf_counter()
                households.set_filters(filters)
                elapsed = time.perf_counter() - started
                await pilot.pause()
                assert households.rows == HouseholdFilter(many)("", filters)
                assert elapsed < 0.05, filters  # budget 10 ms; room for slow CI
                assert len(drawn) <= height and set(drawn) <= {s.id for s in households.rows[:height]}
                screen = screen_lines(app)
                visible = households.rows[: height - 1]
                shown_heads = zip(visible, screen[1 : len(visible) + 1], strict=True)
                assert all(f" {s.head_name} " in line for s, line in shown_heads), filters

    asyncio.run(main())


def test_coming_back_from_a_household_reads_the_list_again(demo_vault: Path) -> None:
    """A flag raised while a household was open counts for the open-flag filter once back on the list."""
    vault = Stored(demo_vault)
    target = next(hid for hid in vault.order[5:] if hid not in vault.open_flagged)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        screen = app.screen
        assert isinstance(screen, HouseholdsScreen)
        await pilot.press("escape")
        assert screen.household_list.select_id(target)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, HouseholdsScreen)
        assert app.repo is not None
        raise_flag(app.repo, {"household_id": target, "level": "crisis", "reasons": ["job_loss"]})
        app.pop_screen()
        await pilot.pause()
        assert app.screen is screen
        current = screen.household_list.current
        assert current is not None and current.id == target and current.open_flag_level == "crisis"
        await pilot.press("o")
        assert target in shown(app)
        assert len(shown(app)) == len(vault.open_flagged) + 1

    run_app(app, scenario)
