"""The permission matrix, per role: every forbidden write is refused by the repository (`Forbidden`),
restricted fields are absent or masked in what it reads, and the README shows the same table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chandong_tui.casework import permissions as perms
from chandong_tui.casework.access import Forbidden, guard_fields
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.model.enums import Role
from chandong_tui.model.records import (
    Dong,
    HealthDetails,
    HealthMeasures,
    Member,
    VaultSettings,
    Visit,
    Worker,
)
from chandong_tui.vault.accounts import unlock

REPO = Path(__file__).resolve().parent.parent
DEMO_ROLES = {
    "supervisor": "supervisor",
    "planner": "welfare_planner",
    "nurse": "visiting_nurse",
    "officer": "neighbourhood_officer",
}

# (kind, a change) pairs and the roles that may make them; every other role must be refused.
WRITES: list[tuple[str, dict[str, object], frozenset[str]]] = [
    ("worker", {"name": "x"}, frozenset({"supervisor"})),
    ("dong", {"name": "x"}, frozenset({"supervisor"})),
    ("settings", {"follow_up_working_days": 3}, frozenset({"supervisor"})),
    ("member", {"health": {"conditions": ["당뇨"]}}, frozenset({"visiting_nurse", "supervisor"})),
    ("visit", {"health_measures": {"systolic": 120}}, frozenset({"visiting_nurse", "supervisor"})),
    ("member", {"rrn": "411231-1234567"}, perms.EVERYONE - {"neighbourhood_officer"}),
    ("conference", {"place": "2층"}, perms.EVERYONE - {"neighbourhood_officer"}),
    ("audit_event", {"action": "export"}, frozenset()),
    ("household", {"tong": 3}, perms.EVERYONE),
    ("visit", {"note": "안부"}, perms.EVERYONE),
    ("crisis_flag", {"note": "x"}, perms.EVERYONE),
]


@pytest.mark.parametrize("role", perms.ROLES)
@pytest.mark.parametrize(("kind", "change", "allowed"), WRITES)
def test_each_write_is_allowed_or_refused_per_role(
    role: str, kind: str, change: dict[str, object], allowed: frozenset[str]
) -> None:
    if role in allowed:
        assert guard_fields(kind, change, role) == change
    else:
        with pytest.raises(Forbidden):
            guard_fields(kind, change, role)


@pytest.mark.parametrize("role", perms.ROLES)
def test_redacted_values_coming_back_are_dropped_not_refused(role: str) -> None:
    """A planner saving a member it was shown masked does not overwrite the real number or health."""
    change = {"phone": "010-1111-2222", "rrn": "411231-1******", "health": None}
    kept = guard_fields("member", change, role)
    assert kept["phone"] == "010-1111-2222"
    assert ("health" in kept) is perms.can_read(role, "member", "health")
    assert ("rrn" in kept) is perms.can_read(role, "member", "rrn")


def test_unknown_kinds_are_refused() -> None:
    with pytest.raises(Forbidden):
        guard_fields("secret_table", {"x": 1}, "supervisor")


def _opened(root: Path, user: str) -> CaseRepository:
    return CaseRepository(unlock(root, user, DEMO_PASSPHRASE))


@pytest.mark.parametrize("user", list(DEMO_ROLES))
def test_repository_refuses_forbidden_saves(demo_vault: Path, user: str) -> None:
    repo = _opened(demo_vault, user)
    with repo.session:
        role = DEMO_ROLES[user]
        worker = repo.worker("planner")
        assert worker is not None
        dong = repo.dong()
        assert dong is not None
        member = next(m for m in repo.all(Member) if m.rrn)
        visit = next(v for v in repo.all(Visit))
        attempts = {
            "worker": worker.model_copy(update={"name": "바뀐 이름"}),
            "dong": dong.model_copy(update={"name": "다른동"}),
            "settings": VaultSettings(id="settings", follow_up_working_days=9),
            "health": member.model_copy(update={"health": HealthDetails(conditions=["고혈압"])}),
            "measures": visit.model_copy(update={"health_measures": HealthMeasures(systolic=150)}),
            "rrn": member.model_copy(update={"rrn": "800101-1234568"}),
        }
        allowed = {
            "worker": role == "supervisor",
            "dong": role == "supervisor",
            "settings": role == "supervisor",
            "health": role in ("supervisor", "visiting_nurse"),
            "measures": role in ("supervisor", "visiting_nurse"),
            "rrn": role != "neighbourhood_officer",
        }
        written_before = repo.session.unpublished
        for name, record in attempts.items():
            if allowed[name]:
                continue
            with pytest.raises(Forbidden):
                repo.save(record)
        assert repo.session.unpublished == written_before  # nothing of a refused save was written


@pytest.mark.parametrize("user", list(DEMO_ROLES))
def test_restricted_fields_are_absent_or_masked_in_reads(demo_vault: Path, user: str) -> None:
    repo = _opened(demo_vault, user)
    with repo.session:
        role = DEMO_ROLES[user]
        members = repo.all(Member)
        with_rrn = [m for m in members if m.rrn]
        assert with_rrn
        plain = [m for m in with_rrn if "*" not in (m.rrn or "")]
        assert bool(plain) is (role == "supervisor")
        healthy = [m for m in members if m.health is not None]
        assert bool(healthy) is (role in ("supervisor", "visiting_nurse"))
        measured = [v for v in repo.all(Visit) if v.health_measures is not None]
        assert bool(measured) is (role in ("supervisor", "visiting_nurse"))


def test_a_planner_saving_a_member_keeps_the_real_number_and_health(demo_vault: Path) -> None:
    repo = _opened(demo_vault, "planner")
    with repo.session:
        shown = next(m for m in repo.all(Member) if m.rrn)
        repo.save(shown.model_copy(update={"phone": "010-2222-3333"}))
    repo = _opened(demo_vault, "supervisor")
    with repo.session:
        stored = repo.get(Member, shown.id)
        assert stored is not None and stored.phone == "010-2222-3333"
        assert stored.rrn and "*" not in stored.rrn


def test_officer_may_record_a_visit_and_planner_a_member(demo_vault: Path) -> None:
    repo = _opened(demo_vault, "officer")
    with repo.session:
        hid = repo.household_summaries()[0].id
        visit = Visit(
            id="v-officer-1",
            household_id=hid,
            worker_id="officer",
            visited_on=dt.date(2026, 10, 30),
            visit_kind="phone",
            target_group="poverty",
        )
        assert repo.save(visit)


def test_every_kind_has_a_rule_and_restricted_fields_are_redacted_by_access() -> None:
    from chandong_tui.model.records import (
        CaseEvent,
        Conference,
        CrisisFlag,
        Handoff,
        Household,
        Task,
    )

    for cls in (
        Dong,
        Worker,
        VaultSettings,
        Household,
        Member,
        Visit,
        CrisisFlag,
        Conference,
        Handoff,
        Task,
        CaseEvent,
    ):
        assert cls.kind in perms.KIND_RULES, cls.kind
        for name in perms.FIELD_RULES.get(cls.kind, {}):
            assert name in cls.model_fields or perms.DERIVED_FIELDS[(cls.kind, name)] in cls.model_fields
    # access.redact_* cover member and visit only: a field rule elsewhere would not be applied
    assert set(perms.FIELD_RULES) <= {"member", "visit"}
    assert all(r.value in perms.ROLES for r in Role)


def test_readme_shows_the_matrix() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert perms.render_markdown() in readme


@pytest.mark.parametrize("user", list(DEMO_ROLES))
def test_each_forbidden_read_is_refused(demo_vault: Path, user: str) -> None:
    from chandong_tui.casework.access import read_field, reveal_rrn

    repo = _opened(demo_vault, user)
    with repo.session:
        role = DEMO_ROLES[user]
        member = next(m for m in repo.all(Member) if m.rrn)
        visit = next(v for v in repo.all(Visit))
        reads = {
            ("member", member.id, "health"): role in ("visiting_nurse", "supervisor"),
            ("visit", visit.id, "health_measures"): role in ("visiting_nurse", "supervisor"),
            ("member", member.id, "rrn"): role == "supervisor",
            ("member", member.id, "name"): True,
        }
        for (kind, row_id, field), allowed in reads.items():
            if allowed:
                read_field(repo, kind, row_id, field)
            else:
                with pytest.raises(Forbidden):
                    read_field(repo, kind, row_id, field)
        if role == "neighbourhood_officer":
            with pytest.raises(Forbidden):
                reveal_rrn(repo, member.id, "순찰 중 확인")
        else:
            assert "*" not in reveal_rrn(repo, member.id, "급여 신청")
        from chandong_tui.casework.audit import events, monthly_review, verify_log

        for read_log in (
            lambda: events(repo),
            lambda: verify_log(repo.session),
            lambda: monthly_review(repo, "2026-10"),
        ):
            if role == "supervisor":
                read_log()
            else:
                with pytest.raises(Forbidden):
                    read_log()
