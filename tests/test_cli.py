"""The `chandong` command as scripts use it: exit codes, one-line errors, no prompt without a terminal."""

from __future__ import annotations

import json
from pathlib import Path

import orjson

from chandong_tui.casework.setup import DEMO_PASSPHRASE, sample_path
from chandong_tui.vault.chunks import CHUNK_NAME
from tests.conftest import run_cli

ADMIN = {"CHANDONG_USER": "supervisor", "CHANDONG_PASSPHRASE": DEMO_PASSPHRASE}


def _one_line_error(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chandong: error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_init_resolves_dong_and_unknown_dong_suggests(tmp_path: Path) -> None:
    env = {"CHANDONG_PASSPHRASE": "a long enough passphrase"}
    bad = run_cli(
        "init", str(tmp_path / "v"), "--dong", "상도9동", "--user", "boss", "--name", "관리자", env=env
    )
    assert bad.returncode == 2
    assert "상도1동" in _one_line_error(bad.stderr)
    assert not (tmp_path / "v").exists()
    good = run_cli(
        "init", str(tmp_path / "v"), "--dong", "동작구 상도1동", "--user", "boss", "--name", "관리자", env=env
    )
    assert good.returncode == 0, good.stderr
    marker = json.loads((tmp_path / "v" / "VAULT.json").read_text())
    assert marker["dong_code"] == "1159053000"
    again = run_cli(
        "init", str(tmp_path / "v"), "--dong", "1159053000", "--user", "boss", "--name", "x", env=env
    )
    assert again.returncode == 2 and "already a vault" in _one_line_error(again.stderr)


def test_first_user_must_be_supervisor(tmp_path: Path) -> None:
    result = run_cli(
        "init",
        str(tmp_path / "v"),
        "--dong",
        "1159053000",
        "--user",
        "p",
        "--name",
        "x",
        "--role",
        "welfare_planner",
        env={"CHANDONG_PASSPHRASE": "a long enough passphrase"},
    )
    assert result.returncode == 2
    _one_line_error(result.stderr)


def test_wrong_passphrase_exits_3_with_one_line(demo_vault: Path) -> None:
    result = run_cli(
        "verify", str(demo_vault), env={"CHANDONG_USER": "planner", "CHANDONG_PASSPHRASE": "nope"}
    )
    assert result.returncode == 3
    assert "wrong user or passphrase" in _one_line_error(result.stderr)


def test_no_passphrase_and_no_terminal_exits_3_without_prompt(demo_vault: Path) -> None:
    result = run_cli("verify", str(demo_vault), "--user", "planner")
    assert result.returncode == 3
    assert "CHANDONG_PASSPHRASE" in _one_line_error(result.stderr)


def test_passphrase_file(demo_vault: Path, tmp_path: Path) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text(DEMO_PASSPHRASE + "\n")
    result = run_cli("verify", str(demo_vault), "--user", "nurse", "--passphrase-file", str(secret))
    assert result.returncode == 0, result.stderr
    assert "0 problem(s)" in result.stdout


def test_verify_reports_flipped_byte_with_exit_4(demo_vault: Path) -> None:
    chunk = next(p for p in (demo_vault / "devices").rglob("*") if CHUNK_NAME.match(p.name))
    data = bytearray(chunk.read_bytes())
    data[len(data) // 2] ^= 0x40
    chunk.write_bytes(bytes(data))
    result = run_cli("verify", str(demo_vault), env=ADMIN)
    assert result.returncode == 4
    assert f"BAD  devices/{chunk.parent.name}/{chunk.name}" in result.stdout


def test_not_a_vault_exits_2(tmp_path: Path) -> None:
    result = run_cli("verify", str(tmp_path), env=ADMIN)
    assert result.returncode == 2
    assert "VAULT.json" in _one_line_error(result.stderr)


def test_import_is_all_or_nothing(demo_vault: Path, tmp_path: Path) -> None:
    doc = orjson.loads(sample_path().read_bytes())
    extra = {**doc["households"][0], "id": "hh-new-1"}
    broken = {**doc["households"][1], "id": "hh-new-2", "tong": 0}
    bad_file = tmp_path / "bad.json"
    bad_file.write_bytes(orjson.dumps({"format": doc["format"], "households": [extra, broken]}))
    result = run_cli("import", str(demo_vault), str(bad_file), env=ADMIN)
    assert result.returncode == 2
    assert "households[1].tong" in _one_line_error(result.stderr)
    good_file = tmp_path / "good.json"
    good_file.write_bytes(orjson.dumps({"format": doc["format"], "households": [extra]}))
    result = run_cli("import", str(demo_vault), str(good_file), env=ADMIN)
    assert result.returncode == 0, result.stderr
    assert "imported 1 records" in result.stderr


def test_import_refuses_non_admin_and_garbage(demo_vault: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "g.json"
    garbage.write_text("{not json")
    result = run_cli("import", str(demo_vault), str(garbage), env=ADMIN)
    assert result.returncode == 2 and "not valid JSON" in _one_line_error(result.stderr)
    result = run_cli(
        "import",
        str(demo_vault),
        str(sample_path()),
        env={"CHANDONG_USER": "planner", "CHANDONG_PASSPHRASE": DEMO_PASSPHRASE},
    )
    assert result.returncode == 3
    _one_line_error(result.stderr)


def test_usage_error_is_one_line() -> None:
    result = run_cli("frobnicate")
    assert result.returncode == 2
    _one_line_error(result.stderr)


def test_schemas_check_passes_on_committed_schemas() -> None:
    result = run_cli("schemas", "--check")
    assert result.returncode == 0, result.stderr


def test_schemas_check_fails_when_stale(tmp_path: Path) -> None:
    written = run_cli("schemas", "--dir", str(tmp_path))
    assert written.returncode == 0
    victim = tmp_path / "visit.schema.json"
    victim.write_text(victim.read_text().replace('"note"', '"remark"'))
    result = run_cli("schemas", "--check", "--dir", str(tmp_path))
    assert result.returncode == 2 and "visit.schema.json" in _one_line_error(result.stderr)


def test_demo_builds_without_tui(tmp_path: Path) -> None:
    result = run_cli("demo", "--dir", str(tmp_path / "d"), "--no-tui")
    assert result.returncode == 0, result.stderr
    assert str(tmp_path / "d") in result.stderr and DEMO_PASSPHRASE in result.stderr
    users = next(line for line in result.stderr.splitlines() if line.startswith("users: "))
    for login in ("supervisor", "planner", "nurse", "officer", "manager", "counsellor"):
        assert f"{login} (" in users  # every role has a demo login, named with its role
    assert "manager (동 사례관리 담당자)" in users and "counsellor (복지상담전문관)" in users
    assert (tmp_path / "d" / "VAULT.json").exists()


def test_terminal_options_count_before_or_after_the_command() -> None:
    """`chandong --lang en open V` and `chandong open V --lang en` both open in English; left out
    everywhere, the defaults hold (the command's own options do not overwrite what came before)."""
    from chandong_tui.cli import build_parser

    parser = build_parser()

    def opened(*argv: str) -> tuple[str, bool, int | None, str | None]:
        args = parser.parse_args(argv)
        return args.lang, args.low_bandwidth, args.idle_minutes, args.user

    assert opened("open", "V") == ("ko", False, None, None)
    assert opened("--lang", "en", "--low-bandwidth", "--idle-minutes", "5", "--user", "me", "open", "V") == (
        "en",
        True,
        5,
        "me",
    )
    assert opened("open", "V", "--lang", "en", "--low-bandwidth", "--idle-minutes", "5", "--user", "me") == (
        "en",
        True,
        5,
        "me",
    )
    assert opened("--lang", "en", "open", "V", "--lang", "ko") == ("ko", False, None, None)  # the later wins
    demo = parser.parse_args(["--lang", "en", "demo"])
    assert (demo.lang, demo.low_bandwidth) == ("en", False)
