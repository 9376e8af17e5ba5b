"""`QueueScreen`: the supervisor queue (복지슈퍼바이저) as one keyboard list.

The sections of `casework.queue.supervisor_queue`: caseload per worker, overdue visits, clocks breached
or about to be, households with no owner, hand-offs waiting (escalated first), closures awaiting
approval. Every action is one key: `space` marks a case, `a` reassigns the marked cases (or the one
under the cursor), `y` / `n` approve or return a closure with a comment, `c` comments, Enter opens the
household (or the hand-off; on a worker's line it filters by that worker); `t`, `w`, `g`, `l` filter
by 통, worker, tag and crisis level, `x` clears the filters.

Opening the queue first marks hand-offs unanswered past their time as escalated
(`handoffs.escalate_overdue`). The queue is computed once when the screen opens, after each change
made here, and when the screen comes back to the front after the vault changed; never per key
(moving the cursor and marking only redraw lines).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from chandong_tui.casework.clock import KST
from chandong_tui.casework.errors import CaseworkError
from chandong_tui.casework.handoffs import escalate_overdue
from chandong_tui.casework.queue import ClockKind, QueueFilter, SupervisorQueue, supervisor_queue
from chandong_tui.casework.repository import HouseholdSummary
from chandong_tui.casework.supervision import approve_closure, comment, reassign, return_closure
from chandong_tui.i18n import t
from chandong_tui.model.enums import CrisisLevel, HouseholdTag, Role
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.flag_text import CLOCK_STYLES, LEVEL_STYLES, clock_label
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.handoff_modal import worker_options
from chandong_tui.tui.modals.note_modal import NoteModal
from chandong_tui.tui.text import cell, join, text
from chandong_tui.tui.widgets.footer import SteadyFooter
from chandong_tui.tui.widgets.option_lists import replace_options

if TYPE_CHECKING:
    pass

_SECTION = "bold underline"
_MUTED = "dim"
_MARK = "●"
SECTION_LIMIT = 100
"""Lines drawn per section, the most urgent first (the header counts them all; filters narrow the rest):
at dong size a section can hold a thousand late visits, and a list that long helps nobody."""
CASE_KINDS = frozenset({"visit", "clock", "unowned", "closure"})
"""Row kinds that stand for one household (they can be marked, reassigned, commented)."""


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue: what it is (`kind`), the record it names, and the household it is about."""

    key: str
    kind: str
    household_id: str | None = None
    record_id: str = ""


