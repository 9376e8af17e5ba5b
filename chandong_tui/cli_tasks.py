"""`chandong tasks VAULT` and `chandong task add|done|cancel|reassign`: follow-up tasks for scripts.

Wired into `cli.build_parser()` by `cli_tasks.register(sub)`; same conventions as `cli.py` (the acting
user from `--user`/`CHANDONG_USER`, the passphrase from `CHANDONG_PASSPHRASE` or `--passphrase-file`;
one-line errors). `tasks` lists tasks (table, CSV or JSON; rows name households by id only, no names
or addresses); `task add` adds one to a household, due on a date or in N working days; `task done`
marks one done with an optional note; `task cancel` cancels one with its reason; `task reassign` gives
an open one to another worker (`--to`), keeping its due date. Each step is stored
with who, when and why and shows on the household's timeline (`casework/tasks.py`).

Exit codes: 0 done; 2 bad input, an unknown household, worker or task, or a step that does not fit (a
task already done or cancelled, a closed case, a due date already past); 3 not allowed (only the case
owner, the task's assignee or a supervisor changes a task).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from chandong_tui.cli import EXIT_OK, CliError, _credentials, _unlock, shown
from chandong_tui.cli_table import iso_day, iso_moment
from chandong_tui.cli_table import render_table as table

COLUMNS = ("task_id", "household_id", "title", "assignee", "due_on", "state", "clock", "conference_id")
"""The stable column order of the CSV, the JSON items and the table."""


def register(sub: argparse._SubParsersAction) -> None:
    """Add `tasks` and `task` with its actions to the `chandong` subcommands."""
    p = sub.add_parser("tasks", help="list follow-up tasks with their due-date clocks")
    p.add_argument("vault")
    p.add_argument("--mine", action="store_true", help="only tasks assigned to me")
    p.add_argument("--open", action="store_true", help="only open tasks")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--at", type=iso_moment, help=argparse.SUPPRESS)  # a fixed clock for tests
    _credentials(p)
    p.set_defaults(run=cmd_tasks)

    task = sub.add_parser("task", help="add a follow-up task, mark one done or cancel one")
    actions = task.add_subparsers(dest="action", required=True, parser_class=type(task))

    add = actions.add_parser("add", help="add a task to a household")
    add.add_argument("vault")
    add.add_argument("household_id", metavar="HOUSEHOLD_ID")
    add.add_argument("--title", required=True, help="what is to be done")
    due = add.add_mutually_exclusive_group(required=True)
    due.add_argument("--due", type=iso_day, metavar="YYYY-MM-DD", help="the due date")
    due.add_argument("--in-days", type=int, metavar="N", help="due N working days from today")
    add.add_argument("--to", metavar="WORKER_ID", help="the assignee (default: the case owner)")
    add.add_argument("--at", type=iso_moment, help=argparse.SUPPRESS)
    _credentials(add)
    add.set_defaults(run=cmd_add)

    done = actions.add_parser("done", help="mark an open task done")
    done.add_argument("vault")
    done.add_argument("task_id", metavar="TASK_ID")
    done.add_argument("--note", default="", help="what was done (optional)")
    done.add_argument("--at", type=iso_moment, help=argparse.SUPPRESS)
    _credentials(done)
    done.set_defaults(run=cmd_done)

    cancel = actions.add_parser("cancel", help="cancel an open task, saying why")
    cancel.add_argument("vault")
    cancel.add_argument("task_id", metavar="TASK_ID")
    cancel.add_argument("--reason", required=True, help="why it is no longer needed")
    cancel.add_argument("--at", type=iso_moment, help=argparse.SUPPRESS)
    _credentials(cancel)
    cancel.set_defaults(run=cmd_cancel)

    reassign = actions.add_parser("reassign", help="give an open task to another worker")
    reassign.add_argument("vault")
    reassign.add_argument("task_id", metavar="TASK_ID")
    reassign.add_argument("--to", required=True, metavar="WORKER_ID", help="the new assignee")
    reassign.add_argument("--note", default="", help="why (optional)")
    reassign.add_argument("--at", type=iso_moment, help=argparse.SUPPRESS)
    _credentials(reassign)
    reassign.set_defaults(run=cmd_reassign)


# -- listing ---------------------------------------------------------------------------------
def cmd_tasks(args: argparse.Namespace) -> int:
    from chandong_tui.casework.clock import now
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.casework.tasks import list_tasks

    at = args.at or now()
    with _unlock(args) as session:
        found = list_tasks(CaseRepository(session), at, mine=args.mine, open_only=args.open)
    rows = [
        (
            e.task.id,
            e.task.household_id or "",
            e.task.title,
            e.task.owner_id,
            e.task.due_on.isoformat(),
            e.task.state.value,
            e.deadline.state.value,
            e.task.conference_id or "",
        )
        for e in found
    ]
    if args.format == "json":
        items = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
        print(json.dumps({"at": at.isoformat(), "items": items}, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        from chandong_tui.reports.csv_out import Column, render_csv, write_output

        write_output(render_csv([Column(c, c) for c in COLUMNS], rows, header="keys"), "-")
    else:
        print(render_table(rows))
    return EXIT_OK


_MAX_WIDTH = {"title": 50}
"""Table columns are clipped at these widths (30 by default)."""


def render_table(rows: list[tuple[Any, ...]]) -> str:
    """Aligned columns for a terminal; control characters in stored text are made visible."""
    return table(COLUMNS, rows, caps=_MAX_WIDTH, cap=30, empty="(no tasks)")


# -- steps -----------------------------------------------------------------------------------
def cmd_add(args: argparse.Namespace) -> int:
    from chandong_tui.casework.tasks import add_task

    def step(repo: Any, at: dt.datetime) -> Any:
        return add_task(
            repo,
            args.household_id,
            title=args.title,
            due_on=args.due,
            in_days=args.in_days,
            owner_id=args.to,
            at=at,
        )

    task = _step(args, step, "--title")
    print(task.id)
    _say(f"added task {task.id} to household {task.household_id} for {task.owner_id}, due {task.due_on}")
    return EXIT_OK


def cmd_done(args: argparse.Namespace) -> int:
    from chandong_tui.casework.tasks import finish_task

    task = _step(args, lambda repo, at: finish_task(repo, args.task_id, args.note, at=at), "--note")
    _say(f"task {task.id} done" + (f": {task.history[-1].note}" if task.history[-1].note else ""))
    return EXIT_OK


def cmd_cancel(args: argparse.Namespace) -> int:
    from chandong_tui.casework.tasks import cancel_task

    reason = " ".join(args.reason.split())
    if not reason:
        raise CliError("--reason must say why the task is cancelled")
    task = _step(args, lambda repo, at: cancel_task(repo, args.task_id, reason, at=at), "--reason")
    _say(f"task {task.id} cancelled: {reason}")
    return EXIT_OK


def cmd_reassign(args: argparse.Namespace) -> int:
    from chandong_tui.casework.tasks import reassign_task

    def step(repo: Any, at: dt.datetime) -> Any:
        return reassign_task(repo, args.task_id, args.to, args.note, at=at)

    task = _step(args, step, "--note")
    _say(f"task {task.id} reassigned from {task.history[-1].from_owner_id} to {task.owner_id}")
    return EXIT_OK


def _step(args: argparse.Namespace, step: Any, option: str) -> Any:
    """Run one task step as the signed-in user; a field the model refuses names `option`."""
    from pydantic import ValidationError

    from chandong_tui.casework.clock import now
    from chandong_tui.casework.repository import CaseRepository

    at: dt.datetime = args.at or now()
    with _unlock(args) as session:
        try:
            return step(CaseRepository(session), at)
        except ValidationError as exc:
            error = exc.errors()[0]
            raise CliError(f"{option}: {error['msg']}") from None


def _say(message: str) -> None:
    print(shown(message), file=sys.stderr)
