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
from typing import TYPE_CHECKING

from chandong_tui.cli import EXIT_OK, CliError, _credentials, _say, _unlock, shown, write_csv
from chandong_tui.cli_table import cells, iso_moment
from chandong_tui.i18n import t as tr

if TYPE_CHECKING:
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.model.records import Attendee
    from chandong_tui.reports.minutes import Minutes

WIDTH = 80
"""The printout's width in terminal cells (Korean letters take two)."""


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
    from chandong_tui.reports.minutes import hand_out_minutes

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


def render_text(repo: CaseRepository, minutes: Minutes) -> str:
    """The minutes for an 80-column printout in Korean: heading, attendees, each household's
    decision, note and follow-ups, the minutes text, and the seal (and the revision's reason)."""
    from chandong_tui.casework.clock import KST

    c = minutes.conference
    rule = "=" * WIDTH
    lines = [rule, _centre(f"{tr('minutes_title')} · {c.conference_kind.label()}"), rule]
    lines.append(f"{tr('minutes_when')}: {c.scheduled_at.astimezone(KST):%Y-%m-%d %H:%M}  {shown(c.place)}")
    lines.append(f"{tr('minutes_facilitator')}: {_worker(repo, c.facilitator_id)}")
    staff = [shown(a.name) for a in c.attendees if a.worker_id]
    outside = [_outside(a) for a in c.attendees if not a.worker_id]
    lines += _wrapped(f"{tr('minutes_staff')}: ", ", ".join(staff) or "-")
    lines += _wrapped(f"{tr('minutes_outside')}: ", ", ".join(outside) or "-")
    lines.append("-" * WIDTH)
    headers = [col.ko for col in minutes.export.columns]
    for n, row in enumerate(minutes.export.rows, 1):
        fields = dict(zip(headers, row, strict=True))
        decision = fields["결정"].label() if fields["결정"] else "-"
        lines.append(f"{n}. {row[3]} ({row[4]}) · {decision}")
        if row[6]:
            lines += _wrapped(f"   {tr('minutes_note')}: ", shown(row[6]))
        for task in filter(None, str(row[7]).split("; ")):
            lines += _wrapped(f"   {tr('minutes_task')}: ", shown(task))
    lines.append("-" * WIDTH)
    for paragraph in (c.minutes or "-").splitlines() or ["-"]:
        lines += _wrapped("", shown(paragraph))
    lines.append("-" * WIDTH)
    sealed = f"{c.sealed_at.astimezone(KST):%Y-%m-%d %H:%M}" if c.sealed_at else "-"
    lines.append(f"{tr('minutes_sealed')}: {sealed} {_worker(repo, c.sealed_by)}")
    if c.revises:
        lines += _wrapped(f"{tr('minutes_revision')}: ", shown(c.revision_note))
    return "\n".join(lines) + "\n"


def _worker(repo: CaseRepository, worker_id: str | None) -> str:
    worker = repo.worker(worker_id) if worker_id else None
    return shown(worker.name) if worker else shown(worker_id or "-")


def _outside(attendee: Attendee) -> str:
    """`한가람 (동작구 정신건강복지센터, 위원)`: the name, then the organisation and role when given."""
    about = ", ".join(shown(v) for v in (attendee.organisation, attendee.role) if v)
    return f"{shown(attendee.name)} ({about})" if about else shown(attendee.name)


def _centre(text: str) -> str:
    return " " * max(0, (WIDTH - cells(text)) // 2) + text


def _wrapped(lead: str, text: str) -> list[str]:
    """`lead` + `text`, broken into lines of at most `WIDTH` cells, continuation lines indented."""
    indent = " " * cells(lead)
    lines: list[str] = []
    line = lead
    for word in text.split(" "):
        candidate = word if line in (lead, indent) else " " + word
        if cells(line + candidate) > WIDTH and line not in (lead, indent):
            lines.append(line)
            line, candidate = indent, word
        while cells(line + candidate) > WIDTH:  # a word longer than the line: cut it
            room = WIDTH - cells(line)
            cut = next(i for i in range(len(candidate), 0, -1) if cells(candidate[:i]) <= room)
            lines.append(line + candidate[:cut])
            line, candidate = indent, candidate[cut:]
        line += candidate
    lines.append(line)
    return lines
