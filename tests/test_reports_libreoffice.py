"""Excel compatibility with a real spreadsheet program: LibreOffice Calc, headless, opens our CSV
(UTF-8 with BOM), saves it as xlsx and back as CSV. Korean headers, numbers (as numbers) and a
formula-looking name (as text, never a formula) must survive.

Skipped only when LibreOffice is absent *and* `CI` is unset; under CI it must run
(Debian/Ubuntu package: `libreoffice-calc-nogui`).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from chandong_tui.model.enums import Role
from chandong_tui.reports.figures import FIGURE_BY_KEY, Tally
from chandong_tui.reports.month import Month
from chandong_tui.reports.monthly import MonthlyReport, ReportRow

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)",
)
HYPERLINK = '=HYPERLINK("http://example.invalid","클릭")'
CSV_UTF8 = "44,34,76,1"  # separator ',', text delimiter '"', charset 76 = UTF-8, start at line 1
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _soffice(tmp_path: Path, *args: str) -> None:
    assert SOFFICE is not None, (
        "LibreOffice (soffice) is required under CI: apt-get install libreoffice-calc-nogui"
    )
    profile = (
        tmp_path / "lo-profile"
    ).as_uri()  # a throwaway profile: no first-start dialogs, no shared lock
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore", *args],
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr


def _report_csv() -> bytes:
    """A by-worker monthly report with a formula-looking worker name, as `chandong report` writes it."""
    counts = Counter({"visits": 12, "households_visited": 9, "emergency_won_total": 1_500_000})
    counts.update({"first_visit_within_72h": 1, "crisis_flags_raised": 3})
    row = ReportRow(
        "1159053000",
        "동작구",
        "상도1동",
        Tally(counts, {"first_visit_hours": [10.0, 80.0]}),
        worker_id="evil",
        worker_name=HYPERLINK,
        role=Role.COUNSELLOR,
    )
    plus = ReportRow(
        "1159053000", "동작구", "상도1동", Tally(Counter({"visits": 1})), worker_id="p", worker_name="+1"
    )
    return MonthlyReport(Month(2025, 10), "worker", (row, plus), None).to_csv()


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _cells(xlsx: Path) -> dict[str, tuple[str | None, str | None, bool]]:
    """Cell ref → (type attribute, value or shared string, has a formula)."""
    with zipfile.ZipFile(xlsx) as z:
        strings = [
            "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS)
        ]
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    cells = {}
    for c in sheet.iter(f"{{{NS['m']}}}c"):
        kind, v = c.get("t"), c.find("m:v", NS)
        value = v.text if v is not None else None
        if kind == "s" and value is not None:
            value = strings[int(value)]
        cells[c.get("r")] = (kind, value, c.find("m:f", NS) is not None)
    return cells


def test_libreoffice_round_trip_keeps_korean_numbers_and_text(tmp_path: Path) -> None:
    source = tmp_path / "report.csv"
    source.write_bytes(_report_csv())
    _soffice(
        tmp_path,
        "--convert-to",
        "xlsx",
        f"--infilter=CSV:{CSV_UTF8}",
        "--outdir",
        str(tmp_path / "x"),
        str(source),
    )
    xlsx = tmp_path / "x" / "report.xlsx"
    cells = _cells(xlsx)

    assert not any(formula for _, _, formula in cells.values()), "a cell became a formula"
    header = next(csv.reader(io.StringIO(source.read_bytes().decode("utf-8-sig"))))
    column = {name: _letters(i) for i, name in enumerate(header)}
    assert cells["A1"] == ("s", "월", False) and cells[column["직원"] + "1"][1] == "직원"
    assert cells[column[FIGURE_BY_KEY["visits"].ko] + "1"][1] == "방문상담 건수"
    assert cells[column["직원"] + "2"] == ("s", "'" + HYPERLINK, False)  # text, shown as typed
    assert cells[column["직원"] + "3"] == ("s", "'+1", False)
    assert cells[column["직무"] + "2"][1] == "복지상담전문관"
    for key, expected in (
        ("visits", "12"),
        ("emergency_won_total", "1500000"),
        ("first_visit_within_72h_share", "0.3333"),
    ):
        kind, value, _ = cells[column[FIGURE_BY_KEY[key].ko] + "2"]
        assert kind in (None, "n") and value == expected, key  # a number, not text
    kind, value, _ = cells[column[FIGURE_BY_KEY["first_visit_median_hours"].ko] + "2"]
    assert kind in (None, "n") and float(value or "nan") == 45.0
    assert cells[column["행정기관코드"] + "2"][1] == "1159053000"

    _soffice(
        tmp_path,
        "--convert-to",
        f"csv:Text - txt - csv (StarCalc):{CSV_UTF8}",
        "--outdir",
        str(tmp_path / "back"),
        str(xlsx),
    )
    back = list(csv.reader(io.StringIO((tmp_path / "back" / "report.csv").read_text(encoding="utf-8-sig"))))
    assert back[0] == header  # every Korean header intact
    assert back[1][header.index("직원")] == "'" + HYPERLINK
    assert back[1][header.index(FIGURE_BY_KEY["visits"].ko)] == "12"


def test_libreoffice_would_run_an_unneutralised_formula(tmp_path: Path) -> None:
    """The control: the same import does turn a bare `=HYPERLINK(…)` into a formula, so the test above
    shows our neutralising at work, not a lenient importer."""
    source = tmp_path / "bare.csv"
    source.write_bytes(
        ("\ufeff이름,수\r\n" + '"=HYPERLINK(""http://example.invalid"",""x"")",5\r\n').encode()
    )
    _soffice(
        tmp_path, "--convert-to", "xlsx", f"--infilter=CSV:{CSV_UTF8}", "--outdir", str(tmp_path), str(source)
    )
    assert _cells(tmp_path / "bare.xlsx")["A2"][2] is True
