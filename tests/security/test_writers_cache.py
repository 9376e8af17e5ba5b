"""Issue 16, attack 9: the local cache was sealed under the first epoch's vault key, so a removed member
with a copy of any PC's state folder read what was written after their removal. Now it is sealed under
a key of this PC and user, wrapped by the user's identity (`writers.DeviceKey.cache_key`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chandong_tui.vault.cache import LocalCache
from chandong_tui.vault.writers import device_key
from tests.writers_support import officer_keys, on_pc, team_vault


def test_a_removed_member_reads_nothing_from_a_copied_state_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Removed member (the officer) copies the nurse's PC state folder (a backup, a disposed disk)
    after records were written: neither any vault key they hold nor their own identity opens its
    cache, and the records written after their removal are nowhere in it in clear."""
    root = team_vault(tmp_path, monkeypatch)
    with on_pc("nurse", root, monkeypatch, "nurse") as nurse:
        nurse.write("household", "h-after", {"address": "제거 후 주소 77"})
        cache_path, vault_id, device = nurse.slot.cache_path, nurse.info.vault_id, nurse.device
    stolen = tmp_path / "stolen"
    shutil.copytree(cache_path.parent, stolen)
    identity, keys = officer_keys(root)
    assert keys and 2 not in keys  # what the officer holds: the key of epoch 1 only
    candidates = [*keys.values(), device_key(stolen, vault_id, device, identity).cache_key]
    for key in candidates:
        cache = LocalCache(stolen / cache_path.name, key, vault_id, device)
        try:
            assert cache.rebuilt and cache.db.table("household").get_row("h-after") is None
        finally:
            cache.close()
    for path in stolen.rglob("*"):
        if path.is_file():
            assert "제거 후 주소 77".encode() not in path.read_bytes()
