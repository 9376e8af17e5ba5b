"""`DecisionModal`: in meeting mode, the decision for one household of the agenda.

The decision (continue, close, refer to 구 통합사례관리, emergency support, other), a note, and one
follow-up task (title, owner: the case owner by default, due date: `deadlines.follow_up_due` by
default, counted in working days). Saved through `conferences.record_decision` in one batch; a
decision to close asks a supervisor to approve the closure.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError
from textual.app import ComposeResult
from textual.widgets import Select, Static

from chandong_tui.casework.clock import KST
from chandong_tui.casework.conferences import record_decision
from chandong_tui.casework.deadlines import follow_up_due, settings_of
from chandong_tui.i18n import t
from chandong_tui.model.enums import Decision
from chandong_tui.model.fields import read_day
from chandong_tui.model.records import AgendaItem, Conference
from chandong_tui.tui.modals.form_modal import FormField, FormModal
from chandong_tui.tui.modals.handoff_modal import worker_options
from chandong_tui.tui.modals.visit_modal import SafeInput, SafeTextArea, enum_options, household_label
from chandong_tui.tui.text import text


class DecisionModal(FormModal[Conference]):
    """Decide the agenda item of `household_id` in the conference `conference_id`; dismisses with the
    conference as saved."""

    DEFAULT_CSS = """
    DecisionModal #decision-reason { height: auto; color: $text-muted; }
    DecisionModal FormField > Horizontal > Select { width: 1fr; }
    DecisionModal FormField > Horizontal > SafeInput { width: 1fr; }
    DecisionModal FormField > Horizontal > SafeTextArea { width: 1fr; height: 3; }
    """

    def __init__(
        self,
        conference_id: str,
        household_id: str,
    ) -> None:
        item = self._agenda_item(conference_id, household_id)
        household = self.repo.household(household_id)
        label = household_label(self.repo, household, self.lang) if household else item.household_id
        super().__init__(t("decision_title", self.lang, household=label))
        self.conference_id = conference_id
        self.item = item
        self.owner_id = household.owner_id if household else None

    def _agenda_item(self, conference_id: str, household_id: str) -> AgendaItem:
        conference = self.repo.get(Conference, conference_id)
        agenda = conference.agenda if conference is not None else []
        item = next((item for item in agenda if item.household_id == household_id), None)
        if item is None:
            raise LookupError(f"no agenda item for {household_id} in {conference_id}")
        return item

    def fields(self) -> ComposeResult:
        lang, item = self.lang, self.item
        if item.reason:
            yield Static(text(t("decision_reason", lang, reason=item.reason)), id="decision-reason")
        yield FormField(
            t("decision", lang),
            Select(
                enum_options(Decision, lang),
                value=(item.decision or Decision.CONTINUE).value,
                allow_blank=False,
                id="decision",
            ),
            "decision",
        )
        yield FormField(t("note", lang), SafeTextArea(item.note, id="note"), "note")
        yield FormField(t("follow_up_title", lang), SafeInput(id="title"), "title")
        owners = worker_options(self.repo, lang)
        owner = self.owner_id if self.owner_id in {wid for _label, wid in owners} else self.repo.user_id
        yield FormField(
            t("follow_up_owner", lang),
            Select(owners, value=owner, allow_blank=False, id="owner_id"),
            "owner_id",
        )
        due = follow_up_due(self.now().astimezone(KST).date(), settings_of(self.repo))
        yield FormField(t("follow_up_due", lang), SafeInput(due.isoformat(), id="due_on"), "due_on")

    def submit(self) -> Conference:
        title = str(self.value_of("title") or "").strip()
        follow_ups: list[dict[str, Any]] = []
        if title:
            try:
                due_on = read_day(str(self.value_of("due_on") or ""))
            except PydanticCustomError as exc:  # not in the format, or no such day
                raise ValidationError.from_exception_data(  # noqa: B904 - shown beside the field
                    "task", [{"type": exc, "loc": ("due_on",), "input": None}]
                )
            follow_ups.append({"title": title, "owner_id": self.value_of("owner_id"), "due_on": due_on})
        conference, _tasks = record_decision(
            self.repo,
            self.conference_id,
            self.item.household_id,
            self.value_of("decision") or Decision.CONTINUE.value,
            note=str(self.value_of("note") or "").strip(),
            follow_ups=follow_ups,
            at=self.now(),
        )
        return conference
