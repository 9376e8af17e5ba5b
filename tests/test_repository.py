"""Round trip through the typed repository, role redaction, and no plaintext anywhere on disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pytest

from chandong_tui.casework.access import Forbidden
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE, sample_path
from chandong_tui.model.enums import TargetGroup, VisitKind
from chandong_tui.model.records import HealthMeasures, Member, Visit
from chandong_tui.model.sample_format import SECTIONS
from chandong_tui.vault.accounts import unlock


def _sample() -> dict:
    return orjson.loads(sample_path().read_bytes())


def test_import_close_reopen_gives_the_same_records(demo_vault: Path) -> None:
    doc = _sample()
    with unlock(demo_vault, "supervisor", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        for section, cls in SECTIONS.items():
            expected = [doc[section]] if section == "dong" else doc[section]
            stored = {r.id: r.model_dump(mode="json") for r in repo.all(cls)}
            assert len(stored) == len(expected), section
            for item in expected:
                assert stored[item["id"]] == cls.model_validate(item).model_dump(mode="json"), item["id"]


def test_saved_visit_survives_reopen_and_appears_in_timeline(demo_vault: Path) -> None:
    with unlock(demo_vault, "planner", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        household = repo.household_summaries()[0].id
        visit = Visit(
            id="v-new-1",
            household_id=household,
            worker_id="planner",
            visited_on=dt.date(2026, 11, 1),
            visit_kind=VisitKind.REGULAR,
            target_group=TargetGroup.ELDERLY,
            note="안부 확인",
        )
        assert repo.save(visit)
        assert not repo.save(visit)  # nothing changed: nothing written
    with unlock(demo_vault, "planner", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        assert repo.get(Visit, "v-new-1") == visit
        assert repo.timeline(household)[0].record.id == "v-new-1"


def _member_with_health(repo: CaseRepository) -> Member:
    return next(m for m in repo.all(Member) if m.health is not None)


def test_health_details_only_for_nurses_and_supervisors(demo_vault: Path) -> None:
    with unlock(demo_vault, "nurse", DEMO_PASSPHRASE) as session:
        member = _member_with_health(CaseRepository(session))
    with unlock(demo_vault, "planner", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        seen = repo.get(Member, member.id)
        assert seen is not None and seen.health is None
        assert all(v.health_measures is None for v in repo.all(Visit))
        repo.save(seen.model_copy(update={"phone": "010-0777-1234"}))  # an edit must not erase health
        with pytest.raises(Forbidden):
            repo.save(
                Visit(
                    id="v-x",
                    household_id=member.household_id,
                    worker_id="planner",
                    visited_on=dt.date(2026, 11, 1),
                    visit_kind=VisitKind.HEALTH,
                    target_group=TargetGroup.ELDERLY,
                    health_measures=HealthMeasures(systolic=120),
                )
            )
    with unlock(demo_vault, "nurse", DEMO_PASSPHRASE) as session:
        again = CaseRepository(session).get(Member, member.id)
        assert again is not None and again.health == member.health and again.phone == "010-0777-1234"


def test_no_sample_personal_data_in_plaintext_on_disk(demo_vault: Path, chandong_home: Path) -> None:
    doc = _sample()
    with unlock(demo_vault, "supervisor", DEMO_PASSPHRASE):
        pass
    needles = {m["name"] for m in doc["members"][:40]} | {
        m["phone"] for m in doc["members"] if m.get("phone")
    }
    needles |= {v["note"] for v in doc["visits"][:40] if len(v["note"]) > 8}
    needles |= {h["road_address"] for h in doc["households"][:40]}
    files = [p for base in (demo_vault, chandong_home) for p in base.rglob("*") if p.is_file()]
    assert len(needles) > 60 and len(files) > 8
    for path in files:
        data = path.read_bytes()
        leaked = [n for n in needles if n.encode("utf-8") in data]
        assert leaked == [], path


def test_an_unreadable_row_is_skipped_and_reported_not_raised(demo_vault: Path) -> None:
    with unlock(demo_vault, "supervisor", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        household = repo.household_summaries()[0].id
        visits_before = len(repo.visits_of(household))
        session.write("visit", "v-from-the-future", {"household_id": household, "visit_kind": "teleport"})
        assert len(repo.visits_of(household)) == visits_before
        assert repo.get(Visit, "v-from-the-future") is None
        assert ("visit", "v-from-the-future") in repo.unreadable
