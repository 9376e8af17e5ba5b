"""The `chandong` command: every non-TUI feature is a scriptable subcommand.

Exit codes: 0 ok, 2 usage or bad input, 3 authentication, 4 integrity. Errors are one line on stderr,
`chandong: error: …`, never a traceback; a refusal from casework (`CaseworkError`) is printed in English,
exit 3 when the user may not do it, else 2. The user comes from `--user`/`CHANDONG_USER`, the passphrase
from `CHANDONG_PASSPHRASE` or `--passphrase-file`, else a prompt — and never a prompt without a terminal.
Output: text from records or a share's file names is printed through `shown` (control characters made
visible, the terminal UI's rule), JSON through `print_json`, and every CSV through `write_csv`, the one
writer for standard output and `--out` (exit 2 when the target cannot be written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

EXIT_OK, EXIT_USAGE, EXIT_AUTH, EXIT_INTEGRITY = 0, 2, 3, 4
EXIT_FILES = 6
"""A file of this PC or the share could not be written or read: disk full, no permission, read-only,
a folder gone (`sync` says 5 for a shared folder it cannot reach)."""


class CliError(Exception):
    """An error to print as one line, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (exit 2)."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see '{self.prog} --help')")


# -- credentials ---------------------------------------------------------------------------
def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def resolve_user(args: argparse.Namespace) -> str:
    user = args.user or os.environ.get("CHANDONG_USER")
    if user:
        return user
    if not _interactive():
        raise CliError("no user: pass --user or set CHANDONG_USER", EXIT_AUTH)
    return input("user: ").strip()


