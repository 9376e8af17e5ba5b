"""The layer arrows point down: model, vault, casework and reports import with Textual unavailable."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

BLOCK_TEXTUAL = """
import importlib, pkgutil, sys

class BlockTextual:
    def find_spec(self, name, path=None, target=None):
        if name == "textual" or name.startswith("textual.") or name.startswith("chandong_tui.tui"):
            raise ImportError(f"{name} is blocked in this test")
        return None

sys.meta_path.insert(0, BlockTextual())
import chandong_tui
for layer in ("model", "vault", "casework", "reports"):
    package = importlib.import_module(f"chandong_tui.{layer}")
    for module in pkgutil.walk_packages(package.__path__, f"chandong_tui.{layer}."):
        importlib.import_module(module.name)
loaded = sorted(name for name in sys.modules if name.startswith("chandong_tui."))
assert not any(name.startswith("textual") for name in sys.modules)
print(len(loaded))
"""


def test_lower_layers_import_without_textual() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_TEXTUAL], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 20  # every module of the four layers was imported


def test_blocking_actually_blocks_textual() -> None:
    script = BLOCK_TEXTUAL.split("import chandong_tui")[0] + "import textual\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "blocked" in result.stderr
