"""One household: header, members, open crisis flags and its timeline (newest first), and the keys
that record what happens to it: `v` a visit, `f` a new crisis flag, `u` / `x` update / resolve an open
flag (a picker asks which when there are several), `p` pause a deadline clock with a reason or resume
it (`modals/clock_modal.py`; pauses and resumes show on the timeline), `t` add a follow-up task, `d` /
`n` / `a` mark an open task done / cancel it / give it to another worker (`modals/task_modal.py`; open
and recently closed tasks have their own section, each step shows on the timeline), `c` ask to close
the case with a reason after seeing what is still open (`modals/closure_modal.py`), `o` reopen a closed
case with a reason. Corrections (`modals/correct_modals.py`): `e` edits the household (address, 통/반,
tags, phone, consent, head, status), `i` adds a member, `m` corrects one (or marks them moved out /
deceased), `s` amends a visit and `w` withdraws one entered in error; each is refused before its form
opens when the role may not make it, and shows on the timeline with who, when and why. `f` on a
household with an open flag warns and offers to update that one. After a save the sections are read
again.
Links awaiting an outcome (자원연계 · 서비스의뢰, `casework/links.py`) have their own section; `o`
updates one's outcome on an open case (`modals/link_modal.py`; each update shows on the timeline).
Enter opens a visit read back whole (`modals/visit_detail_modal.py`; a picker asks which, newest
first). Opening the screen is a `view` in the access log.

Everything shown comes from `CaseRepository`, which already removed what the user's role may not see
(health details for non-nurses); identifiers are masked here. Every section is a `Text` built from
`safe_text`, so record contents are never read as markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import ValidationError
from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from chandong_tui.casework.audit import log_view
from chandong_tui.casework.clock import KST, first_visit_clock
from chandong_tui.casework.closure import reopen_case
from chandong_tui.casework.corrections import corrections_of, current_visits, may_correct
from chandong_tui.casework.handoffs import history_lines, waiting_handoff_of
from chandong_tui.casework.links import Link, links_of_household, may_update, wait_days
from chandong_tui.casework.pausable import PausableClock, PauseStep, clocks_of_household, pause_steps
from chandong_tui.casework.permissions import is_owner_or_supervisor
from chandong_tui.casework.repository import TaskChange, TimelineEntry
from chandong_tui.casework.supervision import CLOSABLE, case_events_of
from chandong_tui.casework.tasks import TaskWithClock, may_act_on, tasks_of_household
from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import (
    CorrectionSubject,
    FlagState,
    HouseholdStatus,
    HouseholdTag,
    LabelledEnum,
    TaskState,
)
from chandong_tui.model.fields import mask_phone, mask_rrn
from chandong_tui.model.records import (
    CaseEvent,
    Conference,
    Correction,
    CrisisFlag,
    Handoff,
    Household,
    LinkOutcome,
    Member,
    Visit,
)
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.bindings import hide_binding
from chandong_tui.tui.flag_text import CLOCK_STYLES, LEVEL_STYLES, clock_label
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.clock_modal import ask_clock_step, kind_label
from chandong_tui.tui.modals.correct_modals import (
    HouseholdEditModal,
    MemberModal,
    correction_summary,
    pick_visit,
    refused_before,
    withdraw_form,
)
from chandong_tui.tui.modals.flag_modal import FlagModal, FlagPicker, most_urgent_first
from chandong_tui.tui.modals.resolve_flag_modal import ResolveFlagModal
from chandong_tui.tui.modals.reveal_modal import ask_reveal, may_reveal
from chandong_tui.tui.modals.visit_modal import VisitModal, household_label

if TYPE_CHECKING:
    from chandong_tui.tui.modals.task_modal import TaskStepName
from chandong_tui.tui.text import cell, join, safe_text, text
from chandong_tui.tui.widgets.footer import SteadyFooter

_SECTION = "bold"
_MUTED = "dim"
_FLAG_ACTIONS = ("update_flag", "resolve_flag")
"""Actions offered only while the household has an open flag."""


def _label(value: object, lang: Lang | str) -> str:
    return value.label(lang) if isinstance(value, LabelledEnum) else safe_text(value)


@dataclass(frozen=True)
class CaseStep:
    """A supervisory step on the case, shown on the timeline like its other records."""

    at: dt.datetime
    record: CaseEvent


@dataclass(frozen=True)
class CorrectionStep:
    """A correction of the household's records, on the timeline with who, when and why."""

    at: dt.datetime
    record: Correction


@dataclass(frozen=True)
class ClockStep:
    """A pause or resume of one of the household's clocks, on the timeline with who and why."""

    at: dt.datetime
    record: PauseStep


