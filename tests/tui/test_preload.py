"""Start-up: the unlock screen needs Textual and little else; the rest loads behind it."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pydantic", "cryptography", "tinydb", "chandong_tui.model.records", "chandong_tui.vault.session")


def _loaded_after(code: str) -> set[str]:
    """Which of `HEAVY` a fresh interpreter holds after running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_app_module_loads_without_the_vault_or_the_models() -> None:
    assert _loaded_after("import chandong_tui.tui.app") == set()


def test_preload_loads_what_the_screens_after_the_unlock_need() -> None:
    code = (
        "from chandong_tui.tui.preload import preload\n"
        "preload().join(60)\n"
        "from chandong_tui.model.records import RECORD_TYPES\n"
        "assert all(cls.__pydantic_complete__ for cls in RECORD_TYPES)\n"
    )
    assert _loaded_after(code) == set(HEAVY)
