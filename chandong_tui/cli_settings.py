"""`chandong settings VAULT`: the team's deadline-clock settings, shown or changed (supervisors).

Without options it prints every setting and where it comes from (the vault, or the built-in default).
`--next-visit TAG=DAYS` (repeatable) sets the days to the next visit for a household category
(`--next-visit TAG=default` goes back to the built-in value); `--escalation-days` the working days
before an unanswered hand-off escalates; `--follow-up-days` the working days a conference follow-up
gets by default; `--link-outcome-days` the days a linked resource may stay 요청/진행중 before it
shows as 처리결과 확인 필요. Values are checked by the model (1–365 days, 1–30 and 1–60 working days).
"""

from __future__ import annotations

import argparse

from chandong_tui.cli import EXIT_OK, CliError, _credentials, _say, _unlock
from chandong_tui.model.enums import HouseholdTag


def register(sub: argparse._SubParsersAction) -> None:
    """Add `settings` to the `chandong` subcommands."""
    p = sub.add_parser("settings", help="the vault's deadline-clock settings: show, or change (supervisors)")
    p.add_argument("vault")
    p.add_argument("--next-visit", action="append", default=[], metavar="TAG=DAYS", type=_next_visit)
    p.add_argument(
        "--escalation-days", type=int, metavar="N", help="working days before a hand-off escalates"
    )
    p.add_argument("--follow-up-days", type=int, metavar="N", help="working days to a follow-up's due date")
    p.add_argument(
        "--link-outcome-days", type=int, metavar="N", help="days a linked resource may wait for its outcome"
    )
    _credentials(p)
    p.set_defaults(run=cmd_settings)


def _next_visit(text: str) -> tuple[HouseholdTag, int | None]:
    tag, _, days = text.partition("=")
    try:
        category = HouseholdTag(tag.strip())
    except ValueError:
        known = ", ".join(t.value for t in HouseholdTag)
        raise argparse.ArgumentTypeError(f"unknown household tag {tag!r} (one of: {known})") from None
    if days.strip() == "default":
        return category, None
    if not days.strip().isascii() or not days.strip().isdigit():
        raise argparse.ArgumentTypeError(f"give days as a whole number: {text!r}")
    return category, int(days)


def cmd_settings(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from chandong_tui.casework.clock import DEFAULT_NEXT_VISIT_DAYS, NEXT_VISIT_DAYS
    from chandong_tui.casework.deadlines import save_settings, settings_of
    from chandong_tui.casework.links import DEFAULT_WAIT_DAYS
    from chandong_tui.casework.repository import CaseRepository

    with _unlock(args) as session:
        repo = CaseRepository(session)
        settings = settings_of(repo)
        changes: dict[str, object] = {}
        if args.next_visit:
            days = dict(settings.next_visit_days)
            for tag, value in args.next_visit:
                if value is None:
                    days.pop(tag, None)
                else:
                    days[tag] = value
            changes["next_visit_days"] = days
        if args.escalation_days is not None:
            changes["handoff_escalation_working_days"] = args.escalation_days
        if args.follow_up_days is not None:
            changes["follow_up_working_days"] = args.follow_up_days
        if args.link_outcome_days is not None:
            changes["link_outcome_days"] = args.link_outcome_days
        if changes:
            try:
                settings = save_settings(repo, changes)
            except ValidationError as exc:
                first = exc.errors()[0]
                raise CliError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
            _say("settings saved")
    for tag in HouseholdTag:
        own = settings.next_visit_days.get(tag)
        default = NEXT_VISIT_DAYS.get(tag, DEFAULT_NEXT_VISIT_DAYS)
        source = "vault" if own is not None else "default"
        print(f"next_visit_days.{tag.value}\t{own if own is not None else default}\t{source}")
    print(f"handoff_escalation_working_days\t{settings.handoff_escalation_working_days}")
    print(f"follow_up_working_days\t{settings.follow_up_working_days}")
    print(f"link_outcome_days\t{settings.link_outcome_days or DEFAULT_WAIT_DAYS}")
    return EXIT_OK