@dataclass(frozen=True)
class LinkStep:
    """An update of a link's outcome, on the timeline with who and what it says now."""

    at: dt.datetime
    record: LinkOutcome


NOTE_LINES = 3
"""Lines of a visit's note the timeline shows (Enter shows the whole visit)."""


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class HouseholdScreen(ChandongScreen[None]):
    """The detail of one household."""

    BINDING_GROUP = "household"
    BACK_KEYS = "escape,backspace"
    BINDINGS = [
        # Quit right after back (the base adds back first), where this footer has always shown it.
        Binding("ctrl+q", "app.quit", "key_quit", id="household.quit", show=True, tooltip="tip_quit"),
        Binding("v", "record_visit", "key_visit", id="household.visit", show=True, tooltip="tip_visit"),
        Binding(
            "f",
            "raise_flag",
            "key_flag_raise",
            id="household.flag_raise",
            show=True,
            tooltip="tip_flag_raise",
        ),
        Binding("h", "handoff", "key_handoff", id="household.handoff", show=True, tooltip="tip_handoff"),
        Binding(
            "u",
            "update_flag",
            "key_flag_update",
            id="household.flag_update",
            show=True,
            tooltip="tip_flag_update",
        ),
        Binding(
            "x",
            "resolve_flag",
            "key_flag_resolve",
            id="household.flag_resolve",
            show=True,
            tooltip="tip_flag_resolve",
        ),
        Binding(
            "c",
            "request_closure",
            "key_request_closure",
            id="household.request_closure",
            show=True,
            tooltip="tip_request_closure",
        ),
        Binding("o", "reopen", "key_reopen", id="household.reopen", show=True, tooltip="tip_reopen"),
        Binding(
            "p",
            "pause_clock",
            "key_clock_pause",
            id="household.clock_pause",
            show=True,
            tooltip="tip_clock_pause",
        ),
        Binding("down,j", "scroll('down')", "key_down", id="household.down", show=False),
        Binding("up,k", "scroll('up')", "key_up", id="household.up", show=False),
        Binding(
            "pagedown,space", "scroll('page_down')", "key_page_down", id="household.page_down", show=False
        ),
        Binding("pageup", "scroll('page_up')", "key_page_up", id="household.page_up", show=False),
        Binding("home", "scroll('home')", "key_first", id="household.first", show=False),
        Binding("end", "scroll('end')", "key_last", id="household.last", show=False),
        Binding("r", "reveal_rrn", "key_reveal", id="household.reveal", show=True, tooltip="tip_reveal"),
        Binding("t", "add_task", "key_task_add", id="household.task_add", show=False, tooltip="tip_task_add"),
        Binding(
            "d", "finish_task", "key_task_done", id="household.task_done", show=False, tooltip="tip_task_done"
        ),
        Binding(
            "n",
            "cancel_task",
            "key_task_cancel",
            id="household.task_cancel",
            show=False,
            tooltip="tip_task_cancel",
        ),
        Binding(
            "a",
            "reassign_task",
            "key_task_reassign",
            id="household.task_reassign",
            show=False,
            tooltip="tip_task_reassign",
        ),
        Binding(
            "o",
            "link_outcome",
            "key_link_outcome",
            id="household.link_outcome",
            show=False,
            tooltip="tip_link_outcome",
        ),
        Binding(
            "enter",
            "visit_detail",
            "key_visit_detail",
            id="household.visit_detail",
            show=False,
            tooltip="tip_visit_detail",
        ),
        Binding(
            "e", "edit_household", "key_corr_edit", id="household.edit", show=False, tooltip="tip_corr_edit"
        ),
        Binding(
            "i",
            "add_member",
            "key_corr_add_member",
            id="household.member_add",
            show=False,
            tooltip="tip_corr_add_member",
        ),
        Binding(
            "m",
            "correct_member",
            "key_corr_member",
            id="household.member_correct",
            show=False,
            tooltip="tip_corr_member",
        ),
        Binding(
            "s",
            "amend_visit",
            "key_corr_amend",
            id="household.visit_amend",
            show=False,
            tooltip="tip_corr_amend",
        ),
        Binding(
            "w",
            "withdraw_visit",
            "key_corr_withdraw",
            id="household.visit_withdraw",
            show=False,
            tooltip="tip_corr_withdraw",
        ),
    ]

    def __init__(
        self,
        household_id: str,
        today: dt.date | None = None,
    ) -> None:
        super().__init__()
        if not may_reveal(self.repo):
            hide_binding(self, "reveal_rrn")  # the key still answers why not
        self.revealed: dict[str, str] = {}
        """Registration numbers revealed (with a logged reason) in this view, by member id."""
        self.household_id = household_id
        """The household shown."""
        self._given_today = today
        self.today = today or dt.date.today()
        """The day ages are counted at: `today`, else the app clock's day (set on mount)."""
        self._worker_names: dict[str, str] = {}
        self.household: Household | None = None
        """The household as last read (None when missing or unreadable)."""
        self.open_flags: list[CrisisFlag] = []
        """Its open crisis flags as last read, most urgent first."""
        self.clocks: list[PausableClock] = []
        """Its deadline clocks that can be paused or resumed (`p`), as last read."""
        self.tasks: list[TaskWithClock] = []
        """Its open tasks (soonest due first) and those closed lately, as last read."""
        self.links: list[Link] = []
        """Its links (resources and services linked) with their current outcome, newest first, as
        last read (once per reading)."""
        self.visits: list[Visit] = []
        """Its visits, newest first, as last read (Enter picks one)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static(id="detail-header")
            yield Static(id="detail-members")
            yield Static(id="detail-flags")
            yield Static(id="detail-tasks")
            yield Static(id="detail-links")
            yield Static(id="detail-timeline")
        yield SteadyFooter()

    def on_mount(self) -> None:
        if self._given_today is None:
            self.today = self.now().astimezone(KST).date()
        log_view(self.repo, self.household_id)  # the README's promise: every household opened is logged
        self.reload()
        self.query_one("#detail", VerticalScroll).focus()

    def reload(self) -> None:
        """Read the household again and re-render every section (after a save, a new visit or flag
        is on the timeline at once); the keys that need an open flag follow."""
        self._worker_names = {worker.id: worker.name for worker in self.repo.workers()}
        sections = self._sections()
        names = ("header", "members", "flags", "tasks", "links", "timeline")
        sections += [Text("", end="")] * (len(names) - len(sections))
        for name, content in zip(names, sections, strict=True):
            self.query_one(f"#detail-{name}", Static).update(content)
        self.refresh_bindings()

    def _sections(self) -> list[Text]:
        self.household, self.open_flags = None, []
        self.clocks, self.tasks, self.links, self.visits = [], [], [], []
        try:
            household = self.repo.household(self.household_id)
            if household is None:
                return [text(t("household_missing", self.lang), "bold")]
            members = self.repo.members_of(self.household_id)
            flags = [f for f in self.repo.flags_of(self.household_id) if f.state is FlagState.OPEN]
            links = links_of_household(self.repo, self.household_id)  # once per reading
            timeline = sorted(
                [
                    *self.repo.timeline(self.household_id),
                    *self._case_events(),
                    *self._clock_steps(),
                    *self._corrections(),
                    *self._link_steps(),
                ],
                key=lambda e: (e.at, e.record.id),
                reverse=True,
            )
            clocks = clocks_of_household(self.repo, household, self.now())
            tasks = tasks_of_household(self.repo, self.household_id, self.now())
        except ValidationError as exc:  # a stored row this version cannot read; show, don't crash
            reason = f"{exc.error_count()} × {exc.errors()[0]['type']}"
            return [text(t("household_unreadable", self.lang, reason=reason), "bold")]
        self.household, self.open_flags = household, most_urgent_first(flags)
        self.clocks, self.tasks, self.links = clocks, tasks, links
        self.visits = [entry.record for entry in timeline if isinstance(entry.record, Visit)]
        return [
            self._header(household),
            self._members(members),
            self._flags(flags),
            self._tasks(tasks),
            self._links(links),
            self._timeline(timeline),
        ]

    # -- sections --------------------------------------------------------------------------
    def _title(self, key: str) -> Text:
        return text(t(key, self.lang), _SECTION)

    def _field(self, key: str, value: Text | str) -> Text:
        body = value if isinstance(value, Text) else text(value)
        return join([cell(t(key, self.lang), 14, _MUTED), body])

    def _worker(self, worker_id: str | None) -> str:
        if not worker_id:
            return t("none", self.lang)
        return self._worker_names.get(worker_id, worker_id)

    def _header(self, household: Household) -> Text:
        consent = household.consent
        consent_text = (
            t("consent_given", self.lang, on=consent.on.isoformat() if consent.on else "")
            if consent.given
            else t("consent_refused", self.lang)
        )
        address = " ".join(x for x in (household.road_address, household.address_detail) if x)
        tags = ", ".join(HouseholdTag(tag).label(self.lang) for tag in household.tags) or t("none", self.lang)
        if consent.given and consent.taken_by:
            consent_text += f" · {self._worker(consent.taken_by)}"
        lines = [
            text(f"{t('household_detail', self.lang)} · {household.id}", _SECTION),
            self._field(
                "col_tong_ban", t("tong_ban_value", self.lang, tong=household.tong, ban=household.ban)
            ),
            self._field("address", address),
            self._field("phone", mask_phone(household.phone) or "-"),
            self._field("tags", tags),
            self._field("status", household.status.label(self.lang)),
            self._field("owner", self._worker(household.owner_id)),
            self._field("consent_short", consent_text),
        ]
        return Text("\n", end="").join(lines)

    def _members(self, members: list[Member]) -> Text:
        lines = [self._title("members")]
        lines.append(
            join(
                [
                    cell(t("name", self.lang), 12, _MUTED),
                    cell(t("age", self.lang), 5, _MUTED),
                    cell(t("relation", self.lang), 8, _MUTED),
                    cell(t("rrn", self.lang), 15, _MUTED),
                    cell(t("phone", self.lang), 14, _MUTED),
                ]
            )
        )
        for member in members:
            lines.append(
                join(
                    [
                        cell(member.name, 12, "" if member.current else _MUTED),
                        cell(t("age_value", self.lang, n=_age(member.birth_date, self.today)), 5),
                        cell(member.relation.label(self.lang), 8),
                        self._rrn_cell(member),
                        cell(mask_phone(member.phone) or "-", 14),
                    ]
                )
            )
            if member.left_how is not None and member.left_on is not None:
                left = f"{member.left_how.label(self.lang)} {member.left_on.isoformat()}"
                lines.append(join([cell("", 2), text(left, _MUTED)], ""))
            if member.health is not None:
                health = member.health
                parts = []
                if health.conditions:
                    parts.append(f"{t('conditions', self.lang)}: {', '.join(health.conditions)}")
                if health.medications:
                    parts.append(f"{t('medications', self.lang)}: {', '.join(health.medications)}")
                if health.note:
                    parts.append(health.note)
                if parts:
                    lines.append(
                        join(
                            [cell("", 2), text(f"{t('health', self.lang)} · " + " · ".join(parts), "italic")],
                            "",
                        )
                    )
        if not members:
            lines.append(text(t("none", self.lang), _MUTED))
        return Text("\n", end="").join(lines)

    # -- reveal with a reason (`r`) ----------------------------------------------------------
    def _rrn_cell(self, member: Member) -> Text:
        """The member's number masked, or in plain (bold) when revealed in this view."""
        if member.id in self.revealed:
            return cell(self.revealed[member.id], 15, "bold")
        return cell(mask_rrn(member.rrn) or "-", 15)

    def action_reveal_rrn(self) -> None:
        """Show a member's registration number in plain, for this view, after asking why (logged);
        roles that never see it get a line saying so."""
        if self.household is None:
            return
        ask_reveal(self, self.repo.members_of(self.household_id), self._show_revealed)

    def _show_revealed(self, member_id: str, number: str) -> None:
        self.revealed[member_id] = number
        self.reload()

    def forget_revealed(self) -> None:
        """Mask every revealed number again (the idle lock calls this before covering the screen)."""
        if self.revealed:
            self.revealed.clear()
            if self.is_mounted:
                self.reload()

    def _clock(self, flag: CrisisFlag, at: dt.datetime) -> Text:
        """Where the flag's 72-hour first-visit clock stands, as a 16-cell column (wider when it
        says more: `일시정지 · 남은 62:00` is read whole)."""
        clock = first_visit_clock(flag, at)
        label = clock_label(clock, self.lang)
        return cell(label, max(16, cell_len(label)), CLOCK_STYLES[clock.state])

    def _flags(self, flags: list[CrisisFlag]) -> Text:
        lines = [self._title("open_flags")]
        at = self.now()
        for flag in flags:
            reasons = ", ".join(reason.label(self.lang) for reason in flag.reasons)
            line = join(
                [
                    cell(flag.level.label(self.lang), 6, LEVEL_STYLES.get(flag.level.value, "")),
                    cell(
                        f"{t('raised_at', self.lang)} {flag.clock_start.astimezone(KST):%Y-%m-%d %H:%M}", 22
                    ),
                    cell(self._worker(flag.raised_by), 10),
                    self._clock(flag, at),
                    text(reasons),
                ]
            )
            lines.append(line)
            if flag.found_how is not None:
                lines.append(
                    join(
                        [
                            cell("", 6),
                            text(
                                f"{t('flag_found_how', self.lang)}: {flag.found_how.label(self.lang)}", _MUTED
                            ),
                        ]
                    )
                )
            if flag.note:
                lines.append(join([cell("", 6), text(flag.note, _MUTED)]))
        if not flags:
            lines.append(text(t("none", self.lang), _MUTED))
        return Text("\n", end="").join(lines)

    def _tasks(self, tasks: list[TaskWithClock]) -> Text:
        """Open tasks (soonest due first, with their clocks), then those done or cancelled lately."""
        lines = [self._title("section_tasks")]
        for entry in tasks:
            task = entry.task
            if task.state is TaskState.OPEN:
                state = clock_label(entry.deadline, self.lang)
                style = CLOCK_STYLES[entry.deadline.state]
            else:
                state, style = task.state.label(self.lang), _MUTED
            lines.append(
                join(
                    [
                        cell(task.due_on.isoformat(), 10),
                        cell(self._worker(task.owner_id), 8),
                        cell(state, max(16, cell_len(state)), style),
                        text(task.title, "" if task.state is TaskState.OPEN else _MUTED),
                    ]
                )
            )
        if not tasks:
            lines.append(text(t("task_none", self.lang), _MUTED))
        return Text("\n", end="").join(lines)

    def _links(self, links: list[Link]) -> Text:
        """Links still waiting for an outcome (요청/진행중), those waiting past the vault's days marked
        처리결과 확인 필요 (in words, not colour alone)."""
        lines = [self._title("section_links")]
        waiting = [link for link in links if link.awaiting]
        days, at = wait_days(self.repo), self.now()
        for link in waiting:
            check = link.needs_check(at, days)
            state = link.outcome.label(self.lang)
            if check:
                state += f" · {t('link_check_needed', self.lang)}"
            what = " / ".join(x for x in (link.agency, link.service) if x)
            lines.append(
                join(
                    [
                        cell(link.requested_on.isoformat(), 10),
                        cell(state, max(8, cell_len(state)), "bold" if check else ""),
                        text(what),
                    ]
                )
            )
        if not waiting:
            lines.append(text(t("link_none_awaiting", self.lang), _MUTED))
        return Text("\n", end="").join(lines)

    def _timeline(self, entries: list[TimelineEntry]) -> Text:
        lines = [self._title("timeline")]
        lines.append(
            join(
                [
                    cell(t("date", self.lang), 10, _MUTED),
                    cell(t("kind", self.lang), 12, _MUTED),
                    cell(t("worker", self.lang), 8, _MUTED),
                    cell(t("summary", self.lang), 20, _MUTED),
                ]
            )
        )
        for entry in entries:
            kind, worker, summary = self._describe(entry)
            lines.append(
                join(
                    [
                        cell(entry.at.date().isoformat(), 10),
                        cell(kind, 12),
                        cell(worker, 8),
                        text(summary),
                    ]
                )
            )
            if isinstance(entry.record, Visit):  # more of the note than its first line
                lines += self._note_lines(entry.record)
            if isinstance(entry.record, Handoff):  # every transition, oldest first, under its line
                lines += [
                    join([cell("", 10), text(line, _MUTED)])
                    for line in history_lines(entry.record, self.lang, self._worker_names)
                ]
        if not entries:
            lines.append(text(t("no_records", self.lang), _MUTED))
        return Text("\n", end="").join(lines)

    def _note_lines(self, visit: Visit) -> list[Text]:
        """The note's lines after the first (shown in the summary), up to `NOTE_LINES` in all, and
        its resources; `…` says there is more (Enter shows the whole visit)."""
        rest = visit.note.splitlines()[1:] if visit.note else []
        shown = [join([cell("", 10), text(line, _MUTED)]) for line in rest[: NOTE_LINES - 1]]
        if len(rest) > NOTE_LINES - 1:
            shown.append(join([cell("", 10), text("…", _MUTED)]))
        if visit.resources:
            services = ", ".join(r.service for r in visit.resources)
            shown.append(
                join([cell("", 10), text(f"{t('detail_resources', self.lang)}: {services}", _MUTED)])
            )
        return shown

    def _link_steps(self) -> list[TimelineEntry]:
        """Each update of a link's outcome (described with its link by `_describe`)."""
        updates = self.repo.where(LinkOutcome, lambda row: row.get("household_id") == self.household_id)
        return [LinkStep(update.at, update) for update in updates]  # type: ignore[misc]

    def _case_events(self) -> list[TimelineEntry]:
        """Supervisory steps on the case (closure request, approval or return, reassignment, comment)
        as timeline entries."""
        return [CaseStep(event.at, event) for event in case_events_of(self.repo, self.household_id)]  # type: ignore[misc]

    def _corrections(self) -> list[TimelineEntry]:
        """Corrections of the household, its members and its visits (who, when, which fields, why)."""
        return [CorrectionStep(c.at, c) for c in corrections_of(self.repo, self.household_id)]  # type: ignore[misc]

    def _clock_steps(self) -> list[TimelineEntry]:
        """Each pause and resume of the household's clocks (its flags', its own, its tasks')."""
        return [ClockStep(step.at, step) for step in pause_steps(self.repo, self.household_id)]  # type: ignore[misc]

    def _describe(self, entry: TimelineEntry) -> tuple[str, str, str]:
        """(kind, worker, one-line summary) of a timeline entry."""
        record = entry.record
        lang = self.lang
        if isinstance(record, Visit):
            needs = ", ".join(need.label(lang) for need in record.needs)
            note = record.note.splitlines()[0] if record.note else ""
            summary = " · ".join(x for x in (needs, note) if x)
            if record.next_visit_due:
                summary += f" ({t('next_visit_due', lang)} {record.next_visit_due.isoformat()})"
            elif record.no_next_visit_reason:
                summary += f" ({t('no_next_visit_shown', lang, reason=record.no_next_visit_reason)})"
            if record.withdrawn:  # stays in the history, marked, out of the reports
                summary = f"[{t('corr_withdrawn', lang)}: {record.revision_note}] {summary}"
            elif record.revises:
                summary = f"[{t('corr_amended', lang)}] {summary}"
            return record.visit_kind.label(lang), self._worker(record.worker_id), summary
        if isinstance(record, Correction):
            return record.subject.label(lang), self._worker(record.actor_id), correction_summary(record, lang)
        if isinstance(record, CrisisFlag):
            reasons = ", ".join(reason.label(lang) for reason in record.reasons)
            return (
                f"{t('crisis_flags', lang)}",
                self._worker(record.raised_by),
                f"{record.level.label(lang)} · {reasons} · {record.state.label(lang)}",
            )
        if isinstance(record, Conference):
            item = next((a for a in record.agenda if a.household_id == self.household_id), None)
            decision = _label(item.decision, lang) if item and item.decision else record.state.label(lang)
            return record.conference_kind.label(lang), self._worker(record.facilitator_id), decision
        if isinstance(record, Handoff):
            return (
                t("handoff", lang),
                self._worker(record.from_worker_id),
                f"{record.state.label(lang)} · {record.reason}",
            )
        if isinstance(record, CaseEvent):
            summary = record.action.label(lang)
            if record.closure_reason is not None:
                summary += f" · {record.closure_reason.label(lang)}"
            if record.to_owner_id:
                summary += f" → {self._worker(record.to_owner_id)}"
            if record.note:
                summary += f" · {record.note.splitlines()[0]}"
            return t("case_event", lang), self._worker(record.actor_id), summary
        if isinstance(record, TaskChange):
            summary = record.task.title
            if record.to_owner_id:
                summary += f" → {self._worker(record.to_owner_id)}"
            if record.note:
                summary += f" · {record.note.splitlines()[0]}"
            return record.step.label(lang), self._worker(record.actor_id), summary
        if isinstance(record, LinkOutcome):
            link = next((link for link in self.links if link.id == record.link_id), None)
            what = link.service if link is not None else record.link_id
            summary = f"{what} → {record.outcome.label(lang)}"
            if record.note:
                summary += f" · {record.note}"
            return t("link_step", lang), self._worker(record.actor_id), summary
        if isinstance(record, PauseStep):
            step = t("clock_step_resumed" if record.resumed else "clock_step_paused", lang)
            summary = " · ".join(x for x in (kind_label(record.kind, lang), record.text) if x)
            return step, self._worker(record.actor_id), summary
        return type(record).__name__, "", ""

    # -- actions ---------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Forms need the household; updating and resolving need an open flag (hidden otherwise)."""
        if action in ("record_visit", "raise_flag"):
            return self.household is not None
        if action == "request_closure":
            return self.household is not None and self.household.status in CLOSABLE
        if action == "reopen":
            return self.household is not None and self.household.status is HouseholdStatus.CLOSED
        if action == "handoff":
            return self.household is not None and self.household.status is not HouseholdStatus.CLOSED
        if action in _FLAG_ACTIONS:
            return self.household is not None and bool(self.open_flags)
        if action == "pause_clock":
            return self.household is not None and bool(self.clocks)
        if action == "add_task":
            return self.household is not None and self.household.status is not HouseholdStatus.CLOSED
        if action in ("finish_task", "cancel_task", "reassign_task"):
            return self.household is not None and bool(self._open_tasks())
        if action == "link_outcome":  # `o` reopens a closed case instead
            return (
                self.household is not None
                and self.household.status is not HouseholdStatus.CLOSED
                and any(link.awaiting for link in self.links)
            )
        if action == "visit_detail":
            return self.household is not None and bool(self.visits)
        return True

    def _saved(self, result: object) -> None:
        if result is not None:
            self.refresh_records()

    def action_record_visit(self) -> None:
        if self.household is not None:
            self.app.push_screen(VisitModal(self.household.id), self._saved)

    def action_raise_flag(self) -> None:
        """A new flag; when one is open already, say so first and offer to update it instead."""
        self.refresh_records()
        household = self.household
        if household is None:
            return
        if not self.open_flags:
            self.app.push_screen(FlagModal(household.id), self._saved)
            return
        from chandong_tui.tui.modals.flag_modal import flag_summary

        def chosen(choice: str | None) -> None:
            if choice == "update":
                self._with_flag(self._update)
            elif choice == "new":
                self.app.push_screen(FlagModal(household.id, second=True), self._saved)

        open_now = "\n".join(flag_summary(flag, self.lang) for flag in self.open_flags)
        title = f"{t('err_flag_already_open', self.lang)}\n{open_now}"
        options = [
            (t("corr_flag_update_open", self.lang), "update"),
            (t("corr_flag_raise_new", self.lang), "new"),
        ]
        self.app.push_screen(ChoiceModal(title, options), chosen)

    def action_update_flag(self) -> None:
        self._with_flag(self._update)

    def action_resolve_flag(self) -> None:
        self._with_flag(self._resolve)

    def _with_flag(self, then: Callable[[CrisisFlag], None]) -> None:
        """Run `then` on the open flag: the only one, or the one picked (most urgent offered first)."""
        if self.household is None or not self.open_flags:
            return
        if len(self.open_flags) == 1:
            then(self.open_flags[0])
            return

        def picked(flag_id: str | None) -> None:
            flag = next((flag for flag in self.open_flags if flag.id == flag_id), None)
            if flag is not None:
                then(flag)

        self.app.push_screen(FlagPicker(self.open_flags), picked)

    def _update(self, flag: CrisisFlag) -> None:
        assert self.household is not None
        self.app.push_screen(FlagModal(self.household.id, flag.id), self._saved)

    def _resolve(self, flag: CrisisFlag) -> None:
        assert self.household is not None
        self.app.push_screen(ResolveFlagModal(self.household.id, flag.id), self._saved)

    def action_handoff(self) -> None:
        """Open the household's hand-off still waiting; else ask for a new one (its owner or a
        supervisor)."""
        household = self.household
        if household is None:
            return
        waiting = waiting_handoff_of(self.repo, household.id)
        if waiting is not None:
            self.ctx.nav.handoff(waiting.id)
            return
        if not is_owner_or_supervisor(self.repo.user_id, self.repo.role, household.owner_id):
            self.notify(t("handoff_not_owner", self.lang), severity="warning")
            return
        from chandong_tui.tui.modals.handoff_modal import HandoffModal

        self.app.push_screen(HandoffModal(household.id), self._saved)

    def action_request_closure(self) -> None:
        """Ask a supervisor to close the case (its owner or a supervisor): the form lists what is
        still open first, then asks the reason."""
        household = self.household
        if household is None:
            return
        if not is_owner_or_supervisor(self.repo.user_id, self.repo.role, household.owner_id):
            self.notify(t("closure_not_owner", self.lang), severity="warning")
            return
        from chandong_tui.tui.modals.closure_modal import ClosureModal

        self.app.push_screen(ClosureModal(household.id), self._saved)

    def action_reopen(self) -> None:
        """Open a closed case again, with the reason (its owner or a supervisor)."""
        household = self.household
        if household is None:
            return
        if not is_owner_or_supervisor(self.repo.user_id, self.repo.role, household.owner_id):
            self.notify(t("reopen_not_owner", self.lang), severity="warning")
            return
        from chandong_tui.tui.modals.note_modal import NoteModal

        title = t("reopen_title", self.lang, household=household_label(self.repo, household, self.lang))
        self.app.push_screen(
            NoteModal(
                title,
                t("reopen_reason", self.lang),
                lambda reason: reopen_case(self.repo, household.id, reason, at=self.now()),
            ),
            self._saved,
        )

    def action_pause_clock(self) -> None:
        """Pause one of the household's clocks with a reason, or resume a paused one (a picker asks
        which when there are several); read again first, another PC may have changed one."""
        self.refresh_records()
        if self.household is not None:
            ask_clock_step(self, self.household, self.clocks, self._saved)

    # -- follow-up tasks (`t`, `d`, `n`) -------------------------------------------------------
    def _open_tasks(self) -> list[TaskWithClock]:
        return [entry for entry in self.tasks if entry.task.state is TaskState.OPEN]

    def action_add_task(self) -> None:
        """A new task on the household (its owner, a supervisor, or anyone for themselves)."""
        if self.household is not None:
            from chandong_tui.tui.modals.task_modal import TaskModal

            self.app.push_screen(TaskModal(self.household.id), self._saved)

    def action_finish_task(self) -> None:
        self._task_step("done")

    def action_cancel_task(self) -> None:
        self._task_step("cancel")

    def action_reassign_task(self) -> None:
        self._task_step("reassign")

    def _task_step(self, step: TaskStepName) -> None:
        """Finish, cancel or reassign one of the open tasks the user may change (a picker asks which
        when there are several); read again first, another PC may have changed one."""
        self.refresh_records()
        if self.household is None:
            return
        household = self.household
        mine = [e for e in self._open_tasks() if may_act_on(self.repo, e.task, household)]
        if self._open_tasks() and not mine:
            self.notify(t("task_not_allowed", self.lang), severity="warning")
            return
        from chandong_tui.tui.modals.task_modal import ask_task_step

        ask_task_step(self, mine, step=step, done=self._saved)

    # -- corrections (`e`, `i`, `m`, `s`, `w`) ---------------------------------------------------
    def action_edit_household(self) -> None:
        if self.household is not None and not refused_before(self, CorrectionSubject.HOUSEHOLD):
            self.app.push_screen(HouseholdEditModal(self.household.id), self._saved)

    def action_add_member(self) -> None:
        if self.household is not None and not refused_before(self, CorrectionSubject.MEMBER_ADDED):
            self.app.push_screen(MemberModal(self.household.id), self._saved)

    def action_correct_member(self) -> None:
        """Pick a current member (when there are several) and correct them."""
        household = self.household
        if household is None or refused_before(self, CorrectionSubject.MEMBER):
            return
        members = [m for m in self.repo.members_of(household.id) if m.current]
        if len(members) == 1:
            self.app.push_screen(MemberModal(household.id, members[0].id), self._saved)
            return

        def picked(member_id: str | None) -> None:
            if member_id is not None:
                self.app.push_screen(MemberModal(household.id, member_id), self._saved)

        options = [
            (f"{m.name} · {m.relation.label(self.lang)} · {m.birth_date.isoformat()}", m.id) for m in members
        ]
        self.app.push_screen(ChoiceModal(t("corr_pick_member", self.lang), options), picked)

    def _my_visits(self, subject: CorrectionSubject) -> list[Visit] | None:
        """The visits (newest revisions, not withdrawn) the user may amend or withdraw; None (and one
        line saying why) when they may change none of them."""
        if self.household is None:
            return None
        visits = current_visits(self.repo, self.household.id)
        mine = [v for v in visits if may_correct(self.repo, subject, responsible=v.worker_id)]
        if visits and not mine:
            refused_before(self, subject, visits[0].worker_id)
            return None
        return mine

    def action_amend_visit(self) -> None:
        household = self.household
        visits = self._my_visits(CorrectionSubject.VISIT_REVISED)
        if household is not None and visits is not None:
            pick_visit(
                self, visits, lambda v: self.app.push_screen(VisitModal(household.id, v.id), self._saved)
            )

    def action_withdraw_visit(self) -> None:
        visits = self._my_visits(CorrectionSubject.VISIT_WITHDRAWN)
        if visits is not None:
            pick_visit(self, visits, lambda v: self.app.push_screen(withdraw_form(self, v), self._saved))

    # -- follow-up of links (`o`) and a visit read back whole (Enter) ---------------------------
    def action_link_outcome(self) -> None:
        """Update the outcome of one of the links awaiting one that the user may update (a picker
        asks which when there are several, longest waiting first)."""
        self.refresh_records()
        if self.household is None:
            return
        household = self.household
        waiting = sorted(
            (link for link in self.links if link.awaiting), key=lambda link: (link.since(), link.id)
        )
        mine = [link for link in waiting if may_update(self.repo, link, household)]
        if waiting and not mine:
            self.notify(t("err_link_not_allowed", self.lang, link=waiting[0].id), severity="warning")
            return
        from chandong_tui.tui.modals.link_modal import ask_link_outcome

        ask_link_outcome(self, mine, self._saved)

    def action_visit_detail(self) -> None:
        """Open one visit read back whole: the only one, or the one picked (newest first)."""
        from chandong_tui.tui.modals.visit_detail_modal import VisitDetailModal

        if len(self.visits) == 1:
            self.app.push_screen(VisitDetailModal(self.visits[0].id), self._saved)
            return

        def picked(visit_id: str | None) -> None:
            if visit_id:
                self.app.push_screen(VisitDetailModal(visit_id), self._saved)

        from chandong_tui.tui.modals.choice_modal import ChoiceModal

        options = [(self._visit_choice(visit), visit.id) for visit in self.visits]
        self.app.push_screen(ChoiceModal(t("visit_pick_title", self.lang), options), picked)

    def _visit_choice(self, visit: Visit) -> str:
        first = visit.note.splitlines()[0] if visit.note else ""
        parts = (
            visit.visited_on.isoformat(),
            visit.visit_kind.label(self.lang),
            self._worker(visit.worker_id),
            first,
        )
        return " · ".join(x for x in parts if x)

    def action_scroll(self, how: str) -> None:
        getattr(self.query_one("#detail", VerticalScroll), f"scroll_{how}")(animate=False)
