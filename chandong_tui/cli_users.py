"""`chandong user add|remove|list|passwd|reset|role VAULT …`: one account per worker, managed by an admin.

Wired into `cli.build_parser()` by `cli_users.register(sub)`; same conventions as `cli.py` (the
acting user from `--user`/`CHANDONG_USER`, their passphrase from `CHANDONG_PASSPHRASE` or
`--passphrase-file`, else a prompt; one-line errors; exit 3 for authentication and permission).

- `add` and `reset` print a one-time passphrase on standard output (nothing else goes there); the user
  must choose their own at first unlock (`chandong user passwd`, or the unlock screen).
- `passwd` takes the new passphrase from `--new-passphrase-file`, `CHANDONG_NEW_PASSPHRASE` or a
  prompt (twice); it must follow the policy (`vault.keyring.passphrase_problem`).
- `remove` starts a new key epoch: the removed user cannot read anything written after it.
  It cannot take back what they already copied: revoke their access to the shared folder too.
"""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path

from chandong_tui.cli import (
    EXIT_AUTH,
    EXIT_OK,
    CliError,
    _credentials,
    _interactive,
    _say,
    _unlock,
    first_open,
    resolve_user,
    write_csv,
)
from chandong_tui.model.enums import Role


def register(sub: argparse._SubParsersAction) -> None:
    """Add `user` and its actions to the `chandong` subcommands."""
    p = sub.add_parser("user", help="add, remove, list users; change or reset passphrases")
    actions = p.add_subparsers(dest="action", required=True, parser_class=type(p))

    a = actions.add_parser("add", help="give a worker a login (prints a one-time passphrase)")
    a.add_argument("vault")
    a.add_argument("new_user", metavar="USER_ID")
    a.add_argument("--name", required=True, help="the worker's name")
    a.add_argument("--role", required=True, choices=[r.value for r in Role])
    a.add_argument("--zone", default="", help="통 patrolled, e.g. 3,4 (officers)")
    _credentials(a)
    a.set_defaults(run=cmd_add)

    r = actions.add_parser("remove", help="take a login away (new key epoch)")
    r.add_argument("vault")
    r.add_argument("gone_user", metavar="USER_ID")
    _credentials(r)
    r.set_defaults(run=cmd_remove)

    ls = actions.add_parser("list", help="the vault's logins, roles and status")
    ls.add_argument("vault")
    ls.add_argument("--format", choices=("table", "csv"), default="table")
    _credentials(ls)
    ls.set_defaults(run=cmd_list)

    pw = actions.add_parser("passwd", help="change your passphrase (or set it after a one-time one)")
    pw.add_argument("vault")
    pw.add_argument("--new-passphrase-file", help="read the new passphrase here (or CHANDONG_NEW_PASSPHRASE)")
    _credentials(pw)
    pw.set_defaults(run=cmd_passwd)

    ro = actions.add_parser("role", help="give a user another role (a supervisor too; not the last one)")
    ro.add_argument("vault")
    ro.add_argument("target_user", metavar="USER_ID")
    ro.add_argument("new_role", metavar="ROLE", choices=[r.value for r in Role])
    _credentials(ro)
    ro.set_defaults(run=cmd_role)

    rs = actions.add_parser("reset", help="a new one-time passphrase for a user, and lift their lockout")
    rs.add_argument("vault")
    rs.add_argument("target_user", metavar="USER_ID")
    rs.add_argument("--lockout-only", action="store_true", help="only lift the lockout")
    _credentials(rs)
    rs.set_defaults(run=cmd_reset)


def _zone(text: str) -> list[int]:
    """`3,4` → [3, 4]: 통 numbers from 1 to 999, ASCII digits only."""
    parts = [part for part in text.replace(" ", "").split(",") if part]
    if not all(part.isascii() and part.isdigit() and 1 <= int(part) <= 999 for part in parts):
        raise CliError(f"--zone takes 통 numbers (1–999) separated by commas, not {text!r}")
    return sorted({int(part) for part in parts})


