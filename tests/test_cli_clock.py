"""`chandong clock pause|resume VAULT RECORD_ID` as scripts use it: the pause (who, when, why) and the
resume are stored on the record and move its due time; refusals are one line with exit 2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chandong_tui.casework.clock import FIRST_VISIT_WINDOW, ClockState, first_visit_clock
from chandong_tui.casework.deadlines import task_deadline
from chandong_tui.casework.pausable import PausableRecord, deadline_of, find_pausable
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.model.enums import FlagState, HouseholdStatus, TaskState
from chandong_tui.model.records import CrisisFlag, Household, Task
from tests.conftest import main_in_process, opened

AT = dt.datetime.fromisoformat("2026-11-03T10:40:00+09:00")
LATER = AT + dt.timedelta(hours=30)


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANDONG_USER", "planner")
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)


def run(capsys: pytest.CaptureFixture[str], *args: str, at: dt.datetime = AT) -> tuple[int, str]:
    code = main_in_process("clock", *args, "--at", at.isoformat())
    return code, capsys.readouterr().err


def stored(vault: Path, record_id: str) -> PausableRecord:
    with opened(vault, "supervisor") as repo:
        return find_pausable(repo, record_id)


def running_clocks(vault: Path) -> dict[str, str]:
    """One record of each kind whose clock runs: an open flag not yet visited, an open household with
    a next visit planned, an open task."""

    def first(repo: CaseRepository, cls: type, keep) -> str:
        return next(r.id for r in repo.all(cls) if keep(r) and not r.pauses)

    with opened(vault, "supervisor") as repo:
        planned = {hid for hid, (_visited, due) in repo.latest_visits().items() if due}
        return {
            "flag": first(repo, CrisisFlag, lambda f: f.state is FlagState.OPEN and f.first_visit_at is None),
            "household": first(
                repo, Household, lambda h: h.status is not HouseholdStatus.CLOSED and h.id in planned
            ),
            "task": first(repo, Task, lambda t: t.state is TaskState.OPEN),
        }


def test_pause_and_resume_a_first_visit_clock(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    flag_id = running_clocks(demo_vault)["flag"]
    code, err = run(capsys, "pause", str(demo_vault), flag_id, "--reason", "  입원 중 (11/10 퇴원 예정) ")
    assert code == 0, err
    assert f"paused the 72-hour first-visit clock of crisis_flag {flag_id}" in err
    flag = stored(demo_vault, flag_id)
    assert isinstance(flag, CrisisFlag)
    (pause,) = flag.pauses
    assert (pause.reason, pause.paused_by, pause.paused_at) == ("입원 중 (11/10 퇴원 예정)", "planner", AT)
    assert pause.resumed_at is None
    assert first_visit_clock(flag, LATER).state is ClockState.PAUSED

    code, err = run(capsys, "resume", str(demo_vault), flag_id, "--note", "퇴원 확인", at=LATER)
    assert code == 0, err
    flag = stored(demo_vault, flag_id)
    assert isinstance(flag, CrisisFlag)
    (pause,) = flag.pauses
    assert (pause.resumed_at, pause.resumed_by, pause.resume_note) == (LATER, "planner", "퇴원 확인")
    clock = first_visit_clock(flag, LATER)
    assert clock.state is not ClockState.PAUSED
    assert clock.due_at == flag.raised_at + FIRST_VISIT_WINDOW + (LATER - AT)  # moved by the pause
    assert "resumed the 72-hour first-visit clock" in err and "due " in err


@pytest.mark.parametrize("kind", ["household", "task"])
def test_pause_a_date_clock_moves_its_due_day(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    record_id = running_clocks(demo_vault)[kind]
    with opened(demo_vault, "supervisor") as repo:
        before = deadline_of(repo, find_pausable(repo, record_id), AT)
    assert before is not None
    assert run(capsys, "pause", str(demo_vault), record_id, "--reason", "장기 출타")[0] == 0
    code, err = run(capsys, "resume", str(demo_vault), record_id, at=AT + dt.timedelta(days=2))
    assert code == 0, err
    with opened(demo_vault, "supervisor") as repo:
        record = find_pausable(repo, record_id)
        after = deadline_of(repo, record, AT + dt.timedelta(days=3))
    (pause,) = record.pauses
    assert (pause.reason, pause.paused_by, pause.resume_note) == ("장기 출타", "planner", "")
    assert after is not None and after.due_at == before.due_at + dt.timedelta(days=2)
    if isinstance(record, Task):
        assert task_deadline(record, AT + dt.timedelta(days=3)).due_at == after.due_at


def test_unknown_record_is_exit_2(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(capsys, "pause", str(demo_vault), "no-such-record", "--reason", "입원")
    assert code == 2
    assert err == "chandong: error: no crisis flag, household or task has the id 'no-such-record'\n"


def test_pausing_a_paused_clock_is_refused(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    flag_id = running_clocks(demo_vault)["flag"]
    assert run(capsys, "pause", str(demo_vault), flag_id, "--reason", "입원")[0] == 0
    code, err = run(capsys, "pause", str(demo_vault), flag_id, "--reason", "다시", at=LATER)
    assert code == 2
    assert err == f"chandong: error: the clock of {flag_id} is already paused\n"
    flag = stored(demo_vault, flag_id)
    assert [p.reason for p in flag.pauses] == ["입원"]  # nothing added
    # Resuming works once, then the clock is running and a second resume is refused the same way.
    assert run(capsys, "resume", str(demo_vault), flag_id, at=LATER)[0] == 0
    code, err = run(capsys, "resume", str(demo_vault), flag_id, at=LATER)
    assert code == 2 and err == f"chandong: error: the clock of {flag_id} is not paused\n"


def test_a_reason_is_required_and_checked(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    flag_id = running_clocks(demo_vault)["flag"]
    code, err = run(capsys, "pause", str(demo_vault), flag_id, "--reason", "   ")
    assert code == 2 and err == "chandong: error: --reason must say why the clock stops\n"
    code, err = run(capsys, "pause", str(demo_vault), flag_id, "--reason", "가" * 101)
    assert code == 2 and err.startswith("chandong: error: --reason: ") and "100" in err
    code, err = main_in_process("clock", "pause", str(demo_vault), flag_id), capsys.readouterr().err
    assert code == 2 and "--reason" in err and err.count("\n") == 1
    assert stored(demo_vault, flag_id).pauses == []


def test_a_visited_flag_has_no_clock_to_pause(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with opened(demo_vault, "supervisor") as repo:
        visited = next(f.id for f in repo.all(CrisisFlag) if f.first_visit_at is not None)
    code, err = run(capsys, "pause", str(demo_vault), visited, "--reason", "입원")
    assert code == 2 and err == f"chandong: error: crisis flag {visited} has no running first-visit clock\n"
