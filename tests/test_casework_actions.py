"""Case-work actions (record a visit, raise / update / resolve a flag, register a household) and the
72-hour clock, checked against what is stored: every save is read back from a reopened vault."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from chandong_tui.casework.access import Forbidden
from chandong_tui.casework.actions import (
    MemberInvalid,
    new_id,
    raise_flag,
    record_visit,
    register_household,
    resolve_flag,
    update_flag,
)
from chandong_tui.casework.clock import (
    DEFAULT_NEXT_VISIT_DAYS,
    KST,
    ClockState,
    first_visit_clock,
    format_remaining,
    next_visit_default,
)
from chandong_tui.casework.errors import IllegalTransition, InvalidInput, NotFound
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.model.enums import (
    CrisisLevel,
    CrisisReason,
    FlagState,
    HouseholdTag,
    Need,
    SupportKind,
    TargetGroup,
    VisitKind,
)
from chandong_tui.model.records import CrisisFlag, Household, Member, Visit
from tests.conftest import opened

AT = dt.datetime(2026, 11, 3, 10, 40, tzinfo=KST)
"""The moment every action here happens (the demo's data runs to the end of October 2026)."""
TODAY = AT.date()
HOSTILE_NAME = "[bold]김[/]"
HOSTILE_NOTE = "\x1b[2J[red]지움[/]"


def quiet_household(repo: CaseRepository, owner: str = "planner") -> str:
    """A household of `owner` without any crisis flag, open or not."""
    return next(
        s.id
        for s in repo.household_summaries()
        if s.owner_id == owner and s.status != "closed" and not repo.flags_of(s.id)
    )


def visit_data(household_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "household_id": household_id,
        "visited_on": TODAY.isoformat(),
        "visit_kind": VisitKind.REGULAR,
        "target_group": TargetGroup.ELDERLY,
        "note": "안부 확인",
        **changes,
    }


def flag_data(household_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "household_id": household_id,
        "level": CrisisLevel.CRISIS,
        "reasons": [CrisisReason.ILLNESS],
        "note": "",
        **changes,
    }


def visit_count(vault: Path) -> int:
    with opened(vault, "supervisor") as repo:
        return len(repo.all(Visit))


def locs(error: ValidationError) -> list[tuple[int | str, ...]]:
    return [tuple(e["loc"]) for e in error.errors()]


# -- record_visit ----------------------------------------------------------------------------------
def test_record_visit_stores_exactly_the_given_fields_and_survives_reopen(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        data = visit_data(
            household,
            visited_on="2026-11-02",
            needs=[Need.CARE, Need.FOOD],
            resources=[{"agency": "동작가상복지관", "service": "밑반찬 배달", "category": "in_kind"}],
            note="안부 확인, 식사 잘 하심",
            next_visit_due="2026-12-02",
        )
        visit = record_visit(repo, data, at=AT)
    with opened(demo_vault, "planner") as repo:
        stored = repo.get(Visit, visit.id)
    assert stored == visit
    assert stored.model_dump(mode="json") == {
        "id": visit.id,
        "household_id": household,
        "worker_id": "planner",
        "visited_on": "2026-11-02",
        "visit_kind": "regular",
        "target_group": "elderly",
        "needs": ["care", "food"],
        "resources": [
            {
                "agency": "동작가상복지관",
                "service": "밑반찬 배달",
                "category": "in_kind",
                "outcome": "pending",
            }
        ],
        "health_measures": None,
        "note": "안부 확인, 식사 잘 하심",
        "next_visit_due": "2026-12-02",
        "revises": None,
    }


def test_record_visit_is_always_by_the_signed_in_worker(demo_vault: Path) -> None:
    """A form cannot sign a visit, or a flag, with someone else's name."""
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        visit = record_visit(repo, visit_data(household, worker_id="nurse", id="v-chosen"), at=AT)
        flag = raise_flag(
            repo,
            flag_data(
                household,
                raised_by="officer",
                raised_at=AT - dt.timedelta(days=9),
                state="resolved",
                resolved_at=AT,
            ),
            at=AT,
        )
    with opened(demo_vault, "supervisor") as repo:
        stored_visit = repo.get(Visit, visit.id)
        stored_flag = repo.get(CrisisFlag, flag.id)
        assert repo.get(Visit, "v-chosen") is None
    assert stored_visit is not None and stored_visit.worker_id == "planner"
    assert stored_flag is not None
    assert (stored_flag.raised_by, stored_flag.raised_at, stored_flag.state) == (
        "planner",
        AT,
        FlagState.OPEN,
    )


def test_in_person_visit_stops_the_first_visit_clock(demo_vault: Path) -> None:
    raised = AT - dt.timedelta(hours=30)
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        flag = raise_flag(repo, flag_data(household), at=raised)
        assert flag.first_visit_at is None
        record_visit(repo, visit_data(household, visit_kind=VisitKind.CRISIS), at=AT)
    with opened(demo_vault, "planner") as repo:
        stored = repo.get(CrisisFlag, flag.id)
    assert stored is not None
    assert stored.first_visit_at == AT
    assert (stored.state, stored.raised_at, stored.level) == (FlagState.OPEN, raised, CrisisLevel.CRISIS)
    assert first_visit_clock(stored, AT + dt.timedelta(days=5)).state is ClockState.MET


def test_visit_on_an_earlier_day_stops_the_clock_at_the_start_of_that_day(demo_vault: Path) -> None:
    raised = dt.datetime(2026, 11, 1, 9, 0, tzinfo=KST)
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        flag = raise_flag(repo, flag_data(household), at=raised)
        record_visit(repo, visit_data(household, visited_on="2026-11-02"), at=AT)
    with opened(demo_vault, "planner") as repo:
        stored = repo.get(CrisisFlag, flag.id)
    assert stored is not None and stored.first_visit_at == dt.datetime(2026, 11, 2, tzinfo=KST)


def test_phone_call_does_not_stop_the_clock(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        flag = raise_flag(repo, flag_data(household), at=AT - dt.timedelta(hours=5))
        visit = record_visit(repo, visit_data(household, visit_kind=VisitKind.PHONE), at=AT)
    with opened(demo_vault, "planner") as repo:
        stored = repo.get(CrisisFlag, flag.id)
        assert repo.get(Visit, visit.id) is not None
    assert stored is not None and stored.first_visit_at is None


def test_visit_dated_before_the_flag_does_not_stop_its_clock(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        flag = raise_flag(repo, flag_data(household), at=AT - dt.timedelta(hours=2))
        record_visit(
            repo, visit_data(household, visited_on=(TODAY - dt.timedelta(days=1)).isoformat()), at=AT
        )
    with opened(demo_vault, "planner") as repo:
        stored = repo.get(CrisisFlag, flag.id)
    assert stored is not None and stored.first_visit_at is None


def test_visit_leaves_flags_already_visited_or_resolved_alone(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        first = raise_flag(repo, flag_data(household), at=AT - dt.timedelta(hours=50))
        record_visit(
            repo, visit_data(household, visited_on=(TODAY - dt.timedelta(days=1)).isoformat()), at=AT
        )
        resolved = raise_flag(repo, flag_data(household), at=AT - dt.timedelta(hours=3))
        resolve_flag(repo, resolved.id, {}, at=AT - dt.timedelta(hours=1))
        record_visit(repo, visit_data(household), at=AT)
    with opened(demo_vault, "planner") as repo:
        kept_first = repo.get(CrisisFlag, first.id)
        kept_resolved = repo.get(CrisisFlag, resolved.id)
    assert kept_first is not None and kept_first.first_visit_at == dt.datetime(2026, 11, 2, tzinfo=KST)
    assert kept_resolved is not None and kept_resolved.first_visit_at is None


def test_health_measures_only_by_nurses(demo_vault: Path) -> None:
    measures = {"systolic": 132, "diastolic": 85, "glucose": 110, "note": "혈압 약간 높음"}
    before = visit_count(demo_vault)
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        with pytest.raises(Forbidden):
            record_visit(
                repo, visit_data(household, visit_kind=VisitKind.HEALTH, health_measures=measures), at=AT
            )
    assert visit_count(demo_vault) == before
    with opened(demo_vault, "nurse") as repo:
        visit = record_visit(
            repo, visit_data(household, visit_kind=VisitKind.HEALTH, health_measures=measures), at=AT
        )
    assert visit_count(demo_vault) == before + 1
    with opened(demo_vault, "nurse") as repo:
        stored = repo.get(Visit, visit.id)
    assert stored is not None and stored.worker_id == "nurse" and stored.health_measures is not None
    assert stored.health_measures.model_dump() == {**measures, "weight_kg": None}
    with opened(demo_vault, "planner") as repo:
        seen = repo.get(Visit, visit.id)
    assert seen is not None and seen.health_measures is None  # redacted for the planner


def test_a_confirmed_future_visit_is_saved_and_stops_no_clock(demo_vault: Path) -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        flag = raise_flag(repo, flag_data(household), at=AT - dt.timedelta(hours=1))
        data = visit_data(household, visited_on=tomorrow.isoformat())
        with pytest.raises(ValidationError):
            record_visit(repo, data, at=AT, confirmed_day=tomorrow - dt.timedelta(days=1))
        visit = record_visit(repo, data, at=AT, confirmed_day=tomorrow)
    assert visit.visited_on == tomorrow
    with opened(demo_vault, "planner") as repo:
        stored = repo.get(CrisisFlag, flag.id)
    assert stored is not None and stored.first_visit_at is None


@pytest.mark.parametrize(
    "visited_on",
    ["2026-13-40", "어제", (TODAY + dt.timedelta(days=1)).isoformat()],
    ids=["bad", "text", "future"],
)
def test_bad_visit_date_is_rejected_and_nothing_stored(demo_vault: Path, visited_on: str) -> None:
    before = visit_count(demo_vault)
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        flag = raise_flag(repo, flag_data(household), at=AT - dt.timedelta(hours=1))
        with pytest.raises(ValidationError) as caught:
            record_visit(repo, visit_data(household, visited_on=visited_on), at=AT)
    assert locs(caught.value) == [("visited_on",)]
    assert visit_count(demo_vault) == before
    with opened(demo_vault, "planner") as repo:
        stored = repo.get(CrisisFlag, flag.id)
    assert stored is not None and stored.first_visit_at is None


@pytest.mark.parametrize("due", ["2026-11-01", TODAY.isoformat()])
def test_next_visit_due_must_come_after_the_visit(demo_vault: Path, due: str) -> None:
    before = visit_count(demo_vault)
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        with pytest.raises(ValidationError) as caught:
            record_visit(repo, visit_data(household, next_visit_due=due), at=AT)
    assert [e["type"] for e in caught.value.errors()] == ["due_before_visit"]
    assert visit_count(demo_vault) == before


# -- flags -----------------------------------------------------------------------------------------
def test_raise_flag_stores_an_open_flag(demo_vault: Path) -> None:
    with opened(demo_vault, "officer") as repo:
        household = quiet_household(repo, owner="planner")
        flag = raise_flag(
            repo,
            flag_data(
                household,
                level=CrisisLevel.URGENT,
                reasons=[CrisisReason.ARREARS, CrisisReason.JOB_LOSS],
                note=HOSTILE_NOTE,
            ),
            at=AT,
        )
    with opened(demo_vault, "planner") as repo:
        stored = repo.get(CrisisFlag, flag.id)
    assert stored is not None
    assert stored.model_dump() == {
        "id": flag.id,
        "household_id": household,
        "level": CrisisLevel.URGENT,
        "reasons": [CrisisReason.ARREARS, CrisisReason.JOB_LOSS],
        "note": HOSTILE_NOTE,
        "raised_by": "officer",
        "raised_at": AT,
        "first_visit_at": None,
        "state": FlagState.OPEN,
        "resolved_at": None,
        "supports": [],
        "services_linked": [],
    }


def test_raise_flag_on_unknown_household(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        before = len(repo.all(CrisisFlag))
        with pytest.raises(NotFound) as refused:
            raise_flag(repo, flag_data("hh-9999"), at=AT)
        assert refused.value.key == "err_no_household"
        with pytest.raises(NotFound):
            raise_flag(repo, {"level": "crisis", "reasons": ["illness"]}, at=AT)
    with opened(demo_vault, "planner") as repo:
        assert len(repo.all(CrisisFlag)) == before


@pytest.mark.parametrize("reasons", [[], None], ids=["empty", "missing"])
def test_raise_flag_needs_a_reason(demo_vault: Path, reasons: list[str] | None) -> None:
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        data = flag_data(household)
        if reasons is None:
            del data["reasons"]
        else:
            data["reasons"] = reasons
        with pytest.raises(ValidationError) as caught:
            raise_flag(repo, data, at=AT)
    assert locs(caught.value) == [("reasons",)]
    with opened(demo_vault, "planner") as repo:
        assert repo.flags_of(household) == []


def test_update_flag_changes_the_level_only(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        flag = raise_flag(repo, flag_data(household, note="월세 3개월 체납"), at=AT - dt.timedelta(hours=4))
        updated = update_flag(repo, flag.id, {"level": "urgent"})
    assert updated.level is CrisisLevel.URGENT
    with opened(demo_vault, "planner") as repo:
        stored = repo.get(CrisisFlag, flag.id)
    assert stored is not None
    assert stored == flag.model_copy(update={"level": CrisisLevel.URGENT})


@pytest.mark.parametrize(
    "changes",
    [{"state": "resolved"}, {"level": "urgent", "raised_at": AT}, {"household_id": "hh-0001"}],
    ids=["state", "with-raised_at", "household"],
)
def test_update_flag_rejects_other_fields(demo_vault: Path, changes: dict[str, Any]) -> None:
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        flag = raise_flag(repo, flag_data(household), at=AT - dt.timedelta(hours=4))
        with pytest.raises(InvalidInput) as refused:
            update_flag(repo, flag.id, changes)
        assert refused.value.key == "err_correction_fields"
    with opened(demo_vault, "planner") as repo:
        assert repo.get(CrisisFlag, flag.id) == flag


def test_update_flag_validates_and_unknown_flag(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        flag = raise_flag(repo, flag_data(household), at=AT - dt.timedelta(hours=4))
        with pytest.raises(ValidationError) as caught:
            update_flag(repo, flag.id, {"reasons": []})
        assert locs(caught.value) == [("reasons",)]
        with pytest.raises(NotFound) as refused:
            update_flag(repo, "f-does-not-exist", {"level": "watch"})
        assert refused.value.key == "err_no_flag"
    with opened(demo_vault, "planner") as repo:
        assert repo.get(CrisisFlag, flag.id) == flag


def test_resolve_flag_stores_the_support_given(demo_vault: Path) -> None:
    raised = AT - dt.timedelta(days=3)
    resolved_at = AT + dt.timedelta(hours=2)
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        flag = raise_flag(repo, flag_data(household, note="실직 후 생활비 부족"), at=raised)
        record_visit(
            repo, visit_data(household, visited_on=(TODAY - dt.timedelta(days=2)).isoformat()), at=AT
        )
        resolve_flag(
            repo,
            flag.id,
            {
                "supports": [
                    {"support": SupportKind.LIVELIHOOD, "amount_won": 1_830_000},
                    {"support": "medical", "amount_won": 500_000},
                ],
                "services_linked": ["푸드뱅크", "일자리센터 상담"],
                "note": "  긴급지원 결정  ",
            },
            at=resolved_at,
        )
    with opened(demo_vault, "planner") as repo:
        stored = repo.get(CrisisFlag, flag.id)
    assert stored is not None
    assert stored.state is FlagState.RESOLVED and stored.resolved_at == resolved_at
    assert [(s.support, s.amount_won) for s in stored.supports] == [
        (SupportKind.LIVELIHOOD, 1_830_000),
        (SupportKind.MEDICAL, 500_000),
    ]
    assert stored.services_linked == ["푸드뱅크", "일자리센터 상담"]
    assert stored.note == "실직 후 생활비 부족\n긴급지원 결정"
    assert stored.first_visit_at == dt.datetime(2026, 11, 1, tzinfo=KST)
    assert (stored.raised_at, stored.level, stored.raised_by) == (raised, flag.level, "planner")


def test_resolve_flag_without_note_keeps_the_note(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        flag = raise_flag(repo, flag_data(household, note="처음 메모"), at=AT - dt.timedelta(hours=3))
        resolve_flag(repo, flag.id, {"note": "   "}, at=AT)
    with opened(demo_vault, "planner") as repo:
        stored = repo.get(CrisisFlag, flag.id)
    assert stored is not None and stored.note == "처음 메모" and stored.supports == []


def test_resolve_flag_rejects_a_negative_amount(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        flag = raise_flag(repo, flag_data(household), at=AT - dt.timedelta(hours=3))
        with pytest.raises(ValidationError) as caught:
            resolve_flag(repo, flag.id, {"supports": [{"support": "housing", "amount_won": -1}]}, at=AT)
    assert locs(caught.value) == [("supports", 0, "amount_won")]
    with opened(demo_vault, "planner") as repo:
        assert repo.get(CrisisFlag, flag.id) == flag


def test_a_resolved_flag_is_not_resolved_or_changed_again(demo_vault: Path) -> None:
    """Resolving twice (two PCs, a repeated save) must not replace the support first recorded."""
    with opened(demo_vault, "planner") as repo:
        household = quiet_household(repo)
        flag = raise_flag(repo, flag_data(household), at=AT - dt.timedelta(hours=3))
        first = resolve_flag(
            repo, flag.id, {"supports": [{"support": "livelihood", "amount_won": 700_000}]}, at=AT
        )
        with pytest.raises(IllegalTransition) as refused:
            resolve_flag(repo, flag.id, {"note": "다시"}, at=AT + dt.timedelta(days=1))
        assert refused.value.key == "err_flag_resolved"
        with pytest.raises(IllegalTransition):
            update_flag(repo, flag.id, {"level": "watch"})
    with opened(demo_vault, "planner") as repo:
        assert repo.get(CrisisFlag, flag.id) == first


# -- register_household ----------------------------------------------------------------------------
def household_form(**changes: Any) -> dict[str, Any]:
    return {
        "tong": 7,
        "ban": 3,
        "road_address": "상도가상로 12길 5",
        "address_detail": "2층",
        "tags": [HouseholdTag.ELDERLY_ALONE],
        "consent": {"given": True, "on": "2026-11-02"},
        **changes,
    }


def member_form(name: str = "김순자", **changes: Any) -> dict[str, Any]:
    return {"name": name, "birth_date": "1941-05-06", "sex": "female", "relation": "head", **changes}


def test_register_household_stores_household_and_members(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        before = len(repo.household_summaries())
        household, members = register_household(
            repo,
            household_form(),
            [
                member_form(phone="01012345678"),
                member_form("이철수", birth_date="1968-02-11", sex="male", relation="child"),
            ],
            at=AT,
        )
    with opened(demo_vault, "planner") as repo:
        stored = repo.household(household.id)
        stored_members = repo.members_of(household.id)
        assert len(repo.household_summaries()) == before + 1
    assert stored == household
    assert stored.model_dump(mode="json") == {
        "id": household.id,
        "dong_code": "1159053000",
        "tong": 7,
        "ban": 3,
        "road_address": "상도가상로 12길 5",
        "address_detail": "2층",
        "tags": ["elderly_alone"],
        "consent": {"given": True, "on": "2026-11-02"},
        "owner_id": "planner",
        "status": "open",
        "needs_conference": False,
        "registered_on": TODAY.isoformat(),
    }
    assert stored_members == members
    assert [(m.name, m.household_id, m.phone) for m in stored_members] == [
        ("김순자", household.id, "010-1234-5678"),
        ("이철수", household.id, None),
    ]


def test_register_household_is_all_or_nothing(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        households, members = len(repo.all(Household)), len(repo.all(Member))
        with pytest.raises(MemberInvalid) as caught:
            register_household(
                repo,
                household_form(road_address="가상미등록로 77"),
                [member_form(), member_form("이철수", birth_date="2026-13-40")],
                at=AT,
            )
    assert caught.value.index == 1
    assert locs(caught.value.error) == [("birth_date",)]
    with opened(demo_vault, "planner") as repo:
        assert (len(repo.all(Household)), len(repo.all(Member))) == (households, members)
        assert not any(s.address.startswith("가상미등록로") for s in repo.household_summaries())


def test_register_household_rejects_bad_household_or_no_member(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        households = len(repo.all(Household))
        with pytest.raises(ValidationError) as caught:
            register_household(repo, household_form(tong=0, consent={"given": True}), [member_form()], at=AT)
        assert sorted(locs(caught.value)) == [("consent",), ("tong",)]
        with pytest.raises(InvalidInput, match="at least one member") as refused:
            register_household(repo, household_form(), [], at=AT)
        assert refused.value.key == "err_no_members"
        with pytest.raises(Forbidden):
            register_household(
                repo, household_form(), [member_form(health={"conditions": ["고혈압"]})], at=AT
            )
    with opened(demo_vault, "planner") as repo:
        assert len(repo.all(Household)) == households


def test_register_household_owner_is_the_signed_in_worker(demo_vault: Path) -> None:
    with opened(demo_vault, "officer") as repo:
        household, members = register_household(
            repo,
            household_form(owner_id="planner", registered_on="2020-01-01"),
            [member_form(household_id="hh-0001")],
            at=AT,
        )
    with opened(demo_vault, "supervisor") as repo:
        stored = repo.household(household.id)
        assert stored is not None and (stored.owner_id, stored.registered_on) == ("officer", TODAY)
        assert [m.id for m in repo.members_of(household.id)] == [members[0].id]
        assert members[0].id not in {m.id for m in repo.members_of("hh-0001")}


def test_hostile_text_is_stored_exactly(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household, members = register_household(
            repo,
            household_form(road_address=HOSTILE_NOTE, address_detail="\x9b31m 2층"),
            [member_form(HOSTILE_NAME)],
            at=AT,
        )
        visit = record_visit(repo, visit_data(household.id, note=HOSTILE_NOTE), at=AT)
        flag = raise_flag(repo, flag_data(household.id, note=HOSTILE_NAME), at=AT)
    with opened(demo_vault, "planner") as repo:
        stored_household = repo.household(household.id)
        stored_member = repo.get(Member, members[0].id)
        stored_visit = repo.get(Visit, visit.id)
        stored_flag = repo.get(CrisisFlag, flag.id)
        summary = next(s for s in repo.household_summaries() if s.id == household.id)
    assert stored_household is not None
    assert (stored_household.road_address, stored_household.address_detail) == (HOSTILE_NOTE, "\x9b31m 2층")
    assert stored_member is not None and stored_member.name == HOSTILE_NAME
    assert stored_visit is not None and stored_visit.note == HOSTILE_NOTE
    assert stored_flag is not None and stored_flag.note == HOSTILE_NAME
    assert summary.head_name == HOSTILE_NAME and summary.open_flag_level == "crisis"


def test_new_id_is_unique_and_valid() -> None:
    ids = {new_id("v") for _ in range(10_000)}
    assert len(ids) == 10_000
    assert all(i.startswith("v-") and len(i) == 18 for i in ids)
    Visit.model_validate(
        {
            "id": next(iter(ids)),
            "household_id": "hh-0001",
            "worker_id": "planner",
            "visited_on": "2026-11-01",
            "visit_kind": "regular",
            "target_group": "elderly",
        },
        context={"today": TODAY},
    )


# -- the 72-hour clock and next-visit intervals ----------------------------------------------------
RAISED = dt.datetime(2026, 10, 31, 17, 40, tzinfo=KST)


def a_flag(first_visit_at: dt.datetime | None = None) -> CrisisFlag:
    return CrisisFlag(
        id="f-clock",
        household_id="hh-0001",
        level=CrisisLevel.CRISIS,
        reasons=[CrisisReason.ILLNESS],
        raised_by="planner",
        raised_at=RAISED,
        first_visit_at=first_visit_at,
    )


@pytest.mark.parametrize(
    ("minutes_after", "state", "remaining"),
    [
        (0, ClockState.RUNNING, dt.timedelta(hours=72)),
        (59 * 60 + 59, ClockState.RUNNING, dt.timedelta(hours=12, minutes=1)),
        (60 * 60, ClockState.RUNNING, dt.timedelta(hours=12)),
        (60 * 60 + 1, ClockState.WARNING, dt.timedelta(hours=11, minutes=59)),
        (65 * 60, ClockState.WARNING, dt.timedelta(hours=7)),
        (72 * 60, ClockState.WARNING, dt.timedelta()),
        (72 * 60 + 15, ClockState.BREACHED, -dt.timedelta(minutes=15)),
        (20 * 24 * 60, ClockState.BREACHED, -dt.timedelta(hours=24 * 17)),
    ],
)
def test_first_visit_clock_counts_down(
    minutes_after: int, state: ClockState, remaining: dt.timedelta
) -> None:
    clock = first_visit_clock(a_flag(), RAISED + dt.timedelta(minutes=minutes_after))
    assert clock.due_at == dt.datetime(2026, 11, 3, 17, 40, tzinfo=KST)
    assert clock.state is state
    assert clock.remaining == remaining
    assert not clock.stopped


def test_first_visit_clock_in_another_timezone() -> None:
    utc_moment = dt.datetime(2026, 11, 3, 6, 0, tzinfo=dt.UTC)  # 15:00 KST: 2:40 left
    clock = first_visit_clock(a_flag(), utc_moment)
    assert (clock.state, clock.remaining) == (ClockState.WARNING, dt.timedelta(hours=2, minutes=40))


@pytest.mark.parametrize(
    ("visited_after", "state"),
    [
        (dt.timedelta(hours=1), ClockState.MET),
        (dt.timedelta(hours=72), ClockState.MET),
        (dt.timedelta(hours=72, minutes=1), ClockState.LATE),
    ],
)
def test_first_visit_stops_the_clock(visited_after: dt.timedelta, state: ClockState) -> None:
    flag = a_flag(first_visit_at=RAISED + visited_after)
    for later in (dt.timedelta(hours=2), dt.timedelta(days=30)):
        clock = first_visit_clock(flag, RAISED + visited_after + later)
        assert clock.state is state and clock.stopped
        assert clock.remaining == dt.timedelta(hours=72) - visited_after  # frozen at the visit


@pytest.mark.parametrize(
    ("remaining", "shown"),
    [
        (dt.timedelta(hours=72), "72:00"),
        (dt.timedelta(hours=71, minutes=59, seconds=59), "71:59"),
        (dt.timedelta(minutes=5), "0:05"),
        (dt.timedelta(seconds=59), "0:00"),
        (dt.timedelta(), "0:00"),
        (-dt.timedelta(seconds=30), "0:00"),
        (-dt.timedelta(minutes=1), "-0:01"),
        (-dt.timedelta(hours=46, minutes=40), "-46:40"),
        (-dt.timedelta(days=3, minutes=5), "-72:05"),
    ],
)
def test_format_remaining(remaining: dt.timedelta, shown: str) -> None:
    assert format_remaining(remaining) == shown


def _household(*tags: HouseholdTag) -> Household:
    return Household(
        id="hh-t",
        dong_code="1159053000",
        tong=1,
        ban=1,
        road_address="가상로 1",
        tags=list(tags),
        consent={"given": False},
        registered_on=dt.date(2026, 1, 1),
    )


@pytest.mark.parametrize(
    ("tags", "days"),
    [
        ((), DEFAULT_NEXT_VISIT_DAYS),
        ((HouseholdTag.TURNING_65,), 90),
        ((HouseholdTag.SINGLE_PARENT,), 60),
        ((HouseholdTag.ELDERLY_ALONE,), 30),
        ((HouseholdTag.POVERTY_CRISIS,), 14),
        ((HouseholdTag.TURNING_65, HouseholdTag.ELDERLY_ALONE, HouseholdTag.SINGLE_PARENT), 30),
        ((HouseholdTag.SINGLE_PARENT, HouseholdTag.BLIND_SPOT), 14),
    ],
)
def test_next_visit_default_takes_the_shortest_interval(tags: tuple[HouseholdTag, ...], days: int) -> None:
    visited = dt.date(2026, 11, 2)
    assert next_visit_default(_household(*tags), visited) == visited + dt.timedelta(days=days)


def test_next_visit_default_without_household() -> None:
    assert DEFAULT_NEXT_VISIT_DAYS == 90
    assert next_visit_default(None, dt.date(2026, 12, 31)) == dt.date(2027, 3, 31)
