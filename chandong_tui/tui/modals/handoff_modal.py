"""`HandoffModal`: ask to hand a household's case on (사례 이관 요청).

To a worker of the dong, to another dong (its 10-digit code) or to the 구청 통합사례관리, with a reason
and a summary of the case. Saved through `handoffs.request_handoff`, durable before "저장됨"; the
receiver finds it on 내 업무.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Select, Static

from chandong_tui.casework.handoffs import request_handoff
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import HandoffTarget, Role
from chandong_tui.model.records import Handoff, Worker
from chandong_tui.tui.modals.form_modal import FormField, FormModal
from chandong_tui.tui.modals.note_modal import require_filled
from chandong_tui.tui.modals.visit_modal import (
    SafeInput,
    SafeTextArea,
    enum_options,
    household_label,
    household_of,
)
from chandong_tui.tui.text import text


def worker_label(worker: Worker, lang: Lang | str) -> str:
    """`박서연 (복지플래너)`."""
    try:
        role = Role(worker.role).label(lang)
    except ValueError:
        role = str(worker.role)
    return t("worker_label", lang, name=worker.name, role=role)


def worker_options(
    repo: CaseRepository, lang: Lang | str, skip: set[str | None] | None = None
) -> list[tuple[str, str]]:
    """(label, id) of the dong's active workers, by name."""
    skip = skip or set()
    workers = sorted(
        (w for w in repo.workers() if w.active and w.id not in skip), key=lambda w: (w.name, w.id)
    )
    return [(worker_label(w, lang), w.id) for w in workers]


class HandoffModal(FormModal[Handoff]):
    """Request a hand-off of `household`; dismisses with the saved hand-off."""

    DEFAULT_CSS = """
    HandoffModal #handoff-hint { height: auto; color: $text-muted; padding-left: 16; }
    HandoffModal FormField > Horizontal > Select { width: 1fr; }
    HandoffModal FormField > Horizontal > SafeInput { width: 1fr; }
    HandoffModal FormField > Horizontal > SafeTextArea { width: 1fr; height: 4; }
    """

    def __init__(self, household_id: str) -> None:
        self.household = household_of(self.repo, household_id)
        super().__init__(
            t(
                "handoff_request_title",
                self.lang,
                household=household_label(self.repo, self.household, self.lang),
            )
        )

    def fields(self) -> ComposeResult:
        lang = self.lang
        yield FormField(
            t("handoff_target", lang),
            Select(
                enum_options(HandoffTarget, lang),
                value=HandoffTarget.WORKER.value,
                allow_blank=False,
                id="target",
            ),
            "target",
        )
        yield FormField(
            t("handoff_to_worker", lang),
            Select(
                worker_options(self.repo, lang, {self.household.owner_id}),
                prompt=t("pick_one", lang),
                id="to_worker_id",
            ),
            "to_worker_id",
        )
        yield FormField(
            t("handoff_to_dong", lang), SafeInput(id="to_dong_code", disabled=True), "to_dong_code"
        )
        yield Static(text(t("handoff_dong_hint", lang)), id="handoff-hint")
        yield FormField(t("handoff_reason", lang), SafeInput(id="reason"), "reason")
        yield FormField(t("handoff_summary", lang), SafeTextArea(id="summary"), "summary")

    @on(Select.Changed, "#target")
    def follow_target(self, event: Select.Changed) -> None:
        """Only the receiver the target needs can be filled in."""
        target = str(event.value)
        self.query_one("#to_worker_id", Select).disabled = target != HandoffTarget.WORKER
        self.query_one("#to_dong_code", SafeInput).disabled = target != HandoffTarget.DONG

    def submit(self) -> Handoff:
        target = HandoffTarget(self.value_of("target") or HandoffTarget.WORKER)
        values = {
            "reason": self.value_of("reason"),
            "to_worker_id": self.value_of("to_worker_id"),
            "to_dong_code": self.value_of("to_dong_code"),
        }
        needed = ["reason"]
        if target is HandoffTarget.WORKER:
            needed.insert(0, "to_worker_id")
        elif target is HandoffTarget.DONG:
            needed.insert(0, "to_dong_code")
        require_filled(values, needed)
        return request_handoff(
            self.repo,
            self.household.id,
            target=target,
            reason=str(values["reason"]),
            summary=str(self.value_of("summary") or "").strip(),
            to_worker_id=values["to_worker_id"] if target is HandoffTarget.WORKER else None,  # type: ignore[arg-type]
            to_dong_code=values["to_dong_code"] if target is HandoffTarget.DONG else None,  # type: ignore[arg-type]
            at=self.now(),
        )