def cmd_add(args: argparse.Namespace) -> int:
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.model.records import Worker
    from chandong_tui.vault.accounts import add_user
    from chandong_tui.vault.keyring import one_time_passphrase

    zone = _zone(args.zone)
    with _unlock(args) as admin:
        if not admin.is_admin:
            raise CliError("only a supervisor adds users", EXIT_AUTH)
        worker = Worker(
            id=args.new_user,
            name=args.name,
            role=Role(args.role),
            dong_code=admin.info.dong_code,
            zone_tongs=zone,
        )
        secret = one_time_passphrase()
        add_user(admin, worker.id, worker.role.value, secret, one_time=True)
        CaseRepository(admin).save(worker)
    print(secret)
    _say(f"added {worker.id} ({worker.role.en}); give them the one-time passphrase above, in person")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.model.records import Worker
    from chandong_tui.vault.accounts import remove_user

    with _unlock(args) as admin:
        epoch = remove_user(admin, args.gone_user)
        repo = CaseRepository(admin)
        worker = repo.get(Worker, args.gone_user)
        if worker is not None and worker.active:
            repo.save(worker.model_copy(update={"active": False}))
    _say(
        f"removed {args.gone_user}: key epoch {epoch} starts now; what they copied before stays with them "
        "— revoke their access to the shared folder too"
    )
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.reports.csv_out import Column, render_csv

    with _unlock(args) as session:
        rows = user_rows(CaseRepository(session))
    columns = [Column(key, key) for key in ("user", "name", "role", "status")]
    if args.format == "csv":
        write_csv(render_csv(columns, rows, header="keys"))  # with the BOM, like every CSV
        return EXIT_OK
    from chandong_tui.cli_table import render_table

    print(render_table([c.key for c in columns], rows))
    return EXIT_OK


def user_rows(repo) -> list[tuple[str, str, str, str]]:
    """(login, name, role, status) of every login of the vault (`accounts.logins`). Logins without a
    worker record show as their file hash."""
    from chandong_tui.model.records import Worker
    from chandong_tui.vault.accounts import logins
    from chandong_tui.vault.keyring import user_hash

    info = repo.session.info
    workers = {user_hash(info.vault_id, w.id): w for w in repo.all(Worker)}
    rows = []
    for login in logins(info):
        worker = workers.get(login.uhash)
        name = worker.name if worker else ""
        rows.append((worker.id if worker else f"#{login.uhash[:12]}", name, login.role, login.status))
    return sorted(rows)


def _new_passphrase(args: argparse.Namespace) -> str:
    if args.new_passphrase_file:
        try:
            return Path(args.new_passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise CliError(f"cannot read new passphrase file: {exc.strerror}") from None
    env = os.environ.pop("CHANDONG_NEW_PASSPHRASE", None)  # read once: no child process inherits it
    if env is not None:
        return env
    if not _interactive():
        raise CliError(
            "no new passphrase: set CHANDONG_NEW_PASSPHRASE or pass --new-passphrase-file", EXIT_AUTH
        )
    first = getpass.getpass("new passphrase: ")
    if getpass.getpass("again: ") != first:
        raise CliError("the passphrases differ", EXIT_AUTH)
    return first


def cmd_passwd(args: argparse.Namespace) -> int:
    from chandong_tui.cli import resolve_passphrase
    from chandong_tui.vault.accounts import unlock
    from chandong_tui.vault.keyring import passphrase_problem

    user = resolve_user(args)
    current = resolve_passphrase(args)
    new = _new_passphrase(args)
    problem = passphrase_problem(new, user, current)
    if problem:
        raise CliError(problem)
    vault = Path(args.vault)
    with first_open(args, lambda fp: unlock(vault, user, current, new_passphrase=new, fingerprint=fp)):
        pass
    _say(f"passphrase of {user} changed")
    return EXIT_OK


def cmd_reset(args: argparse.Namespace) -> int:
    from chandong_tui.vault.accounts import clear_lockout, reset_user
    from chandong_tui.vault.keyring import one_time_passphrase

    with _unlock(args) as admin:
        if not admin.is_admin:
            raise CliError("only a supervisor resets users", EXIT_AUTH)
        if args.lockout_only:
            clear_lockout(admin, args.target_user)
            secret = None
        else:
            secret = one_time_passphrase()
            reset_user(admin, args.target_user, secret)
    if secret is None:
        _say(f"lockout of {args.target_user} lifted")
    else:
        print(secret)
        _say(f"{args.target_user} has a new one-time passphrase (above); their lockout is lifted")
    return EXIT_OK


def cmd_role(args: argparse.Namespace) -> int:
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.model.records import Worker
    from chandong_tui.vault.accounts import change_role

    with _unlock(args) as admin:
        old = change_role(admin, args.target_user, args.new_role)
        repo = CaseRepository(admin)
        worker = repo.get(Worker, args.target_user)
        if worker is not None:
            repo.save(worker.model_copy(update={"role": Role(args.new_role)}))
    _say(f"{args.target_user}: {old} → {args.new_role} (from their next unlock)")
    return EXIT_OK
