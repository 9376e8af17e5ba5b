"""Faults a dong office meets, each run as a real `chandong` process: the exit code the README gives
and one line on standard error, never a traceback.

fault → command → exit code → what the line says. Full and read-only disks are real tmpfs mounts
inside the test's temp dir (root only; elsewhere those rows are skipped, not faked)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from chandong_tui.casework.setup import DEMO_PASSPHRASE
from tests.conftest import run_cli

PLANNER = {"CHANDONG_USER": "planner", "CHANDONG_PASSPHRASE": DEMO_PASSPHRASE}


@contextmanager
def tmpfs(where: Path, *options: str) -> Iterator[Path]:
    """A small tmpfs mounted at `where` for the test, unmounted whatever happens."""
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(("size=64k", *options)), "tmpfs", str(where)],
        capture_output=True,
        timeout=30,
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30)


def missing_folder(vault: Path, tmp: Path) -> Path:
    return tmp / "not-there"


def empty_mount_point(vault: Path, tmp: Path) -> Path:
    (tmp / "mnt").mkdir()
    return tmp / "mnt"


def marker_gone(vault: Path, tmp: Path) -> Path:
    (vault / "VAULT.json").unlink()
    return vault


def marker_altered(vault: Path, tmp: Path) -> Path:
    (vault / "VAULT.json").write_text("{not json")
    return vault


SYNC_FAULTS: list[tuple[Callable[[Path, Path], Path], int, str]] = [
    (missing_folder, 5, "cannot be reached"),
    (empty_mount_point, 5, "cannot be reached"),
    (marker_gone, 4, "no VAULT.json"),
    (marker_altered, 4, "VAULT.json is damaged"),
]


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("chandong: error: ") and "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(("fault", "code", "says"), SYNC_FAULTS, ids=[f[0].__name__ for f in SYNC_FAULTS])
def test_sync_says_unreachable_or_refused(
    demo_vault: Path, tmp_path: Path, fault: Callable[[Path, Path], Path], code: int, says: str
) -> None:
    target = fault(demo_vault, tmp_path)
    result = run_cli("sync", str(target), env=PLANNER)
    assert result.returncode == code, result.stderr
    assert says in one_error_line(result.stderr)


def test_a_full_disk_on_this_pc_is_one_line_and_exit_6(demo_vault: Path, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "full") as full:
        (full / "filler").write_bytes(b"\0" * 60 * 1024)
        with pytest.raises(OSError):  # the disk is full indeed
            (full / "more").write_bytes(b"\0" * 8 * 1024)
        result = run_cli("verify", str(demo_vault), env={**PLANNER, "CHANDONG_HOME": str(full / "home")})
    assert result.returncode == 6, result.stderr
    assert "No space left on device" in one_error_line(result.stderr)


def test_a_read_only_state_folder_is_one_line_and_exit_6(demo_vault: Path, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "ro") as read_only:
        result = run_cli("verify", str(demo_vault), env={**PLANNER, "CHANDONG_HOME": str(read_only / "home")})
    assert result.returncode == 6, result.stderr
    assert "Read-only file system" in one_error_line(result.stderr)


def test_a_vault_folder_that_vanishes_is_one_line(demo_vault: Path, tmp_path: Path) -> None:
    gone = tmp_path / "moved"
    shutil.move(demo_vault, gone)
    result = run_cli("tasks", str(demo_vault), env=PLANNER)
    assert result.returncode == 2, result.stderr
    assert "is not a folder" in one_error_line(result.stderr)
