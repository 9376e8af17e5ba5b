"""`chandong queue VAULT` as scripts use it: JSON that matches the queue, CSV safe for spreadsheets,
a readable table, and one-line errors with the usual exit codes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from chandong_tui.casework.queue import supervisor_queue
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.model.records import Task
from chandong_tui.vault.accounts import unlock
from tests.conftest import main_in_process, run_cli

AT = "2026-11-03T10:40:00+09:00"
HOSTILE = '=HYPERLINK("http://x","클릭")'


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANDONG_USER", "supervisor")
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main_in_process("queue", *args, "--at", AT)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_lists_what_the_queue_holds(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, str(demo_vault), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    with unlock(demo_vault, "supervisor", DEMO_PASSPHRASE) as session:
        queue = supervisor_queue(CaseRepository(session), dt.datetime.fromisoformat(AT))
    sections = [item["section"] for item in doc["items"]]
    assert sections.count("caseload") == len(queue.caseload)
    assert sections.count("overdue_visit") == len(queue.overdue_visits)
    assert sections.count("unowned") == len(queue.unowned)
    assert sections.count("handoff") == len(queue.handoffs)
    assert sections.count("closure") == len(queue.closures)
    assert sum(s.startswith("clock_") for s in sections) == len(queue.clocks)
    assert doc["at"] == AT and doc["filters"] == {}
    assert [i["household_id"] for i in doc["items"] if i["section"] == "overdue_visit"] == [
        v.household.id for v in queue.overdue_visits
    ]


def test_worker_and_overdue_filters(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, str(demo_vault), "--format", "json", "--worker", "planner", "--overdue")
    assert code == 0
    doc = json.loads(out)
    assert doc["filters"] == {"worker_id": "planner", "overdue": True}
    assert {i["worker_id"] for i in doc["items"] if i["section"] in ("caseload", "overdue_visit")} == {
        "planner"
    }
    assert all(i["state"] in ("breached", "escalated") for i in doc["items"] if i["section"] != "caseload")


def test_csv_neutralises_formulas(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with unlock(demo_vault, "planner", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        hid = next(s.id for s in repo.household_summaries() if s.owner_id == "planner" and s.status == "open")
        repo.save(
            Task(id="t-hostile", title=HOSTILE, owner_id="planner", due_on="2026-11-01", household_id=hid)
        )
    code, out, _ = run(capsys, str(demo_vault), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    (row,) = [r for r in rows if r["record_id"] == "t-hostile"]
    assert (row["section"], row["state"], row["detail"]) == ("clock_task", "breached", "'" + HOSTILE)
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    assert list(rows[0]) == [
        "section",
        "household_id",
        "tong",
        "ban",
        "worker_id",
        "due",
        "state",
        "detail",
        "record_id",
    ]


def test_table_is_the_default(demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(demo_vault), "--tong", "1")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["section", "household_id", "tong"]
    assert any(line.startswith("caseload") for line in lines)
    assert all(line.split()[2] == "1" for line in lines if line.startswith("overdue_visit"))


def test_a_worker_sees_only_their_own_queue(demo_vault: Path) -> None:
    env = {"CHANDONG_USER": "planner", "CHANDONG_PASSPHRASE": DEMO_PASSPHRASE}
    own = run_cli("queue", str(demo_vault), "--format", "json", "--at", AT, env=env)
    assert own.returncode == 0, own.stderr
    assert json.loads(own.stdout)["filters"] == {"worker_id": "planner"}
    other = run_cli("queue", str(demo_vault), "--worker", "nurse", env=env)
    assert other.returncode == 3
    assert other.stderr.strip() == "chandong: error: only a supervisor sees other workers' queues"
    bad = run_cli("queue", str(demo_vault), "--format", "xml", env=env)
    assert (
        bad.returncode == 2 and bad.stderr.startswith("chandong: error: ") and "Traceback" not in bad.stderr
    )
    wrong = run_cli(
        "queue", str(demo_vault), env={"CHANDONG_USER": "planner", "CHANDONG_PASSPHRASE": "wrong one"}
    )
    assert wrong.returncode == 3 and "Traceback" not in wrong.stderr
