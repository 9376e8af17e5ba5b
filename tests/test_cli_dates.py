"""Days on the command line are read as the forms read them: a day in the format that does not exist
says so in one line, apart from a format error, and exits 2 before any vault is opened."""

from __future__ import annotations

from pathlib import Path

import pytest

from chandong_tui.sample_data import generator
from tests.conftest import main_in_process


@pytest.mark.parametrize(
    "argv",
    [
        ("queue", "{vault}", "--at", "2026-02-30T10:00+09:00"),
        ("clock", "pause", "{vault}", "f-1", "--reason", "입원", "--at", "2026-02-30T10:00+09:00"),
        ("clock", "resume", "{vault}", "f-1", "--at", "2026-02-30 10:00+09:00"),
    ],
    ids=["queue", "clock-pause", "clock-resume"],
)
def test_a_day_that_does_not_exist_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    code = main_in_process(*(part.format(vault=tmp_path / "none") for part in argv))
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("chandong: error: argument --at: 2026-02-30 is not a date")


def test_a_wrong_format_says_something_else(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main_in_process("queue", str(tmp_path / "none"), "--at", "2026/02/03T10:00+09:00")
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "is not a date" not in err
    assert "not an ISO time: '2026/02/03T10:00+09:00'" in err


def test_a_good_day_in_a_bad_time_is_still_a_time_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main_in_process("queue", str(tmp_path / "none"), "--at", "2026-02-28T25:00+09:00") == 2
    err = capsys.readouterr().err
    assert "not an ISO time" in err and "is not a date" not in err


@pytest.mark.parametrize(
    ("anchor", "message"),
    [("2026-02-30", "2026-02-30 is not a date"), ("2026/02/03", "Not a date (YYYY-MM-DD)")],
)
def test_the_sample_generator_reads_its_anchor_day_the_same_way(
    capsys: pytest.CaptureFixture[str], anchor: str, message: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        generator.main(["--anchor", anchor, "--out", "-"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith(f"argument --anchor: {message}")
