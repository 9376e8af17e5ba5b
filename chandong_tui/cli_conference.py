"""`chandong conference minutes VAULT CONFERENCE_ID`: sealed minutes printed or exported.

Same conventions as `cli.py` (the acting user from `--user`/`CHANDONG_USER`, the passphrase from
`CHANDONG_PASSPHRASE` or `--passphrase-file`; one-line errors). `--format text` (default) lays the
minutes out for an 80-column printout in Korean; `--format csv` gives one row per household. Either
goes to standard output or `--out FILE` through the one writer, and is recorded in the access log
with `--reason` first (`reports/minutes.py`).

Exit codes: 0 done; 2 no reason, an unknown conference or minutes not yet sealed; 3 not allowed.
"""

from __future__ import annotations

import argparse

from chandong_tui.cli import EXIT_OK, CliError, _credentials, _say, _unlock, write_csv
from chandong_tui.cli_table import iso_moment


def register(sub: argparse._SubParsersAction) -> None:
    """Add `conference minutes` to the `chandong` subcommands."""
    conference = sub.add_parser("conference", help="case conferences: print or export sealed minutes")
    actions = conference.add_subparsers(dest="action", required=True, parser_class=type(conference))
    minutes = actions.add_parser("minutes", help="sealed minutes as text (80 columns) or CSV")
    minutes.add_argument("vault")
    minutes.add_argument("conference_id", metavar="CONFERENCE_ID")
    minutes.add_argument("--format", choices=("text", "csv"), default="text")
    minutes.add_argument("--out", default="-", help="a file to write (default: standard output)")
    minutes.add_argument("--reason", default="", help="why the minutes are handed out (logged)")
    minutes.add_argument("--at", type=iso_moment, help=argparse.SUPPRESS)  # a fixed clock for tests
    _credentials(minutes)
    minutes.set_defaults(run=cmd_minutes)


def cmd_minutes(args: argparse.Namespace) -> int:
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.reports.exports import ExportRefused, check_reason
    from chandong_tui.reports.minutes import hand_out_minutes, render_text

    reason = args.reason or "conference minutes"
    try:
        check_reason(reason)  # before asking for a passphrase
    except ExportRefused as exc:
        raise CliError(str(exc)) from None
    with _unlock(args) as session:
        repo = CaseRepository(session)
        minutes = hand_out_minutes(repo, args.conference_id, reason=reason, now=args.at)
        data = minutes.to_csv() if args.format == "csv" else render_text(repo, minutes).encode("utf-8")
    where = write_csv(data, args.out)
    if args.out != "-":
        _say(f"minutes of {minutes.conference.id} → {where}; logged as {minutes.export.audit_id}")
    return EXIT_OK
