"""Passphrases given to commands: `CHANDONG_PASSPHRASE` is read once and taken out of the environment (a
process the command starts afterwards — an editor, a hook, a sync tool — does not inherit it), and a new
vault's admin passphrase is held to the same policy as every other."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from chandong_tui.casework.setup import DEMO_PASSPHRASE
from tests.conftest import REPO


def test_a_child_process_started_after_the_read_does_not_inherit_the_passphrase(
    demo_vault: Path, tmp_path: Path
) -> None:
    seen = tmp_path / "child-env.txt"
    script = textwrap.dedent(
        f"""
        import os, subprocess, sys
        from chandong_tui import cli
        code = cli.main(["verify", {str(demo_vault)!r}])
        child = subprocess.run(
            [sys.executable, "-c", "import os; print(os.environ.get('CHANDONG_PASSPHRASE', '<none>'))"],
            capture_output=True, text=True, check=True,
        )
        open({str(seen)!r}, "w").write(f"{{code}}\\n{{child.stdout.strip()}}")
        """
    )
    env = {**os.environ, "CHANDONG_USER": "supervisor", "CHANDONG_PASSPHRASE": DEMO_PASSPHRASE}
    subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=REPO, stdin=subprocess.DEVNULL, check=True, timeout=120
    )
    code, child = seen.read_text().splitlines()
    assert code == "0"  # the passphrase was read and the vault opened
    assert child == "<none>"


def test_init_holds_the_admins_passphrase_to_the_policy(tmp_path: Path) -> None:
    """`aaaaaaaaaa` is long enough but of one kind: refused, and no vault is made."""
    from tests.conftest import run_cli

    for weak, says in (("aaaaaaaaaa", "two kinds"), ("boss-2026-x1", "login"), ("short1", "at least")):
        result = run_cli(
            "init", str(tmp_path / "v"), "--dong", "1159053000", "--user", "boss", "--name", "관리자",
            env={"CHANDONG_PASSPHRASE": weak},
        )  # fmt: skip
        assert result.returncode == 2 and says in result.stderr, result.stderr
        assert not (tmp_path / "v").exists()
