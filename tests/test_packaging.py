"""An installed chandong (a wheel, not the checkout) carries what its commands need.

The wheel is built from a copy of the sources, installed with `--no-deps` into a throwaway venv that
reads the test environment's site-packages for its dependencies (but not the checkout's editable
install), and run from a folder outside the checkout.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.xdist_group("wheel")  # one worker builds the wheel for all three

STEP_TIMEOUT = 240
"""Seconds for each step (building the wheel fetches the build backend into an isolated env)."""


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=cwd, env=env, timeout=STEP_TIMEOUT
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the venv's `chandong`, its site-packages) with the wheel of this checkout installed."""
    root = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    source = root / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "chandong_tui", source / "chandong_tui", ignore=skip)
    dist = root / "dist"
    pip = [sys.executable, "-m", "pip"]
    built = _run([*pip, "wheel", "--no-deps", "--quiet", "-w", str(dist), str(source)], root, env)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("chandong-*.whl")

    venv = root / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root, env)
    assert made.returncode == 0, made.stderr
    (packages,) = venv.glob("lib/python*/site-packages")
    # The dependencies from the test environment: its site-packages as plain path entries, so the
    # .pth files there (the checkout's editable install among them) are not run.
    ours = {Path(p) for p in (*site.getsitepackages(), sysconfig.get_paths()["purelib"])}
    (packages / "test-deps.pth").write_text("".join(f"{p}\n" for p in sorted(ours) if p.is_dir()))
    done = _run(
        [*pip, "--python", str(venv / "bin" / "python"), "install", "--quiet", "--no-deps", str(wheel)],
        root,
        env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return venv / "bin" / "chandong", packages


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A working folder with no checkout in it or above it."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    assert not (folder / "schemas").exists()
    return folder


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def test_the_wheel_installs_only_chandong_tui(installed: tuple[Path, Path], outside: Path) -> None:
    chandong, packages = installed
    names = sorted(
        p.name
        for p in packages.iterdir()
        if not p.name.endswith((".dist-info", ".pth")) and p.name != "__pycache__"
    )
    assert names == ["chandong_tui"]
    (info,) = packages.glob("chandong-*.dist-info")
    assert (info / "top_level.txt").read_text().split() == ["chandong_tui"]
    where = _run(
        [str(chandong.with_name("python")), "-c", "import chandong_tui; print(chandong_tui.__file__)"],
        outside,
        _env(),
    )
    assert Path(where.stdout.strip()).is_relative_to(packages), where.stdout + where.stderr


def test_schemas_check_from_the_wheel(installed: tuple[Path, Path], outside: Path) -> None:
    chandong, _ = installed
    no_checkout = _run([str(chandong), "schemas", "--check"], outside, _env())
    assert no_checkout.returncode == 2
    (line,) = no_checkout.stderr.splitlines()
    assert line.startswith("chandong: error: ") and "--dir" in line and "stale" not in line

    written = _run([str(chandong), "schemas", "--dir", "out"], outside, _env())
    assert written.returncode == 0, written.stderr
    checked = _run([str(chandong), "schemas", "--check", "--dir", "out"], outside, _env())
    assert checked.returncode == 0, checked.stderr
    for path in (outside / "out").iterdir():  # the wheel's models give the committed schemas
        assert path.read_text("utf-8") == (REPO / "schemas" / path.name).read_text("utf-8"), path.name


def test_demo_from_the_wheel(installed: tuple[Path, Path], outside: Path) -> None:
    chandong, _ = installed
    result = _run([str(chandong), "demo", "--dir", "demo", "--no-tui"], outside, _env())
    assert result.returncode == 0, result.stderr
    assert (outside / "demo" / "VAULT.json").exists()
