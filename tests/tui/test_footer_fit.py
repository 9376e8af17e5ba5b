"""The footer at 80 columns shows whole keys only: what does not fit is left out (f1 lists it) and the
help key says so ("f1 더보기"); at 120 columns the same screen shows every key."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer

from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.screens.household_screen import HouseholdScreen
from tests.tui.driving import run_app, sign_in
from tests.tui.screen_support import quiet_household, screen_lines


def footer_texts(app: ChandongApp) -> list[str]:
    """Each key the footer holds, as its cells read (` key description `, stripped)."""
    footer = app.screen.query_one(Footer)
    return [
        f"{key.key_display} {key.description}".strip()  # type: ignore[attr-defined]
        for key in footer.children
        if hasattr(key, "key_display")
    ]


def footer_at(vault: Path, user: str, household_id: str, width: int) -> tuple[list[str], str]:
    """The household screen's footer keys and its bottom line at `width` columns."""
    seen: dict[str, object] = {}

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)
        app.push_screen(HouseholdScreen(household_id))
        await pilot.pause()
        await pilot.pause()
        seen["keys"], seen["line"] = footer_texts(app), screen_lines(app)[-1]

    run_app(ChandongApp(vault, user=user, low_bandwidth=True), scenario, size=(width, 24))
    keys, line = seen["keys"], seen["line"]
    assert isinstance(keys, list) and isinstance(line, str)
    return keys, line


@pytest.mark.parametrize("user", ["planner", "supervisor"])
def test_every_key_in_the_footer_is_whole(demo_vault: Path, user: str) -> None:
    household = quiet_household(demo_vault).id
    narrow, narrow_line = footer_at(demo_vault, user, household, 80)
    wide, wide_line = footer_at(demo_vault, user, household, 120)
    for keys, line in ((narrow, narrow_line), (wide, wide_line)):
        for key in keys:
            assert key in line, (key, line)
    assert narrow[-2:] == ["f1 더보기", "^p 명령"], narrow  # help last: it lists what was left out
    assert len(wide) > len(narrow)
    assert narrow[:-2] == wide[: len(narrow) - 2]  # the same keys first, in the declared order
