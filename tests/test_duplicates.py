"""Likely duplicates when registering a household: the same head (name and birth date), the same
address and 상세주소, or a same phone is refused unless a reason is given, which is kept on the new
household's timeline; nothing is saved when refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from chandong_tui.casework.actions import register_household
from chandong_tui.casework.clock import KST
from chandong_tui.casework.duplicates import SAME_ADDRESS, SAME_HEAD, SAME_PHONE, LikelyDuplicate
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.supervision import case_events_of
from chandong_tui.model.enums import CaseAction
from chandong_tui.model.records import Household, Member
from tests.conftest import opened

AT = dt.datetime(2026, 11, 3, 10, 40, tzinfo=KST)


def existing(repo: CaseRepository) -> tuple[Household, Member]:
    """A demo household with a 상세주소 and a head who has a phone."""
    for summary in repo.household_summaries():
        household = repo.household(summary.id)
        members = repo.members_of(summary.id)
        if household and household.address_detail and members and members[0].phone:
            return household, members[0]
    raise AssertionError("the demo has households with a detail address and a phone")


def new_household(**changes: Any) -> dict[str, Any]:
    return {
        "tong": 9,
        "ban": 1,
        "road_address": "가상중복로 1",
        "address_detail": "",
        "consent": {"given": False},
        **changes,
    }


def head(**changes: Any) -> dict[str, Any]:
    return {"name": "처음보는이", "birth_date": "1955-01-02", "sex": "male", "relation": "head", **changes}


@pytest.mark.parametrize("sign", [SAME_HEAD, SAME_ADDRESS, SAME_PHONE])
def test_each_sign_alone_is_a_likely_duplicate_and_nothing_is_saved(demo_vault: Path, sign: str) -> None:
    with opened(demo_vault, "planner") as repo:
        household, member = existing(repo)
        before = len(repo.all(Household))
        data, person = new_household(), head()
        if sign == SAME_HEAD:
            person = head(name=member.name, birth_date=member.birth_date.isoformat())
        elif sign == SAME_ADDRESS:
            data = new_household(road_address=household.road_address, address_detail=household.address_detail)
        else:
            person = head(phone=member.phone.replace("-", ""))  # type: ignore[union-attr]
        with pytest.raises(LikelyDuplicate) as refused:
            register_household(repo, data, [person], at=AT)
        assert len(repo.all(Household)) == before
    match = next(m for m in refused.value.matches if m.household_id == household.id)
    assert sign in match.signs
    assert household.id in str(refused.value)


def test_another_detail_address_alone_is_not_a_duplicate(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household, _member = existing(repo)
        data = new_household(road_address=household.road_address, address_detail="별관 999호")
        registered, _ = register_household(repo, data, [head()], at=AT)
        assert case_events_of(repo, registered.id) == []


def test_registering_anyway_keeps_the_reason_on_the_timeline(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household, member = existing(repo)
        person = head(name=member.name, birth_date=member.birth_date.isoformat())
        with pytest.raises(LikelyDuplicate):
            register_household(repo, new_household(), [person], duplicate_reason="  ", at=AT)
        registered, _ = register_household(
            repo, new_household(), [person], duplicate_reason="동명이인, 주민번호 다름", at=AT
        )
        (event,) = case_events_of(repo, registered.id)
        entries = [e for e in repo.household_summaries() if e.id == registered.id]
    assert entries and (event.action, event.actor_id, event.at) == (
        CaseAction.REGISTERED_ANYWAY,
        "planner",
        AT,
    )
    assert event.note == f"동명이인, 주민번호 다름 ({household.id})"
