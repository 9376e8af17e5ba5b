"""Hostile files given to `chandong import`: each is refused with exit 2 and one short line on standard
error, nothing of it lands in the vault, and the import process's peak memory stays bounded (measured
with `resource.getrusage` in a child that runs the command)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chandong_tui.casework.importer import MAX_IMPORT_BYTES, MAX_IMPORT_VALUES
from chandong_tui.casework.setup import DEMO_PASSPHRASE, sample_path
from chandong_tui.model.sample_format import SAMPLE_FORMAT
from chandong_tui.vault import audit as chain
from tests.conftest import REPO, opened

PEAK_RSS_LIMIT_MB = 400
RECORD_KINDS = ("worker", "household", "member", "visit", "crisis_flag", "conference", "handoff", "task")

_MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, stdin=subprocess.DEVNULL)
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, file=sys.stderr)
sys.exit(done.returncode)
"""


def import_measured(vault: Path, file: Path) -> tuple[int, str, int]:
    """(exit code, standard error without the measurement, peak RSS of the import in MB)."""
    env = {**os.environ, "CHANDONG_PASSPHRASE": DEMO_PASSPHRASE, "CHANDONG_USER": "supervisor"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _MEASURE,
            sys.executable,
            "-m",
            "chandong_tui",
            "import",
            str(vault),
            str(file),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )
    *lines, peak = done.stderr.splitlines()
    return done.returncode, "\n".join(lines) + "\n", int(peak)


def records_of(vault: Path) -> dict[str, int]:
    """How many rows of each record kind the vault holds, and how many `edit` events it logged."""
    with opened(vault, "supervisor") as repo:
        counts = {kind: sum(1 for _ in repo.session.table(kind).all()) for kind in RECORD_KINDS}
        from chandong_tui.casework.audit import events

        counts["edit events"] = len(events(repo, action=chain.EDIT))
        return counts


def household(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "h-hostile-1",
        "dong_code": "1159053000",
        "registered_on": "2024-01-02",
        "tong": 3,
        "ban": 2,
        "road_address": "가상로 1",
        "consent": {"given": False},
    }
    return {**base, **fields}


def write(path: Path, doc: object) -> Path:
    path.write_bytes(json.dumps(doc, ensure_ascii=False).encode())
    return path


def _huge_string(tmp: Path) -> Path:
    return write(
        tmp / "huge-string.json",
        {"format": SAMPLE_FORMAT, "households": [household(road_address="가" * 5_000_000)]},
    )


def _huge_key(tmp: Path) -> Path:
    return write(tmp / "huge-key.json", {"format": SAMPLE_FORMAT, "x\x1b[2J" + "k" * 1_000_000: []})


def _deep(tmp: Path) -> Path:
    path = tmp / "deep.json"
    depth = 100_000
    path.write_bytes(
        b'{"format": "' + SAMPLE_FORMAT.encode() + b'", "households": ' + b"[" * depth + b"]" * depth + b"}"
    )
    return path


def _deep_in_a_field(tmp: Path) -> Path:
    nested: object = "x"
    for _ in range(200):
        nested = {"a": nested}
    return write(
        tmp / "deep-field.json", {"format": SAMPLE_FORMAT, "households": [household(consent=nested)]}
    )


def _wrong_types(tmp: Path) -> Path:
    return write(
        tmp / "wrong-types.json",
        {
            "format": SAMPLE_FORMAT,
            "households": [household(tong="삼", ban=[2], tags={"a": 1}), 17, None, "h"],
            "members": {"not": "a list"},
        },
    )


def _not_an_object(tmp: Path) -> Path:
    return write(tmp / "list.json", [SAMPLE_FORMAT])


def _many_values(tmp: Path) -> Path:
    path = tmp / "many-values.json"
    count = MAX_IMPORT_VALUES  # {} counts twice with its comma: well over the limit, 6 MB on disk
    path.write_bytes(
        b'{"format": "' + SAMPLE_FORMAT.encode() + b'", "households": [' + b"{}," * count + b"{}]}"
    )
    return path


def _hundred_mb(tmp: Path) -> Path:
    path = tmp / "100mb.json"
    with path.open("wb") as file:
        file.write(b'{"format": "' + SAMPLE_FORMAT.encode() + b'", "households": [{"note": "')
        chunk = b"a" * 2**20
        for _ in range(100):
            file.write(chunk)
        file.write(b'"}]}')
    assert path.stat().st_size > 100 * 2**20 > MAX_IMPORT_BYTES
    return path


HOSTILE = {
    "huge string": (_huge_string, "road_address: value should have at most 100"),
    "huge unknown section name with an escape": (_huge_key, "unknown section"),
    "deep nesting": (_deep, "not valid JSON"),
    "deep nesting in a field": (_deep_in_a_field, "invalid field"),
    "wrong types": (_wrong_types, "nothing imported"),
    "not an object": (_not_an_object, "not a chandong data file"),
    "millions of values": (_many_values, "values"),
    "100 MB": (_hundred_mb, "import limit"),
}


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_refused_whole_in_bounded_memory(
    demo_vault: Path, hostile_dir: Path, name: str
) -> None:
    make, expected = HOSTILE[name]
    file = make(hostile_dir)
    before = records_of(demo_vault)
    code, err, peak_mb = import_measured(demo_vault, file)
    assert code == 2, err
    assert err.startswith("chandong: error: ") and err.count("\n") == 1, err[:500]
    assert expected in err.lower() or expected in err, err[:500]
    assert len(err) < 600 and "\x1b" not in err and "Traceback" not in err
    assert peak_mb < PEAK_RSS_LIMIT_MB, f"{name}: peak RSS {peak_mb} MB"
    assert records_of(demo_vault) == before, "nothing of the file was imported"


def test_a_pipe_is_not_read(demo_vault: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "endless.json"
    os.mkfifo(fifo)
    code, err, _peak = import_measured(demo_vault, fifo)  # would block forever if it were opened
    assert code == 2 and "not a regular file" in err


def test_the_sample_file_still_imports(demo_vault: Path, tmp_path: Path) -> None:
    """The limits leave real files alone: the sample dong is already there, so all of it is unchanged."""
    code, err, peak_mb = import_measured(demo_vault, sample_path())
    assert code == 0, err
    assert "imported 0 records" in err
    assert MAX_IMPORT_BYTES >= 4 * 15 * 2**20  # four times a dong's ten years
    assert peak_mb < PEAK_RSS_LIMIT_MB
