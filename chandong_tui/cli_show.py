"""`chandong show VAULT HOUSEHOLD_ID`: a household's whole case as the signed-in role may see it.

Wired into `cli.build_parser()` by `cli_show.register(sub)`; same conventions as `cli.py`. The case is
read by `casework.case_file.read_case` (members, visits with their revisions, crisis flags, links
with their outcomes, tasks, hand-offs, conferences, case events, timeline) and recorded as a `view` in
the access log, like opening the household in the terminal UI. `--format text` (default) prints a
case summary in `--lang` (Korean by default); `--format json` the records as stored, for scripts.

Exit codes: 0 done; 2 an unknown household.
"""

from __future__ import annotations

import argparse
from typing import Any

from chandong_tui.cli import EXIT_OK, _credentials, _unlock, print_json, shown
from chandong_tui.i18n import Lang, t


def register(sub: argparse._SubParsersAction) -> None:
    """Add `show` to the `chandong` subcommands."""
    p = sub.add_parser("show", help="a household's whole case (recorded as a view in the access log)")
    p.add_argument("vault")
    p.add_argument("household_id", metavar="HOUSEHOLD_ID")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=("ko", "en"), default="ko", help="language of the text summary")
    _credentials(p)
    p.set_defaults(run=cmd_show)


def cmd_show(args: argparse.Namespace) -> int:
    from chandong_tui.casework.case_file import case_dict, read_case
    from chandong_tui.casework.repository import CaseRepository

    with _unlock(args) as session:
        repo = CaseRepository(session)
        case = read_case(repo, args.household_id)
        names = {worker.id: worker.name for worker in repo.workers()}
    if args.format == "json":
        print_json(case_dict(case))
    else:
        print("\n".join(shown(line) for line in text_lines(case, names, Lang(args.lang))))
    return EXIT_OK


_KIND_LABELS = {
    "visit": "visits",
    "crisis_flag": "crisis_flags",
    "conference": "conference",
    "handoff": "handoff",
    "task": "section_tasks",
    "case_event": "case_event",
    "link_outcome": "link_step",
}
"""Catalogue keys naming each kind of timeline line."""


def text_lines(case: Any, names: dict[str, str], lang: Lang) -> list[str]:
    """The case summary, one section after another (stored text as is: the caller makes it safe)."""
    from chandong_tui.casework.case_file import measure_lines

    def who(worker_id: str | None) -> str:
        return names.get(worker_id or "", worker_id or "-")

    h = case.household
    address = " ".join(x for x in (h.road_address, h.address_detail) if x)
    lines = [
        f"{t('household_detail', lang)} · {h.id}",
        f"  {t('tong_ban_value', lang, tong=h.tong, ban=h.ban)} · {address}",
        f"  {t('status', lang)}: {h.status.label(lang)} · {t('owner', lang)}: {who(h.owner_id)}",
        f"  {t('tags', lang)}: {', '.join(tag.label(lang) for tag in h.tags) or '-'}",
        "",
        t("members", lang),
    ]
    for m in case.members:
        lines.append(
            f"  {m.name} · {m.birth_date} · {m.relation.label(lang)} · {m.rrn or '-'} · {m.phone or '-'}"
        )
        if m.health is not None:
            parts = [*m.health.conditions, *m.health.medications, m.health.note]
            lines.append(f"    {t('health', lang)}: {' · '.join(p for p in parts if p)}")
    lines += ["", t("crisis_flags", lang)]
    for flag in case.flags:
        reasons = ", ".join(reason.label(lang) for reason in flag.reasons)
        state = f"{flag.level.label(lang)} · {flag.state.label(lang)}"
        lines.append(f"  {flag.raised_at:%Y-%m-%d %H:%M} · {state} · {reasons}")
    lines += ["", t("detail_resources", lang)]
    for link in case.links:
        what = " / ".join(x for x in (link.agency, link.service) if x)
        when = f" ({link.since()} · {who(link.updated_by)})" if link.updated_at else ""
        lines.append(f"  {link.id} · {link.requested_on} · {what} · {link.outcome.label(lang)}{when}")
    lines += ["", t("section_tasks", lang)]
    for task in case.tasks:
        lines.append(f"  {task.due_on} · {task.state.label(lang)} · {who(task.owner_id)} · {task.title}")
    lines += ["", t("handoff", lang)]
    for handoff in case.handoffs:
        lines.append(f"  {handoff.state.label(lang)} · {who(handoff.from_worker_id)} · {handoff.reason}")
    lines += ["", t("conference", lang)]
    for conference in case.conferences:
        item = conference.agenda[0] if conference.agenda else None
        decision = item.decision.label(lang) if item and item.decision else conference.state.label(lang)
        lines.append(
            f"  {conference.scheduled_at:%Y-%m-%d} · {conference.conference_kind.label(lang)} · {decision}"
        )
    lines += ["", t("visits", lang)]
    for visit in case.visits:
        revised = case.revised_by.get(visit.id)
        head = f"  {visit.visited_on} · {visit.visit_kind.label(lang)} · {who(visit.worker_id)} · {visit.id}"
        if visit.revises:
            head += f" · {t('detail_revises', lang, visit=visit.revises, day='')}"
        if revised:
            head += f" · {t('detail_revised_by', lang, visit=', '.join(revised), day='')}"
        lines.append(head)
        if visit.needs:
            lines.append(
                f"    {t('needs_found', lang)}: {', '.join(need.label(lang) for need in visit.needs)}"
            )
        if visit.health_measures is not None:
            lines.append(
                f"    {t('detail_health', lang)}: {' · '.join(measure_lines(visit.health_measures, lang))}"
            )
        lines += [f"    {line}" for line in visit.note.splitlines()]
        if visit.next_visit_due:
            lines.append(f"    {t('next_visit_due', lang)}: {visit.next_visit_due}")
    lines += ["", t("timeline", lang)]
    for moment in case.timeline:
        kind = t(_KIND_LABELS[moment.kind], lang) if moment.kind in _KIND_LABELS else moment.kind
        lines.append(f"  {moment.at:%Y-%m-%d %H:%M} · {kind} · {who(moment.actor_id)} · {moment.record_id}")
    return _dash_empty(lines)


def _dash_empty(lines: list[str]) -> list[str]:
    """A `-` under each section title that has nothing under it (a title is followed by a blank line
    or ends the summary)."""
    shown: list[str] = []
    for n, line in enumerate(lines):
        shown.append(line)
        after = lines[n + 1] if n + 1 < len(lines) else ""
        if line and not line.startswith(" ") and n > 0 and lines[n - 1] == "" and not after.startswith(" "):
            shown.append("  -")
    return shown
