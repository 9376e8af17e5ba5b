"""Monthly figures on the hand-built dataset of `reports_support.py`; every expected number below
was worked out by hand from the records listed there (not computed by the code under test)."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import pytest

from chandong_tui.casework.queue import supervisor_queue
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.reports.figures import DEFINITIONS, FIGURES, figures_markdown
from chandong_tui.reports.month import BadMonth, Month
from chandong_tui.reports.monthly import MonthlyReport, monthly_report
from chandong_tui.vault.accounts import unlock
from tests import reports_support as dataset
from tests.conftest import main_in_process
from tests.reports_support import ADMIN, HYPERLINK, PASS, readme_figure_labels

report_vaults = dataset.report_vaults  # the fixtures
handoff_vaults = dataset.handoff_vaults

OCTOBER = Month(2025, 10)
RATIOS = {fig.key for fig in FIGURES if fig.kind in ("ratio", "median")}


def expected(**nonzero: float | None) -> dict[str, float | None]:
    """Every figure 0 (ratios and medians: empty) except those given."""
    base: dict[str, float | None] = {fig.key: None if fig.key in RATIOS else 0 for fig in FIGURES}
    unknown = set(nonzero) - set(base)
    assert not unknown, unknown
    return base | nonzero


# Dong A, October 2025, by hand (see the dataset's comments):
DONG_A_OCTOBER = expected(
    # v2 v3 v4 v7 v8 v9 v11 (v1: 30 Sep, v5: 1 Nov, v10: replaced by its revision v11)
    visits=7,
    visits_initial=2,  # v7 v9
    visits_regular=2,  # v2 v11
    visits_health=2,  # v3 v4
    visits_phone=1,  # v8
    visits_role_welfare_planner=4,  # v2 v7 v8 v11
    visits_role_visiting_nurse=2,  # v3 v4
    visits_role_neighbourhood_officer=1,  # v9
    households_visited=5,  # h1 (twice, two roles) h2 h4 h5 h8; v8 is a phone call
    households_visited_role_welfare_planner=3,  # h1 h4 h8
    households_visited_role_visiting_nurse=2,  # h1 h2
    households_visited_role_neighbourhood_officer=1,  # h5
    crisis_flags_raised=4,  # f1 (31 Oct 23:30 KST) f2 (1 Oct 00:30 KST, written in UTC) f4 f5; f3 is 30 Sep
    crisis_households_new=3,  # h5 (f1, f4) h7 h6
    crisis_households_urgent=1,  # h7
    crisis_households_crisis=1,  # h5: crisis (f1) beats watch (f4)
    crisis_households_watch=1,  # h6
    crisis_households_reason_job_loss=1,  # h5, once though on two flags
    crisis_households_reason_illness=1,
    crisis_households_reason_arrears=1,
    crisis_households_reason_disaster=1,
    crisis_households_reason_other=1,
    first_visit_within_72h=2,  # f1 (35 h) f5 (1 h); f2 took 80 h; f4 not visited
    first_visit_within_72h_share=0.5,
    crisis_flags_first_visited=3,
    first_visit_median_hours=35.0,  # of 1, 35, 80
    turning65_households=2,  # h2 h3
    turning65_health_visited_ytd=1,  # h2; h3's nurse visit was last year, this year's was a planner's
    turning65_health_visit_rate_ytd=0.5,
    elderly_households_first_visited=2,  # h2 (v4), h8 (v11); h1 was first visited on 30 Sep
    newborn_households_visited=1,  # h4
    resources_linked=3,  # welfare (v2), specialist (v7), in kind (v9)
    resources_linked_health=1,  # v2
    referrals_specialist=1,  # v7
    blind_spot_found=2,  # h5 h6
    blind_spot_supported=2,  # h5 (food provided on v9), h6 (f5 emergency support)
    emergency_cases=2,  # f3, f5; f2 was resolved at 00:10 on 1 Nov in Seoul
    emergency_cases_livelihood=1,
    emergency_cases_medical=1,
    emergency_cases_housing=1,
    emergency_won_livelihood=300_000,
    emergency_won_medical=200_000,
    emergency_won_housing=500_000,
    emergency_won_total=1_000_000,
    conferences_held=2,  # c1 c2 (c3 not sealed, c4 in November)
    conference_households=3,  # h1 h5 h7
    handoffs_made=3,  # ho1 ho2 ho3
    handoffs_accepted=1,  # ho1 (ho3's acceptance is November's)
    handoffs_declined=1,  # ho4
    handoffs_overdue=2,  # ho3 ho5 (ho2: requested less than 3 working days before month end)
    cases_open=5,  # h1-h5 (h7 registered in November)
    cases_closed=2,  # h6 h8
)


def _report(vaults: list[Path], month: Month, by: str = "dong") -> MonthlyReport:
    sessions = [unlock(v, ADMIN, PASS) for v in vaults]
    try:
        return monthly_report([CaseRepository(s) for s in sessions], month, by)  # type: ignore[arg-type]
    finally:
        for s in sessions:
            s.close()


def test_dong_figures_for_october_by_hand(report_vaults: dict[str, Path]) -> None:
    report = _report([report_vaults["A"]], OCTOBER)
    assert report.total is None
    (row,) = report.rows
    assert (row.dong_code, row.gu, row.dong) == ("1159053000", "동작구", "상도1동")
    assert row.tally.values() == DONG_A_OCTOBER


def test_month_boundaries_november(report_vaults: dict[str, Path]) -> None:
    values = _report([report_vaults["A"]], Month(2025, 11)).rows[0].tally.values()
    assert values["visits"] == 1  # v5 on 1 November
    assert values["crisis_flags_raised"] == 0  # f1 (31 Oct 23:30 KST = 14:30 UTC) stays October's
    assert values["emergency_cases"] == 1  # f2, resolved 00:10 on 1 Nov in Seoul
    assert values["emergency_won_livelihood"] == 100_000
    assert values["conferences_held"] == 1  # c4
    assert values["handoffs_accepted"] == 1  # ho3 on 3 Nov
    assert values["handoffs_made"] == 0
    assert values["cases_open"] == 6  # h7 registered on 1 Nov


def test_by_worker_rows_and_total(report_vaults: dict[str, Path]) -> None:
    report = _report([report_vaults["A"]], OCTOBER, "worker")
    rows = {row.worker_id: row.tally.values() for row in report.rows}
    assert list(rows) == ["evil", "nurse", "officer", "planner", ADMIN, ""]  # unassigned last
    planner, nurse, officer = rows["planner"], rows["nurse"], rows["officer"]
    assert (planner["visits"], planner["households_visited"]) == (4, 3)
    assert (nurse["visits"], nurse["households_visited"]) == (2, 2)
    assert (officer["visits"], officer["households_visited"]) == (1, 1)
    # h1 was visited by a planner and a nurse: once in each row, once in the dong's total
    assert report.total is not None
    assert report.total.tally.values() == DONG_A_OCTOBER
    assert planner["elderly_households_first_visited"] == 1 and nurse["elderly_households_first_visited"] == 1
    assert (planner["handoffs_made"], planner["handoffs_overdue"]) == (2, 2)
    assert nurse["handoffs_accepted"] == 1 and rows[ADMIN]["handoffs_declined"] == 1
    assert (planner["emergency_cases"], planner["emergency_won_total"]) == (
        1,
        500_000,
    )  # f3, raised by planner
    assert officer["crisis_flags_raised"] == 4
    assert (nurse["turning65_households"], nurse["turning65_health_visited_ytd"]) == (2, 1)
    assert rows[ADMIN]["conferences_held"] == 2
    assert (rows[""]["blind_spot_found"], rows[""]["cases_closed"]) == (1, 1)  # h6 has no owner
    assert (planner["cases_open"], planner["cases_closed"]) == (2, 1)
    assert all(v in (0, None) for v in rows["evil"].values())


def test_gu_of_three_vaults_sums_parts_and_recomputes_ratios(report_vaults: dict[str, Path]) -> None:
    report = _report([report_vaults[k] for k in "CAB"], OCTOBER)
    assert [row.dong for row in report.rows] == [
        "상도1동",
        "상도2동",
        "상도3동",
    ]  # by code, not argument order
    b, c = report.rows[1].tally.values(), report.rows[2].tally.values()
    assert (b["first_visit_within_72h"], b["crisis_flags_raised"], b["first_visit_within_72h_share"]) == (
        1,
        2,
        0.5,
    )
    assert (c["first_visit_within_72h"], c["crisis_flags_raised"], c["first_visit_within_72h_share"]) == (
        3,
        4,
        0.75,
    )
    assert report.total is not None
    total = report.total.tally.values()
    assert (total["first_visit_within_72h"], total["crisis_flags_raised"]) == (6, 10)
    assert total["first_visit_within_72h_share"] == 0.6  # not the average of 0.5, 0.5 and 0.75
    # pooled hours 1 5 10 20 | 35 70 80 100: median 27.5 (the median of the medians 35, 10, 45 would be 35)
    assert total["first_visit_median_hours"] == 27.5
    assert (total["turning65_health_visited_ytd"], total["turning65_households"]) == (5, 8)
    assert total["turning65_health_visit_rate_ytd"] == 0.625  # the average would be 0.5833
    assert total["visits"] == 7 + 0 + 0
    table = report.table("keys")
    assert table[-1][:4] == ["2025-10", "", "동작구", "total"]
    assert report.table("ko")[-1][3] == "합계"


def test_gu_of_two_recomputes_1_of_2_and_3_of_4_as_4_of_6(report_vaults: dict[str, Path]) -> None:
    report = _report([report_vaults["B"], report_vaults["C"]], OCTOBER)
    assert report.total is not None
    total = report.total.tally.values()
    assert total["first_visit_within_72h_share"] == round(4 / 6, 4) != 0.625
    assert total["turning65_health_visit_rate_ytd"] == round(4 / 6, 4)


def test_the_same_vault_twice_is_refused(report_vaults: dict[str, Path]) -> None:
    with pytest.raises(ValueError, match="twice"):
        _report([report_vaults["B"], report_vaults["B"]], OCTOBER)


def test_report_csv_keys_header_and_values(report_vaults: dict[str, Path]) -> None:
    report = _report([report_vaults["A"]], OCTOBER, "worker")
    data = report.to_csv("keys", "utf-8")
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert list(rows[0])[:7] == ["month", "dong_code", "gu", "dong", "worker_id", "worker_name", "role"]
    evil = next(r for r in rows if r["worker_id"] == "evil")
    assert evil["worker_name"] == "'" + HYPERLINK and evil["role"] == "counsellor"
    total = rows[-1]
    assert total["dong"] == "total" and total["households_visited"] == "5"
    assert total["first_visit_within_72h_share"] == "0.5" and total["emergency_won_total"] == "1000000"
    assert report.to_csv("keys", "utf-8") == data  # byte-identical
    korean = report.to_csv().decode("utf-8-sig").splitlines()[0]
    assert korean.startswith("월,행정기관코드,자치구,행정동,직원 ID,직원,직무,방문상담 건수")


def test_month_parsing() -> None:
    assert str(Month.parse("2025-10")) == "2025-10"
    assert Month.parse("2025-12").next == Month(2026, 1)
    assert Month(2024, 2).last_day.day == 29
    for bad in ("2025-13", "2025-00", "25-10", "2025/10", "2025-1", "２０２５-10", ""):
        with pytest.raises(BadMonth):
            Month.parse(bad)


def test_every_figure_is_defined() -> None:
    table = figures_markdown()
    for fig in FIGURES:
        pattern = fig.key
        assert f"`{pattern}`" in table or any(f"`{prefix}<" in table for prefix in _prefixes(fig.key)), (
            f"{fig.key} has no definition"
        )


def _prefixes(key: str) -> list[str]:
    parts = key.split("_")
    return ["_".join(parts[:i]) + "_" for i in range(1, len(parts))]


# -- the command line, in process ----


def test_cli_report_streams_csv_only_on_stdout(
    report_vaults: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    monkeypatch.setenv("CHANDONG_PASSPHRASE", PASS)
    vaults = [str(report_vaults[k]) for k in "AB"]
    code = main_in_process("report", "monthly", *vaults, "--month", "2025-10", "--user", ADMIN)
    out, err = capsysbinary.readouterr()
    assert code == 0, err
    assert out.startswith(b"\xef\xbb\xbf") and out.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    assert len(rows) == 4 and rows[-1][3] == "합계"  # header, two dongs, total
    assert len(err.decode().strip().splitlines()) == 1 and b"2 vaults" in err


def test_cli_report_to_file(
    report_vaults: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("CHANDONG_PASSPHRASE", PASS)
    target = tmp_path / "월보.csv"
    argv = ["report", "monthly", str(report_vaults["A"]), "--month", "2025-10", "--by", "worker"]
    code = main_in_process(
        *argv, "--header", "keys", "--encoding", "utf-8", "--out", str(target), "--user", ADMIN
    )
    out, err = capsysbinary.readouterr()
    assert code == 0, err
    assert out == b""
    assert target.read_bytes().startswith(b"month,dong_code,gu,dong,worker_id")
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("month", ["2025-13", "10-2025", "2025-1x"])
def test_cli_bad_month_is_exit_2_one_line(
    report_vaults: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    month: str,
) -> None:
    code = main_in_process("report", "monthly", str(report_vaults["A"]), "--month", month, "--user", ADMIN)
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("chandong: error:") and "invalid month" in err


def test_cli_wrong_passphrase_is_exit_3(
    report_vaults: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHANDONG_PASSPHRASE", "not the passphrase")
    code = main_in_process(
        "report", "monthly", str(report_vaults["A"]), "--month", "2025-10", "--user", ADMIN
    )
    out, err = capsys.readouterr()
    assert code == 3 and out == "" and err.count("\n") == 1


def test_cli_gu_in_parallel_wrong_passphrase_and_duplicate(
    report_vaults: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    vaults = [str(report_vaults[k]) for k in "ABC"]
    monkeypatch.setenv("CHANDONG_PASSPHRASE", "not the passphrase")
    code = main_in_process("report", "monthly", *vaults, "--month", "2025-10", "--jobs", "2", "--user", ADMIN)
    out, err = capsys.readouterr()
    assert code == 3 and out == "" and err.count("\n") == 1  # raised in a worker process, one line here
    monkeypatch.setenv("CHANDONG_PASSPHRASE", PASS)
    code = main_in_process("report", "monthly", vaults[0], vaults[0], "--month", "2025-10", "--user", ADMIN)
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "twice" in err and err.count("\n") == 1
    code = main_in_process("report", "monthly", *vaults, "--month", "2025-10", "--jobs", "2", "--user", ADMIN)
    out, err = capsys.readouterr()
    assert code == 0, err
    total = out.splitlines()[-1].split(",")
    assert total[3] == "합계"
    with_serial = main_in_process(
        "report", "monthly", *vaults, "--month", "2025-10", "--jobs", "1", "--user", ADMIN
    )
    assert with_serial == 0 and capsys.readouterr().out == out  # the same bytes either way


def test_cli_subprocess_when_wired(report_vaults: dict[str, Path]) -> None:
    """Through `python -m chandong_tui`, once cli.py registers the report subcommands."""
    from chandong_tui.cli import build_parser
    from tests.conftest import run_cli
    from tests.trust_support import trust_vault

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    if "report" not in sub.choices:
        pytest.skip("cli.build_parser() does not call cli_reports.register(sub) yet")
    trust_vault(report_vaults["A"])  # this PC has opened the vault before (its fingerprint is pinned)
    result = run_cli(
        "report",
        "monthly",
        str(report_vaults["A"]),
        "--month",
        "2025-10",
        "--header",
        "keys",
        "--user",
        ADMIN,
        env={"CHANDONG_PASSPHRASE": PASS},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("\ufeffmonth,dong_code")
    assert result.stderr.count("\n") == 1


def test_bench_gu_vaults_are_distinct_dongs() -> None:
    """The gu bench moves each generated dong to one of 송파구's dongs (its records follow)."""
    from chandong_tui.bench.report_scenarios import _with_dong
    from chandong_tui.model.sample_format import SECTIONS
    from chandong_tui.model.seoul_dongs import resolve_dong
    from chandong_tui.sample_data.generator import generate

    doc = generate("small")
    moved = _with_dong(doc, resolve_dong("풍납1동"))
    assert moved["dong"]["id"] == resolve_dong("풍납1동").id and doc["dong"]["id"] == "1159053000"
    codes = {
        item["dong_code"]
        for section in SECTIONS
        if section != "dong"
        for item in moved[section]
        if "dong_code" in item
    }
    assert codes == {moved["dong"]["id"]}


