"""A form covers the screen under it: at 120×40 the visit form is narrower than the terminal, and no
text of the household screen may show beside it (in 16 colours the dimmed screen under a modal reads as
bright as the form)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.visit_modal import VisitModal
from tests.tui.driving import run_app
from tests.tui.screen_support import open_form, quiet_household, screen_lines

BOX = "╭│╰"


def test_the_visit_form_covers_the_household_screen_beside_it(demo_vault: Path) -> None:
    household = quiet_household(demo_vault)
    seen: dict[str, list[str]] = {}

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await open_form(app, pilot, household.id, "v", VisitModal)
        seen["lines"] = screen_lines(app)

    run_app(ChandongApp(demo_vault, user="planner", lang="en", low_bandwidth=True), scenario, size=(120, 40))
    framed = [line for line in seen["lines"] if line.lstrip()[:1] in BOX]
    assert framed, seen["lines"]
    left = min(len(line) - len(line.lstrip()) for line in framed)
    assert left > 0  # the form is narrower than the terminal: there is a margin to cover
    for line in seen["lines"][:-1]:  # the footer spans the whole width
        assert not line[:left].strip(), line
        assert not line.rstrip()[-1:].strip() or line.rstrip()[-1] in "│╮╯─▌▐", line
