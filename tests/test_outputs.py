"""Where the commands' output goes: `--out` never replaces what is not a file, and nothing from a record
or a share's file name reaches a terminal with its control characters raw.

Every target is made inside the test's own folder: FIFOs and symlinks in `tmp_path`, terminals as pty
pairs the test opens (the slave's device path is the `--out`, the test reads the master).
"""

from __future__ import annotations

import os
import select
import stat
import subprocess
import sys
import threading
import time
import tty
from collections.abc import Callable
from pathlib import Path

import pytest

from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.model.records import Task
from chandong_tui.reports.csv_out import write_output
from chandong_tui.vault.accounts import unlock
from tests.conftest import REPO, main_in_process

EXPORT = ("export", "--what", "households", "--reason", "점검", "--header", "keys")
CLEAR = b"\x1b[2J"  # the demo's hostile address (hh-0001) holds it


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANDONG_USER", "supervisor")
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)


def _read_until(fd: int, finished: Callable[[], bool]) -> bytes:
    """Everything readable from `fd` until `finished()` and nothing more is waiting."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = finished()  # sampled before the last read: what was written before it is read below
        got = b""
        while select.select([fd], [], [], 0.05)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # a pty master once every slave is closed
                break
            if not chunk:
                break
            got += chunk
        chunks.append(got)
        if done:
            return b"".join(chunks)
        if not got:
            time.sleep(0.02)
    raise AssertionError("the writer never finished")


def _run_reading(fd: int, *argv: str) -> tuple[int, bytes]:
    """`chandong *argv` in this process while a thread reads `fd`; the exit code and what was read."""
    finished = threading.Event()
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.append(_read_until(fd, finished.is_set)), daemon=True)
    reader.start()
    try:
        code = main_in_process(*argv)
    finally:
        finished.set()
        reader.join(30)
    return code, read[0]


def _reference(vault: Path, tmp_path: Path) -> bytes:
    out = tmp_path / "reference.csv"
    assert main_in_process(*EXPORT[:1], str(vault), *EXPORT[1:], "--out", str(out)) == 0
    return out.read_bytes()


def _export(vault: Path, *more: str) -> list[str]:
    return [EXPORT[0], str(vault), *EXPORT[1:], *more]


# -- --out: files, FIFOs, symlinks, devices ----------------------------------------------------------
def test_regular_file_is_written_atomically_with_mode_0600(
    demo_vault: Path, signed_in: None, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "households.csv"
    out.parent.mkdir()
    out.write_bytes(b"old")
    out.chmod(0o644)
    assert main_in_process(*_export(demo_vault, "--out", str(out))) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,") and CLEAR in data  # a file is byte-exact
    assert sorted(p.name for p in out.parent.iterdir()) == ["households.csv"]  # no temp file left


def test_fifo_stays_a_fifo_and_its_reader_gets_the_csv(
    demo_vault: Path, signed_in: None, tmp_path: Path
) -> None:
    expected = _reference(demo_vault, tmp_path)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code, got = _run_reading(fd, *_export(demo_vault, "--out", str(fifo)))
    finally:
        os.close(fd)
    assert code == 0
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo", "pipe.csv", "reference.csv"]


def test_symlink_stays_a_link_and_its_target_gets_the_content(
    demo_vault: Path, signed_in: None, tmp_path: Path
) -> None:
    expected = _reference(demo_vault, tmp_path)
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "households.csv"
    target.write_bytes(b"old")
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    dangling = tmp_path / "next.csv"
    dangling.symlink_to(tmp_path / "real" / "not-yet.csv")
    assert main_in_process(*_export(demo_vault, "--out", str(link))) == 0
    assert main_in_process(*_export(demo_vault, "--out", str(dangling))) == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert dangling.is_symlink()
    assert target.read_bytes() == expected == (tmp_path / "real" / "not-yet.csv").read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["households.csv", "not-yet.csv"]


def _pty() -> tuple[int, int, str]:
    master, slave = os.openpty()
    tty.setraw(slave)  # no newline translation: the master reads exactly what was written
    return master, slave, os.ttyname(slave)


def test_pty_slave_as_out_gets_the_bytes_and_is_not_replaced(tmp_path: Path) -> None:
    master, slave, name = _pty()
    try:
        before = os.stat(name)
        data = "\ufeffid,주소\r\n".encode() + "1,상도로 1\r\n".encode() * 2000  # beyond a pty's buffer
        finished = threading.Event()
        read: list[bytes] = []
        reader = threading.Thread(target=lambda: read.append(_read_until(master, finished.is_set)))
        reader.start()
        try:
            assert write_output(data, name) == name
        finally:
            finished.set()
            reader.join(30)
        assert read[0] == data
        after = os.stat(name)
        assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (
            before.st_ino,
            before.st_rdev,
        )
    finally:
        os.close(slave)
        os.close(master)


def test_export_to_a_pty_out_shows_no_raw_escape(demo_vault: Path, signed_in: None) -> None:
    master, slave, name = _pty()
    try:
        code, got = _run_reading(master, *_export(demo_vault, "--out", name))
        assert code == 0
        assert stat.S_ISCHR(os.stat(name).st_mode)
    finally:
        os.close(slave)
        os.close(master)
    assert b"\x1b" not in got and "␛[2J".encode() in got
    assert got.startswith(b"\xef\xbb\xbfid,")


def test_a_folder_as_out_is_one_line_and_exit_2(
    demo_vault: Path, signed_in: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "보고서\x1b[2J"
    folder.mkdir()
    assert main_in_process(*_export(demo_vault, "--out", str(folder))) == 2
    assert main_in_process(*_export(demo_vault, "--out", str(folder / "no" / "x.csv"))) == 2
    err = capsys.readouterr().err
    assert err.count("chandong: error: cannot write") == 2 and len(err.splitlines()) == 2
    assert "\x1b" not in err and "␛[2J" in err
    assert folder.is_dir() and not list(folder.iterdir())


# -- CSV on a terminal, byte-exact elsewhere ---------------------------------------------------------
def _cli_on_pty(*argv: str, env: dict[str, str]) -> tuple[int, bytes, bytes]:
    """`python -m chandong_tui *argv` with standard output on a pty this test reads."""
    master, slave, _name = _pty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "chandong_tui", *argv],
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=subprocess.PIPE,
            env={**os.environ, **env},
            cwd=REPO,
        )
        os.close(slave)
        slave = -1
        got = _read_until(master, lambda: proc.poll() is not None)
        err = proc.stderr.read() if proc.stderr else b""
        proc.wait(30)
        return proc.returncode, got, err
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)


def _cli_on_pipe(*argv: str, env: dict[str, str]) -> tuple[int, bytes]:
    result = subprocess.run(
        [sys.executable, "-m", "chandong_tui", *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env={**os.environ, **env},
        cwd=REPO,
        timeout=120,
    )
    return result.returncode, result.stdout


SUPERVISOR = {"CHANDONG_USER": "supervisor", "CHANDONG_PASSPHRASE": DEMO_PASSPHRASE}


def test_export_csv_on_a_terminal_shows_controls_and_to_a_pipe_stays_exact(
    demo_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, on_pty, err = _cli_on_pty(*_export(demo_vault), env=SUPERVISOR)
    assert code == 0, err
    assert b"\x1b" not in on_pty and "␛[2J".encode() in on_pty
    code, on_pipe = _cli_on_pipe(*_export(demo_vault), env=SUPERVISOR)
    assert code == 0
    monkeypatch.setenv("CHANDONG_USER", "supervisor")
    monkeypatch.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)
    assert on_pipe == _reference(demo_vault, tmp_path)  # byte-exact, the ESC included
    assert CLEAR in on_pipe


def test_queue_csv_on_a_terminal_shows_controls_and_to_a_pipe_stays_exact(demo_vault: Path) -> None:
    with unlock(demo_vault, "planner", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        hid = next(s.id for s in repo.household_summaries() if s.owner_id == "planner" and s.status == "open")
        title = "전화\x1b[2J\x07확인"
        repo.save(
            Task(id="t-hostile", title=title, owner_id="planner", due_on="2026-11-01", household_id=hid)
        )
    argv = ("queue", str(demo_vault), "--format", "csv", "--at", "2026-11-03T10:40:00+09:00")
    code, on_pty, err = _cli_on_pty(*argv, env=SUPERVISOR)
    assert code == 0, err
    assert b"\x1b" not in on_pty and b"\x07" not in on_pty
    assert "전화␛[2J␇확인".encode() in on_pty
    code, on_pipe = _cli_on_pipe(*argv, env=SUPERVISOR)
    assert code == 0
    assert title.encode() in on_pipe and on_pipe.startswith(b"\xef\xbb\xbf")


def test_user_list_csv_starts_with_the_bom(
    demo_vault: Path, signed_in: None, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main_in_process("user", "list", str(demo_vault), "--format", "csv") == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"\xef\xbb\xbfuser,name,role,status\r\n")


# -- share file names and stored text in lines -------------------------------------------------------
CLIPBOARD = "x\x1b]52;c;ZWNobyBwd25lZA==\x07"


def test_verify_prints_hostile_file_names_visibly(demo_vault: Path) -> None:
    device = next(p for p in (demo_vault / "devices").iterdir() if p.is_dir())
    (demo_vault / CLIPBOARD).write_bytes(b"")
    (device / f"{CLIPBOARD}.chunk").write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "chandong_tui", "verify", str(demo_vault)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env={**os.environ, **SUPERVISOR},
        cwd=REPO,
        timeout=120,
    )
    out = result.stdout.decode()
    assert result.returncode in (0, 4), result.stderr
    assert "\x1b" not in out and "\x07" not in out
    assert out.count("x␛]52;c;ZWNobyBwd25lZA==␇") == 2


def test_sync_problem_lines_show_controls(capsys: pytest.CaptureFixture[str]) -> None:
    from chandong_tui.cli_sync import _print_summary

    name = f"devices/d1/{CLIPBOARD}"
    summary = {
        "published": 0,
        "chunks_in": 0,
        "ops_in": 0,
        "changed": 0,
        "waiting": 0,
        "conflicts": 0,
        "far_future": 0,
        "pending": [name],
        "copies": [name],
        "problems": [f"{name}: damaged"],
        "offline": "",
        "refused": "",
    }
    _print_summary(summary)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and out.count("␛]52") == 3


def test_queue_json_escapes_c1_and_bidi_and_keeps_the_value(
    demo_vault: Path, signed_in: None, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    title = "확인\u009b31m\u202e뒤집기\x1b[2J"
    with unlock(demo_vault, "planner", DEMO_PASSPHRASE) as session:
        repo = CaseRepository(session)
        hid = next(s.id for s in repo.household_summaries() if s.owner_id == "planner" and s.status == "open")
        task = Task(id="t-hostile", title=title, owner_id="planner", due_on="2026-11-01", household_id=hid)
        repo.save(task)
    capsys.readouterr()
    argv = ("queue", str(demo_vault), "--format", "json", "--at", "2026-11-03T10:40:00+09:00")
    assert main_in_process(*argv) == 0
    out = capsys.readouterr().out
    assert not any(ch in out for ch in "\u009b\u202e\x1b")
    assert [i["detail"] for i in json.loads(out)["items"] if i["record_id"] == "t-hostile"] == [title]
