"""`chandong demo`: the committed sample, moved to the day the demo is tried."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson

from chandong_tui.casework.clock import KST, ClockState
from chandong_tui.casework.my_work import my_work
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import (
    DEMO_PASSPHRASE,
    DEMO_USERS,
    SAMPLE_TODAY,
    build_demo,
    moved_by,
    sample_path,
    weeks_to,
)
from chandong_tui.model.enums import Role
from chandong_tui.model.records import CrisisFlag, Household, Member, Visit
from chandong_tui.vault.accounts import unlock

TRIED_ON = dt.date(2026, 11, 22)  # a Sunday, three weeks and a day after the sample's Saturday


def test_whole_weeks_keep_the_weekdays() -> None:
    assert weeks_to(SAMPLE_TODAY) == dt.timedelta()
    assert weeks_to(TRIED_ON) == dt.timedelta(weeks=3)
    assert (SAMPLE_TODAY + weeks_to(TRIED_ON)).weekday() == SAMPLE_TODAY.weekday()
    assert weeks_to(SAMPLE_TODAY + dt.timedelta(days=6)) == dt.timedelta()


def test_dates_and_times_move_and_birthdays_stay() -> None:
    doc = {
        "visited_on": "2026-10-31",
        "raised_at": "2026-10-30T09:15:00+09:00",
        "birth_date": "1950-03-02",
        "note": "2026-10-31에 방문",
        "items": [{"due_on": "2026-11-01"}],
    }
    assert moved_by(doc, dt.timedelta(weeks=1)) == {
        "visited_on": "2026-11-07",
        "raised_at": "2026-11-06T09:15:00+09:00",
        "birth_date": "1950-03-02",
        "note": "2026-10-31에 방문",
        "items": [{"due_on": "2026-11-08"}],
    }


def test_the_demo_is_dated_around_the_day_it_is_built(tmp_path: Path) -> None:
    sample = orjson.loads(sample_path().read_bytes())
    demo = build_demo(tmp_path / "vault", TRIED_ON)
    with unlock(demo.root, "supervisor", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        first_visit = sample["visits"][0]
        visit = repo.get(Visit, first_visit["id"])
        member = repo.get(Member, sample["members"][0]["id"])
        moved_work = my_work(repo, dt.datetime.combine(TRIED_ON, dt.time(12), tzinfo=KST))
        flags = repo.all(CrisisFlag)
    assert visit is not None and member is not None
    assert visit.visited_on == dt.date.fromisoformat(first_visit["visited_on"]) + dt.timedelta(weeks=3)
    assert member.birth_date.isoformat() == sample["members"][0]["birth_date"]
    assert max(f.raised_at for f in flags).date() <= TRIED_ON
    # On the day it is tried the demo has running clocks and visits due, as the sample has on its day.
    assert any(item.clock.state in (ClockState.RUNNING, ClockState.WARNING) for item in moved_work.flags)
    assert moved_work.visits_due


def test_every_role_has_a_demo_login_with_the_demo_passphrase_and_its_own_cases(tmp_path: Path) -> None:
    assert sorted(DEMO_USERS.values()) == sorted(Role)  # one login for every role
    assert DEMO_USERS["manager"] is Role.CASE_MANAGER
    assert DEMO_USERS["counsellor"] is Role.COUNSELLOR
    demo = build_demo(tmp_path / "vault", TRIED_ON)
    assert demo.users == tuple(DEMO_USERS)
    for user_id, role in DEMO_USERS.items():
        with unlock(demo.root, user_id, DEMO_PASSPHRASE) as session:
            assert session.role == role.value
            repo = CaseRepository(session)
            worker = repo.worker(user_id)
            assert worker is not None and worker.role is role
            if role is not Role.SUPERVISOR:  # the supervisor reviews; everyone else has cases and visits
                assert any(h.owner_id == user_id for h in repo.all(Household)), user_id
                assert any(v.worker_id == user_id for v in repo.all(Visit)), user_id