def test_readme_defines_every_figure_as_the_code_does() -> None:
    from chandong_tui.reports.figures import figures_markdown
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("-->\n", readme.index("<!-- figures:start")) + 4
    documented = readme[start : readme.index("<!-- figures:end -->")]
    assert documented.strip() == figures_markdown().strip()


def test_csv_headers_are_the_readme_labels(report_vaults: dict[str, Path]) -> None:
    labels = readme_figure_labels()
    assert list(labels) == [fig.key for fig in FIGURES]
    report = _report([report_vaults["A"]], OCTOBER)
    korean = next(csv.reader(io.StringIO(report.to_csv().decode("utf-8-sig"))))
    keys = next(csv.reader(io.StringIO(report.to_csv("keys").decode("utf-8"))))
    assert korean[4:] == [labels[key][0] for key in labels] == [fig.ko for fig in FIGURES]
    assert keys[4:] == list(labels)
    assert [fig.en for fig in FIGURES] == [labels[key][1] for key in labels]
    assert "첫 방문 완료" in korean and "65세 도래 건강방문(누적)" in korean  # the README's terms
    assert len(set(korean)) == len(korean)


def test_every_figure_is_counted_by_the_section_its_definition_names(report_vaults: dict[str, Path]) -> None:
    from chandong_tui.reports import figures

    session = unlock(report_vaults["A"], ADMIN, PASS)
    try:
        records = figures._MonthRecords.read(CaseRepository(session), OCTOBER)
        definition_of = figures.DEFINITION_OF | {
            fig.sample: figures.DEFINITION_OF[fig.key] for fig in FIGURES if fig.sample
        }
        seen: set[str] = set()
        for section in figures.SECTIONS:
            section(records)
            found = {key for scope in records.c.tallies().values() for key in scope.counts}
            found |= {key for scope in records.c.tallies().values() for key in scope.samples}
            for key in found - seen:
                assert definition_of[key].computed_by is section, (key, section.__name__)
            seen |= found
    finally:
        session.close()
    for definition in DEFINITIONS:
        assert (definition.computed_by is None) == (definition.kind == "ratio"), definition.key
    assert {d.computed_by for d in DEFINITIONS} - {None} == set(figures.SECTIONS)


