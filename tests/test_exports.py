"""Record-level exports: masked identifiers, supervisors only for unmasked, a reason, an access-log
event stored in the vault; through the library and the command line."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from chandong_tui.casework.access import Forbidden
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.reports.exports import ExportRefused, audit_events, build_export, export_records
from chandong_tui.reports.month import Month
from chandong_tui.vault.accounts import unlock
from tests import reports_support as dataset
from tests.conftest import main_in_process
from tests.reports_support import ADMIN, PASS

report_vaults = dataset.report_vaults  # the fixture
OCTOBER = Month(2025, 10)


@pytest.fixture
def vault_a(report_vaults: dict[str, Path], tmp_path: Path) -> Path:
    """A private copy of vault A (exports write access-log events into it)."""
    target = tmp_path / "A"
    shutil.copytree(report_vaults["A"], target)
    return target


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_households_masked_by_default_and_formula_names_neutralised(vault_a: Path) -> None:
    with unlock(vault_a, "planner", PASS) as session:
        export = export_records(CaseRepository(session), "households", reason="구청 제출 (월간 점검)")
    rows = {row["id"]: row for row in _rows(export.to_csv("keys"))}
    assert rows["h1"]["head_rrn"] == "411231-1******"
    assert rows["h1"]["head_phone"] == "010-****-4567"
    assert rows["h1"]["head_name"] == "'=1+1"
    assert [rows[h]["head_name"] for h in ("h2", "h3", "h4")] == ["'+1", "'-2", "'@x"]
    assert rows["h1"]["tong"] == "1" and rows["h1"]["registered_on"] == "2025-01-10"
    assert rows["h6"]["status"] == "closed" and rows["h6"]["owner_id"] == ""


def test_unmasked_for_supervisors_only(vault_a: Path) -> None:
    with unlock(vault_a, "planner", PASS) as session:
        repo = CaseRepository(session)
        with pytest.raises(Forbidden):
            export_records(repo, "households", reason="확인", unmasked=True)
        assert audit_events(repo) == []  # refused: nothing recorded
    with unlock(vault_a, ADMIN, PASS) as session:
        export = export_records(CaseRepository(session), "households", reason="확인", unmasked=True)
    h1 = next(row for row in _rows(export.to_csv("keys")) if row["id"] == "h1")
    assert (h1["head_rrn"], h1["head_phone"]) == ("411231-1234567", "010-0123-4567")


def test_reason_required(vault_a: Path) -> None:
    with unlock(vault_a, ADMIN, PASS) as session:
        repo = CaseRepository(session)
        for reason in ("", "   \t "):
            with pytest.raises(ExportRefused, match="reason"):
                export_records(repo, "visits", reason=reason)
        assert audit_events(repo) == []


def test_export_is_recorded_durably_in_the_vault(vault_a: Path) -> None:
    with unlock(vault_a, "planner", PASS) as session:
        export = export_records(CaseRepository(session), "visits", reason="사례 점검", month=OCTOBER)
    assert [row[0] for row in export.rows] == ["v2", "v9", "v7", "v8", "v3", "v11", "v4"]  # by date, then id
    with unlock(vault_a, ADMIN, PASS) as session:  # another user, read back from the vault's files
        (event,) = audit_events(CaseRepository(session))
    assert event["id"] == export.audit_id
    assert event["actor"] == "planner" and event["action"] == "export" and event["what"] == "visits"
    assert (event["month"], event["reason"], event["rows"], event["unmasked"]) == (
        "2025-10",
        "사례 점검",
        7,
        False,
    )
    assert event["at"].endswith("+09:00")


def test_month_filters_and_columns(vault_a: Path) -> None:
    with unlock(vault_a, ADMIN, PASS) as session:
        repo = CaseRepository(session)
        crisis = build_export(
            repo, "crisis", OCTOBER, ["id", "raised_at", "hours_to_first_visit", "within_72h"]
        )
        assert crisis.rows == (
            ("f2", crisis.rows[0][1], 80.0, False),
            ("f4", crisis.rows[1][1], None, None),
            ("f5", crisis.rows[2][1], 1.0, True),
            ("f1", crisis.rows[3][1], 35.0, True),
        )
        text = crisis.to_csv("keys").decode("utf-8-sig")
        assert "f2,2025-10-01T00:30:00+09:00,80.0,0\r\n" in text  # UTC stored, Seoul time written
        handoffs = build_export(repo, "handoffs", OCTOBER, ["id"])
        assert [r[0] for r in handoffs.rows] == ["ho1", "ho3", "ho2"]
        conferences = build_export(repo, "conferences", OCTOBER, ["id", "household_count"])
        assert conferences.rows == (("c1", 2), ("c3", 1), ("c2", 2))
        assert len(build_export(repo, "visits").rows) == 11  # every current visit (v10 replaced by v11)
        with pytest.raises(ExportRefused, match="unknown column"):
            build_export(repo, "visits", columns=["id", "head_rrn"])


# -- command line ---------------------------------------------------------------------------------
def test_cli_export_streams_csv_and_logs(
    vault_a: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setenv("CHANDONG_PASSPHRASE", PASS)
    code = main_in_process(
        "export",
        str(vault_a),
        "--what",
        "households",
        "--columns",
        "id,head_name,head_phone",
        "--reason",
        "주간 점검",
        "--user",
        "planner",
    )
    out, err = capsysbinary.readouterr()
    assert code == 0, err
    assert out.startswith("\ufeffID,가구주,가구주 연락처\r\n".encode())
    assert b"h1,'=1+1,010-****-4567\r\n" in out
    assert err.decode().count("\n") == 1 and b"masked" in err
    with unlock(vault_a, ADMIN, PASS) as session:
        assert [e["reason"] for e in audit_events(CaseRepository(session))] == ["주간 점검"]


def test_cli_unmasked_refused_for_planner_exit_3(
    vault_a: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setenv("CHANDONG_PASSPHRASE", PASS)
    argv = [
        "export",
        str(vault_a),
        "--what",
        "households",
        "--reason",
        "확인",
        "--unmasked",
        "--user",
        "planner",
    ]
    code = main_in_process(*argv)
    out, err = capsysbinary.readouterr()
    assert code == 3 and out == b""
    assert err.count(b"\n") == 1 and b"supervisor" in err


def test_cli_reason_required_exit_2(
    vault_a: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setenv("CHANDONG_PASSPHRASE", PASS)
    for extra in ([], ["--reason", "  "]):
        code = main_in_process("export", str(vault_a), "--what", "visits", "--user", ADMIN, *extra)
        out, err = capsysbinary.readouterr()
        assert code == 2 and out == b""
        assert err.count(b"\n") == 1 and b"reason" in err


def test_cli_unknown_column_exit_2(
    vault_a: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setenv("CHANDONG_PASSPHRASE", PASS)
    argv = [
        "export",
        str(vault_a),
        "--what",
        "visits",
        "--columns",
        "id,nope",
        "--reason",
        "x",
        "--user",
        ADMIN,
    ]
    code = main_in_process(*argv)
    out, err = capsysbinary.readouterr()
    assert code == 2 and out == b"" and b"nope" in err and err.count(b"\n") == 1
