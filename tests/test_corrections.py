"""Correct and update (casework/corrections.py): households, members, visits as revisions, crisis flags'
discovery and the empty-visit rule, checked against what is stored (read back through a fresh unlock);
the newest revision is the same on every PC whatever the delivery order (property test), and the
monthly report counts a revised visit once and a withdrawn one not at all."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from tinydb.storages import MemoryStorage

from chandong_tui.casework.actions import open_flags_of, raise_flag, record_visit
from chandong_tui.casework.clock import FIRST_VISIT_WINDOW, KST, first_visit_clock
from chandong_tui.casework.corrections import (
    add_member,
    correct_household,
    correct_member,
    corrections_of,
    current_visits,
    may_correct,
    member_left,
    revise_visit,
    set_head,
    set_status,
    visit_revisions,
    withdraw_visit,
)
from chandong_tui.casework.errors import FieldRefused, Forbidden, IllegalTransition, InvalidInput, MissingText
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.revisions import current_rows
from chandong_tui.model.enums import (
    CorrectionSubject,
    CrisisLevel,
    CrisisReason,
    FoundHow,
    HouseholdStatus,
    MemberExit,
    Need,
    Relation,
    TargetGroup,
    VisitKind,
)
from chandong_tui.model.records import Correction, Household, Member, Visit
from chandong_tui.reports.exports import build_export
from chandong_tui.reports.month import Month
from chandong_tui.reports.monthly import monthly_report
from chandong_tui.vault.cache import RowDB, apply_op
from chandong_tui.vault.hlc import HybridClock
from chandong_tui.vault.ops import Op
from tests.casework_support import quiet_planner_case
from tests.conftest import opened

AT = dt.datetime(2026, 11, 3, 10, 40, tzinfo=KST)
"""The moment of every step here (the demo's data runs to the end of October 2026)."""
NOVEMBER = Month(2026, 11)


def visit_data(household_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "household_id": household_id,
        "visited_on": "2026-11-02",
        "visit_kind": VisitKind.REGULAR,
        "target_group": TargetGroup.ELDERLY,
        "note": "안부 확인",
        **changes,
    }


def stored(vault: Path, read: Any) -> Any:
    with opened(vault, "supervisor") as repo:
        return read(repo)


# -- households ------------------------------------------------------------------------------
def test_household_address_correction_is_saved_with_who_when_and_which_fields(demo_vault: Path) -> None:
    with opened(demo_vault, "officer") as repo:
        hid = quiet_planner_case(repo)
        before = repo.household(hid)
        assert before is not None
        correct_household(
            repo,
            hid,
            {"road_address": "가상로 99", "ban": before.ban % 9 + 1, "phone": "02-123-4567"},
            at=AT,
        )
    household = stored(demo_vault, lambda repo: repo.household(hid))
    assert household.road_address == "가상로 99" and household.ban == before.ban % 9 + 1
    assert household.phone == "02-123-4567" and household.tong == before.tong
    (note,) = stored(demo_vault, lambda repo: corrections_of(repo, hid))
    assert (note.subject, note.actor_id, note.at) == (CorrectionSubject.HOUSEHOLD, "officer", AT)
    assert note.fields == ["ban", "road_address", "phone"]


def test_household_correction_refuses_bad_values_beside_the_field_and_keeps_the_record(
    demo_vault: Path,
) -> None:
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        before = repo.household(hid)
        with pytest.raises(ValidationError) as bad:
            correct_household(repo, hid, {"tong": 0, "phone": "not a phone"}, at=AT)
        assert {e["loc"][0] for e in bad.value.errors()} == {"tong", "phone"}
        with pytest.raises(InvalidInput) as nothing:
            correct_household(repo, hid, {"tong": before.tong if before else 1}, at=AT)
        assert nothing.value.key == "err_nothing_changed"
        with pytest.raises(InvalidInput):
            correct_household(repo, hid, {"owner_id": "nurse"}, at=AT)
    assert stored(demo_vault, lambda repo: repo.household(hid)) == before
    assert stored(demo_vault, lambda repo: corrections_of(repo, hid)) == []


def test_consent_records_who_took_it(demo_vault: Path) -> None:
    with opened(demo_vault, "nurse") as repo:
        hid = quiet_planner_case(repo)
        correct_household(repo, hid, {"consent": {"given": True, "on": "2026-11-01"}}, at=AT)
    household: Household = stored(demo_vault, lambda repo: repo.household(hid))
    assert household.consent.taken_by == "nurse" and household.consent.on == dt.date(2026, 11, 1)
    with opened(demo_vault, "nurse") as repo:  # taken by a colleague, recorded later
        consent = {"given": True, "on": "2026-10-30", "taken_by": "planner"}
        correct_household(repo, hid, {"consent": consent}, at=AT)
    household = stored(demo_vault, lambda repo: repo.household(hid))
    assert household.consent.taken_by == "planner" and household.consent.on == dt.date(2026, 10, 30)


def test_status_moves_open_to_monitoring_by_its_owner_with_a_reason_only(demo_vault: Path) -> None:
    with opened(demo_vault, "nurse") as repo:
        hid = quiet_planner_case(repo)
        assert not may_correct(repo, CorrectionSubject.STATUS, responsible="planner")
        with pytest.raises(Forbidden):
            set_status(repo, hid, HouseholdStatus.MONITORING, "안정됨", at=AT)
    with opened(demo_vault, "planner") as repo:
        with pytest.raises(MissingText):
            set_status(repo, hid, HouseholdStatus.MONITORING, " ", at=AT)
        with pytest.raises(IllegalTransition):
            set_status(repo, hid, HouseholdStatus.CLOSED, "종결", at=AT)
        set_status(repo, hid, HouseholdStatus.MONITORING, "위기 해소, 모니터링", at=AT)
    assert stored(demo_vault, lambda repo: repo.household(hid)).status is HouseholdStatus.MONITORING
    (note,) = stored(demo_vault, lambda repo: corrections_of(repo, hid))
    assert note.reason == "위기 해소, 모니터링" and note.subject is CorrectionSubject.STATUS


# -- members ---------------------------------------------------------------------------------
def test_a_newborn_is_added_and_the_head_changes(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        baby = add_member(
            repo,
            hid,
            {"name": "김아기", "birth_date": "2026-10-20", "sex": "female", "relation": "child"},
            at=AT,
        )
        set_head(repo, hid, baby.id, at=AT)
    members: list[Member] = stored(demo_vault, lambda repo: repo.members_of(hid))
    assert members[0].id == baby.id and members[0].relation is Relation.HEAD
    assert [m.relation for m in members].count(Relation.HEAD) == 1
    subjects = [c.subject for c in stored(demo_vault, lambda repo: corrections_of(repo, hid))]
    assert sorted(subjects) == sorted([CorrectionSubject.MEMBER_ADDED, CorrectionSubject.HEAD])


def test_a_member_moves_out_or_dies_with_a_date_and_stays_in_the_record(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        hid = quiet_planner_case(repo)
        plain_rrn = repo.members_of(hid)[0].rrn
    with opened(demo_vault, "officer") as repo:
        member = repo.members_of(hid)[0]
        with pytest.raises(ValidationError):
            member_left(repo, member.id, MemberExit.DECEASED, "1800-01-01", at=AT)
        member_left(repo, member.id, MemberExit.DECEASED, "2026-11-01", note="병원 통보", at=AT)
        with pytest.raises(IllegalTransition):
            member_left(repo, member.id, MemberExit.MOVED_OUT, "2026-11-02", at=AT)
    after = stored(demo_vault, lambda repo: repo.get(Member, member.id))
    assert (after.left_how, after.left_on, after.current) == (
        MemberExit.DECEASED,
        dt.date(2026, 11, 1),
        False,
    )
    assert after.rrn == plain_rrn  # the officer saw it masked; the stored number is kept


def test_identity_corrections_need_a_reason_and_are_not_for_officers(demo_vault: Path) -> None:
    with opened(demo_vault, "officer") as repo:
        hid = quiet_planner_case(repo)
        member = repo.members_of(hid)[0]
        with pytest.raises(Forbidden):
            correct_member(repo, member.id, {"name": "김정정"}, reason="주민센터 확인", at=AT)
        correct_member(repo, member.id, {"phone": "010-2222-3333"}, at=AT)  # a phone: anyone
    with opened(demo_vault, "planner") as repo:
        with pytest.raises(MissingText) as no_reason:
            correct_member(repo, member.id, {"birth_date": "1950-01-02"}, at=AT)
        assert no_reason.value.key == "err_identity_needs_reason"
        correct_member(repo, member.id, {"birth_date": "1950-01-02"}, reason="등본 확인", at=AT)
    with opened(demo_vault, "supervisor") as repo:
        after = repo.get(Member, member.id)
        assert after is not None and after.birth_date == dt.date(1950, 1, 2)
        assert after.phone == "010-2222-3333" and after.name == member.name
        notes = corrections_of(repo, hid)
    assert sorted((n.subject, n.reason, n.actor_id, tuple(n.fields)) for n in notes) == [
        (CorrectionSubject.IDENTITY, "등본 확인", "planner", ("birth_date",)),
        (CorrectionSubject.MEMBER, "", "officer", ("phone",)),
    ]


def test_health_details_are_corrected_by_nurses_only(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        member = repo.members_of(hid)[0]
        assert not may_correct(repo, CorrectionSubject.HEALTH)
        with pytest.raises(Forbidden):
            correct_member(repo, member.id, {"health": {"conditions": ["고혈압"]}}, at=AT)
    with opened(demo_vault, "nurse") as repo:
        correct_member(repo, member.id, {"health": {"conditions": ["고혈압"], "medications": []}}, at=AT)
    health = stored(demo_vault, lambda repo: repo.get(Member, member.id).health)
    assert health.conditions == ["고혈압"]


# -- visits ----------------------------------------------------------------------------------
def test_an_empty_visit_is_refused_beside_its_first_field(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        before = len(repo.visits_of(hid))
        with pytest.raises(FieldRefused) as empty:
            record_visit(repo, visit_data(hid, note="   "), at=AT)
        assert (empty.value.field, empty.value.key) == ("visited_on", "err_visit_empty")
        record_visit(repo, visit_data(hid, note="", needs=[Need.CARE]), at=AT)  # a need is content
    assert len(stored(demo_vault, lambda repo: repo.visits_of(hid))) == before + 1


def test_amend_then_withdraw_a_visit_keeps_every_revision(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        original = record_visit(repo, visit_data(hid), at=AT)
        with pytest.raises(MissingText):
            revise_visit(repo, original.id, {"note": "수정"}, "", at=AT)
        amended = revise_visit(repo, original.id, {"note": "안부 확인, 식사 잘 하심"}, "메모 보완", at=AT)
        assert current_visits(repo, hid)[0].id == amended.id
    with opened(demo_vault, "nurse") as repo, pytest.raises(Forbidden):  # not the author
        withdraw_visit(repo, original.id, "다른 가구", at=AT)
    with opened(demo_vault, "planner") as repo:
        withdrawn = withdraw_visit(repo, amended.id, "다른 가구에 입력", at=AT + dt.timedelta(minutes=1))
        with pytest.raises(IllegalTransition):
            revise_visit(repo, original.id, {"note": "다시"}, "재수정", at=AT)
    with opened(demo_vault, "supervisor") as repo:
        chain = visit_revisions(repo, original.id)
        assert [v.id for v in chain] == [original.id, amended.id, withdrawn.id]
        assert chain[1].revision_note == "메모 보완" and chain[1].revised_by == "planner"
        assert chain[2].withdrawn and chain[2].note == amended.note
        assert all(
            v.id != original.id and v.id != amended.id for v in current_visits(repo, hid, withdrawn=True)
        )
        assert withdrawn.id not in {v.id for v in current_visits(repo, hid)}
        timeline_visits = [e.record.id for e in repo.timeline(hid) if isinstance(e.record, Visit)]
        assert withdrawn.id in timeline_visits and original.id not in timeline_visits
        subjects = [c.subject for c in corrections_of(repo, hid)]
    assert subjects == [CorrectionSubject.VISIT_WITHDRAWN, CorrectionSubject.VISIT_REVISED]


def _visits_in(repo: CaseRepository, month: Month, worker: str) -> int:
    report = monthly_report([repo], month, by="worker")
    row = next(row for row in report.rows if row.worker_id == worker)
    return int(row.tally.values()["visits"] or 0)


def test_a_revised_visit_counts_once_and_a_withdrawn_one_not_at_all(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        baseline = _visits_in(repo, NOVEMBER, "planner")
        exported = len(build_export(repo, "visits", NOVEMBER).rows)
        visit = record_visit(repo, visit_data(hid), at=AT)
        assert _visits_in(repo, NOVEMBER, "planner") == baseline + 1
        revise_visit(repo, visit.id, {"needs": [Need.FOOD]}, "욕구 추가", at=AT)
        revise_visit(repo, visit.id, {"note": "식사 지원 필요"}, "메모", at=AT + dt.timedelta(minutes=1))
        assert _visits_in(repo, NOVEMBER, "planner") == baseline + 1
        assert len(build_export(repo, "visits", NOVEMBER).rows) == exported + 1
        other = record_visit(repo, visit_data(hid, visited_on="2026-11-01"), at=AT)
        assert _visits_in(repo, NOVEMBER, "planner") == baseline + 2
        withdraw_visit(repo, other.id, "다른 가구에 입력", at=AT)
        assert _visits_in(repo, NOVEMBER, "planner") == baseline + 1
        assert len(build_export(repo, "visits", NOVEMBER).rows) == exported + 1


# -- the newest revision on every PC ---------------------------------------------------------
def _revision_ops(choices: list[tuple[int, int, int]]) -> list[Op]:
    """An original visit and revisions written by three PCs, each revising a row it had seen."""
    clocks = [HybridClock(f"{pc:016x}", now_ms=lambda pc=pc: 1_000 + pc) for pc in range(3)]
    rows = ["v-0"]
    ops = [
        Op(id="0.0", hlc=clocks[0].tick(), actor="a", table="visit", row="v-0", set={"note": "0"}, meta={})
    ]
    for n, (pc, parent, minute) in enumerate(choices, start=1):
        row = f"v-{n}"
        fields = {
            "note": str(n),
            "revises": rows[parent % len(rows)],
            "revised_at": (AT + dt.timedelta(minutes=minute)).isoformat(),
            **({"withdrawn": True} if n % 4 == 0 else {}),
        }
        ops.append(
            Op(id=f"{pc}.{n}", hlc=clocks[pc].tick(), actor="a", table="visit", row=row, set=fields, meta={})
        )
        rows.append(row)
    return ops


@settings(max_examples=60, deadline=None)
@given(
    choices=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 20), st.integers(0, 3)), min_size=1, max_size=8
    ),
    seeds=st.lists(st.integers(0, 2**32), min_size=3, max_size=3),
)
def test_every_pc_picks_the_same_newest_revision_in_any_delivery_order(
    choices: list[tuple[int, int, int]], seeds: list[int]
) -> None:
    ops = _revision_ops(choices)
    picks = []
    for seed in seeds:
        delivered = ops + random.Random(seed).sample(ops, k=len(ops) // 2)  # with duplicates
        random.Random(seed).shuffle(delivered)
        db = RowDB(storage=MemoryStorage)
        for op in delivered:
            apply_op(db, op)
        rows = (db.storage.read() or {}).get("visit", {})
        picks.append((sorted(current_rows(rows)), sorted(current_rows(rows, withdrawn=True))))
    assert all(pick == picks[0] for pick in picks)
    assert len(picks[0][1]) == 1  # one chain, one newest revision


# -- crisis flags ----------------------------------------------------------------------------
def test_the_72_hour_clock_runs_from_when_the_crisis_was_found(demo_vault: Path) -> None:
    found = AT - dt.timedelta(hours=30)
    with opened(demo_vault, "officer") as repo:
        hid = quiet_planner_case(repo)
        data = {
            "household_id": hid,
            "level": CrisisLevel.URGENT,
            "reasons": [CrisisReason.ILLNESS],
            "found_at": found,
            "found_how": FoundHow.TONG_LEADER,
        }
        flag = raise_flag(repo, data, at=AT)
        assert first_visit_clock(flag, AT).due_at == found + FIRST_VISIT_WINDOW
        with pytest.raises(IllegalTransition) as second:
            raise_flag(repo, {**data, "found_at": None}, at=AT, second=False)
        assert second.value.key == "err_flag_already_open"
        with pytest.raises(ValidationError):
            raise_flag(repo, {**data, "found_at": AT + dt.timedelta(hours=1)}, at=AT)
    flags = stored(demo_vault, lambda repo: open_flags_of(repo, hid))
    assert [(f.found_how, f.found_at) for f in flags] == [(FoundHow.TONG_LEADER, found)]


def test_corrections_are_in_the_matrix_with_reasons() -> None:
    from chandong_tui.casework.corrections import RULE_OF
    from chandong_tui.casework.permissions import KIND_RULES

    rules = {f"{Correction.kind}.{rule}" for rule in RULE_OF.values()}
    assert rules <= set(KIND_RULES) and all(KIND_RULES[rule].why for rule in rules)
    assert set(RULE_OF) == set(CorrectionSubject)


def test_concurrent_address_corrections_on_two_pcs_go_to_conflict_review(
    demo_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chandong_tui.casework.conflicts import conflicts
    from chandong_tui.casework.setup import DEMO_PASSPHRASE
    from chandong_tui.vault.accounts import unlock

    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "pc-b"))
    with unlock(demo_vault, "officer", DEMO_PASSPHRASE) as session_b:
        repo_b = CaseRepository(session_b)
        hid = quiet_planner_case(repo_b)
        member = repo_b.members_of(hid)[0]
        correct_household(repo_b, hid, {"road_address": "가상로 2"}, at=AT)
        member_left(repo_b, member.id, MemberExit.MOVED_OUT, "2026-11-01", at=AT)
        monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "pc-a"))
        with opened(demo_vault, "planner") as repo_a:  # closing publishes its change
            correct_household(repo_a, hid, {"road_address": "가상로 1"}, at=AT)
            member_left(repo_a, member.id, MemberExit.DECEASED, "2026-11-02", at=AT)
        session_b.publish()
        session_b.ingest()
        found = {(c.table, c.field): c for c in conflicts(repo_b) if c.household_id == hid}
    assert set(found) == {
        ("household", "road_address"),
        ("member", "left_on"),
        ("member", "left_how"),
    }
    assert sorted(v.value for v in found["household", "road_address"].values) == ["가상로 1", "가상로 2"]
    assert sorted(v.value for v in found["member", "left_how"].values) == ["deceased", "moved_out"]


def test_withdrawing_the_first_visit_starts_the_72_hour_clock_again(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        data = {"household_id": hid, "level": CrisisLevel.URGENT, "reasons": [CrisisReason.ILLNESS]}
        flag = raise_flag(repo, data, at=AT - dt.timedelta(hours=2))
        visit = record_visit(repo, visit_data(hid, visited_on=AT.date().isoformat()), at=AT)
        (stopped,) = open_flags_of(repo, hid)
        assert stopped.first_visit_at == AT
        latest_before = repo.latest_visits()[hid]
        withdraw_visit(repo, visit.id, "다른 가구에 입력", at=AT + dt.timedelta(minutes=5))
    with opened(demo_vault, "planner") as repo:
        (running,) = open_flags_of(repo, hid)
        assert running.id == flag.id and running.first_visit_at is None
        assert first_visit_clock(running, AT + dt.timedelta(minutes=5)).state.value == "running"
        assert latest_before[0] == AT.date().isoformat()
        assert repo.latest_visits().get(hid, ("", ""))[0] < AT.date().isoformat()  # the withdrawn one left


def test_members_who_left_are_listed_after_the_current_ones(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        hid = next(s.id for s in repo.household_summaries() if len(s.member_names) > 1)
        head, *others = repo.members_of(hid)
        assert head.relation is Relation.HEAD
        member_left(repo, head.id, MemberExit.DECEASED, "2026-11-01", at=AT)
        set_head(repo, hid, others[0].id, at=AT)
    with opened(demo_vault, "planner") as repo:
        members = repo.members_of(hid)
        assert [m.id for m in members][-1] == head.id and members[0].id == others[0].id
        summary = next(s for s in repo.household_summaries() if s.id == hid)
        assert summary.head_name == others[0].name


def test_an_amended_visit_date_after_today_needs_confirming(demo_vault: Path) -> None:
    tomorrow = AT.date() + dt.timedelta(days=1)
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        visit = record_visit(repo, visit_data(hid), at=AT)
        with pytest.raises(ValidationError) as future:
            revise_visit(repo, visit.id, {"visited_on": tomorrow}, "날짜 정정", at=AT)
        assert [e["loc"] for e in future.value.errors()] == [("visited_on",)]
        amended = revise_visit(
            repo, visit.id, {"visited_on": tomorrow}, "날짜 정정", at=AT, confirmed_day=tomorrow
        )
        again = revise_visit(repo, visit.id, {"note": "메모"}, "메모", at=AT)  # the saved date stays
    assert (amended.visited_on, again.visited_on, again.revises) == (tomorrow, tomorrow, amended.id)
