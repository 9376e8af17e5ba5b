"""`HandoffScreen`: one hand-off (사례 이관), its history, and the answers the user may give.

The receiver (or a supervisor, who also records the answer of another dong or the gu) accepts (`a`),
declines with a reason (`d`) or sends it back with a question (`r`); the sender (or a supervisor)
answers a question (`n`) or withdraws the hand-off (`c`). Keys that do not fit the hand-off's state or
the user are hidden. `o` opens the household. Every step goes through `casework.handoffs` and is kept
in the hand-off's history, shown here oldest first.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from chandong_tui.casework.clock import KST
from chandong_tui.casework.deadlines import settings_of
from chandong_tui.casework.errors import CaseworkError, NotFound
from chandong_tui.casework.handoffs import (
    WAITING,
    accept_handoff,
    answer_handoff,
    cancel_handoff,
    decline_handoff,
    escalation_at,
    get_handoff,
    history_lines,
    is_escalated,
    return_handoff,
)
from chandong_tui.casework.permissions import is_owner_or_supervisor
from chandong_tui.i18n import t
from chandong_tui.model.enums import HandoffState, HandoffTarget, Role
from chandong_tui.model.records import Handoff
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.modals.confirm_modal import ConfirmModal
from chandong_tui.tui.modals.note_modal import NoteModal
from chandong_tui.tui.modals.visit_modal import household_label
from chandong_tui.tui.text import cell, join, text
from chandong_tui.tui.widgets.footer import SteadyFooter

_MUTED = "dim"
RECEIVER_ACTIONS = ("accept", "decline", "return_question")
SENDER_ACTIONS = ("answer", "cancel_handoff")


def may_answer(handoff: Handoff, user_id: str, role: str) -> bool:
    """Whether the user may accept, decline or return it now."""
    if handoff.state is not HandoffState.REQUESTED:
        return False
    if role == Role.SUPERVISOR:
        return True
    return handoff.target is HandoffTarget.WORKER and handoff.to_worker_id == user_id


def may_change(handoff: Handoff, user_id: str, role: str) -> bool:
    """Whether the user may answer a question on it or withdraw it (its sender, or a supervisor)."""
    return handoff.state in WAITING and is_owner_or_supervisor(user_id, role, handoff.from_worker_id)


class HandoffScreen(ChandongScreen[None]):
    """One hand-off and what can be done with it."""

    HELP_TITLE = "handoff"

    BINDING_GROUP = "handoff"
    BACK_KEYS = "escape,backspace"
    QUIT_IN_FOOTER = False
    BINDINGS = [
        Binding("a", "accept", "key_accept", id="handoff.accept", show=True, tooltip="tip_accept"),
        Binding("d", "decline", "key_decline", id="handoff.decline", show=True, tooltip="tip_decline"),
        Binding(
            "r",
            "return_question",
            "key_return_question",
            id="handoff.return",
            show=True,
            tooltip="tip_return_question",
        ),
        Binding("n", "answer", "key_answer", id="handoff.answer", show=True, tooltip="tip_answer"),
        Binding(
            "c",
            "cancel_handoff",
            "key_cancel_handoff",
            id="handoff.cancel",
            show=True,
            tooltip="tip_cancel_handoff",
        ),
        Binding(
            "o",
            "open_household",
            "key_open_household",
            id="handoff.household",
            show=True,
            tooltip="tip_open_household",
        ),
    ]

    def __init__(
        self,
        handoff_id: str,
    ) -> None:
        super().__init__()
        self.handoff_id = handoff_id
        self.handoff: Handoff | None = None
        """The hand-off as last read."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="handoff-detail"):
            yield Static(id="handoff-body")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#handoff-detail").focus()

    def reload(self) -> None:
        try:
            self.handoff = get_handoff(self.repo, self.handoff_id)
        except NotFound:
            self.handoff = None
        self.query_one("#handoff-body", Static).update(self._body())
        self.refresh_bindings()

    def _names(self) -> dict[str, str]:
        return {w.id: w.name for w in self.repo.workers()}

    def _worker(self, worker_id: str | None) -> str:
        worker = self.repo.worker(worker_id) if worker_id else None
        return worker.name if worker else (worker_id or t("none", self.lang))

    def _field(self, key: str, value: str, style: str = "") -> Text:
        return join([cell(t(key, self.lang), 12, _MUTED), text(value, style)])

    def _body(self) -> Text:
        lang, handoff = self.lang, self.handoff
        if handoff is None:
            return text(t("household_missing", lang), "bold")
        household = self.repo.household(handoff.household_id)
        label = household_label(self.repo, household, lang) if household else handoff.household_id
        if handoff.target is HandoffTarget.WORKER:
            to = f"{handoff.target.label(lang)} · {self._worker(handoff.to_worker_id)}"
        elif handoff.target is HandoffTarget.DONG:
            to = f"{handoff.target.label(lang)} · {handoff.to_dong_code or ''}"
        else:
            to = handoff.target.label(lang)
        lines = [
            text(t("handoff_title", lang, household=label), "bold"),
            self._field("handoff_from", self._worker(handoff.from_worker_id)),
            self._field("handoff_to", to),
            self._field("handoff_state", handoff.state.label(lang), "bold"),
            self._field("handoff_reason", handoff.reason),
        ]
        if handoff.summary:
            lines.append(self._field("handoff_summary", handoff.summary))
        settings = settings_of(self.repo)
        if is_escalated(handoff, self.now(), settings):
            days = settings.handoff_escalation_working_days
            lines.append(text(t("handoff_escalated", lang, days=days), "bold"))
        elif (due := escalation_at(handoff, settings)) is not None:
            lines.append(
                text(t("handoff_escalates_at", lang, at=f"{due.astimezone(KST):%Y-%m-%d %H:%M}"), _MUTED)
            )
        lines.append(text(""))
        lines.append(text(t("handoff_history", lang), "bold"))
        lines += [text(f"  {line}") for line in history_lines(handoff, lang, self._names())]
        return Text("\n", end="").join(lines)

    # -- actions ---------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        handoff = self.handoff
        if action in RECEIVER_ACTIONS:
            return handoff is not None and may_answer(handoff, self.repo.user_id, self.repo.role)
        if action == "answer":
            return (
                handoff is not None
                and handoff.state is HandoffState.RETURNED
                and may_change(handoff, self.repo.user_id, self.repo.role)
            )
        if action == "cancel_handoff":
            return handoff is not None and may_change(handoff, self.repo.user_id, self.repo.role)
        if action == "open_household":
            return handoff is not None
        return True

    def _done(self, result: object) -> None:
        if result is not None:
            self.refresh_records()

    def _step(self, title: str, label: str, save: Callable[[str], object], *, required: bool = True) -> None:
        self.app.push_screen(
            NoteModal(t(title, self.lang), t(label, self.lang), save, required=required),
            self._done,
        )

    def action_accept(self) -> None:
        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                accept_handoff(self.repo, self.handoff_id, at=self.now())
            except CaseworkError as exc:
                self.notify(exc.message(self.lang), severity="error")
                return
            self.notify(t("handoff_accepted", self.lang), timeout=3)
            self.refresh_records()

        self.app.push_screen(ConfirmModal(t("handoff_accept_confirm", self.lang)), answered)

    def action_decline(self) -> None:
        self._step(
            "handoff_decline_title",
            "decline_reason",
            lambda note: decline_handoff(self.repo, self.handoff_id, note, at=self.now()),
        )

    def action_return_question(self) -> None:
        self._step(
            "handoff_return_title",
            "question",
            lambda note: return_handoff(self.repo, self.handoff_id, note, at=self.now()),
        )

    def action_answer(self) -> None:
        self._step(
            "handoff_answer_title",
            "answer",
            lambda note: answer_handoff(self.repo, self.handoff_id, note, at=self.now()),
        )

    def action_cancel_handoff(self) -> None:
        self._step(
            "handoff_cancel_title",
            "cancel_note",
            lambda note: cancel_handoff(self.repo, self.handoff_id, note, at=self.now()),
            required=False,
        )

    def action_open_household(self) -> None:
        if self.handoff is None:
            return
        self.ctx.nav.household(self.handoff.household_id)
