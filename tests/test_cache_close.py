"""Closing a vault without a change leaves the cache file as it is; the next open still has everything.

Every open merges its own `login` event, and the close publishes it as a chunk: only the cache's
`_meta` changed, and it alone is written, into `cache.meta` beside the cache file it completes. A save
or another PC's change coming in writes the whole file as before; a kill at any point loses nothing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chandong_tui.casework.audit import verify_log
from chandong_tui.vault.accounts import unlock
from chandong_tui.vault.cache import LocalCache
from chandong_tui.vault.session import VaultSession
from chandong_tui.vault.verify import verify_vault
from tests.conftest import PASSPHRASE, REPO
from tests.share_support import pc, shared_vault


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A vault with two saved households, whose cache on this PC is written and shared."""
    root = shared_vault(tmp_path, monkeypatch)
    with unlock(root, "boss", PASSPHRASE) as session:  # the first close after a rebuild shares values
        session.write_batch([("household", f"hh-{i}", {"tong": i}) for i in (1, 2)])
    return root


def on_disk(session: VaultSession) -> tuple[bytes, int]:
    path = session.slot.cache_path
    return path.read_bytes(), path.stat().st_mtime_ns


def open_and_close(root: Path) -> VaultSession:
    session = unlock(root, "boss", PASSPHRASE)
    session.close()
    return session


def logins(session: VaultSession) -> int:
    return session.audit_heads[session.device][0]


def check_whole(session: VaultSession, households: dict[str, int]) -> None:
    """Every record as saved, every access-log event in one unbroken chain, every file verifies."""
    assert {row: session.table("household").get_row(row)["tong"] for row in households} == households
    chain = verify_log(session)
    assert chain.ok, chain.problems
    assert verify_vault(session).ok
    assert session.problems == []


def meta_file(session: VaultSession) -> Path:
    return session.cache.storage.meta_path


def test_closing_without_a_save_leaves_the_cache_file_untouched(vault: Path) -> None:
    first = open_and_close(vault)
    before = on_disk(first)
    events, size = logins(first), len(before[0])
    assert 0 < meta_file(first).stat().st_size < size
    for n in range(1, 4):
        session = open_and_close(vault)
        assert on_disk(session) == before  # same bytes, never replaced (same mtime)
        assert not session.cache.rebuilt
        assert session.last_ingest.chunks == 0  # the logins' chunks are marked applied in `cache.meta`
        assert logins(session) == events + n  # each login followed the one before (no number reused)
    with unlock(vault, "boss", PASSPHRASE) as session:
        check_whole(session, {"hh-1": 1, "hh-2": 2})
        assert logins(session) == events + 4
        login = session.unpublished_ops[-1]
        assert int(login.id.rsplit(".", 1)[1]) == session.cache.meta["op_seq"] + 1  # kept in `cache.meta`


def test_a_save_rewrites_the_cache_file_with_the_save_in_it(vault: Path) -> None:
    before = on_disk(open_and_close(vault))
    with unlock(vault, "boss", PASSPHRASE) as session:
        session.write("household", "hh-3", {"tong": 3})
        key, device = session.device_key.cache_key, session.device
    assert on_disk(session)[0] != before[0]
    assert not meta_file(session).exists()  # the whole cache is in the new file
    stored = LocalCache(session.slot.cache_path, key, session.info.vault_id, device)
    try:
        assert stored.db.table("household").get_row("hh-3")["tong"] == 3
        assert not stored.rebuilt
    finally:
        stored.close()
    with unlock(vault, "boss", PASSPHRASE) as again:
        check_whole(again, {"hh-1": 1, "hh-2": 2, "hh-3": 3})


def test_a_meta_file_of_an_older_cache_file_is_left_out(vault: Path) -> None:
    session = open_and_close(vault)
    stale = meta_file(session).read_bytes()
    with unlock(vault, "boss", PASSPHRASE) as saving:  # the whole file written, the meta file removed
        saving.write("household", "hh-3", {"tong": 3})
    meta_file(session).write_bytes(stale)  # as if a crash came between those two steps
    with unlock(vault, "boss", PASSPHRASE) as again:
        assert not again.cache.rebuilt
        check_whole(again, {"hh-1": 1, "hh-2": 2, "hh-3": 3})


