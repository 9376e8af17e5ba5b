"""`chandong bench --constrained`: the limits reach the child, failures land in their rows, and the
comparison is built from the bench's real JSON.

The full suite takes minutes per condition, so the children here are small Python programs under the
same conditions, and the table is built from a real `chandong bench --quick --json` report
(`tests/data/bench_quick_report.json`). No timing is asserted.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path

import pytest

from chandong_tui.bench import constrained
from chandong_tui.bench.constrained import ChildRun, Condition
from chandong_tui.bench.measure import format_value

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="affinity and RLIMIT_DATA as Linux has them")

REPORT = Path(__file__).parent / "data" / "bench_quick_report.json"
AS_IS = Condition("as_is", "as is", "no limit")

AFFINITY = "import json, os; print(json.dumps({'cpus': sorted(os.sched_getaffinity(0))}))"

# A bench-shaped child: two scenarios through the runner's own `_attempt`, the second allocating
# 512 MiB, then the report as `chandong bench --json` prints it.
TWO_SCENARIOS = """
import json
from chandong_tui.bench.measure import time_each
from chandong_tui.bench.runner import _attempt, _rows

failures = []
small = _attempt("small", failures, lambda: time_each("allocate 1 MiB", lambda: bytearray(1 << 20), 3))
big = _attempt("big", failures, lambda: time_each("allocate 512 MiB", lambda: bytearray(512 << 20), 1))
rows = _rows((small, None, ""), (big, small, ""))
print(json.dumps({"failures": failures, "results": [row.as_dict() for row in rows]}))
"""


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_the_one_core_child_may_use_one_cpu_only() -> None:
    run = constrained.run_child(python(AFFINITY), constrained.one_core())
    assert run.exit_code == 0 and run.error is None
    assert run.report == {"cpus": [min(os.sched_getaffinity(0))]}
    free = constrained.run_child(python(AFFINITY), AS_IS)
    assert free.report == {"cpus": sorted(os.sched_getaffinity(0))}


def test_one_core_without_taskset_sets_the_affinity_in_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constrained.shutil, "which", lambda _: None)
    condition = constrained.one_core()
    assert condition.prefix == () and "sched_setaffinity" in condition.how
    run = constrained.run_child(python(AFFINITY), condition)
    assert run.report == {"cpus": [min(os.sched_getaffinity(0))]}


def test_a_scenario_over_the_bounded_heap_fails_in_its_row_and_the_run_goes_on() -> None:
    said: list[str] = []
    runs = [
        constrained.run_child(python(TWO_SCENARIOS), AS_IS),
        constrained.run_child(python(TWO_SCENARIOS), constrained.bounded_heap(160), said.append),
    ]
    free, bounded = runs
    assert free.failures == [] and free.exit_code == 0
    assert bounded.exit_code == 0  # the child went on and printed its report
    assert bounded.failures == ["big: MemoryError: "]
    assert any(line.startswith("[heap ≤ 160 MiB] big failed:") for line in said)  # its stderr, relayed
    assert any("MemoryError" in line for line in said)

    rows = {row.name: row for row in constrained.compare(runs)}
    assert list(rows) == ["allocate 1 MiB", "allocate 512 MiB"]
    assert rows["allocate 1 MiB"].values[1] is not None and rows["allocate 1 MiB"].ratios[0] == 1.0
    assert rows["allocate 512 MiB"].values[0] > 0
    assert rows["allocate 512 MiB"].values[1] is None and rows["allocate 512 MiB"].ratios[1] is None
    lines = constrained.table(runs, list(rows.values()), "title")
    assert lines[1] == "as is: no limit; heap ≤ 160 MiB: RLIMIT_DATA 160 MiB per process"
    big_line = next(line for line in lines if line.startswith("allocate 512 MiB"))
    assert big_line.split()[-1] == "failed"
    assert lines[-1] == "FAILED [heap ≤ 160 MiB] big: MemoryError: "


def test_a_child_that_dies_without_a_report_fails_its_whole_column() -> None:
    code = "import sys; print('{\"results\": ['); print('out of luck', file=sys.stderr); sys.exit(3)"
    dead = constrained.run_child(python(code), Condition("one_core", "one core", "test"))
    assert dead.report is None and dead.exit_code == 3
    assert dead.failures == ["one core: no report (exit 3): out of luck"]
    free = ChildRun(AS_IS, json.loads(REPORT.read_text()), 0)
    rows = constrained.compare([free, dead])
    assert rows and all(row.values[1] is None for row in rows)
    assert all(line.split()[-1] == "failed" for line in constrained.table([free, dead], rows, "t")[3:-1])


def test_the_comparison_of_real_reports() -> None:
    report = json.loads(REPORT.read_text())
    slower = copy.deepcopy(report)
    for row in slower["results"]:
        for timing in (row["scenario"], row["baseline"]):
            if timing and timing["name"].startswith("save one visit"):
                timing["median_ms"] *= 2
    bounded = copy.deepcopy(report)
    bounded["results"] = [r for r in bounded["results"] if not r["scenario"]["name"].startswith("RSS")]
    bounded["failures"] = ["open to main screen: MemoryError: "]
    runs = [
        ChildRun(AS_IS, report, 0),
        ChildRun(Condition("one_core", "one core", "taskset -c 0"), slower, 0),
        ChildRun(Condition("bounded_heap", "heap ≤ 448 MiB", "RLIMIT_DATA"), bounded, 1),
    ]
    rows = {row.name: row for row in constrained.compare(runs)}

    # every figure once, baselines too, in the report's order
    names = [r["scenario"]["name"] for r in report["results"]]
    assert list(rows)[:3] == [
        "save one visit (durable)",
        "plain TinyDB insert (baseline)",
        "fsync'ed append (baseline)",
    ]
    assert set(names) <= set(rows) and "minimal Textual app ready (baseline)" in rows
    save = rows["save one visit (durable)"]
    first = report["results"][0]["scenario"]["median_ms"] / 1e3
    assert save.values == (first, 2 * first, first)
    assert save.ratios == (1.0, 2.0, 1.0)
    rss = rows["RSS, dong vault open, main screen"]
    assert rss.unit == "KiB" and rss.values[2] is None and rss.ratios[1] == 1.0
    assert rows["terminal bytes per ↓ in list"].unit == "B"

    lines = constrained.table(runs, list(rows.values()), "title")
    save_line = next(line for line in lines if line.startswith("save one visit"))
    once, twice = format_value(first, "s").split(), format_value(2 * first, "s").split()
    assert save_line.split()[-8:] == [*once, *twice, "2.00×", *once, "1.00×"]
    rss_line = next(line for line in lines if line.startswith("RSS"))
    assert rss_line.split()[-3:] == ["MB", "1.00×", "failed"]
    assert lines[-1] == "FAILED [heap ≤ 448 MiB] open to main screen: MemoryError: "

    as_json = save.as_dict(runs)
    assert as_json["unit"] == "ms" and as_json["one_core"] == pytest.approx(2 * as_json["as_is"])
    assert as_json["one_core_ratio"] == 2.0 and as_json["bounded_heap_ratio"] == 1.0
    assert "as_is_ratio" not in as_json
    assert rss.as_dict(runs)["bounded_heap"] is None


# -- what the bounded heap found ----------------------------------------------------------------
PARSE = """
import json, sys
from pathlib import Path
import orjson
from chandong_tui.vault.ops import loads_lean
parse = loads_lean if sys.argv[1] == "lean" else orjson.loads
print(json.dumps({"visits": len(parse(Path(sys.argv[2]).read_bytes())["visit"])}))
"""


def test_a_big_document_parses_under_a_heap_where_orjson_cannot(tmp_path: Path) -> None:
    """8 MB of snapshot-like tables under a 128 MiB heap: orjson's parsed tree does not fit (it raises
    or crashes), the lean parse does, with the same result."""
    import orjson

    from chandong_tui.vault.ops import LEAN_PARSE_BYTES, loads_lean

    rows = {
        f"v{i}": {"note": "방문 기록", "n": i, "tags": ["a"], "_c": [1, 0, "d", "d.1"]}
        for i in range(100_000)
    }
    doc = tmp_path / "tables.json"
    doc.write_bytes(orjson.dumps({"visit": rows}))
    assert doc.stat().st_size > LEAN_PARSE_BYTES
    assert loads_lean(doc.read_bytes()) == {"visit": rows}

    heap = constrained.bounded_heap(128)
    lean = constrained.run_child([sys.executable, "-c", PARSE, "lean", str(doc)], heap)
    assert lean.report == {"visits": 100_000}
    fast = constrained.run_child([sys.executable, "-c", PARSE, "orjson", str(doc)], heap)
    assert fast.report is None and fast.exit_code != 0