def resolve_passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str:
    """From `--passphrase-file`, `CHANDONG_PASSPHRASE` (taken out of the environment when read), or a
    prompt on a terminal."""
    if getattr(args, "passphrase_file", None):
        try:
            text = Path(args.passphrase_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot read passphrase file: {exc.strerror}") from None
        return text.rstrip("\r\n")
    env = getattr(args, "env_passphrase", None)
    if env is None:
        env = os.environ.pop("CHANDONG_PASSPHRASE", None)  # read once: no child process inherits it
    if env is not None:
        args.env_passphrase = env
        return env
    if not _interactive():
        raise CliError("no passphrase: set CHANDONG_PASSPHRASE or pass --passphrase-file", EXIT_AUTH)
    first = getpass.getpass("passphrase: ")
    if confirm and getpass.getpass("again: ") != first:
        raise CliError("the passphrases differ", EXIT_AUTH)
    return first


def _new_passphrase(args: argparse.Namespace, user_id: str) -> str:
    """A new vault's admin passphrase, held to the same policy as every other (`passphrase_problem`)."""
    from chandong_tui.vault.keyring import passphrase_problem

    passphrase = resolve_passphrase(args, confirm=True)
    problem = passphrase_problem(passphrase, user_id)
    if problem:
        raise CliError(problem)
    return passphrase


def _unlock(args: argparse.Namespace):
    from chandong_tui.vault.accounts import unlock

    user, passphrase = resolve_user(args), resolve_passphrase(args)
    return first_open(
        args, lambda fingerprint: unlock(Path(args.vault), user, passphrase, fingerprint=fingerprint)
    )


_T = TypeVar("_T")


def first_open(args: argparse.Namespace, attempt: Callable[[str | None], _T]) -> _T:
    """`attempt(fingerprint)`; on a PC that has not opened the vault before, the fingerprint comes from
    `--fingerprint`, or is shown and confirmed on a terminal; without either, one line and exit 3."""
    from chandong_tui.vault.members import FirstOpen

    given = getattr(args, "fingerprint", None)
    try:
        return attempt(given)
    except FirstOpen as exc:
        shown_fp = exc.fingerprint
        if given is not None:
            raise CliError(
                f"the vault's fingerprint is {shown_fp}, not {given}: nothing opened (not the vault you "
                "were told of?)",
                EXIT_AUTH,
            ) from None
        if not _interactive():
            raise CliError(
                f"this PC has not opened this vault before: its fingerprint is {shown_fp}; if your "
                f"supervisor's is the same, pass --fingerprint {shown_fp}",
                EXIT_AUTH,
            ) from None
        _say(f"this PC has not opened this vault before. Its fingerprint: {shown_fp}")
        _say("compare it with the one your supervisor gave you (chandong init printed it)")
        if input("the same? (yes/no): ").strip().casefold() not in ("yes", "y", "예", "네"):
            raise CliError("fingerprint not confirmed: nothing opened", EXIT_AUTH) from None
        return attempt(shown_fp)


def _say(message: str) -> None:
    """One line on standard error, its control characters made visible (it may quote a file name)."""
    from chandong_tui.model.terminal_text import safe_line

    print(safe_line(message), file=sys.stderr)


def shown(value: object) -> str:
    """Text from a record or a share's file name, safe to print on a terminal (`ESC` → `␛`)."""
    from chandong_tui.model.terminal_text import safe_line

    return safe_line(value)


def print_json(value: Any) -> None:
    """`value` as indented JSON on standard output, Korean as is. JSON already escapes C0 controls; the
    C1 controls, bidi overrides and line separators it leaves raw are escaped as `\\u009b` too (the same
    value for a parser, nothing a terminal runs or reorders), so `--format json` is safe to look at."""
    import json

    from chandong_tui.model.terminal_text import TRANSLATION

    text = json.dumps(value, ensure_ascii=False, indent=2)
    print(text.translate({code: f"\\u{code:04x}" for code in TRANSLATION if code >= 0x7F}))


def write_csv(data: bytes, out: str = "-") -> str:
    """Hand a CSV out through the one writer (`reports.csv_out.write_output`): every command that
    prints or writes CSV comes here. A target that cannot be written is a one-line error (exit 2)."""
    from chandong_tui.reports.csv_out import write_output

    try:
        return write_output(data, out)
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None


# -- commands ------------------------------------------------------------------------------
def cmd_init(args: argparse.Namespace) -> int:
    from chandong_tui.casework.setup import init_vault

    if args.role != "supervisor":
        raise CliError("the first user of a vault is its admin: use --role supervisor")
    session = init_vault(Path(args.vault), args.dong, args.user, args.name, _new_passphrase(args, args.user))
    with session:
        _say(f"created vault {args.vault} for {session.info.dong_code}; admin {args.user}")
        _say(f"fingerprint {session.info.fingerprint} (every other PC asks to confirm it once: keep it)")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from chandong_tui.casework.importer import import_file
    from chandong_tui.casework.repository import CaseRepository

    with _unlock(args) as session:
        if not session.is_admin:
            raise CliError("only a supervisor can import files", EXIT_AUTH)
        result = import_file(CaseRepository(session), Path(args.file))
    _say(f"imported {result.written} records ({result.unchanged} already present)")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from chandong_tui.casework.setup import DEMO_PASSPHRASE, DEMO_USERS, build_demo
    from chandong_tui.vault.local_state import state_home

    root = Path(args.dir) if args.dir else state_home() / "demo" / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    demo = build_demo(root)
    _say(f"demo vault: {demo.root}")
    logins = ", ".join(f"{user} ({DEMO_USERS[user].label(args.lang)})" for user in demo.users)
    _say(f"users: {logins} — passphrase: {DEMO_PASSPHRASE}")  # one login for every role
    if args.no_tui:
        return EXIT_OK
    return _run_tui(demo.root, args)


def cmd_open(args: argparse.Namespace) -> int:
    from chandong_tui.vault.folder import read_marker
    from chandong_tui.vault.local_state import last_vault

    root = Path(args.vault) if getattr(args, "vault", None) else last_vault()
    if root is None:
        raise CliError("no vault opened before: use 'chandong open VAULT' or 'chandong demo'")
    read_marker(root)  # refuse a folder that is not a vault before drawing anything
    return _run_tui(root, args)


def _run_tui(root: Path, args: argparse.Namespace) -> int:
    from chandong_tui.tui.app import ChandongApp
    from chandong_tui.tui.idle_lock import DEFAULT_MINUTES

    low_bandwidth = getattr(args, "low_bandwidth", False) or bool(os.environ.get("SSH_CONNECTION"))
    app = ChandongApp(
        root,
        lang=getattr(args, "lang", "ko"),
        low_bandwidth=low_bandwidth,
        user=getattr(args, "user", None) or os.environ.get("CHANDONG_USER"),
        idle_minutes=getattr(args, "idle_minutes", None) or DEFAULT_MINUTES,
    )
    app.run()
    return app.return_code or EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from chandong_tui.vault.verify import verify_vault

    with _unlock(args) as session:
        report = verify_vault(session)
    for problem in report.problems:
        print(shown(f"BAD  {problem}"))
    for note in report.notes:
        print(shown(f"NOTE {note}"))
    print(
        f"{report.chunks} chunks, {report.ops} ops, {report.snapshots} snapshots, "
        f"{report.grants} grants verified; "
        f"{len(report.problems)} problem(s)"
    )
    return EXIT_OK if report.ok else EXIT_INTEGRITY


def cmd_schemas(args: argparse.Namespace) -> int:
    from chandong_tui.model.json_schemas import render, schema_documents

    checkout = _checkout_schema_dir()
    if args.check and args.dir is None and checkout is None:
        raise CliError(
            "schemas --check compares a source checkout's schemas/ with the models, and this chandong "
            "is installed without one (give --dir DIR)"
        )
    folder = Path(args.dir) if args.dir is not None else checkout or Path("schemas")
    wanted = {name: render(doc) for name, doc in schema_documents().items()}
    if args.check:
        if not folder.is_dir():
            raise CliError(f"no schemas folder at {folder} (write it with 'chandong schemas --dir {folder}')")
        stale = [
            name
            for name, text in wanted.items()
            if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text
        ]
        extra = (
            sorted(p.name for p in folder.glob("*.json") if p.name not in wanted) if folder.is_dir() else []
        )
        if stale or extra:
            raise CliError(f"schemas are stale: {', '.join(stale + extra)} (run 'chandong schemas')")
        _say(f"{len(wanted)} schemas up to date in {folder}")
        return EXIT_OK
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in wanted.items():
        (folder / name).write_text(text, encoding="utf-8")
    _say(f"wrote {len(wanted)} schemas to {folder}")
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    if args.constrained:
        from chandong_tui.bench.constrained import run_constrained

        return run_constrained(scale=args.scale, quick=args.quick, as_json=args.json, repeat=args.repeat)
    from chandong_tui.bench.runner import run_bench

    return run_bench(scale=args.scale, quick=args.quick, as_json=args.json, repeat=args.repeat)


def _checkout_schema_dir() -> Path | None:
    """`schemas/` of the source checkout this package runs from; None when installed (a wheel)."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "schemas").is_dir():
        return root / "schemas"
    return None


# -- parser --------------------------------------------------------------------------------
def _credentials(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", help="login id (or CHANDONG_USER)")
    parser.add_argument(
        "--passphrase-file", help="read the passphrase from this file (or CHANDONG_PASSPHRASE)"
    )
    parser.add_argument(
        "--fingerprint", help="the vault's fingerprint, confirming it on a PC that has not opened it before"
    )


def _tui_options(parser: argparse.ArgumentParser, *, on_command: bool = False) -> None:
    """The options of the terminal UI. On a command they default to nothing, so one left out there
    keeps what was given before the command (`chandong --lang en open V`)."""
    unset: dict[str, Any] = {"default": argparse.SUPPRESS} if on_command else {}
    parser.add_argument(
        "--lang", choices=("ko", "en"), help="interface language", **(unset or {"default": "ko"})
    )
    parser.add_argument(
        "--low-bandwidth",
        action="store_true",
        help="no animations or blinking (automatic over SSH)",
        **unset,
    )
    parser.add_argument(
        "--idle-minutes",
        type=_idle_minutes,
        help="lock the screen after this many minutes without a key "
        "(1-60, default 10; it cannot be turned off)",
        **unset,
    )


def _idle_minutes(text: str) -> int:
    from chandong_tui.tui.idle_lock import idle_minutes

    try:
        return idle_minutes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser(*, scripts: bool = True) -> Parser:
    """The whole command line; without `scripts`, only the commands defined here (what opens the TUI)."""
    parser = Parser(
        prog="chandong", description="찾동 case management: a terminal tool for dong welfare teams"
    )
    _tui_options(parser)
    parser.add_argument("--user", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", parser_class=Parser)

    p = sub.add_parser("init", help="create a vault for a dong team")
    p.add_argument("vault")
    p.add_argument("--dong", required=True, help="행정기관코드 or name, e.g. 1159053000 or 상도1동")
    p.add_argument("--name", required=True, help="the admin's name")
    p.add_argument("--role", default="supervisor", help="must be supervisor (the vault's admin)")
    _credentials(p)
    p.set_defaults(run=cmd_init)

    p = sub.add_parser("import", help="import a data file (all or nothing)")
    p.add_argument("vault")
    p.add_argument("file")
    _credentials(p)
    p.set_defaults(run=cmd_import)

    p = sub.add_parser("demo", help="build a demo vault from the sample data and open it")
    p.add_argument("--dir", help="where to build it (default: a new folder in the state dir)")
    p.add_argument("--no-tui", action="store_true", help="build only")
    _tui_options(p, on_command=True)
    p.set_defaults(run=cmd_demo)

    p = sub.add_parser("open", help="open a vault in the terminal UI")
    p.add_argument("vault", nargs="?")
    p.add_argument("--user", help="login id to prefill", default=argparse.SUPPRESS)
    _tui_options(p, on_command=True)
    p.set_defaults(run=cmd_open)

    p = sub.add_parser("verify", help="check every file of a vault")
    p.add_argument("vault")
    _credentials(p)
    p.set_defaults(run=cmd_verify)

    p = sub.add_parser("schemas", help="write (or --check) the JSON Schemas of the records")
    p.add_argument("--check", action="store_true", help="fail when schemas/ is stale")
    p.add_argument("--dir", help="the folder (default: schemas/ of the source checkout, else ./schemas)")
    p.set_defaults(run=cmd_schemas)

    p = sub.add_parser("bench", help="measure what users feel, beside baselines, as ratios")
    p.add_argument("--scale", choices=("dong", "gu"), default="dong")
    p.add_argument("--quick", action="store_true", help="fewer repetitions (under a minute)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--repeat", type=int, default=None, help="repetitions per scenario")
    p.add_argument(
        "--constrained",
        action="store_true",
        help="run the suite three times (as is, on one core, with a bounded heap) and compare",
    )
    p.set_defaults(run=cmd_bench)
    if not scripts:
        return parser

    from chandong_tui import (
        cli_audit,
        cli_clock,
        cli_conference,
        cli_links,
        cli_members,
        cli_queue,
        cli_reports,
        cli_settings,
        cli_show,
        cli_sync,
        cli_tasks,
        cli_users,
    )

    for module in (
        cli_members,
        cli_reports,
        cli_queue,
        cli_users,
        cli_audit,
        cli_clock,
        cli_sync,
        cli_settings,
        cli_tasks,
        cli_links,
        cli_show,
        cli_conference,
    ):
        module.register(sub)
    return parser


TUI_COMMANDS = ("open", "demo")
_VALUED_OPTIONS = ("--lang", "--idle-minutes", "--user")
"""The options before the command that take a separate value (`--lang en`)."""


def _opens_tui(argv: Sequence[str]) -> bool:
    """Whether `argv` opens the terminal UI (`open`, `demo` or no command) and asks for no help.

    Then the script commands (reports, users, sync, ...) are left out of the parser: registering
    them imports the records' models, pydantic and the vault (a third of the start: the README's
    performance section) before the unlock screen is drawn. Anything else gets the whole parser, so
    a misreading only costs that time, never a command.
    """
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help"):
            return False
        if word in _VALUED_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return word in TUI_COMMANDS
    return True


def _error_code(exc: BaseException) -> int | None:
    from chandong_tui.casework.errors import CaseworkError, Forbidden
    from chandong_tui.model.seoul_dongs import UnknownDong
    from chandong_tui.vault.errors import AuthError, IntegrityError, VaultError

    if isinstance(exc, UnknownDong):
        return EXIT_USAGE
    if isinstance(exc, AuthError | Forbidden):
        return EXIT_AUTH
    if isinstance(exc, IntegrityError):
        return EXIT_INTEGRITY
    if isinstance(exc, VaultError | CaseworkError):
        return EXIT_USAGE
    if isinstance(exc, OSError):
        return EXIT_FILES
    return None


def _message(exc: BaseException) -> str:
    from chandong_tui.model.seoul_dongs import UnknownDong

    if isinstance(exc, UnknownDong):
        hint = f"; did you mean: {', '.join(exc.suggestions)}" if exc.suggestions else ""
        return f"unknown dong {exc.query!r}{hint}"
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where} (nothing was lost: what was saved before stays)"
    return " ".join(str(exc).split()) or exc.__class__.__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    from chandong_tui.vault.hygiene import no_core_dumps

    no_core_dumps()  # this process may soon hold decrypted records
    try:
        args = build_parser(scripts=not _opens_tui(sys.argv[1:] if argv is None else argv)).parse_args(argv)
        run: Callable[[argparse.Namespace], int] = getattr(args, "run", cmd_open)
        return run(args)
    except CliError as exc:
        _say(f"chandong: error: {exc}")
        return exc.code
    except KeyboardInterrupt:
        _say("chandong: interrupted")
        return 130
    except Exception as exc:
        code = _error_code(exc)
        if code is None:
            raise
        _say(f"chandong: error: {_message(exc)}")
        return code
