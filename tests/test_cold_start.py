"""Cold start: `chandong open` draws the unlock screen before loading anything the unlock does not need.

The records' models (pydantic), the vault, the casework and reports layers and the script commands
are loaded behind the drawn unlock screen (`tui/preload.py`) or on first use; each was measured to add
milliseconds to the first paint (`python -X importtime`). Every check runs a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chandong_tui.cli import _opens_tui, build_parser
from tests.conftest import REPO

NOT_BEFORE_UNLOCK = (
    "pydantic",
    "pydantic_core",
    "annotated_types",
    "tinydb",
    "cryptography",
    "chandong_tui.vault.crypto",
    "chandong_tui.model.records",
    "chandong_tui.model.enums",
    "chandong_tui.vault.session",
    "chandong_tui.vault.cache",
    "chandong_tui.casework",
    "chandong_tui.reports",
    "chandong_tui.cli_reports",
    "chandong_tui.cli_users",
    "chandong_tui.cli_sync",
    "chandong_tui.tui.screens.dashboard_screen",
    "chandong_tui.tui.screens.help_screen",
)
"""Modules (and their submodules) that must not be loaded when the unlock screen is first drawn."""

NOT_WITH_THE_APP = (*NOT_BEFORE_UNLOCK, "orjson")
"""Nor by importing the app module (what the bench's start-up child imports)."""

_LOADED = """
def loaded(names):
    return sorted(m for m in sys.modules if any(m == n or m.startswith(n + ".") for n in names))
"""

OPEN_PROBE = (
    "import json, sys\n"
    + _LOADED
    + """
import chandong_tui.tui.app as app_module
from chandong_tui import cli
from chandong_tui.tui.screens.unlock_screen import UnlockScreen

names = tuple(json.loads(sys.argv[1]))
seen = {}
app_module.preload = lambda: seen.setdefault("at_preload", loaded(names))

def run(app, *args, **kwargs):
    async def when_drawn(pilot):
        while not (isinstance(app.screen, UnlockScreen) and app.screen.is_running):
            await pilot.pause(0.001)
        await app.screen.wait_for_refresh()
        seen["at_paint"] = loaded(names)
        seen["screen"] = type(app.screen).__name__
        for _ in range(5000):  # the preload is asked for after the first refresh
            if "at_preload" in seen:
                break
            await pilot.pause(0.001)
        app.exit()
    return app_module.App.run(app, headless=True, size=(80, 24), auto_pilot=when_drawn)

app_module.ChandongApp.run = run
seen["code"] = cli.main(sys.argv[2:])
print(json.dumps(seen))
"""
)


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_chandong_open_draws_the_unlock_screen_before_loading_the_rest(demo_vault: Path) -> None:
    """Through the real entry point, with the preload recorded instead of started (it begins once
    the screen is drawn, so it would race the check)."""
    done = _python(OPEN_PROBE, json.dumps(NOT_BEFORE_UNLOCK), "open", str(demo_vault), "--user", "planner")
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["screen"] == "UnlockScreen"
    assert seen["code"] == 0
    assert seen["at_paint"] == []
    assert seen["at_preload"] == []  # the preload was asked for, and only then does the rest load


def test_the_app_module_imports_nothing_heavy() -> None:
    probe = "import json, sys\n" + _LOADED + "import chandong_tui.tui.app\n"
    probe += "print(json.dumps(loaded(sys.argv[1:])))"
    done = _python(probe, *NOT_WITH_THE_APP)
    assert json.loads(done.stdout) == []


def test_quitting_while_preloading_waits_for_it_instead_of_aborting() -> None:
    """The process leaves right after starting the preload (as on ctrl+q at once): the interpreter
    waits for the imports to finish (a daemon thread stopped inside native code aborted it)."""
    probe = (
        "import atexit\n"
        "from chandong_tui.tui.preload import preload\n"
        "def report():\n"
        "    from chandong_tui.model.records import RECORD_TYPES\n"
        "    print(all(cls.__pydantic_complete__ for cls in RECORD_TYPES))\n"
        "preload()\n"
        "atexit.register(report)\n"
    )
    done = _python(probe)
    assert done.stdout.strip() == "True"


@pytest.mark.parametrize(
    ("argv", "tui"),
    [
        ([], True),
        (["open", "V"], True),
        (["open", "--help"], True),
        (["demo", "--dir", "D"], True),
        (["--lang", "en"], True),
        (["--user", "report", "open", "V"], True),
        (["--low-bandwidth", "open"], True),
        (["report", "monthly", "V"], False),
        (["user", "list", "V"], False),
        (["--help"], False),
        (["-h", "open"], False),
        (["--lang", "en", "export", "V"], False),
    ],
)
def test_only_tui_command_lines_leave_the_script_commands_out(argv: list[str], tui: bool) -> None:
    assert _opens_tui(argv) is tui


def test_the_parser_without_scripts_still_runs_the_tui_commands() -> None:
    small = build_parser(scripts=False)
    args = small.parse_args(["open", "V", "--lang", "en", "--user", "planner"])
    assert (args.vault, args.user, args.lang, args.run.__name__) == ("V", "planner", "en", "cmd_open")
    full = build_parser()
    subcommands = next(a for a in full._actions if a.dest == "command").choices
    assert {"report", "export", "user", "sync", "open", "demo"} <= set(subcommands)


def test_help_still_lists_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "chandong_tui", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert "report" in done.stdout and "export" in done.stdout and "sync" in done.stdout
