"""The household search finds Hangul however it arrives: compound jamo from an IME, decomposed (NFD)
names and queries."""

from __future__ import annotations

import asyncio
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from chandong_tui.casework.repository import CaseRepository, HouseholdSummary
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.tui.household_filter import HouseholdFilter, ListFilters, normalise
from chandong_tui.vault.accounts import unlock


def _summary(i: int, names: tuple[str, ...], address: str = "상도로 1") -> HouseholdSummary:
    return HouseholdSummary(
        id=f"h{i}",
        head_name=names[0],
        member_names=names,
        tong=i % 30 + 1,
        ban=i % 9 + 1,
        address=address,
        tags=(),
        owner_id=None,
        status="open",
        open_flag_level=None,
        phone_tails=(f"{i:04d}",),
    )


def nfd(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value)
    assert decomposed != value
    return decomposed


def test_compound_jamo_are_the_two_initials() -> None:
    kim = _summary(1, ("김상현",))
    no = _summary(2, ("노정호",), "은행로 3")
    bak = _summary(3, ("박서연",), "삼부로 8")
    search = HouseholdFilter([kim, no, bak])
    assert search("ㄱㅅㅎ") == [kim]
    assert search("ㄳㅎ") == [kim]
    assert search("ㄵㅎ") == search("ㄴㅈㅎ") == [no]
    assert search("ㅄㅇ") == search("ㅂㅅㅇ") == [bak]
    for compound, pair in {
        "ㄳ": "ㄱㅅ",
        "ㄵ": "ㄴㅈ",
        "ㄶ": "ㄴㅎ",
        "ㄺ": "ㄹㄱ",
        "ㄻ": "ㄹㅁ",
        "ㄼ": "ㄹㅂ",
        "ㄽ": "ㄹㅅ",
        "ㄾ": "ㄹㅌ",
        "ㄿ": "ㄹㅍ",
        "ㅀ": "ㄹㅎ",
        "ㅄ": "ㅂㅅ",
    }.items():
        assert normalise(compound) == pair


def test_decomposed_names_and_queries_find_each_other() -> None:
    composed = _summary(1, ("김민수", "이영희"), "상도로 12")
    decomposed = _summary(2, (nfd("박철수"),), nfd("가상로 5길"))
    search = HouseholdFilter([composed, decomposed])
    # A name stored decomposed, found by typing it (composed), by its initials and by its address.
    assert search("박철수") == [decomposed]
    assert search("철수") == [decomposed]
    assert search("ㅂㅊㅅ") == [decomposed]
    assert search("가상로") == [decomposed]
    # A decomposed query finds a composed name, and so do conjoining initials (U+1100…).
    assert search(nfd("영희")) == [composed]
    assert search(nfd("김민수 상도로")) == [composed]
    assert search("\u1100\u1106\u1109") == [composed]  # ᄀᄆᄉ
    assert search(nfd("박철수")) == [decomposed]


def test_compound_initials_find_as_many_as_the_pair_in_the_demo_vault(demo_vault: Path) -> None:
    with unlock(demo_vault, "supervisor", DEMO_PASSPHRASE) as session:
        summaries = CaseRepository(session).household_summaries()
    search = HouseholdFilter(summaries)
    for pair, compound in (("ㄱㅅ", "ㄳ"), ("ㄴㅎ", "ㄶ"), ("ㄹㄱ", "ㄺ"), ("ㅂㅅ", "ㅄ")):
        found = search(pair)
        assert search(compound) == found
    assert search("ㄳㅎ") == search("ㄱㅅㅎ") != []


KEYS = ["김", "ㄱ", "ㅅ", "ㄳ", "ㅎ", "\u1100", "\u1161", "\u11a8", "상", "현", " ", "1", "⌫"]
"""What the property test types: syllables, initials, a compound jamo, conjoining jamo (which compose
with what comes before or after them), a space, a digit and a backspace."""


@settings(max_examples=300, deadline=None)
@given(keys=st.lists(st.sampled_from(KEYS), max_size=12), mine=st.booleans())
def test_typing_jamo_key_by_key_finds_what_a_fresh_search_finds(keys: list[str], mine: bool) -> None:
    many = [_summary(i, (f"김상현{i}", nfd(f"곽상희{i}")), f"상도로 {i}길") for i in range(60)]
    filters = ListFilters(tong=2) if mine else None
    typing = HouseholdFilter(many)
    query = ""
    for key in keys:
        query = query[:-1] if key == "⌫" else query + key
        assert typing(query, filters) == HouseholdFilter(many)(query, filters), query


def test_form_pick_lists_match_compound_and_decomposed_jamo() -> None:
    """A form's pick list jumps by initials as the household search finds them: `ㄳ` is `ㄱㅅ`, and a
    decomposed label matches a composed prefix."""
    from textual.app import App, ComposeResult

    from chandong_tui.tui.widgets.pick_list import PickList

    class Picking(App[None]):
        def compose(self) -> ComposeResult:
            yield PickList(("실직", 1), ("고시원 거주", 2), (unicodedata.normalize("NFD", "질병"), 3))

    async def scenario() -> None:
        async with Picking().run_test() as pilot:
            picks = pilot.app.query_one(PickList)
            assert picks.match("ㄱㅅ") == 1
            assert picks.match("ㄳ") == 1  # a compound consonant from the IME is its pair
            assert picks.match("질") == 2  # a composed prefix finds the decomposed label
            assert picks.match("ㅈㅂ") == 2

    asyncio.run(scenario())
