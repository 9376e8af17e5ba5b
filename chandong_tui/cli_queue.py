"""`chandong queue VAULT`: the supervisor queue for scripts, as a table, CSV or JSON.

Wired into `cli.build_parser()` by `cli_queue.register(sub)`; same conventions as `cli.py` (user from
`--user`/`CHANDONG_USER`, passphrase from `CHANDONG_PASSPHRASE` or `--passphrase-file`, one-line
errors). A supervisor sees the whole dong; anyone else only their own cases (`--worker` defaults to
them, and naming someone else is refused). Rows name households by id, 통 and 반 only: no names or
addresses leave the vault this way (the record-level export, with its reason and access log, is for
that). CSV cells are neutralised against spreadsheet formulas like every export.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from chandong_tui.cli import EXIT_OK, _credentials, _unlock, print_json, write_csv
from chandong_tui.cli_table import iso_moment
from chandong_tui.cli_table import render_table as table
from chandong_tui.model.enums import CrisisLevel, HouseholdTag

COLUMNS = ("section", "household_id", "tong", "ban", "worker_id", "due", "state", "detail", "record_id")
"""The stable column order of the CSV and of the table."""


def register(sub: argparse._SubParsersAction) -> None:
    """Add `queue` to the `chandong` subcommands."""
    p = sub.add_parser("queue", help="the supervisor queue: caseloads, overdue visits, clocks, hand-offs")
    p.add_argument("vault")
    p.add_argument("--worker", help="only this worker's cases (others than supervisors: only their own)")
    p.add_argument("--overdue", action="store_true", help="only what is already late")
    p.add_argument("--tong", type=int, help="only households of this 통")
    p.add_argument("--tag", choices=[t.value for t in HouseholdTag], help="only households with this tag")
    p.add_argument(
        "--level",
        choices=[c.value for c in CrisisLevel],
        help="only households with an open flag of this level",
    )
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--at", type=iso_moment, help=argparse.SUPPRESS)  # a fixed clock for tests
    _credentials(p)
    p.set_defaults(run=cmd_queue)


def cmd_queue(args: argparse.Namespace) -> int:
    from chandong_tui.casework.clock import now
    from chandong_tui.casework.queue import QueueFilter, supervisor_queue
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.model.enums import Role

    with _unlock(args) as session:
        repo = CaseRepository(session)
        worker = args.worker
        if repo.role != Role.SUPERVISOR:
            if worker not in (None, repo.user_id):
                from chandong_tui.casework.access import Forbidden

                raise Forbidden("err_supervisor_other_queues")
            worker = repo.user_id
        filters = QueueFilter(
            tong=args.tong, worker_id=worker, tag=args.tag, level=args.level, overdue=args.overdue
        )
        queue = supervisor_queue(repo, args.at or now(), filters)
    rows = list(queue_rows(queue))
    if args.format == "json":
        print_json(queue_json(queue, rows))
    elif args.format == "csv":
        from chandong_tui.reports.csv_out import Column, render_csv

        write_csv(render_csv([Column(c, c) for c in COLUMNS], rows, header="keys"))
    else:
        print(render_table(rows))
    return EXIT_OK


# -- rows ------------------------------------------------------------------------------------
def queue_rows(queue: Any) -> Iterator[tuple[Any, ...]]:
    """One flat row per item (`COLUMNS`), sections in a fixed order."""
    for load in queue.caseload:
        counts = (
            "households",
            "open_flags",
            "overdue_visits",
            "open_tasks",
            "overdue_tasks",
            "handoffs_waiting",
        )
        detail = " ".join(f"{name}={getattr(load, name)}" for name in counts)
        yield ("caseload", "", "", "", load.worker_id, "", load.role, detail, "")
    for visit in queue.overdue_visits:
        h = visit.household
        due, last = visit.due_on.isoformat(), f"last visit {visit.last_visit_on.isoformat()}"
        yield ("overdue_visit", *_where(h), h.owner_id or "", due, "breached", last, "")
    for clock in queue.clocks:
        due, state = clock.deadline.due_at.isoformat(), clock.deadline.state.value
        section = f"clock_{clock.kind.value}"
        yield (
            section,
            *_where(clock.household),
            clock.owner_id or "",
            due,
            state,
            clock.title,
            clock.record_id,
        )
    for h in queue.unowned:
        yield ("unowned", *_where(h), "", "", h.status, h.level or "", "")
    for waiting in queue.handoffs:
        ho = waiting.handoff
        to = ho.to_worker_id or ho.to_dong_code or ho.target.value
        due = waiting.escalation_at.isoformat() if waiting.escalation_at else ""
        state = "escalated" if waiting.escalated else ho.state.value
        place = _where(waiting.household) if waiting.household else (ho.household_id, "", "")
        yield ("handoff", *place, ho.from_worker_id, due, state, f"to {to}: {ho.reason}", ho.id)
    for closure in queue.closures:
        h, asked = closure.household, closure.request
        when, note = (asked.at.isoformat(), f"{asked.actor_id}: {asked.note}") if asked else ("", "")
        yield ("closure", *_where(h), h.owner_id or "", when, h.status, note, asked.id if asked else "")
    for link in queue.links:  # 처리결과 확인 필요: still requested or in progress past the vault's days
        what = " / ".join(x for x in (link.agency, link.service) if x)
        detail = f"{link.outcome.value} since {link.since().isoformat()}: {what}"
        yield ("link_check", link.household_id, "", "", link.linked_by or "", "", "breached", detail, link.id)


def _where(household: Any) -> tuple[Any, Any, Any]:
    return (household.id, household.tong, household.ban) if household else ("", "", "")


def queue_json(queue: Any, rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    return {
        "at": queue.at.isoformat(),
        "filters": {k: v for k, v in vars(queue.filters).items() if v not in (None, False)},
        "items": [dict(zip(COLUMNS, row, strict=True)) for row in rows],
    }


_MAX_WIDTH = {"detail": 100, "due": 25}
"""Table columns are clipped at these widths (40 by default)."""


def render_table(rows: list[tuple[Any, ...]]) -> str:
    """Aligned columns for a terminal; control characters in stored text are made visible."""
    return table(COLUMNS, rows, caps=_MAX_WIDTH, cap=40, empty="(nothing in the queue)")
