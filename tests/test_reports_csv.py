"""CSV for Excel users: BOM, CRLF, formula neutralising, numbers left alone, headers, determinism."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from chandong_tui.model.enums import Role
from chandong_tui.reports.csv_out import Column, neutralise, render_csv

COLUMNS = [
    Column("name", "이름"),
    Column("count", "방문 가구 수"),
    Column("won", "금액"),
    Column("role", "직무"),
]
ROWS = [
    ['=HYPERLINK("http://example.invalid","클릭")', 5, -5000, Role.VISITING_NURSE],
    ["+1", 0, 1.5, None],
    ["-2", -3, 0, Role.SUPERVISOR],
    ["@x", 12, 0.25, None],
    ["\tindent", 1, 2, None],
    ["\rcr", 1, 2, None],
    ["김철수, 3통", 7, 8, None],
]


def _parse(data: bytes, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def test_bom_by_default_crlf_and_korean_header() -> None:
    data = render_csv(COLUMNS, ROWS)
    assert data.startswith(b"\xef\xbb\xbf\xec\x9d\xb4\xeb\xa6\x84")  # BOM, then 이름
    assert data.count(b"\r\n") == len(ROWS) + 1 and b"\n" not in data.replace(b"\r\n", b"")
    assert _parse(data)[0] == ["이름", "방문 가구 수", "금액", "직무"]


def test_plain_utf8_and_keys_header() -> None:
    data = render_csv(COLUMNS, ROWS, header="keys", encoding="utf-8")
    assert data.startswith(b"name,count,won,role\r\n")
    assert _parse(data, "utf-8")[1][3] == "visiting_nurse"  # stable value with keys
    assert _parse(render_csv(COLUMNS, ROWS))[1][3] == "방문간호사"  # Korean label with ko


def test_formula_looking_text_is_neutralised_numbers_are_not() -> None:
    rows = _parse(render_csv(COLUMNS, ROWS))[1:]
    assert [r[0] for r in rows] == [
        '\'=HYPERLINK("http://example.invalid","클릭")',
        "'+1",
        "'-2",
        "'@x",
        "'\tindent",
        "'\rcr",
        "김철수, 3통",
    ]
    assert [(r[1], r[2]) for r in rows] == [
        ("5", "-5000"),
        ("0", "1.5"),
        ("-3", "0"),
        ("12", "0.25"),
        ("1", "2"),
        ("1", "2"),
        ("7", "8"),
    ]


def test_dates_iso_and_byte_identical() -> None:
    columns = [Column("day", "날짜"), Column("at", "일시"), Column("flag", "여부"), Column("list", "목록")]
    at = dt.datetime(2025, 10, 31, 14, 30, tzinfo=dt.UTC)
    rows = [[dt.date(2025, 10, 31), at, True, ["a", "=b"]], [None, None, False, []]]
    first = render_csv(columns, rows, header="keys")
    assert first == render_csv(columns, rows, header="keys")
    assert _parse(first)[1:] == [["2025-10-31", "2025-10-31T23:30:00+09:00", "1", "a; =b"], ["", "", "0", ""]]


def test_neutralise() -> None:
    assert neutralise("=1") == "'=1" and neutralise("a=1") == "a=1" and neutralise("") == ""


def test_rejects_wrong_widths_and_options() -> None:
    with pytest.raises(ValueError):
        render_csv(COLUMNS, [[1, 2]])
    with pytest.raises(ValueError):
        render_csv(COLUMNS, ROWS, encoding="cp949")
    with pytest.raises(ValueError):
        render_csv(COLUMNS, ROWS, header="en")  # type: ignore[arg-type]
