"""The bench rows of issue 16's authenticated writers run and measure what they say, on a small vault
(the figures themselves are `chandong bench`'s, never judged in tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chandong_tui.bench import sync_scenarios
from chandong_tui.bench.dataset import BENCH_PASSPHRASE, BENCH_USER
from chandong_tui.vault.accounts import create_vault


def test_checking_a_month_of_writers_and_a_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_scenarios, "MONTH_OPS", 100)
    root = tmp_path / "vault"
    with create_vault(root, "1159053000", BENCH_USER, BENCH_PASSPHRASE) as session:
        session.write("household", "h-1", {"tong": 1})
    checked, read = sync_scenarios.check_month(root, 2)
    assert len(checked.samples) == len(read.samples) == 2
    assert "10 files" in checked.name and all(s > 0 for s in checked.samples)
    snapshot = sync_scenarios.check_snapshot(root, 1)
    assert len(snapshot.samples) == 1 and snapshot.samples[0] > 0
