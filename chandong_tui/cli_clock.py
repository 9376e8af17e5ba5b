"""`chandong clock pause|resume VAULT RECORD_ID`: stop a deadline clock with a reason, start it again.

Wired into `cli.build_parser()` by `cli_clock.register(sub)`; same conventions as `cli.py` (the acting
user from `--user`/`CHANDONG_USER`, the passphrase from `CHANDONG_PASSPHRASE` or `--passphrase-file`;
one-line errors). RECORD_ID is a crisis flag (its 72-hour first visit), a household (its next visit) or
a task (its due date). The clock's due time moves by the time it stood paused; the pause, who made it
and why stay on the record (the household's timeline shows them).

Exit codes: 0 done; 2 bad input, an unknown record, or a step that does not fit (pausing a paused clock,
resuming a running one, a flag already visited, a closed case or task); 3 not allowed.
"""

from __future__ import annotations

import argparse
import datetime as dt

from chandong_tui.cli import EXIT_OK, CliError, _credentials, _say, _unlock
from chandong_tui.cli_table import iso_moment

_WHAT = {
    "first_visit": "72-hour first-visit clock",
    "next_visit": "next-visit clock",
    "task": "due-date clock",
}
"""How a message names each clock (`queue.ClockKind` values)."""


def register(sub: argparse._SubParsersAction) -> None:
    """Add `clock` and its actions to the `chandong` subcommands."""
    p = sub.add_parser("clock", help="pause a deadline clock with a reason, or resume it")
    actions = p.add_subparsers(dest="action", required=True, parser_class=type(p))

    pause = actions.add_parser("pause", help="stop the clock of a crisis flag, household or task")
    pause.add_argument("vault")
    pause.add_argument("record_id", metavar="RECORD_ID", help="a crisis flag, household or task id")
    pause.add_argument("--reason", required=True, help="why it stops (e.g. in hospital until …)")
    pause.add_argument("--at", type=iso_moment, help=argparse.SUPPRESS)  # a fixed clock for tests
    _credentials(pause)
    pause.set_defaults(run=cmd_pause)

    resume = actions.add_parser("resume", help="start a paused clock again")
    resume.add_argument("vault")
    resume.add_argument("record_id", metavar="RECORD_ID", help="a crisis flag, household or task id")
    resume.add_argument("--note", default="", help="what changed (optional)")
    resume.add_argument("--at", type=iso_moment, help=argparse.SUPPRESS)
    _credentials(resume)
    resume.set_defaults(run=cmd_resume)


def cmd_pause(args: argparse.Namespace) -> int:
    reason = " ".join(args.reason.split())
    if not reason:
        raise CliError("--reason must say why the clock stops")
    return _step(args, pause=True, text=reason)


def cmd_resume(args: argparse.Namespace) -> int:
    return _step(args, pause=False, text=args.note.strip())


def _step(args: argparse.Namespace, *, pause: bool, text: str) -> int:
    from pydantic import ValidationError

    from chandong_tui.casework.clock import KST, now
    from chandong_tui.casework.deadlines import pause_clock, resume_clock
    from chandong_tui.casework.pausable import clock_kind, deadline_of, find_pausable
    from chandong_tui.casework.repository import CaseRepository

    at: dt.datetime = args.at or now()
    with _unlock(args) as session:
        repo = CaseRepository(session)
        try:
            record = find_pausable(repo, args.record_id)
            updated = (pause_clock if pause else resume_clock)(repo, record, text, at=at)
        except ValidationError as exc:
            option = "--reason" if pause else "--note"
            raise CliError(f"{option}: {exc.errors()[0]['msg']}") from None
        deadline = deadline_of(repo, updated, at)
    what = f"{_WHAT[clock_kind(updated).value]} of {updated.kind} {updated.id}"
    if pause:
        _say(f"paused the {what}: {text}")
    else:
        due = ""
        if deadline is not None and clock_kind(updated).value == "first_visit":
            due = f"; due {deadline.due_at.astimezone(KST):%Y-%m-%d %H:%M} KST"
        elif deadline is not None:  # a date clock is due at the end of its day
            due = f"; due {(deadline.due_at.astimezone(KST) - dt.timedelta(seconds=1)).date()}"
        _say(f"resumed the {what}{due}")
    return EXIT_OK