# -- hand-offs overdue: the supervisor queue's rule, in the vault's working days --------------------

NOVEMBER = Month(2025, 11)  # the 30th is a Sunday: month end is Monday 1 December, 00:00 in Seoul
JANUARY = Month(2025, 1)  # 설날: 27 (temporary holiday) to 30 January 2025


def _overdue(vault: Path, month: Month) -> tuple[int | float | None, int | float | None]:
    """(dong, nurse) `handoffs_overdue` of one vault's by-worker report."""
    report = _report([vault], month, "worker")
    rows = {row.worker_id: row.tally.values() for row in report.rows}
    assert report.total is not None
    return report.total.tally.values()["handoffs_overdue"], rows["nurse"]["handoffs_overdue"]


def test_handoffs_overdue_counts_working_days(handoff_vaults: dict[str, Path]) -> None:
    # 3 working days: the Friday-evening and Thursday requests are not overdue on Monday 00:00 (the
    # Thursday one is 86 hours old), nor is the one sent again on Thursday after a question; the
    # Tuesday one is (due Friday 10:00). Returned, answered and later hand-offs never count.
    assert _overdue(handoff_vaults["three"], NOVEMBER) == (1, 1)
    # 1 working day (흑석동's setting): Thursday's two are overdue too; Friday's is due Monday 18:00
    assert _overdue(handoff_vaults["one"], NOVEMBER) == (3, 3)
    # Friday 24 January 18:00, before 설날: 3 working days end on Tuesday 4 February, 1 on Friday 31st
    assert _overdue(handoff_vaults["three"], JANUARY) == (0, 0)
    assert _overdue(handoff_vaults["one"], JANUARY) == (1, 1)


def test_handoffs_overdue_are_those_the_queue_shows_escalated_at_month_end(
    handoff_vaults: dict[str, Path],
) -> None:
    for name, expected_ids in (("three", {"tue"}), ("one", {"thu", "tue", "resent"})):
        session = unlock(handoff_vaults[name], ADMIN, PASS)
        try:
            repo = CaseRepository(session)
            queue = supervisor_queue(repo, NOVEMBER.end)
            escalated = {w.handoff.id for w in queue.handoffs if w.escalated}
            figures = monthly_report([repo], NOVEMBER).rows[0].tally.values()
        finally:
            session.close()
        assert escalated == expected_ids
        assert figures["handoffs_overdue"] == len(escalated)


def test_gu_report_uses_each_vaults_own_escalation_days(handoff_vaults: dict[str, Path]) -> None:
    report = _report([handoff_vaults["one"], handoff_vaults["three"]], NOVEMBER)
    overdue = {row.dong_code: row.tally.values()["handoffs_overdue"] for row in report.rows}
    assert overdue == {dataset.THREE_DAYS: 1, dataset.ONE_DAY: 3}
    assert report.total is not None and report.total.tally.values()["handoffs_overdue"] == 4