def test_a_tampered_meta_file_makes_the_cache_rebuilt(vault: Path) -> None:
    session = open_and_close(vault)
    data = bytearray(meta_file(session).read_bytes())
    data[-1] ^= 1
    meta_file(session).write_bytes(bytes(data))
    with unlock(vault, "boss", PASSPHRASE) as again:
        assert again.cache.rebuilt  # not loaded: rebuilt from the chunks
        check_whole(again, {"hh-1": 1, "hh-2": 2})


def test_another_pcs_change_coming_in_rewrites_the_file(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pc("a", vault, monkeypatch) as a:
        pass
    before = on_disk(a)
    with pc("b", vault, monkeypatch) as b:
        b.write("household", "hh-1", {"tong": 7})
    with pc("a", vault, monkeypatch) as a:
        assert a.last_ingest.changed == 1
    assert on_disk(a)[0] != before[0]
    with pc("b", vault, monkeypatch):  # a's logins only: nothing changes for b's rows
        pass
    with pc("a", vault, monkeypatch) as a:
        pass
    written = on_disk(a)
    with pc("a", vault, monkeypatch) as a:
        check_whole(a, {"hh-1": 7, "hh-2": 2})
    assert on_disk(a) == written  # b's login event came in, and a's: bookkeeping only


def test_a_rebuilt_cache_is_written_then_shared_then_left_alone(
    vault: Path, chandong_home: Path, tmp_path: Path
) -> None:
    path = open_and_close(vault).slot.cache_path
    path.unlink()
    rebuilt = unlock(vault, "boss", PASSPHRASE)
    assert rebuilt.cache.rebuilt
    rebuilt.close()
    unshared = path.read_bytes()
    open_and_close(vault)  # values shared: written again
    shared = path.read_bytes()
    assert shared != unshared
    session = open_and_close(vault)
    assert path.read_bytes() == shared
    with unlock(vault, "boss", PASSPHRASE) as again:
        check_whole(again, {"hh-1": 1, "hh-2": 2})
    del session


def test_a_tampered_cache_left_in_place_is_still_refused(vault: Path) -> None:
    session = open_and_close(vault)
    path = session.slot.cache_path
    assert meta_file(session).exists()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    with unlock(vault, "boss", PASSPHRASE) as again:
        assert again.cache.rebuilt  # not loaded: rebuilt from the chunks
        check_whole(again, {"hh-1": 1, "hh-2": 2})


KILLED = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from chandong_tui.vault.accounts import unlock
    session = unlock(Path(sys.argv[1]), "boss", sys.argv[2])
    session.write("household", sys.argv[3], {"tong": int(sys.argv[4])})
    if sys.argv[5] == "publish":
        session.publish()
    print("saved", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")


def killed_after_a_save(root: Path, row: str, tong: int, publish: bool) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", KILLED, str(root), PASSPHRASE, row, str(tong), "publish" if publish else "-"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=os.environ.copy(),
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL and proc.stdout == "saved\n", proc.stderr


def test_kill_9_after_closes_that_left_the_file_loses_nothing(vault: Path) -> None:
    before = on_disk(open_and_close(vault))
    assert on_disk(open_and_close(vault)) == before
    killed_after_a_save(vault, "hh-3", 3, publish=True)  # published, the cache never written
    killed_after_a_save(vault, "hh-4", 4, publish=False)  # in the outbox only
    session = open_and_close(vault)
    assert on_disk(session)[0] != before[0]  # the saves merged from the chunk and the outbox: written
    assert open_and_close(vault).last_ingest.chunks == 0  # and that file had every chunk
    with unlock(vault, "boss", PASSPHRASE) as again:
        check_whole(again, {"hh-1": 1, "hh-2": 2, "hh-3": 3, "hh-4": 4})


def test_this_pcs_numbers_are_kept_when_its_newest_chunk_vanishes(vault: Path) -> None:
    session = open_and_close(vault)  # its login published as this PC's newest chunk; the cache file kept
    login = logins(session)
    folder = vault / "devices" / session.device
    newest = max((p for p in folder.iterdir() if p.name.endswith(".chunk")), key=lambda p: p.name)
    used = int(session.cache.meta["op_seq"])
    newest.unlink()
    with unlock(vault, "boss", PASSPHRASE) as again:
        assert logins(again) == login + 1  # the vanished event's number is not taken again
        assert min(int(op.id.rsplit(".", 1)[1]) for op in again.unpublished_ops) == used + 1
        problems = verify_log(again).problems
    assert any(f"event {login} missing" in p for p in problems), problems
