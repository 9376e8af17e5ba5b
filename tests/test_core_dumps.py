"""A command that opens a vault leaves no core file behind: the core size limit is zero and, on
Linux, the process is not dumpable once the command starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chandong_tui.casework.setup import DEMO_PASSPHRASE
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and rlimits are Linux's")
CORE_LIMIT = 1 << 20


def allow_core_files() -> None:
    """In the child, before it starts: a system that writes core files."""
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (CORE_LIMIT, hard))


def test_no_core_file_from_a_process_holding_records(demo_vault: Path, tmp_path: Path) -> None:
    out = tmp_path / "limits.json"
    script = textwrap.dedent(
        f"""
        import json, resource
        from chandong_tui import cli
        from chandong_tui.vault.hygiene import dumpable
        before = [resource.getrlimit(resource.RLIMIT_CORE)[0], dumpable()]
        code = cli.main(["verify", {str(demo_vault)!r}])
        after = [resource.getrlimit(resource.RLIMIT_CORE)[0], dumpable()]
        open({str(out)!r}, "w").write(json.dumps([before, code, after]))
        """
    )
    env = {**os.environ, "CHANDONG_USER": "supervisor", "CHANDONG_PASSPHRASE": DEMO_PASSPHRASE}
    subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=True,
        timeout=120,
        preexec_fn=allow_core_files,
    )
    before, code, after = json.loads(out.read_text())
    assert before == [CORE_LIMIT, True]
    assert code == 0
    assert after == [0, False]
