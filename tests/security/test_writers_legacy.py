"""Files of before the trust upgrade (`tests/data/legacy_vault`, see its README): the vault still opens,
an admin's one-time `certify_legacy_files` lists its unsigned files, and from then on an unsigned file
is read only when listed (`vault/legacy.py`): no way in for attack 2 of issue 16."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chandong_tui.vault.accounts import unlock
from chandong_tui.vault.chunks import ChunkHeader, chunk_name, read_header, write_chunk
from chandong_tui.vault.hlc import Stamp
from chandong_tui.vault.legacy import MANIFEST, certify_legacy_files
from chandong_tui.vault.ops import Op, encode_ops
from chandong_tui.vault.verify import verify_vault
from tests.conftest import REPO

PASSPHRASE = "legacy-vault-2026"
HOUSEHOLD = "h-9072b3c7a1a94aa9"


@pytest.fixture
def legacy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "share" / "vault"
    shutil.copytree(REPO / "tests" / "data" / "legacy_vault", root)
    (root / "README.md").unlink()
    monkeypatch.setenv("CHANDONG_HOME", str(tmp_path / "pc-admin"))
    return root


def _household(root: Path, user: str = "supervisor") -> dict[str, object] | None:
    with unlock(root, user, PASSPHRASE) as session:
        return session.table("household").get_row(HOUSEHOLD)


def _forge_unsigned(root: Path, row: str) -> Path:
    """An unsigned chunk in the old format, from the removed officer's epoch-1 key (read from the chunk
    files a member could decrypt: here the admin's session hands it over)."""
    device = root / "devices" / "2dacaf947f2adc15"  # the legacy device folder
    last = max(device.iterdir())
    header, _ = read_header(last.read_bytes())
    with unlock(root, "supervisor", PASSPHRASE) as session:
        key = session.keys[1]
    op = Op(
        f"{device.name}.{header.last_op + 1}",
        Stamp(4_000_000_000_000, 0, device.name),
        "supervisor",
        "household",
        row,
        {"tong": 1},
    )
    forged = ChunkHeader(
        header.vault, device.name, header.seq + 1, "ops", 1, header.last_op + 1, header.last_op + 1
    )
    return write_chunk(device, forged, encode_ops([op]), key, name=chunk_name(header.seq + 1))


def test_a_vault_of_before_opens_and_is_upgraded_once(legacy: Path) -> None:
    """The admin opens the old vault (its records there), lists its unsigned files once, and it still
    verifies; a second upgrade is refused."""
    assert _household(legacy)["tong"] == 7  # type: ignore[index]
    with unlock(legacy, "supervisor", PASSPHRASE) as admin:
        assert any(MANIFEST in n.path for n in verify_vault(admin).notes)  # "not upgraded" said
        assert certify_legacy_files(admin) == 3
        with pytest.raises(Exception, match="upgraded already"):
            certify_legacy_files(admin)
        admin.write("household", HOUSEHOLD, {"tong": 8})
    with unlock(legacy, "nurse", PASSPHRASE) as nurse:
        assert nurse.table("household").get_row(HOUSEHOLD)["tong"] == 8
    with unlock(legacy, "supervisor", PASSPHRASE) as admin:
        report = verify_vault(admin)
    assert report.ok and report.chunks > 3, report.problems  # the 3 listed, and the signed ones since


def test_after_the_upgrade_an_unsigned_file_is_refused(legacy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Removed member (the officer, epoch-1 key) adds an unsigned chunk after the upgrade: a new PC does
    not apply it, and `verify` calls it forged; the listed files are still read."""
    with unlock(legacy, "supervisor", PASSPHRASE) as admin:
        certify_legacy_files(admin)
    path = _forge_unsigned(legacy, "h-planted")
    monkeypatch.setenv("CHANDONG_HOME", str(legacy.parent.parent / "pc-new"))
    with unlock(legacy, "nurse", PASSPHRASE) as nurse:
        assert nurse.table("household").get_row("h-planted") is None
        assert nurse.table("household").get_row(HOUSEHOLD) is not None
        assert any(path.name in p.path and "forged" in p.reason for p in nurse.problems)


def test_a_removed_manifest_is_refused_where_it_was_seen(legacy: Path) -> None:
    """Outsider with write access deletes `LEGACY.json` to make unsigned files welcome again: a PC that
    saw it says so and takes no unsigned file."""
    with unlock(legacy, "supervisor", PASSPHRASE) as admin:
        certify_legacy_files(admin)
    (legacy / MANIFEST).unlink()
    _forge_unsigned(legacy, "h-planted")
    with unlock(legacy, "supervisor", PASSPHRASE) as admin:
        assert admin.table("household").get_row("h-planted") is None
        assert any(MANIFEST in p.path and "removed" in p.reason for p in admin.problems)
