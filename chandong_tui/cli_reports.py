"""`chandong report monthly` and `chandong export`: the report issue's subcommands.

Wired into `cli.build_parser()` by `cli_reports.register(sub)`. Same conventions as `cli.py`: the user
from `--user`/`CHANDONG_USER`, the passphrase from `CHANDONG_PASSPHRASE` or `--passphrase-file` (one
set of credentials unlocks every vault of a gu report), one-line errors, exit codes 2 (usage, bad
input), 3 (authentication or permission), 4 (integrity). With `--out -` (the default) the CSV is the
only thing on standard output; a one-line summary goes to standard error. Every CSV goes out through
`cli.write_csv` (the one writer: `reports.csv_out.write_output`).
"""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from pathlib import Path

from chandong_tui.cli import (
    EXIT_AUTH,
    EXIT_OK,
    CliError,
    Parser,
    _credentials,
    _say,
    resolve_passphrase,
    resolve_user,
    write_csv,
)
from chandong_tui.reports.csv_out import ENCODINGS, HEADERS
from chandong_tui.reports.month import BadMonth, Month


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except BadMonth as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _jobs(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"invalid --jobs {text!r}: a number from 1 to 64")
    return int(text)


def _columns(text: str) -> list[str]:
    columns = [part.strip() for part in text.split(",") if part.strip()]
    if not columns:
        raise argparse.ArgumentTypeError("give column keys separated by commas, e.g. id,visited_on")
    return columns


def _csv_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        default="-",
        help="CSV file to write (mode 0600, atomically; a FIFO or device is written in place, a symlink "
        "followed), or - for standard output (default)",
    )
    parser.add_argument(
        "--header", choices=HEADERS, default="ko", help="Korean labels (default) or stable English keys"
    )
    parser.add_argument(
        "--encoding",
        choices=ENCODINGS,
        default="utf-8-sig",
        help="utf-8-sig (with BOM, for Excel; default) or utf-8",
    )


def register(sub: argparse._SubParsersAction) -> None:
    """Add `report` (with `monthly`) and `export` to the `chandong` subcommands."""
    report = sub.add_parser("report", help="monthly figures as CSV (one dong, or a gu of several vaults)")
    kinds = report.add_subparsers(dest="report_command", parser_class=Parser, required=True)
    p = kinds.add_parser(
        "monthly",
        help="one row per dong (or per worker), one column per figure",
        description="Figures are defined in chandong_tui/reports/figures.py (and the README).",
    )
    p.add_argument("vaults", nargs="+", metavar="VAULT", help="one vault, or several for a gu report")
    p.add_argument("--month", type=_month, required=True, help="YYYY-MM")
    p.add_argument("--by", choices=("dong", "worker"), default="dong", help="one row per dong or per worker")
    p.add_argument(
        "--jobs", type=_jobs, default=None, help="vaults opened in parallel (default: one per CPU, at most 4)"
    )
    _csv_options(p)
    _credentials(p)
    p.set_defaults(run=cmd_report_monthly)

    from chandong_tui.reports.exports import WHATS

    p = sub.add_parser("export", help="record-level CSV export (reason required; recorded in the access log)")
    p.add_argument("vault")
    p.add_argument("--what", choices=WHATS, required=True)
    p.add_argument("--month", type=_month, help="YYYY-MM (default: all records)")
    p.add_argument("--columns", type=_columns, help="column keys, comma-separated (default: all, in order)")
    p.add_argument("--reason", help="why the data leaves the vault (required, recorded)")
    p.add_argument(
        "--unmasked", action="store_true", help="full resident registration and phone numbers (supervisors)"
    )
    _csv_options(p)
    _credentials(p)
    p.set_defaults(run=cmd_export)


def _unlock_all(args: argparse.Namespace, roots: list[str], stack: ExitStack) -> list:
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.vault.accounts import unlock

    user, passphrase = resolve_user(args), resolve_passphrase(args)
    repos = []
    for root in roots:
        session = stack.enter_context(unlock(Path(root), user, passphrase))
        repos.append(CaseRepository(session))
    return repos


def cmd_report_monthly(args: argparse.Namespace) -> int:
    from chandong_tui.reports.monthly import monthly_report_of_vaults

    user, passphrase = resolve_user(args), resolve_passphrase(args)
    try:
        report = monthly_report_of_vaults(args.vaults, user, passphrase, args.month, args.by, jobs=args.jobs)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    where = write_csv(report.to_csv(args.header, args.encoding), args.out)
    vaults = f"{len(args.vaults)} vault{'s' if len(args.vaults) != 1 else ''}"
    skipped = f"; {report.unreadable} unreadable record(s) skipped" if report.unreadable else ""
    rows = f"{len(report.rows)} row(s) from {vaults}"
    _say(f"monthly report {args.month} by {args.by}: {rows} → {where}{skipped}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from chandong_tui.casework.access import Forbidden
    from chandong_tui.reports.exports import ExportRefused, check_reason, export_records

    try:
        check_reason(args.reason)  # before asking for a passphrase
    except ExportRefused as exc:
        raise CliError(str(exc)) from None
    with ExitStack() as stack:
        (repo,) = _unlock_all(args, [args.vault], stack)
        try:
            export = export_records(
                repo,
                args.what,
                reason=args.reason,
                month=args.month,
                columns=args.columns,
                unmasked=args.unmasked,
            )
        except ExportRefused as exc:
            raise CliError(str(exc)) from None
        except Forbidden as exc:
            raise CliError(str(exc), EXIT_AUTH) from None
        data = export.to_csv(args.header, args.encoding)
    where = write_csv(data, args.out)
    scope = f"month {export.month}" if export.month else "all months"
    masked = "UNMASKED identifiers" if export.unmasked else "identifiers masked"
    rows = f"{len(export.rows)} {export.what} row(s)"
    _say(f"exported {rows}, {scope}, {masked} → {where}; logged as {export.audit_id}")
    return EXIT_OK
