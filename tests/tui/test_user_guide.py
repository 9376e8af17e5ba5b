"""The Korean user guide's screen pictures are the real app at 80×24, kept true by this test.

`docs/사용안내.md` holds each picture between `<!-- 화면: NAME -->` and `<!-- /화면 -->`. The test walks
the app as a planner would (the demo, its clock fixed, low-bandwidth mode so nothing blinks), takes
the screen's text at each step and compares it with the guide's picture. After a deliberate change of
a screen, `CHANDONG_UPDATE_GUIDE=1 pytest tests/tui/test_user_guide.py` writes the new pictures into
the guide (read them before committing, like snapshot SVGs).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from textual.pilot import Pilot

from chandong_tui.casework.clock import KST
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.tui.app import ChandongApp
from tests.conftest import REPO
from tests.tui.driving import run_app
from tests.tui.screen_support import screen_lines

GUIDE = REPO / "docs" / "사용안내.md"
NOW = dt.datetime(2026, 10, 31, 15, 30, tzinfo=KST)
"""The demo data's own "today" (as in the snapshot tests)."""
PICTURE = re.compile(r"(<!-- 화면: (?P<name>[a-z_]+) -->\n```text\n)(?P<body>.*?)(```\n<!-- /화면 -->)", re.S)
STEPS: list[tuple[str, tuple[str, ...]]] = [
    ("unlock", ()),
    ("my_work", (*DEMO_PASSPHRASE, "enter")),
    ("search", ("l", "ㄱ", "ㅊ", "ㅅ")),
    ("household", ("enter",)),
    ("visit_form", ("v",)),
    ("flag_form", ("escape", "f")),
    ("handoff_form", ("escape", "h")),
    ("conferences", ("escape", "f4")),
]
"""Each picture's name and the keys pressed from the one before to reach it."""


def pictures_of_the_app(vault: Path) -> dict[str, str]:
    taken: dict[str, str] = {}

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        for name, keys in STEPS:
            for key in keys:
                await pilot.press(key)
                if key == "enter" and name == "my_work":
                    await app.workers.wait_for_complete()
            for _ in range(3):
                await pilot.pause()
            taken[name] = "".join(line.rstrip() + "\n" for line in screen_lines(app))

    app = ChandongApp(vault, user="planner", low_bandwidth=True, clock=lambda: NOW)
    run_app(app, scenario, size=(80, 24))
    return taken


def test_the_guides_pictures_are_the_app_as_it_is(demo_vault: Path) -> None:
    taken = pictures_of_the_app(demo_vault)
    guide = GUIDE.read_text(encoding="utf-8")
    in_guide = {match["name"]: match["body"] for match in PICTURE.finditer(guide)}
    assert set(in_guide) == {name for name, _ in STEPS}, "every step has its picture in the guide, once"
    if os.environ.get("CHANDONG_UPDATE_GUIDE") == "1":
        updated = PICTURE.sub(lambda m: m[1] + taken[m["name"]] + m[4], guide)
        GUIDE.write_text(updated, encoding="utf-8")
        return
    for name, picture in taken.items():
        assert in_guide[name] == picture, f"the guide's picture {name!r} is not the app any more"