class QueueScreen(ChandongScreen[None]):
    """What needs a supervisor now, and the keys to act on it."""

    HELP_TITLE = "queue_title"

    DEFAULT_CSS = """
    QueueScreen #queue-title { height: 1; padding: 0 1; background: $primary 30%; }
    QueueScreen #queue-filters { height: 1; padding: 0 1; }
    QueueScreen #queue-list { height: 1fr; border: none; padding: 0;
        text-wrap: nowrap; text-overflow: ellipsis; }
    """

    BINDING_GROUP = "queue"
    BACK_KEYS = "escape,backspace"
    QUIT_IN_FOOTER = False
    BINDINGS = [
        Binding("space", "mark", "key_mark", id="queue.mark", show=True, tooltip="tip_mark"),
        Binding("a", "reassign", "key_reassign", id="queue.reassign", show=True, tooltip="tip_reassign"),
        Binding(
            "y",
            "approve_closure",
            "key_approve_closure",
            id="queue.approve",
            show=True,
            tooltip="tip_approve_closure",
        ),
        Binding(
            "n",
            "return_closure",
            "key_return_closure",
            id="queue.return",
            show=True,
            tooltip="tip_return_closure",
        ),
        Binding("c", "comment", "key_comment", id="queue.comment", show=True, tooltip="tip_comment"),
        Binding("t", "filter_tong", "key_filter_tong", id="queue.tong", show=True, tooltip="tip_filter_tong"),
        Binding(
            "w",
            "filter_worker",
            "key_filter_worker",
            id="queue.worker",
            show=True,
            tooltip="tip_filter_worker",
        ),
        Binding("g", "filter_tag", "key_filter_tag", id="queue.tag", show=True, tooltip="tip_filter_tag"),
        Binding(
            "l", "filter_level", "key_filter_level", id="queue.level", show=True, tooltip="tip_filter_level"
        ),
        Binding(
            "x",
            "clear_queue_filters",
            "key_clear_queue_filters",
            id="queue.clear",
            show=True,
            tooltip="tip_clear_queue_filters",
        ),
        Binding("enter", "open_item", "key_open", id="queue.open", show=False, tooltip="tip_open_queue_item"),
        Binding(
            "f5", "refresh_queue", "key_refresh", id="queue.refresh", show=False, tooltip="tip_refresh_queue"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = QueueFilter()
        self.queue: SupervisorQueue | None = None
        """The queue as last computed."""
        self.marked: set[str] = set()
        """Households marked for a reassignment of many."""
        self.rows: dict[str, QueueRow] = {}
        self.computed = 0
        """How many times the queue was computed (once per open and per change, never per key)."""
        self._names: dict[str, str] = {}
        self._households: dict[str, HouseholdSummary] = {}
        self._lines: dict[str, Callable[[], Text]] = {}
        self._cursor_kind: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="queue-title")
        yield Static("", id="queue-filters")
        yield OptionList(id="queue-list")
        yield SteadyFooter()

    def on_mount(self) -> None:
        escalate_overdue(self.repo, at=self.now())
        self._names = {w.id: w.name for w in self.repo.workers()}
        self.reload()
        self.query_one("#queue-list", OptionList).focus()

    # -- computing and drawing -------------------------------------------------------------
    def reload(self) -> None:
        """Compute the queue and redraw the list, the cursor kept on the same line when it is still there."""
        self.queue = supervisor_queue(self.repo, self.now(), self.filters)
        self.computed += 1
        self._households = {s.id: s for s in self.repo.household_summaries()}
        self.marked &= set(self._households)
        self._draw()

    def _draw(self) -> None:
        queue = self.queue
        assert queue is not None
        at = queue.at.astimezone(KST)
        self.query_one("#queue-title", Static).update(
            text(f"{t('queue_title', self.lang)} · {at:%Y-%m-%d %H:%M}", "bold")
        )
        self._draw_filters()
        options = self.query_one("#queue-list", OptionList)
        self.rows, self._lines = {}, {}
        items: list[Option] = []
        sections: list[tuple[str, list[tuple[QueueRow, Callable[[], Text]]]]] = [
            ("queue_caseload", [self._caseload_row(c) for c in queue.caseload]),
            ("queue_overdue_visits", [self._visit_row(v) for v in queue.overdue_visits]),
            ("queue_clocks", [self._clock_row(c) for c in queue.clocks]),
            ("queue_unowned", [self._unowned_row(r) for r in queue.unowned]),
            ("queue_handoffs", [self._handoff_row(w) for w in queue.handoffs]),
            ("queue_closures", [self._closure_row(c) for c in queue.closures]),
            ("section_links_check", [self._link_row(link) for link in queue.links]),
        ]
        for key, entries in sections:
            items.append(
                Option(
                    text(f"{t(key, self.lang)} ({len(entries)})", _SECTION),
                    id=f"section:{key}",
                    disabled=True,
                )
            )
            for row, line in entries[:SECTION_LIMIT]:
                if row.key in self.rows:
                    continue  # one line per record (a household can be late and unowned: both sections)
                self.rows[row.key] = row
                self._lines[row.key] = line
                items.append(Option(line(), id=row.key))
            if len(entries) > SECTION_LIMIT:
                more = t("queue_more", self.lang, n=len(entries) - SECTION_LIMIT)
                items.append(Option(text(f"  {more}", _MUTED), id=f"more:{key}", disabled=True))
            if not entries:
                items.append(
                    Option(
                        text(f"  {t('nothing_to_do', self.lang)}", _MUTED), id=f"none:{key}", disabled=True
                    )
                )
        replace_options(options, items)
        self.refresh_bindings()

    def _draw_filters(self) -> None:
        lang, f = self.lang, self.filters
        parts = []
        if f.tong is not None:
            parts.append(t("queue_filter_tong", lang, tong=f.tong))
        if f.worker_id is not None:
            parts.append(t("queue_filter_worker", lang, name=self._names.get(f.worker_id, f.worker_id)))
        if f.tag is not None:
            parts.append(t("queue_filter_tag", lang, tag=HouseholdTag(f.tag).label(lang)))
        if f.level is not None:
            parts.append(t("queue_filter_level", lang, level=CrisisLevel(f.level).label(lang)))
        line = t("queue_filters", lang, filters=" · ".join(parts) if parts else t("queue_no_filter", lang))
        if self.marked:
            line += f" · {t('queue_marked', lang, n=len(self.marked))}"
        self.query_one("#queue-filters", Static).update(text(line, _MUTED))

    def _household_cells(self, household_id: str | None) -> list[Text]:
        summary = self._households.get(household_id or "")
        if summary is None:
            return [cell("", 6), cell(household_id or "", 10)]
        return [cell(f"{summary.tong}-{summary.ban}", 6), cell(summary.head_name or summary.id, 10)]

    def _owner(self, worker_id: str | None) -> str:
        return self._names.get(worker_id, worker_id) if worker_id else t("queue_no_owner", self.lang)

    def _mark(self, household_id: str | None) -> Text:
        return cell(_MARK if household_id in self.marked else "", 2, "bold")

    def _caseload_row(self, load: object) -> tuple[QueueRow, Callable[[], Text]]:
        from chandong_tui.casework.queue import Caseload

        assert isinstance(load, Caseload)
        row = QueueRow(f"worker:{load.worker_id}", "worker", record_id=load.worker_id)
        try:
            role = Role(load.role).label(self.lang)
        except ValueError:
            role = load.role
        counts = t(
            "queue_caseload_line",
            self.lang,
            households=load.households,
            flags=load.open_flags,
            overdue=load.overdue_visits,
            tasks=load.open_tasks,
            late=load.overdue_tasks,
            handoffs=load.handoffs_waiting,
        )
        return row, lambda: join(
            [cell("", 2), cell(load.name or load.worker_id, 8), cell(role, 10, _MUTED), text(counts)]
        )

    def _visit_row(self, visit: object) -> tuple[QueueRow, Callable[[], Text]]:
        from chandong_tui.casework.queue import OverdueVisit

        assert isinstance(visit, OverdueVisit)
        hid = visit.household.id
        row = QueueRow(f"visit:{hid}", "visit", hid, hid)
        late = (self.queue.at.astimezone(KST).date() - visit.due_on).days if self.queue else 0  # type: ignore[union-attr]
        return row, lambda: join(
            [
                self._mark(hid),
                cell(visit.due_on.isoformat(), 10),
                cell(t("due_overdue", self.lang, days=late), 11, "bold"),
                *self._household_cells(hid),
                text(self._owner(visit.household.owner_id), _MUTED),
            ]
        )

    def _clock_row(self, item: object) -> tuple[QueueRow, Callable[[], Text]]:
        from chandong_tui.casework.queue import ClockItem

        assert isinstance(item, ClockItem)
        hid = item.household.id if item.household else None
        row = QueueRow(
            f"clock:{item.kind.value}:{item.record_id}", "clock" if hid else "task", hid, item.record_id
        )
        kind = {
            ClockKind.FIRST_VISIT: t("clock_first_visit", self.lang),
            ClockKind.TASK: t("clock_task", self.lang),
            ClockKind.NEXT_VISIT: t("clock_next_visit", self.lang),
        }[item.kind]
        style = LEVEL_STYLES.get(item.title, "") if item.kind is ClockKind.FIRST_VISIT else ""
        title = "" if item.kind is ClockKind.FIRST_VISIT else item.title
        return row, lambda: join(
            [
                self._mark(hid),
                cell(kind, 12, style),
                cell(clock_label(item.deadline, self.lang), 16, CLOCK_STYLES[item.deadline.state]),
                *self._household_cells(hid),
                cell(self._owner(item.owner_id), 8, _MUTED),
                text(title),
            ]
        )

    def _unowned_row(self, case: object) -> tuple[QueueRow, Callable[[], Text]]:
        from chandong_tui.casework.queue import CaseRow

        assert isinstance(case, CaseRow)
        row = QueueRow(f"unowned:{case.id}", "unowned", case.id, case.id)
        address = self._households[case.id].address if case.id in self._households else ""
        level = CrisisLevel(case.level).label(self.lang) if case.level else ""
        return row, lambda: join(
            [
                self._mark(case.id),
                *self._household_cells(case.id),
                cell(level, 4, LEVEL_STYLES.get(case.level or "", "")),
                text(address, _MUTED),
            ]
        )

    def _handoff_row(self, waiting: object) -> tuple[QueueRow, Callable[[], Text]]:
        from chandong_tui.casework.queue import WaitingHandoff

        assert isinstance(waiting, WaitingHandoff)
        handoff = waiting.handoff
        row = QueueRow(f"handoff:{handoff.id}", "handoff", handoff.household_id, handoff.id)
        to = self._owner(handoff.to_worker_id) if handoff.to_worker_id else handoff.target.label(self.lang)
        flag = "!" if waiting.escalated else ""
        sent = f"{waiting.sent_at.astimezone(KST):%m-%d}" if waiting.sent_at else ""
        return row, lambda: join(
            [
                cell(flag, 2, "bold white on red" if flag else ""),
                cell(sent, 5),
                cell(handoff.state.label(self.lang), 6),
                cell(f"{self._owner(handoff.from_worker_id)}→{to}", 14),
                *self._household_cells(handoff.household_id),
                text(handoff.reason),
            ]
        )

    def _closure_row(self, closure: object) -> tuple[QueueRow, Callable[[], Text]]:
        from chandong_tui.casework.queue import ClosureAwaiting

        assert isinstance(closure, ClosureAwaiting)
        hid = closure.household.id
        row = QueueRow(f"closure:{hid}", "closure", hid, hid)
        request = closure.request
        asked = (
            t("queue_requested_on", self.lang, day=f"{request.at.astimezone(KST):%m-%d}") if request else ""
        )
        note = request.note.splitlines()[0] if request and request.note else ""
        if request is not None and request.closure_reason is not None:  # why it closes, then the note
            note = " · ".join(x for x in (request.closure_reason.label(self.lang), note) if x)
        who = self._owner(request.actor_id) if request else ""
        return row, lambda: join(
            [self._mark(hid), *self._household_cells(hid), cell(asked, 10), cell(who, 8, _MUTED), text(note)]
        )

    def _link_row(self, link: object) -> tuple[QueueRow, Callable[[], Text]]:
        """A link still 요청/진행중 past the vault's days (처리결과 확인 필요); Enter opens its household."""
        from chandong_tui.casework.links import Link

        assert isinstance(link, Link)
        row = QueueRow(f"link:{link.id}", "link", link.household_id, link.id)
        days = t(
            "link_waiting_days",
            self.lang,
            days=link.waiting_days(self.queue.at if self.queue else self.now()),
        )
        what = " / ".join(x for x in (link.agency, link.service) if x)
        return row, lambda: join(
            [
                cell("", 2),
                *self._household_cells(link.household_id),
                cell(f"{link.outcome.label(self.lang)} {days}", 14, "bold"),
                cell(self._owner(link.linked_by), 8, _MUTED),
                text(what),
            ]
        )

    # -- the line under the cursor ---------------------------------------------------------
    @property
    def current(self) -> QueueRow | None:
        option = self.query_one("#queue-list", OptionList).highlighted_option
        return self.rows.get(option.id or "") if option is not None else None

    @on(OptionList.OptionHighlighted, "#queue-list")
    def follow_cursor(self) -> None:
        """The keys offered follow the kind of line (approve only on a closure); the footer is
        redrawn only when that kind changes, not on every move."""
        row = self.current
        kind = row.kind if row is not None else None
        if kind != self._cursor_kind:
            self._cursor_kind = kind
            self.refresh_bindings()

    @on(OptionList.OptionSelected, "#queue-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_item()

    def _targets(self) -> list[str]:
        """The marked households, else the one under the cursor."""
        if self.marked:
            return sorted(self.marked)
        row = self.current
        return [row.household_id] if row is not None and row.kind in CASE_KINDS and row.household_id else []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.current
        if action in ("approve_closure", "return_closure"):
            return row is not None and row.kind == "closure"
        if action == "mark":
            return row is not None and row.kind in CASE_KINDS
        if action == "reassign":
            return bool(self.marked) or (row is not None and row.kind in CASE_KINDS)
        if action == "comment":
            return row is not None and row.household_id is not None
        if action == "clear_queue_filters":
            return self.filters != QueueFilter()
        return True

    # -- actions ---------------------------------------------------------------------------
    def action_mark(self) -> None:
        row = self.current
        if row is None or row.kind not in CASE_KINDS or row.household_id is None:
            return
        self.marked ^= {row.household_id}
        options = self.query_one("#queue-list", OptionList)
        for key, other in self.rows.items():  # the same household can be on several lines
            if other.household_id == row.household_id and other.kind in CASE_KINDS:
                options.replace_option_prompt(key, self._lines[key]())
        self._draw_filters()
        if options.highlighted is not None and options.highlighted + 1 < options.option_count:
            options.action_cursor_down()  # mark, mark, mark down the list
        self.refresh_bindings()

    def action_reassign(self) -> None:
        ids = self._targets()
        if not ids:
            self.notify(t("queue_nothing_to_reassign", self.lang), severity="warning")
            return

        def picked(worker_id: str | None) -> None:
            if not worker_id:
                return
            if self._act(lambda: reassign(self.repo, ids, worker_id, at=self.now())):
                name = self._names.get(worker_id, worker_id)
                self.notify(t("queue_reassigned", self.lang, n=len(ids), name=name), timeout=3)
                self.marked.clear()
                self.refresh_records()

        title = t("queue_pick_worker", self.lang, n=len(ids))
        self.app.push_screen(ChoiceModal(title, worker_options(self.repo, self.lang)), picked)

    def _act(self, step: Callable[[], object]) -> bool:
        try:
            step()
        except CaseworkError as exc:
            self.notify(exc.message(self.lang), severity="error")
            return False
        return True

    def _note(self, title: str, label: str, save: Callable[[str], object]) -> None:
        row = self.current
        if row is None or row.household_id is None:
            return
        summary = self._households.get(row.household_id)
        name = summary.head_name if summary else row.household_id

        def done(result: object) -> None:
            if result is not None:
                self.refresh_records()

        self.app.push_screen(NoteModal(t(title, self.lang, household=name), t(label, self.lang), save), done)

    def action_approve_closure(self) -> None:
        row = self.current
        if row is not None and row.kind == "closure" and row.household_id:
            hid = row.household_id
            self._note(
                "closure_approve_title",
                "comment",
                lambda note: approve_closure(self.repo, hid, note, at=self.now()),
            )

    def action_return_closure(self) -> None:
        row = self.current
        if row is not None and row.kind == "closure" and row.household_id:
            hid = row.household_id
            self._note(
                "closure_return_title",
                "comment",
                lambda note: return_closure(self.repo, hid, note, at=self.now()),
            )

    def action_comment(self) -> None:
        row = self.current
        if row is not None and row.household_id:
            hid = row.household_id
            self._note("comment_title", "comment", lambda note: comment(self.repo, hid, note, at=self.now()))

    def action_open_item(self) -> None:
        row = self.current
        if row is None:
            return
        if row.kind == "worker":
            same = self.filters.worker_id == row.record_id
            self._filter(worker_id=None if same else row.record_id)
        elif row.kind == "handoff":
            self.ctx.nav.handoff(row.record_id)
        elif row.household_id is not None:
            self.ctx.nav.household(row.household_id)

    # -- filters ---------------------------------------------------------------------------
    def _filter(self, **changes: object) -> None:
        self.filters = replace(self.filters, **changes)  # type: ignore[arg-type]
        self.refresh_records()

    def _ask(
        self, title: str, options: list[tuple[str, str]], field: str, convert: Callable[[str], object] = str
    ) -> None:
        current = getattr(self.filters, field)
        choices = [(t("queue_any", self.lang), ""), *options]

        def picked(value: str | None) -> None:
            if value is not None:
                self._filter(**{field: convert(value) if value else None})

        chosen = "" if current is None else str(current)
        self.app.push_screen(ChoiceModal(t(title, self.lang), choices, chosen), picked)

    def action_filter_tong(self) -> None:
        tongs = sorted({s.tong for s in self._households.values()})
        self._ask(
            "queue_pick_tong",
            [(t("queue_filter_tong", self.lang, tong=n), str(n)) for n in tongs],
            "tong",
            int,
        )

    def action_filter_worker(self) -> None:
        self._ask("queue_pick_filter_worker", worker_options(self.repo, self.lang), "worker_id")

    def action_filter_tag(self) -> None:
        self._ask("queue_pick_tag", [(tag.label(self.lang), tag.value) for tag in HouseholdTag], "tag")

    def action_filter_level(self) -> None:
        self._ask(
            "queue_pick_level", [(level.label(self.lang), level.value) for level in CrisisLevel], "level"
        )

    def action_clear_queue_filters(self) -> None:
        self._filter(tong=None, worker_id=None, tag=None, level=None)

    def action_refresh_queue(self) -> None:
        self.refresh_records()
