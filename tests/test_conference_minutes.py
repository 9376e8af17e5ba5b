"""`chandong conference minutes`: sealed minutes printed as 80-column Korean text and exported as CSV,
both compared against fixtures (ids replaced by stand-ins); refused before sealing; every hand-out
recorded in the access log with its reason; `--out` writes the file."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from chandong_tui.casework.conferences import (
    record_decision,
    revise_minutes,
    schedule_conference,
    seal_minutes,
    start_meeting,
)
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.cli_table import cells
from chandong_tui.reports.exports import audit_events
from tests.conference_support import MEETING, open_cases
from tests.conftest import main_in_process, opened

FIXTURES = Path(__file__).parent / "data" / "minutes"
LONG_NOTE = "정신건강복지센터와 함께 상담 일정을 다시 잡고 가족 관계를 살핀다. "
"""Long enough that the printout wraps the note."""


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANDONG_USER", "supervisor")
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)


def meeting(vault: Path, *, seal: bool = True) -> tuple[str, list[str]]:
    """A conference of three households decided (two follow-ups on the first), sealed, then corrected
    by an addendum; returns the id to ask for and the household ids."""
    with opened(vault, "supervisor") as repo:
        households = open_cases(repo, 3)
        keep, close, refer = households
        conference = schedule_conference(
            repo,
            conference_kind="integrated",
            scheduled_at=MEETING,
            place="동 주민센터 2층 회의실",
            attendees=[
                {"name": "박서연", "worker_id": "planner"},
                {"name": "한가람", "organisation": "동작구 정신건강복지센터", "role": "위원"},
            ],
            agenda=[keep, close, refer],
        )
        start_meeting(repo, conference.id, at=MEETING)
        record_decision(
            repo,
            conference.id,
            keep,
            "continue",
            note="월 1회 방문 유지. "
            + "정신건강복지센터와 함께 상담 일정을 다시 잡고 가족 관계를 살핀다. " * 2,
            follow_ups=[
                {"title": "정신건강복지센터 연계 확인", "owner_id": "nurse"},
                {"title": "재방문", "due_on": "2027-02-10"},
            ],
            at=MEETING,
        )
        record_decision(repo, conference.id, close, "close", note="목표 달성으로 종결", at=MEETING)
        record_decision(repo, conference.id, refer, "refer_gu", at=MEETING)
        if seal:
            seal_minutes(repo, conference.id, "참석 4명. 3가구 논의.", at=MEETING + dt.timedelta(hours=1))
            revise_minutes(
                repo,
                conference.id,
                reason="참석 인원 정정",
                minutes="참석 5명. 3가구 논의.",
                at=MEETING + dt.timedelta(hours=2),
            )
    return conference.id, households


def stand_ins(text: str, households: list[str]) -> str:
    """Random ids replaced: conferences (the one asked for and its addendum) and households."""
    text = re.sub(r"\bc-[0-9a-f]+\b", "CONFERENCE", text)
    for n, household_id in enumerate(households, 1):
        text = text.replace(household_id, f"HOUSEHOLD{n}")
    return text


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main_in_process("conference", "minutes", *args, "--at", "2027-02-06T09:00:00+09:00")
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", ["text", "csv"])
def test_minutes_match_the_fixture_and_are_logged(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    conference_id, households = meeting(demo_vault)
    code, out, err = run(capsys, str(demo_vault), conference_id, "--format", fmt, "--reason", "구청 보고")
    assert (code, err) == (0, "")
    expected = (FIXTURES / f"minutes.{fmt}").read_bytes().decode("utf-8")
    assert stand_ins(out, households) == expected
    if fmt == "text":
        assert max(cells(line) for line in out.splitlines()) <= 80
    with opened(demo_vault, "supervisor") as repo:
        logged = audit_events(repo)[-1]
    assert logged["what"] == "minutes" and logged["rows"] == 3
    assert logged["reason"].endswith("구청 보고") and not logged["unmasked"]


def test_minutes_to_a_file(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    conference_id, households = meeting(demo_vault)
    target = tmp_path / "회의록.csv"
    code, out, err = run(capsys, str(demo_vault), conference_id, "--format", "csv", "--out", str(target))
    assert (code, out) == (0, "")
    assert "logged as" in err
    written = target.read_bytes().decode("utf-8")
    assert stand_ins(written, households) == (FIXTURES / "minutes.csv").read_bytes().decode("utf-8")
    assert target.stat().st_mode & 0o777 == 0o600


def test_minutes_not_sealed_are_refused(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    conference_id, _ = meeting(demo_vault, seal=False)
    code, out, err = run(capsys, str(demo_vault), conference_id)
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1 and "sealed" in err
    code, _, err = run(capsys, str(demo_vault), "c-nothing")
    assert code == 2 and len(err.strip().splitlines()) == 1
