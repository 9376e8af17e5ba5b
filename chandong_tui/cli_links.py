"""`chandong links VAULT` and `chandong link outcome`: the follow-up of linked resources for scripts.

Wired into `cli.build_parser()` by `cli_links.register(sub)`; same conventions as `cli_tasks.py`.
`links` lists every link of the dong (a visit's resource, `<visit id>.r<n>`, or a resolved flag's
service, `<flag id>.s<n>`) with its current outcome, as a table, CSV or JSON (rows name households by
id only); `--open` keeps those still 요청/진행중, `--older-than DAYS` those whose last word (request or
latest update) is more than DAYS days old. `link outcome` records a link's outcome with an optional
note, as a new outcome record (`casework/links.py`).

Exit codes: 0 done; 2 bad input or an unknown link; 3 not allowed (only the worker who linked it, the
case owner or a supervisor updates it).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from chandong_tui.cli import EXIT_OK, CliError, _credentials, _say, _unlock, print_json, write_csv
from chandong_tui.cli_table import iso_moment, render_table

COLUMNS = (
    "link_id",
    "household_id",
    "requested_on",
    "agency",
    "service",
    "category",
    "outcome",
    "outcome_at",
    "updated_by",
    "linked_by",
    "note",
)
"""The stable column order of the CSV, the JSON items and the table."""

OUTCOMES = ("provided", "in_progress", "stopped", "refused", "unavailable")


def register(sub: argparse._SubParsersAction) -> None:
    """Add `links` and `link outcome` to the `chandong` subcommands."""
    p = sub.add_parser("links", help="list linked resources and services with their outcomes")
    p.add_argument("vault")
    p.add_argument("--open", action="store_true", help="only links still requested or in progress")
    p.add_argument("--older-than", type=_days, metavar="DAYS", help="only links with no word for DAYS days")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--at", type=iso_moment, help=argparse.SUPPRESS)  # a fixed clock for tests
    _credentials(p)
    p.set_defaults(run=cmd_links)

    link = sub.add_parser("link", help="record the outcome of a linked resource or service")
    actions = link.add_subparsers(dest="action", required=True, parser_class=type(link))
    outcome = actions.add_parser("outcome", help="record a link's outcome")
    outcome.add_argument("vault")
    outcome.add_argument("link_id", metavar="LINK_ID")
    outcome.add_argument("--outcome", required=True, choices=OUTCOMES)
    outcome.add_argument("--note", default="", help="what was learnt (optional)")
    outcome.add_argument("--at", type=iso_moment, help=argparse.SUPPRESS)
    _credentials(outcome)
    outcome.set_defaults(run=cmd_outcome)


def _days(text: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(f"give days as a whole number: {text!r}")
    return int(text)


def row_of(link: Any) -> tuple[str, ...]:
    """One link as the columns of `COLUMNS`."""
    return (
        link.id,
        link.household_id,
        link.requested_on.isoformat(),
        link.agency,
        link.service,
        link.category.value if link.category else "",
        link.outcome.value,
        link.updated_at.isoformat() if link.updated_at else "",
        link.updated_by or "",
        link.linked_by or "",
        link.note,
    )


def cmd_links(args: argparse.Namespace) -> int:
    from chandong_tui.casework.clock import now
    from chandong_tui.casework.links import list_links
    from chandong_tui.casework.repository import CaseRepository

    at = args.at or now()
    with _unlock(args) as session:
        found = list_links(CaseRepository(session), at, open_only=args.open, older_than=args.older_than)
    rows = [row_of(link) for link in found]
    if args.format == "json":
        print_json({"at": at.isoformat(), "items": [dict(zip(COLUMNS, row, strict=True)) for row in rows]})
    elif args.format == "csv":
        from chandong_tui.reports.csv_out import Column, render_csv

        write_csv(render_csv([Column(c, c) for c in COLUMNS], rows, header="keys"))
    else:
        print(render_table(COLUMNS, rows, caps={"service": 30, "agency": 20, "note": 30}, empty="(no links)"))
    return EXIT_OK


def cmd_outcome(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from chandong_tui.casework.clock import now
    from chandong_tui.casework.links import set_outcome
    from chandong_tui.casework.repository import CaseRepository

    at: dt.datetime = args.at or now()
    with _unlock(args) as session:
        try:
            link = set_outcome(CaseRepository(session), args.link_id, args.outcome, args.note, at=at)
        except ValidationError as exc:
            raise CliError(f"--note: {exc.errors()[0]['msg']}") from None
    _say(f"link {link.id} ({link.service}): {link.outcome.value}" + (f": {link.note}" if link.note else ""))
    return EXIT_OK
