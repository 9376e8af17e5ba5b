"""The encrypted vault on one PC: round trips, tamper and truncation, crash safety, no plaintext."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from chandong_tui.vault.accounts import add_user, create_vault, unlock
from chandong_tui.vault.cache import visible
from chandong_tui.vault.chunks import CHUNK_NAME
from chandong_tui.vault.errors import AuthError, NotAVault
from chandong_tui.vault.verify import verify_vault
from tests.conftest import PASSPHRASE


def _chunks(root: Path) -> list[Path]:
    return sorted(p for p in (root / "devices").rglob("*") if CHUNK_NAME.match(p.name))


def test_write_close_reopen_gives_the_same_rows(tmp_path: Path) -> None:
    root = tmp_path / "v"
    with create_vault(root, "1159053000", "boss", PASSPHRASE) as session:
        session.write("household", "hh-1", {"tong": 3, "road_address": "가상로 1"})
        session.write("household", "hh-1", {"tong": 4})
        before = session.table("household").all()
    with unlock(root, "boss", PASSPHRASE) as again:
        assert again.table("household").all() == before
        assert again.table("household").get_row("hh-1")["tong"] == 4


def test_cache_rebuilt_from_chunks_equals_warm_cache(tmp_path: Path, chandong_home: Path) -> None:
    root = tmp_path / "v"
    with create_vault(root, "1159053000", "boss", PASSPHRASE) as session:
        session.write_batch([("visit", f"v-{i}", {"n": i}) for i in range(50)])
        warm = session.table("visit").all()
    for cache in chandong_home.rglob("cache.tdb"):
        cache.unlink()
    with unlock(root, "boss", PASSPHRASE) as rebuilt:
        assert rebuilt.cache.rebuilt
        assert sorted(map(dict, rebuilt.table("visit").all()), key=str) == sorted(map(dict, warm), key=str)


def test_wrong_passphrase_and_unknown_user_fail_alike(tmp_path: Path) -> None:
    root = tmp_path / "v"
    create_vault(root, "1159053000", "boss", PASSPHRASE).close()
    with pytest.raises(AuthError) as wrong:
        unlock(root, "boss", "not the passphrase")
    with pytest.raises(AuthError) as nobody:
        unlock(root, "nobody", PASSPHRASE)
    assert str(wrong.value) == str(nobody.value)


def test_a_folder_without_marker_is_never_initialised(tmp_path: Path) -> None:
    (tmp_path / "share").mkdir()
    with pytest.raises(NotAVault):
        unlock(tmp_path / "share", "boss", PASSPHRASE)
    assert list((tmp_path / "share").iterdir()) == []


def test_second_user_reads_history(tmp_path: Path) -> None:
    root = tmp_path / "v"
    with create_vault(root, "1159053000", "boss", PASSPHRASE) as admin:
        admin.write("household", "hh-1", {"tong": 1})
        add_user(admin, "planner", "welfare_planner", "planner passphrase")
    with unlock(root, "planner", "planner passphrase") as planner:
        assert planner.role == "welfare_planner"
        assert planner.table("household").get_row("hh-1")["tong"] == 1
        with pytest.raises(AuthError):
            add_user(planner, "x", "supervisor", "whatever passphrase")


def test_flipped_byte_is_reported_skipped_and_kept(tmp_path: Path, chandong_home: Path) -> None:
    root = tmp_path / "v"
    with create_vault(root, "1159053000", "boss", PASSPHRASE) as session:
        session.write("household", "hh-1", {"tong": 1})
        session.publish()
        session.write("household", "hh-2", {"tong": 2})
    first, second = _chunks(root)
    data = bytearray(first.read_bytes())
    data[-5] ^= 0x01
    first.write_bytes(bytes(data))
    for cache in chandong_home.rglob("cache.tdb"):
        cache.unlink()  # force reading every chunk again
    with unlock(root, "boss", PASSPHRASE) as session:
        assert session.table("household").get_row("hh-1") is None  # never applied
        assert session.table("household").get_row("hh-2")["tong"] == 2  # the rest still readable
        assert any(first.name in p.path and "tampered" in p.reason for p in session.problems)
        report = verify_vault(session)
    assert first.exists()  # never deleted
    assert not report.ok and report.problems[0].path.endswith(first.name)


@pytest.mark.parametrize("keep", [0.3, 0.9])
def test_truncated_chunk_is_never_applied(tmp_path: Path, chandong_home: Path, keep: float) -> None:
    root = tmp_path / "v"
    with create_vault(root, "1159053000", "boss", PASSPHRASE) as session:
        session.write("household", "hh-1", {"tong": 1})
    (chunk,) = _chunks(root)
    data = chunk.read_bytes()
    chunk.write_bytes(data[: int(len(data) * keep)])
    for cache in chandong_home.rglob("cache.tdb"):
        cache.unlink()
    for outbox in chandong_home.rglob("outbox"):
        assert not any(outbox.iterdir())  # published: the chunk is the only copy
    with unlock(root, "boss", PASSPHRASE) as session:
        assert session.table("household").get_row("hh-1") is None
        assert session.pending == [str(chunk.relative_to(root))] and not session.problems  # still copying?
    old = time.time() - 3600
    os.utime(chunk, (old, old))
    with unlock(root, "boss", PASSPHRASE) as session:
        assert session.table("household").get_row("hh-1") is None
        assert [p.path for p in session.problems] == [str(chunk.relative_to(root))]  # an hour on: reported
    chunk.write_bytes(data)  # the copy completes
    with unlock(root, "boss", PASSPHRASE) as session:
        assert visible(session.table("household").get_row("hh-1") or {}) == {"tong": 1}


def test_chunk_moved_to_another_name_is_refused(tmp_path: Path, chandong_home: Path) -> None:
    root = tmp_path / "v"
    with create_vault(root, "1159053000", "boss", PASSPHRASE) as session:
        session.write("household", "hh-1", {"tong": 1})
    (chunk,) = _chunks(root)
    chunk.rename(chunk.with_name("0000000007.chunk"))
    for cache in chandong_home.rglob("cache.tdb"):
        cache.unlink()
    with unlock(root, "boss", PASSPHRASE) as session:
        assert session.table("household").get_row("hh-1") is None
        assert any("replayed" in p.reason for p in session.problems)


def test_no_plaintext_under_vault_or_state_dir(tmp_path: Path, chandong_home: Path) -> None:
    root = tmp_path / "v"
    secrets = ["김비밀", "010-0999-1234", "고독사 위험 메모 note-xyz", "boss-login-name"]
    with create_vault(root, "1159053000", "boss-login-name", PASSPHRASE) as session:
        session.write("member", "m-1", {"name": secrets[0], "phone": secrets[1]})
        session.write("visit", "v-1", {"note": secrets[2]})
    files = [p for base in (root, chandong_home) for p in base.rglob("*") if p.is_file()]
    assert len(files) > 5
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode("utf-8") not in data, (path, secret)


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from chandong_tui.vault.accounts import unlock
    session = unlock(Path(sys.argv[1]), "boss", sys.argv[2])
    for i in range(100000):
        session.write("visit", f"v-{i}", {"n": i, "note": "x" * (i % 200)})
        if i % 37 == 0:
            session.publish()
        print(f"saved v-{i}", flush=True)
""")


def test_sigkill_mid_burst_loses_no_acknowledged_save(tmp_path: Path) -> None:
    root = tmp_path / "v"
    create_vault(root, "1159053000", "boss", PASSPHRASE).close()
    acknowledged: list[str] = []
    for _round in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(root), PASSPHRASE],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parent.parent,
            env=os.environ.copy(),
        )
        deadline = time.monotonic() + 60
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("saved "):
                acknowledged.append(line.split()[1])
            if len(acknowledged) % 150 == 149:
                break
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()  # lines printed before the kill landed were acknowledged too
        acknowledged += [line.split()[1] for line in rest.splitlines() if line.startswith("saved ")]
        proc.wait(timeout=10)
    assert len(acknowledged) > 300
    with unlock(root, "boss", PASSPHRASE) as session:
        rows = session.table("visit")
        missing = [row for row in acknowledged if rows.get_row(row) is None]
        assert missing == []
        report = verify_vault(session)
    assert report.ok, report.problems
    for path in (root / "devices").rglob("*"):
        if path.is_file():
            assert CHUNK_NAME.match(path.name) or path.name.startswith(".tmp-"), path
