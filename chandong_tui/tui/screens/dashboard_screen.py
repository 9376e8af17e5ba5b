"""내 업무 (my work): the first screen after unlock.

Open crisis flags with their 72-hour first-visit clock (counting down; highlighted under 12 hours;
marked once breached), visits due today or overdue, hand-offs waiting for the user, upcoming case
conferences, open tasks and links waiting too long for their outcome (처리결과 확인 필요). Enter opens
the household of the line under the cursor (a link: its outcome form); `g` lists every link of the
user's still awaiting an outcome, to record one. The clocks tick
every `TICK_S` seconds while the screen is in front; the lists are read again when records change
(`reload`, through `RecordsChanged`; a hidden 내 업무 waits until it is back in front).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from chandong_tui.casework.clock import KST, ClockState, first_visit_clock
from chandong_tui.casework.links import Link
from chandong_tui.casework.my_work import DueVisit, FlagWithClock, MyWork, my_work
from chandong_tui.casework.repository import HouseholdSummary
from chandong_tui.i18n import t
from chandong_tui.model.records import Conference, Handoff, Task
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.bindings import hide_binding
from chandong_tui.tui.flag_text import CLOCK_STYLES, LEVEL_STYLES, clock_label
from chandong_tui.tui.signed_in import SUPERVISOR, signed_in_line
from chandong_tui.tui.text import cell, join, text
from chandong_tui.tui.widgets.footer import SteadyFooter
from chandong_tui.tui.widgets.work_list import WorkItem, WorkList

TICK_S = 30
"""Seconds between clock updates (a minute-resolution clock; fewer repaints over SSH)."""

SECTION_LIMIT = 100
"""Items shown per section (the most urgent first); the count in the header is the full number."""

_SECTION = "bold underline"
_MUTED = "dim"


class DashboardScreen(ChandongScreen[None]):
    """What the signed-in worker has to do now."""

    BINDINGS = [
        Binding("slash,s", "search", "key_search", id="dashboard.search", show=True, tooltip="tip_search"),
        Binding(
            "l",
            "app.show_households",
            "key_households",
            id="dashboard.households",
            show=True,
            tooltip="tip_households",
        ),
        Binding(
            "ctrl+r,r",
            "app.open_report",
            "key_report",
            id="dashboard.report",
            show=True,
            tooltip="tip_report",
        ),
        Binding("q", "app.open_queue", "key_queue", id="dashboard.queue", show=True, tooltip="tip_queue"),
        Binding(
            "a",
            "app.open_access_log",
            "key_access_log",
            id="dashboard.access_log",
            show=True,
            tooltip="tip_access_log",
        ),
        Binding(
            "o",
            "sent_handoffs",
            "key_sent_handoffs",
            id="dashboard.sent_handoffs",
            show=True,
            tooltip="tip_sent_handoffs",
        ),
        Binding(
            "k",
            "app.open_conflicts",
            "key_conflicts",
            id="dashboard.conflicts",
            show=True,
            tooltip="tip_conflicts",
        ),
        Binding("g", "my_links", "key_my_links", id="dashboard.my_links", show=False, tooltip="tip_my_links"),
        Binding(
            "f5", "refresh_work", "key_refresh", id="dashboard.refresh", show=False, tooltip="tip_refresh"
        ),
    ]
    BINDING_GROUP = "dashboard"

    def __init__(self) -> None:
        super().__init__()
        self.work: MyWork | None = None
        self._names: dict[str, str] = {}
        if self.repo.role != SUPERVISOR:
            hide_binding(self, "app.open_report")
            hide_binding(self, "app.open_queue")
            hide_binding(self, "app.open_access_log")

    def compose(self) -> ComposeResult:
        yield Static("", id="dashboard-title")
        yield Static("", id="dashboard-summary")
        yield WorkList(id="work")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self._names = {worker.id: worker.name for worker in self.repo.workers()}
        self.reload()
        self.query_one("#work", WorkList).focus()
        self.set_interval(TICK_S, self.tick)

    def resumed_unchanged(self) -> None:
        """Back in front, no record changed meanwhile: only the clocks move on to now."""
        self.tick()

    def action_refresh_work(self) -> None:
        self.refresh_records()

    def reload(self) -> None:
        """Read the work again and redraw."""
        self.work = my_work(self.repo, self.now())
        self._draw()

    def tick(self) -> None:
        """Move the clocks on without reading the vault again, while this screen is on top (Textual
        counts the screen right under the top one as current too: a redraw there would cost work
        and repaint the screen above it; coming back draws it anew anyway)."""
        if self.work is None or self.app.screen is not self:
            return
        at = self.now()
        self.work.at = at
        self.work.flags = [
            FlagWithClock(item.flag, item.household, first_visit_clock(item.flag, at))
            for item in self.work.flags
        ]
        self._draw()

    # -- drawing ---------------------------------------------------------------------------
    def _draw(self) -> None:
        work = self.work
        assert work is not None
        now = work.at.astimezone(KST)
        title = signed_in_line(self.repo, self.lang)
        self.query_one("#dashboard-title", Static).update(
            text(f"{t('my_work', self.lang)} · {title} · {now:%Y-%m-%d %H:%M}")
        )
        breached = sum(1 for f in work.flags if f.clock.state is ClockState.BREACHED)
        self.query_one("#dashboard-summary", Static).update(
            text(
                t(
                    "dashboard_summary",
                    self.lang,
                    flags=len(work.flags),
                    breached=breached,
                    visits=len(work.visits_due),
                    handoffs=len(work.handoffs),
                    conferences=len(work.conferences),
                )
                + (f" · {t('whole_dong', self.lang)}" if work.whole_dong else "")
            )
        )
        self.query_one("#work", WorkList).show(self._items(work))

    def _items(self, work: MyWork) -> list[WorkItem]:
        today = work.at.astimezone(KST).date()
        sections: list[tuple[str, list[Any], Callable[[Any], WorkItem]]] = [
            ("section_flags", work.flags, self._flag_item),
            ("section_visits_due", work.visits_due, lambda v: self._visit_item(v, today, work.whole_dong)),
            ("section_handoffs", work.handoffs, self._handoff_item),
            ("section_conferences", work.conferences, self._conference_item),
            ("section_tasks", work.tasks, self._task_item),
            ("section_links_check", work.links, self._link_item),
        ]
        items: list[WorkItem] = []
        for key, entries, item_of in sections:
            items.append(
                WorkItem(text(f"{t(key, self.lang)} ({len(entries)})", _SECTION), key=f"section:{key}")
            )
            # The most urgent first; the rest is one search away (a list of thousands helps nobody).
            items.extend(item_of(entry) for entry in entries[:SECTION_LIMIT])
            if len(entries) > SECTION_LIMIT:
                more = t("section_more", self.lang, n=len(entries) - SECTION_LIMIT)
                items.append(WorkItem(text(f"  {more}", _MUTED), key=f"more:{key}"))
            if not entries:
                items.append(WorkItem(text(f"  {t('nothing_to_do', self.lang)}", _MUTED), key=f"none:{key}"))
        return items

    def _household_cells(self, household: HouseholdSummary | None, fallback: str) -> list[Text]:
        if household is None:
            return [cell("", 5), cell(fallback, 10)]
        return [*self._named(household, fallback), text(household.address, _MUTED)]

    def _named(self, household: HouseholdSummary | None, fallback: str | None) -> list[Text]:
        """통-반 and the head of household, for lines about a household (tasks, hand-offs)."""
        if household is None:
            return [cell("", 5), cell(fallback or "", 10)]
        return [cell(f"{household.tong}-{household.ban}", 5), cell(household.head_name or household.id, 10)]

    def _flag_item(self, item: FlagWithClock) -> WorkItem:
        flag, clock = item.flag, item.clock
        state = clock_label(clock, self.lang)
        line = join(
            [
                cell("", 1),
                cell(flag.level.label(self.lang), 6, LEVEL_STYLES.get(flag.level.value, "")),
                cell(state, 20, CLOCK_STYLES[clock.state]),
                *self._household_cells(item.household, flag.household_id),
            ]
        )
        return WorkItem(line, flag.household_id, key=f"flag:{flag.id}")

    def _visit_item(self, due: DueVisit, today: dt.date, whole_dong: bool) -> WorkItem:
        """A next-visit clock due; on the whole dong's list, whose clock it is (each worker has one)."""
        household, due_on = due.household, due.due_on
        late = (today - due_on).days
        when = t("due_today", self.lang) if late == 0 else t("due_overdue", self.lang, days=late)
        whose = [cell(self._names.get(due.worker_id, due.worker_id), 8)] if whole_dong else []
        line = join(
            [
                cell("", 1),
                cell(due_on.isoformat(), 10),
                cell(when, 11, "bold" if late > 0 else ""),
                *whose,
                *self._household_cells(household, household.id),
            ]
        )
        key = f"due:{household.id}:{due.worker_id}" if whole_dong else f"due:{household.id}"
        return WorkItem(line, household.id, key=key)

    def _handoff_item(self, handoff: Handoff) -> WorkItem:
        sender = self._names.get(handoff.from_worker_id, handoff.from_worker_id)
        household = self.work.households.get(handoff.household_id) if self.work else None
        line = join(
            [
                cell("", 1),
                cell(sender, 10),
                cell(handoff.state.label(self.lang), 6),
                *self._named(household, handoff.household_id),
                text(handoff.reason),
            ]
        )
        return WorkItem(line, handoff.household_id, key=f"handoff:{handoff.id}")

    def _conference_item(self, conference: Conference) -> WorkItem:
        first = conference.agenda[0].household_id if conference.agenda else None
        line = join(
            [
                cell("", 1),
                cell(f"{conference.scheduled_at.astimezone(KST):%m-%d %H:%M}", 11),
                cell(conference.conference_kind.label(self.lang), 14),
                text(t("agenda_count", self.lang, n=len(conference.agenda))),
                text(f" {conference.place}", _MUTED),
            ]
        )
        # Enter opens the conference (its agenda leads on to the households).
        return WorkItem(line, first or conference.id, key=f"conference:{conference.id}")

    def _task_item(self, task: Task) -> WorkItem:
        household = self.work.households.get(task.household_id or "") if self.work else None
        line = join(
            [
                cell("", 1),
                cell(task.due_on.isoformat(), 10),
                *self._named(household, task.household_id),
                text(task.title),
            ]
        )
        return WorkItem(line, task.household_id, key=f"task:{task.id}")

    def _link_item(self, link: Link) -> WorkItem:
        days = t(
            "link_waiting_days", self.lang, days=link.waiting_days(self.work.at if self.work else self.now())
        )
        what = " / ".join(x for x in (link.agency, link.service) if x)
        line = join(
            [
                cell("", 1),
                cell(link.requested_on.isoformat(), 10),
                cell(f"{link.outcome.label(self.lang)} {days}", 14, "bold"),
                text(what),
            ]
        )
        return WorkItem(line, link.household_id, key=f"link:{link.id}")

    # -- actions ---------------------------------------------------------------------------
    @on(WorkList.Opened)
    def open_item(self, event: WorkList.Opened) -> None:
        """A hand-off opens its own screen (to answer it), a conference its agenda; the rest the
        household."""
        option = self.query_one("#work", WorkList).highlighted_option
        kind, _, record_id = (option.id or "").partition(":") if option is not None else ("", "", "")
        if kind == "handoff":
            self.ctx.nav.handoff(record_id)
        elif kind == "conference":
            self.ctx.nav.conference(record_id)
        elif kind == "link":
            from chandong_tui.tui.modals.link_modal import open_link_form

            open_link_form(self, record_id, self._saved)
        else:
            self.ctx.nav.household(event.household_id)

    def action_sent_handoffs(self) -> None:
        """Pick one of the hand-offs the user sent that are still open (those returned with a
        question first) and open it, to answer or withdraw it."""
        from chandong_tui.casework.handoffs import sent_waiting

        sent = sent_waiting(self.repo)
        if not sent:
            self.notify(t("no_sent_handoffs", self.lang), timeout=3)
            return
        summaries = {s.id: s for s in self.repo.household_summaries()}
        options = []
        for handoff in sent:
            household = summaries.get(handoff.household_id)
            name = household.head_name if household else handoff.household_id
            options.append((f"{handoff.state.label(self.lang)} · {name} · {handoff.reason}", handoff.id))

        def picked(handoff_id: str | None) -> None:
            if handoff_id:
                self.ctx.nav.handoff(handoff_id)

        from chandong_tui.tui.modals.choice_modal import ChoiceModal

        self.app.push_screen(ChoiceModal(t("sent_handoffs_title", self.lang), options), picked)

    def action_my_links(self) -> None:
        """My links still awaiting an outcome (longest waiting first): pick one to record its outcome."""
        from chandong_tui.casework.links import list_links
        from chandong_tui.tui.modals.link_modal import ask_link_outcome

        ask_link_outcome(self, list_links(self.repo, self.now(), open_only=True, mine=True), self._saved)

    def _saved(self, result: object) -> None:
        if result is not None:
            self.refresh_records()

    def action_search(self) -> None:
        self.ctx.nav.households()
