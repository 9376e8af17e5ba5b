"""`ClosureModal`: ask to close a case (`c` on a household), after seeing what is still open on it.

The form shows first what is still open (`casework.closure.open_items`: open tasks with due date and
assignee, open crisis flags, a hand-off still waiting), then asks for the reason (목표 달성, 전출, 사망,
서비스 거부, 타기관 이관, 연락 두절, 기타) and a note, required for 기타 (beside the field). It saves
through `supervision.request_closure`: a supervisor then approves or returns it. A refusal (a hand-off
still waiting, a case already closed on another PC) shows in the form's message line.
"""

from __future__ import annotations

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.widgets import Select, Static

from chandong_tui.casework.closure import OpenItems, open_items
from chandong_tui.casework.supervision import request_closure
from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import ClosureReason
from chandong_tui.model.records import CaseEvent, Household
from chandong_tui.tui.modals.form_modal import FormField, FormModal
from chandong_tui.tui.modals.visit_modal import (
    SafeTextArea,
    enum_options,
    household_label,
    household_of,
)
from chandong_tui.tui.text import text


def open_item_lines(items: OpenItems, names: dict[str, str], lang: Lang | str) -> list[str]:
    """One line per open task, flag and waiting hand-off; one line saying so when nothing is open."""
    if not items:
        return [t("closure_nothing_open", lang)]
    lines = [t("closure_open_items", lang)]
    for task in items.tasks:
        who = names.get(task.owner_id, task.owner_id)
        lines.append(t("closure_item_task", lang, due=task.due_on.isoformat(), title=task.title, who=who))
    for flag in items.flags:
        reasons = ", ".join(reason.label(lang) for reason in flag.reasons)
        lines.append(t("closure_item_flag", lang, level=flag.level.label(lang), reasons=reasons))
    for handoff in items.handoffs:
        lines.append(t("closure_item_handoff", lang, state=handoff.state.label(lang), reason=handoff.reason))
    return lines


class ClosureModal(FormModal[CaseEvent]):
    """Ask to close `household_id`'s case; dismisses with the request's event."""

    DEFAULT_CSS = """
    ClosureModal #closure-open { height: auto; padding: 1 0; }
    ClosureModal FormField > Horizontal > Select { width: 1fr; }
    ClosureModal FormField > Horizontal > SafeTextArea { width: 1fr; height: 4; }
    """

    def __init__(self, household_id: str) -> None:
        self.household: Household = household_of(self.repo, household_id)
        label = household_label(self.repo, self.household, self.lang)
        super().__init__(t("closure_request_title", self.lang, household=label))
        self.items = open_items(self.repo, household_id)
        """What is still open on the case, as read when the form opened."""

    def fields(self) -> ComposeResult:
        lang = self.lang
        names = {worker.id: worker.name for worker in self.repo.workers()}
        yield Static(text("\n".join(open_item_lines(self.items, names, lang))), id="closure-open")
        yield FormField(
            t("closure_reason", lang),
            Select(enum_options(ClosureReason, lang), prompt=t("pick_one", lang), id="closure_reason"),
            "closure_reason",
        )
        yield FormField(t("closure_note", lang), SafeTextArea(id="note"), "note")

    def submit(self) -> CaseEvent:
        reason, note = self.value_of("closure_reason"), str(self.value_of("note") or "").strip()
        missing = [name for name, empty in (("closure_reason", reason is None), ("note", not note)) if empty]
        if reason != ClosureReason.OTHER and "note" in missing:
            missing.remove("note")  # only 기타 needs the note
        if missing:
            raise ValidationError.from_exception_data(
                "form", [{"type": "missing", "loc": (name,), "input": None} for name in missing]
            )
        return request_closure(
            self.repo, self.household.id, note, reason=ClosureReason(reason), at=self.now()
        )
