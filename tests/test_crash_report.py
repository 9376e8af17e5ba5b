"""A crash of the terminal UI shows one line naming a private report, never record data: Textual's
own report would print every frame's local variables (a registration number here) to the terminal.
The app runs in its own process, as on an office PC."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import REPO

SECRET = "410506-2345678"


def test_a_crash_prints_one_line_and_keeps_the_details_private(demo_vault: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    script = tmp_path / "crashing_app.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys
            from pathlib import Path
            from chandong_tui.tui.app import ChandongApp
            from chandong_tui.tui.screens.unlock_screen import UnlockScreen

            def explode(self):
                registration_number = {SECRET!r}  # a local of the failing frame
                raise RuntimeError("the screen failed")

            UnlockScreen.on_mount = explode
            app = ChandongApp(Path({str(demo_vault)!r}), user="planner", low_bandwidth=True)
            app.run(headless=True)
            sys.exit(app.return_code or 0)
            """
        )
    )
    result = subprocess.run(
        [sys.executable, str(script)],
        env={**os.environ, "CHANDONG_HOME": str(home), "COLUMNS": "200"},
        cwd=REPO,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    shown = (result.stdout + result.stderr).strip()
    assert result.returncode == 1
    reports = list((home / "crash").iterdir())
    assert len(reports) == 1
    report = reports[0]
    assert shown.splitlines() == [
        f"예기치 않은 오류로 프로그램을 닫았습니다. 저장된 내용은 남아 있습니다. 오류 기록: {report}"
    ]
    assert SECRET not in shown
    details = report.read_text(encoding="utf-8")
    assert "RuntimeError: the screen failed" in details and "explode" in details
    assert SECRET not in details
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert stat.S_IMODE(report.parent.stat().st_mode) == 0o700
