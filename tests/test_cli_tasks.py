"""`chandong tasks` and `chandong task add|done|cancel` as scripts use them: steps stored with who,
when and why; listings as a table, CSV (BOM, formulas neutralised) or JSON; refusals are one line,
exit 2 for bad input or an unknown id, 3 when the user may not."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.casework.tasks import add_task, get_task
from chandong_tui.model.enums import TaskState, TaskStep
from tests.conftest import main_in_process, opened

AT = dt.datetime.fromisoformat("2026-11-03T10:40:00+09:00")
LATER = AT + dt.timedelta(hours=3)
HOSTILE = '=HYPERLINK("http://evil.example","보기")'


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANDONG_USER", "planner")
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)


def run(capsys: pytest.CaptureFixture[str], *args: str, at: dt.datetime = AT) -> tuple[int, str, str]:
    code = main_in_process(*args, "--at", at.isoformat())
    out, err = capsys.readouterr()
    return code, out, err


def planner_case(vault: Path) -> str:
    with opened(vault, "planner") as repo:
        return next(
            s.id for s in repo.household_summaries() if s.owner_id == "planner" and s.status == "open"
        )


def add(capsys: pytest.CaptureFixture[str], vault: Path, hid: str, *args: str) -> tuple[int, str, str]:
    return run(capsys, "task", "add", str(vault), hid, *args)


def test_add_then_done_with_a_note(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    household_id = planner_case(demo_vault)
    code, out, err = run(
        capsys,
        "task",
        "add",
        str(demo_vault),
        household_id,
        "--title",
        "주거급여 신청 확인",
        "--in-days",
        "3",
    )
    assert code == 0, err
    task_id = out.strip()
    assert f"added task {task_id} to household {household_id} for planner, due 2026-11-06" in err
    code, out, err = run(capsys, "task", "done", str(demo_vault), task_id, "--note", "신청 접수됨", at=LATER)
    assert code == 0, err
    assert err == f"task {task_id} done: 신청 접수됨\n"
    with opened(demo_vault, "supervisor") as repo:
        task = get_task(repo, task_id)
        assert (task.title, task.due_on, task.created_by, task.created_at) == (
            "주거급여 신청 확인",
            dt.date(2026, 11, 6),  # three working days after Tuesday
            "planner",
            AT,
        )
        assert (task.state, task.done_at) == (TaskState.DONE, LATER)
        assert [(e.step, e.actor_id, e.note) for e in task.history] == [
            (TaskStep.DONE, "planner", "신청 접수됨")
        ]


def test_add_on_a_date_for_someone_else_then_cancel(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    household_id = planner_case(demo_vault)
    args = ("task", "add", str(demo_vault), household_id, "--title", "혈압 재측정", "--due", "2026-11-20")
    code, out, err = run(capsys, *args, "--to", "nurse")
    assert code == 0, err
    task_id = out.strip()
    code, _out, err = run(capsys, "task", "cancel", str(demo_vault), task_id, "--reason", "  입원함 ")
    assert code == 0 and err == f"task {task_id} cancelled: 입원함\n"
    with opened(demo_vault, "nurse") as repo:
        task = get_task(repo, task_id)
        assert (task.owner_id, task.due_on, task.state) == (
            "nurse",
            dt.date(2026, 11, 20),
            TaskState.CANCELLED,
        )
        assert task.history[-1].note == "입원함"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--due", "2026-11-02"), "the due date 2026-11-02 is already past"),
        (("--due", "11/20"), "argument --due: not a date (YYYY-MM-DD): '11/20'"),
        (("--due", "2026-02-30"), "argument --due: 2026-02-30 is not a date"),
        (("--in-days", "-2"), "working days must be from 0 to 3660 (-2)"),
        (("--due", "2026-11-20", "--to", "ghost"), "no worker 'ghost'"),
    ],
)
def test_bad_input_is_exit_2(
    demo_vault: Path,
    signed_in: None,
    capsys: pytest.CaptureFixture[str],
    extra: tuple[str, ...],
    message: str,
) -> None:
    household_id = planner_case(demo_vault)
    code, out, err = add(capsys, demo_vault, household_id, "--title", "확인", *extra)
    assert code == 2 and out == ""
    assert err.startswith("chandong: error: ") and message in err and err.count("\n") == 1
    with opened(demo_vault, "planner") as repo:
        assert all(t.title != "확인" for t in repo.tasks_of(household_id))


def test_usage_errors_are_exit_2(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    household_id = planner_case(demo_vault)
    add = ("task", "add", str(demo_vault), household_id, "--title", "확인")
    for extra in ((), ("--due", "2026-11-20", "--in-days", "2")):  # neither, both
        code, _out, err = run(capsys, *add, *extra)
        assert code == 2 and err.startswith("chandong: error: ") and err.count("\n") == 1
    code, _out, err = run(
        capsys, "task", "add", str(demo_vault), household_id, "--title", " ", "--in-days", "1"
    )
    assert code == 2 and err.startswith("chandong: error: --title: ")
    code, _out, err = run(
        capsys, "task", "add", str(demo_vault), "hh-nope", "--title", "확인", "--in-days", "1"
    )
    assert (code, err) == (2, "chandong: error: no household 'hh-nope'\n")


def test_unknown_task_and_repeated_steps_are_exit_2(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "task", "done", str(demo_vault), "t-nope")
    assert (code, err) == (2, "chandong: error: no task 't-nope'\n")
    code, _out, err = run(capsys, "task", "cancel", str(demo_vault), "t-nope", "--reason", "x")
    assert (code, err) == (2, "chandong: error: no task 't-nope'\n")
    household_id = planner_case(demo_vault)
    code, out, _err = run(
        capsys, "task", "add", str(demo_vault), household_id, "--title", "확인", "--in-days", "1"
    )
    task_id = out.strip()
    code, _out, err = run(capsys, "task", "cancel", str(demo_vault), task_id, "--reason", "   ")
    assert (code, err) == (2, "chandong: error: --reason must say why the task is cancelled\n")
    assert run(capsys, "task", "done", str(demo_vault), task_id)[0] == 0
    code, _out, err = run(capsys, "task", "cancel", str(demo_vault), task_id, "--reason", "중복")
    assert (code, err) == (2, f"chandong: error: task {task_id} is done\n")


def test_not_allowed_is_exit_3(
    demo_vault: Path, monkeypatch: pytest.MonkeyPatch, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    household_id = planner_case(demo_vault)
    code, out, _err = run(
        capsys, "task", "add", str(demo_vault), household_id, "--title", "확인", "--in-days", "1"
    )
    task_id = out.strip()
    monkeypatch.setenv("CHANDONG_USER", "officer")
    code, _out, err = run(capsys, "task", "done", str(demo_vault), task_id)
    assert code == 3
    assert err == (
        "chandong: error: only the case owner, the assignee (planner) or a supervisor "
        f"changes task {task_id}\n"
    )
    code, _out, err = run(
        capsys, "task", "add", str(demo_vault), household_id, "--title", "x", "--in-days", "1"
    )
    assert code == 3 and "only the case owner or a supervisor adds tasks" in err
    with opened(demo_vault, "planner") as repo:
        assert get_task(repo, task_id).state is TaskState.OPEN


def test_list_as_json_mine_and_open(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    household_id = planner_case(demo_vault)
    with opened(demo_vault, "planner") as repo:
        mine = add_task(repo, household_id, title="내 일", due_on=dt.date(2026, 11, 4), at=AT)
        theirs = add_task(repo, household_id, title="간호사 일", owner_id="nurse", in_days=5, at=AT)
        done = add_task(repo, household_id, title="끝난 일", in_days=1, at=AT)
    assert run(capsys, "task", "done", str(demo_vault), done.id)[0] == 0

    def ids(*flags: str) -> list[str]:
        code, out, err = run(capsys, "tasks", str(demo_vault), "--format", "json", *flags)
        assert code == 0, err
        doc = json.loads(out)
        assert doc["at"] == AT.isoformat()
        return [item["task_id"] for item in doc["items"]]

    everything = ids()
    assert {mine.id, theirs.id, done.id} <= set(everything)
    assert everything.index(mine.id) < everything.index(done.id)  # open ones first
    assert mine.id in ids("--mine") and theirs.id not in ids("--mine")
    assert done.id in ids("--mine") and done.id not in ids("--mine", "--open")
    code, out, _err = run(capsys, "tasks", str(demo_vault), "--format", "json", "--mine", "--open")
    (item,) = [i for i in json.loads(out)["items"] if i["task_id"] == mine.id]
    assert item == {
        "task_id": mine.id,
        "household_id": household_id,
        "title": "내 일",
        "assignee": "planner",
        "due_on": "2026-11-04",
        "state": "open",
        "clock": "warning",
        "conference_id": "",
    }


def test_csv_has_a_bom_and_neutralises_formulas(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    household_id = planner_case(demo_vault)
    with opened(demo_vault, "planner") as repo:
        hostile = add_task(repo, household_id, title=HOSTILE, in_days=2, at=AT)
    code, out, err = run(capsys, "tasks", str(demo_vault), "--format", "csv", "--mine")
    assert code == 0, err
    assert out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert list(rows[0]) == [
        "task_id",
        "household_id",
        "title",
        "assignee",
        "due_on",
        "state",
        "clock",
        "conference_id",
    ]
    (row,) = [r for r in rows if r["task_id"] == hostile.id]
    assert row["title"] == "'" + HOSTILE
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_table_shows_control_characters_visibly(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    household_id = planner_case(demo_vault)
    with opened(demo_vault, "planner") as repo:
        add_task(repo, household_id, title="확인\x1b[2J", in_days=2, at=AT)
    code, out, err = run(capsys, "tasks", str(demo_vault), "--mine", "--open")
    assert code == 0, err
    assert out.splitlines()[0].split() == [
        "task_id",
        "household_id",
        "title",
        "assignee",
        "due_on",
        "state",
        "clock",
        "conference_id",
    ]
    assert "\x1b" not in out and "확인␛[2J" in out


def test_reassign_gives_the_task_to_another_worker_and_keeps_its_due_date(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    household_id = planner_case(demo_vault)
    code, out, _err = add(capsys, demo_vault, household_id, "--title", "병원 동행", "--due", "2026-11-20")
    task_id = out.strip()
    code, out, err = run(
        capsys, "task", "reassign", str(demo_vault), task_id, "--to", "nurse", "--note", "건강 문제", at=LATER
    )
    assert (code, out) == (0, "") and err == f"task {task_id} reassigned from planner to nurse\n"
    with opened(demo_vault, "nurse") as repo:
        task = get_task(repo, task_id)
    assert (task.owner_id, task.due_on, task.state) == ("nurse", dt.date(2026, 11, 20), TaskState.OPEN)
    assert [(e.step, e.actor_id, e.from_owner_id, e.to_owner_id, e.note, e.at) for e in task.history] == [
        (TaskStep.REASSIGNED, "planner", "planner", "nurse", "건강 문제", LATER)
    ]


def test_reassign_refusals_are_one_line_with_exit_2_or_3(
    demo_vault: Path, monkeypatch: pytest.MonkeyPatch, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    household_id = planner_case(demo_vault)
    task_id = add(capsys, demo_vault, household_id, "--title", "확인", "--in-days", "2")[1].strip()
    reassign = ("task", "reassign", str(demo_vault))
    code, _out, err = run(capsys, *reassign, "t-nope", "--to", "nurse")
    assert (code, err) == (2, "chandong: error: no task 't-nope'\n")
    code, _out, err = run(capsys, *reassign, task_id, "--to", "ghost")
    assert (code, err) == (2, "chandong: error: no worker 'ghost'\n")
    code, _out, err = run(capsys, *reassign, task_id, "--to", "planner")
    assert (code, err) == (2, f"chandong: error: task {task_id} is already planner's\n")
    code, _out, err = run(capsys, *reassign, task_id)  # --to is required
    assert code == 2 and err.startswith("chandong: error: ") and err.count("\n") == 1
    monkeypatch.setenv("CHANDONG_USER", "officer")
    code, _out, err = run(capsys, *reassign, task_id, "--to", "officer")
    assert code == 3 and err.count("\n") == 1 and "only the case owner, the assignee (planner)" in err
    with opened(demo_vault, "planner") as repo:
        task = get_task(repo, task_id)
    assert task.owner_id == "planner" and task.history == []
