"""Helpers shared by the tests of following links up and reading cases back: a demo link still 진행중,
and the access log's `view` events as `chandong audit show` prints them."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from chandong_tui.casework.links import link_id
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.model.enums import Outcome
from chandong_tui.model.records import Visit
from tests.conftest import main_in_process, opened


def pending_link(vault: Path, user: str = "planner") -> tuple[str, str, Visit]:
    """(link id, household id, visit) of a 진행중 resource on a visit `user` recorded."""
    with opened(vault, user) as repo:
        visit = next(
            v
            for v in sorted(repo.all(Visit), key=lambda v: v.id)
            if v.worker_id == user and any(r.outcome is Outcome.PENDING for r in v.resources)
        )
        n = next(i for i, r in enumerate(visit.resources, start=1) if r.outcome is Outcome.PENDING)
        return link_id(visit.id, n), visit.household_id, visit


def view_events(vault: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    """The `view` events of the access log, read by the supervisor through `chandong audit show`."""
    capsys.readouterr()
    env = {"CHANDONG_USER": "supervisor", "CHANDONG_PASSPHRASE": DEMO_PASSPHRASE}
    old = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        code = main_in_process("audit", "show", str(vault), "--action", "view", "--format", "csv")
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    assert code == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
