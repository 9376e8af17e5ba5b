"""`chandong upgrade VAULT` and `chandong fingerprint VAULT`: the membership history (`vault/members.py`).

- `upgrade`: a supervisor of a vault of the first format carries its members into the signed history,
  once (`vault/upgrade.py`); prints what changed and the fingerprint.
- `fingerprint`: the vault's fingerprint, from its history, without a passphrase (a supervisor reads it
  out to a worker whose PC asks to confirm it; whether this PC has pinned it is said too).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from chandong_tui.cli import EXIT_OK, CliError, _credentials, _say, resolve_passphrase, resolve_user


def register(sub: argparse._SubParsersAction) -> None:
    """Add `upgrade` and `fingerprint` to the `chandong` subcommands."""
    p = sub.add_parser("upgrade", help="upgrade a vault of the old format (once, by a supervisor)")
    p.add_argument("vault")
    _credentials(p)
    p.set_defaults(run=cmd_upgrade)

    p = sub.add_parser("fingerprint", help="the vault's fingerprint (to compare on a new PC)")
    p.add_argument("vault")
    p.set_defaults(run=cmd_fingerprint)


def cmd_upgrade(args: argparse.Namespace) -> int:
    from chandong_tui.vault.upgrade import upgrade_vault

    done = upgrade_vault(Path(args.vault), resolve_user(args), resolve_passphrase(args))
    for line in done.message():
        _say(line)
    return EXIT_OK


def cmd_fingerprint(args: argparse.Namespace) -> int:
    from chandong_tui.vault.folder import read_marker
    from chandong_tui.vault.local_state import local_dir
    from chandong_tui.vault.members import load_history, read_pin

    info = read_marker(Path(args.vault))
    history = None if info.legacy else load_history(info.root)
    if history is None:
        raise CliError("this vault has no membership history yet (a supervisor runs 'chandong upgrade')")
    pin = read_pin(local_dir(history.vault_id))
    print(history.fingerprint)
    if pin is None:
        _say("this PC has not opened this vault yet")
    elif pin.get("genesis") != history.genesis_hash:
        _say("this PC knows another fingerprint for this vault: it will refuse it")
    return EXIT_OK
