"""`chandong audit verify|show|review VAULT …`: the access log (접속기록) for supervisors.

Wired into `cli.build_parser()` by `cli_audit.register(sub)`; same conventions as `cli.py`.

- `verify` checks every device's chain (deleted, altered, reordered, truncated or forged events) and
  prints one line per problem; exit 4 when there is any, 0 when the log is whole.
- `show [--month YYYY-MM] [--user ID] [--action A] [--format table|csv]`: the events, oldest first,
  in Seoul time. `--user` filters; who reads is `--as` or `CHANDONG_USER`.
- `review --month YYYY-MM`: per user, what the monthly review looks at (failed unlocks, days of bulk
  household views, night-time access, exports, unmasked exports, reveals).

CSV goes through the formula-neutralising writer (a reason typed as `=HYPERLINK(…)` stays text) and
out through `cli.write_csv`; tables and lines show stored text with its control characters made visible.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from chandong_tui.cli import EXIT_INTEGRITY, EXIT_OK, _credentials, _unlock, shown, write_csv
from chandong_tui.cli_table import render_table

COLUMNS = ("at", "actor", "action", "target", "reason", "detail", "device", "seq", "claimed")
"""`actor` is the event's signer; `claimed`, the login someone typed (a failed unlock), when another."""
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def register(sub: argparse._SubParsersAction) -> None:
    """Add `audit` and its actions to the `chandong` subcommands."""
    p = sub.add_parser("audit", help="the access log: verify its chain, show its events")
    actions = p.add_subparsers(dest="action", required=True, parser_class=type(p))

    v = actions.add_parser("verify", help="check the access log's chains (exit 4 if tampered)")
    v.add_argument("vault")
    _credentials(v)
    v.set_defaults(run=cmd_verify)

    s = actions.add_parser("show", help="the access log's events")
    s.add_argument("vault")
    s.add_argument("--month", type=_month, help="YYYY-MM (Seoul time)")
    s.add_argument("--user", dest="filter_user", metavar="ID", help="only this user's events")
    s.add_argument("--action", dest="filter_action", help="only events of this kind (login, export, …)")
    s.add_argument("--format", choices=("table", "csv"), default="table")
    s.add_argument("--as", dest="user", help="login id of the supervisor reading (or CHANDONG_USER)")
    s.add_argument("--passphrase-file", help="read the passphrase from this file (or CHANDONG_PASSPHRASE)")
    s.set_defaults(run=cmd_show)

    r = actions.add_parser("review", help="the monthly review: failures, bulk views, night access, exports")
    r.add_argument("vault")
    r.add_argument("--month", type=_month, required=True, help="YYYY-MM (Seoul time)")
    r.add_argument("--format", choices=("table", "csv"), default="table")
    _credentials(r)
    r.set_defaults(run=cmd_review)


def _month(text: str) -> str:
    if not _MONTH.match(text):
        raise argparse.ArgumentTypeError(f"not a month (YYYY-MM): {text!r}")
    return text


def cmd_verify(args: argparse.Namespace) -> int:
    from chandong_tui.casework.audit import verify_log

    with _unlock(args) as session:
        report = verify_log(session)
    for problem in report.problems:
        print(shown(f"BAD  {problem}"))
    print(f"{report.events} events on {report.devices} device(s) checked; {len(report.problems)} problem(s)")
    return EXIT_OK if report.ok else EXIT_INTEGRITY


def _detail(detail: dict[str, Any]) -> str:
    detail = {k: v for k, v in detail.items() if k != "reason" and not (k == "rows" and "counts" in detail)}
    if "heads" in detail:
        detail = {**detail, "heads": len(detail["heads"])}
    parts = []
    for key, value in detail.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ",".join(map(str, value))
        parts.append(f"{key}={value}")
    return "; ".join(parts)


def cmd_show(args: argparse.Namespace) -> int:
    from chandong_tui.casework.audit import events
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.reports.csv_out import Column, render_csv

    with _unlock(args) as session:
        found = events(
            CaseRepository(session), month=args.month, user=args.filter_user, action=args.filter_action
        )
    rows = [
        (
            e.at_kst.isoformat(timespec="seconds"),
            e.actor,
            e.action,
            e.target,
            str(e.detail.get("reason") or ""),
            _detail(e.detail),
            e.device,
            e.seq,
            e.claimed,
        )
        for e in found
    ]
    if args.format == "csv":
        columns = [Column(key, key) for key in COLUMNS]
        write_csv(render_csv(columns, rows, header="keys"))
        return EXIT_OK
    for row in rows:
        print(shown("  ".join(str(v) for v in row[:6] if v != "")).rstrip())
    print(f"{len(rows)} event(s)", file=sys.stderr)
    return EXIT_OK


REVIEW_COLUMNS = (
    "user",
    "logins",
    "failures",
    "lockouts",
    "views",
    "bulk_view_days",
    "night",
    "exports",
    "unmasked_exports",
    "reveals",
    "flagged",
)


def cmd_review(args: argparse.Namespace) -> int:
    from chandong_tui.casework.audit import monthly_review
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.reports.csv_out import Column, render_csv

    with _unlock(args) as session:
        lines = monthly_review(CaseRepository(session), args.month)
    rows = [tuple(getattr(line, key) for key in REVIEW_COLUMNS) for line in lines]
    if args.format == "csv":
        columns = [Column(key, key) for key in REVIEW_COLUMNS]
        write_csv(render_csv(columns, rows, header="keys"))
        return EXIT_OK
    print(render_table(REVIEW_COLUMNS, rows))
    return EXIT_OK
