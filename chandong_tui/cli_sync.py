"""`chandong sync VAULT` (one round: take in other PCs' changes, publish this PC's) and
`chandong conflicts VAULT` (the 충돌 검토 queue, and resolving one) for scripts.

Same conventions as `cli.py`. `sync` exits 0 when the round went through, 4 when the folder was
refused (no `VAULT.json`, most files gone, a cloned PC) or a file is damaged, and 5 when the shared
folder could not be reached (every save stays in this PC's outbox for the next round).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from chandong_tui.cli import EXIT_INTEGRITY, EXIT_OK, CliError, _credentials, _say, _unlock, print_json, shown

EXIT_UNREACHABLE = 5


def register(sub: argparse._SubParsersAction) -> None:
    """Add `sync` and `conflicts` to the `chandong` subcommands."""
    p = sub.add_parser("sync", help="one sync round with the shared folder: take in, then publish")
    p.add_argument("vault")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--new-device",
        action="store_true",
        help="after a cloned PC was reported: a new device id for this PC, its waiting saves carried over",
    )
    _credentials(p)
    p.set_defaults(run=cmd_sync)

    p = sub.add_parser("conflicts", help="records changed on two PCs at once (충돌 검토); resolve one")
    p.add_argument("vault")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--resolve", metavar="TABLE/ROW/FIELD", help="the conflict to resolve")
    p.add_argument("--keep", metavar="WRITE_ID", help="the value to keep (its write id, from the listing)")
    _credentials(p)
    p.set_defaults(run=cmd_conflicts)


def cmd_sync(args: argparse.Namespace) -> int:
    from chandong_tui.casework.conflicts import conflicts
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.vault.sync import sync_round

    if args.new_device:
        return _new_device(args)
    _check_reachable(Path(args.vault))
    with _unlock(args) as session:
        at_unlock = session.last_ingest  # what the unlock itself took in
        result = sync_round(session)
        count = len(conflicts(CaseRepository(session)))
        problems = [str(p) for p in session.problems]
    ingest = result.ingest
    summary: dict[str, Any] = {
        "published": result.published,
        "chunks_in": at_unlock.chunks + ingest.chunks,
        "ops_in": at_unlock.ops + ingest.ops,
        "changed": at_unlock.changed + ingest.changed,
        "waiting": result.waiting,
        "conflicts": count,
        "far_future": at_unlock.far_future + ingest.far_future,
        "pending": ingest.pending,
        "copies": [str(p) for p in [*at_unlock.copies, *ingest.copies]],
        "foreign": ingest.foreign,
        "problems": problems,
        "offline": result.offline,
        "refused": result.refused,
    }
    if args.format == "json":
        print_json(summary)
    else:
        _print_summary(summary)
    if result.refused or problems:
        return EXIT_INTEGRITY
    return EXIT_UNREACHABLE if result.offline else EXIT_OK


def _check_reachable(root: Path) -> None:
    """Before the round: a folder that is not there, or empty (a share not mounted), cannot be reached
    (exit 5, saves stay here); a folder with files but no `VAULT.json` is refused (exit 4)."""
    from chandong_tui.vault.folder import MARKER

    try:
        empty = not root.is_dir() or not any(root.iterdir())
    except OSError:
        empty = True
    if empty:
        raise CliError(
            f"the shared folder cannot be reached: {root} is missing or empty (a share not mounted?); "
            "this PC's saves stay in its outbox",
            EXIT_UNREACHABLE,
        )
    if not (root / MARKER).is_file():
        raise CliError(f"{root} is refused: it holds files but no {MARKER} (not this vault)", EXIT_INTEGRITY)


def _new_device(args: argparse.Namespace) -> int:

    from chandong_tui.cli import resolve_passphrase, resolve_user
    from chandong_tui.vault.new_device import move_to_new_device

    moved = move_to_new_device(Path(args.vault), resolve_user(args), resolve_passphrase(args))
    print(
        f"this PC is now device {moved.new_device} (was {moved.old_device}); carried over {moved.records} "
        f"saved change(s) and {moved.events} access-log event(s); published {moved.published}"
    )
    return EXIT_OK


def _print_summary(s: dict[str, Any]) -> None:
    print(
        f"published {s['published']} change(s); took in {s['chunks_in']} chunk(s) with {s['ops_in']} "
        f"change(s) from other PCs ({s['changed']} new here)"
    )
    print(f"waiting to publish: {s['waiting']}; conflicts to review: {s['conflicts']}")
    if s["far_future"]:
        print(f"clock: {s['far_future']} change(s) dated far ahead (a PC's clock is wrong); stored, flagged")
    for path in s["pending"]:
        print(shown(f"pending (still being copied?): {path}"))
    for line in s["copies"]:
        print(shown(f"conflict copy: {line}"))
    for line in s["problems"]:
        print(shown(f"problem: {line}"))
    if s["offline"]:
        _say(f"chandong: {s['offline']}; saves stay on this PC until the next round")
    if s["refused"]:
        _say(f"chandong: error: {s['refused']}")


def cmd_conflicts(args: argparse.Namespace) -> int:
    from chandong_tui.casework.conflicts import conflicts, resolve
    from chandong_tui.casework.repository import CaseRepository

    if bool(args.resolve) != bool(args.keep):
        raise CliError("--resolve and --keep go together")
    with _unlock(args) as session:
        repo = CaseRepository(session)
        found = conflicts(repo)
        if args.resolve:
            match = [c for c in found if c.key == args.resolve]
            if not match:
                raise CliError(f"no conflict {args.resolve!r} to resolve (see `chandong conflicts`)")
            resolve(repo, match[0], args.keep)
            _say(f"resolved {args.resolve}: kept {args.keep}")
            return EXIT_OK
        names = {w.id: w.name for w in repo.workers()}
    rows = [
        {
            "table": c.table,
            "row": c.row,
            "field": c.field,
            "key": c.key,
            "household_id": c.household_id,
            "shown": c.shown,
            "values": [
                {"write_id": v.write_id, "value": v.value, "actor": v.actor, "at": v.at.isoformat()}
                for v in c.values
            ],
        }
        for c in found
    ]
    if args.format == "json":
        print_json(rows)
        return EXIT_OK
    for row in rows:
        print(shown(f"{row['key']}  (shown: {row['shown']})"))
        for v in row["values"]:
            who = names.get(v["actor"], v["actor"])
            print(shown(f"    {v['write_id']}  {v['value']!s:30}  {who}  {v['at'][:16]}"))
    if not rows:
        print("no conflicts to review")
    return EXIT_OK
