"""내 업무 as a nurse and a planner see it, on a copy of the demo vault: the nurse's own next-visit
clock on a household she does not own is on her list and not on the owner's; a hand-off line names
its household (통-반 and head of household)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets.option_list import OptionDoesNotExist

from chandong_tui.casework.actions import record_visit
from chandong_tui.casework.clock import KST
from chandong_tui.casework.handoffs import request_handoff
from chandong_tui.model.enums import HandoffTarget, TargetGroup, VisitKind
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.widgets.work_list import WorkList
from tests.casework_support import quiet_planner_case
from tests.conftest import opened
from tests.tui.driving import run_app, sign_in

NOW = dt.datetime(2026, 10, 31, 15, 30, tzinfo=KST)


def line_of(app: ChandongApp, key: str) -> str | None:
    """The text of 내 업무's line `key`, or None when there is none."""
    assert isinstance(app.screen, DashboardScreen)
    try:
        prompt = app.screen.query_one("#work", WorkList).get_option(key).prompt
    except OptionDoesNotExist:
        return None
    return str(getattr(prompt, "plain", prompt))


def test_a_nurses_own_clock_is_on_her_list_and_a_handoff_names_its_household(demo_vault: Path) -> None:
    with opened(demo_vault, "planner") as repo:
        household_id = next(
            s.id
            for s in repo.household_summaries()
            if s.owner_id == "planner"
            and s.status == "open"
            and all(v.worker_id != "nurse" for v in repo.visits_of(s.id))
        )
        summary = next(s for s in repo.household_summaries() if s.id == household_id)
        handed = quiet_planner_case(repo, skip=(household_id,))
        handed_summary = next(s for s in repo.household_summaries() if s.id == handed)
        handoff = request_handoff(
            repo, handed, target=HandoffTarget.WORKER, reason="건강 관리 중심", to_worker_id="nurse", at=NOW
        )
    with opened(demo_vault, "nurse") as repo:
        day = NOW.date() - dt.timedelta(days=20)
        record_visit(
            repo,
            {
                "household_id": household_id,
                "visited_on": day.isoformat(),
                "visit_kind": VisitKind.HEALTH,
                "target_group": TargetGroup.ELDERLY,
                "note": "혈압 측정",
                "next_visit_due": (day + dt.timedelta(days=14)).isoformat(),
            },
            at=NOW,
        )
    seen: dict[str, str | None] = {}

    async def nurse(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        seen["due"] = line_of(app, f"due:{household_id}")
        seen["handoff"] = line_of(app, f"handoff:{handoff.id}")

    async def planner(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        seen["planner_due"] = line_of(app, f"due:{household_id}")

    run_app(ChandongApp(demo_vault, user="nurse", low_bandwidth=True, clock=lambda: NOW), nurse, (120, 40))
    run_app(
        ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=lambda: NOW), planner, (120, 40)
    )
    due = seen["due"]
    assert due is not None and "2026-10-25" in due and summary.head_name in due
    assert seen["planner_due"] is None or "2026-10-25" not in seen["planner_due"]
    line = seen["handoff"]
    assert line is not None and handed_summary.head_name in line
    assert f"{handed_summary.tong}-{handed_summary.ban}" in line and "건강 관리 중심" in line
