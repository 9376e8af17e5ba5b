"""`ResolveFlagModal`: close an open crisis flag with the support given.

서울형 긴급복지 생계 / 의료 / 주거 each with an amount in won (blank = not given; `300,000` and
`300000원` read as 300000), the services linked (comma separated) and a note added below the flag's
own. Amounts are checked with the model's `Won` type beside their fields, then `resolve_flag` saves,
durable before "저장됨".
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict
from textual.app import ComposeResult
from textual.widgets import Static

from chandong_tui.casework.actions import resolve_flag
from chandong_tui.i18n import t
from chandong_tui.model.enums import SupportKind
from chandong_tui.model.fields import Won
from chandong_tui.model.records import CrisisFlag
from chandong_tui.tui.modals.flag_modal import flag_summary
from chandong_tui.tui.modals.form_modal import FormField, FormModal
from chandong_tui.tui.modals.visit_modal import SafeInput, SafeTextArea, household_label, household_of
from chandong_tui.tui.text import text

_AMOUNT_NOISE = re.compile(r"[\s,원₩]")
"""What people type around a number of won: `300,000원`, `₩ 300000`."""


class SupportAmounts(BaseModel):
    """The amounts of the form, one per `SupportKind` (field names = the kinds' values)."""

    model_config = ConfigDict(extra="forbid")
    livelihood: Won | None = None
    medical: Won | None = None
    housing: Won | None = None


def amount_text(raw: str | None) -> str | None:
    """The digits of an amount as typed (None when blank); the model judges what is left."""
    if raw is None:
        return None
    cleaned = _AMOUNT_NOISE.sub("", raw)
    return cleaned or None


def split_services(raw: str | None) -> list[str]:
    """`푸드뱅크, 정신건강복지센터` → two services; blanks dropped."""
    return [part.strip() for part in re.split(r"[,，、]", raw or "") if part.strip()]


class ResolveFlagModal(FormModal[CrisisFlag]):
    """Resolve `flag` of `household`; dismisses with the resolved flag."""

    DEFAULT_CSS = """
    ResolveFlagModal #resolve-flag { height: auto; padding: 1 0 0 0; text-style: bold; }
    ResolveFlagModal #resolve-flag-note { height: auto; color: $text-muted; }
    ResolveFlagModal FormField > Horizontal > Input { width: 1fr; }
    ResolveFlagModal FormField > Horizontal > SafeTextArea { width: 1fr; height: 6; }
    """

    def __init__(
        self,
        household_id: str,
        flag_id: str,
    ) -> None:
        self.household = household_of(self.repo, household_id)
        super().__init__(
            t(
                "flag_resolve_title",
                self.lang,
                household=household_label(self.repo, self.household, self.lang),
            )
        )
        flag = self.repo.get(CrisisFlag, flag_id)
        if flag is None:
            raise LookupError(f"no crisis flag {flag_id}")
        self.flag = flag

    def fields(self) -> ComposeResult:
        lang = self.lang
        yield Static(text(flag_summary(self.flag, lang)), id="resolve-flag")
        if self.flag.note:
            yield Static(text(self.flag.note), id="resolve-flag-note")
        for kind in SupportKind:
            yield FormField(
                t("support_amount", lang, kind=kind.label(lang)),
                SafeInput(placeholder=t("amount_hint", lang), id=kind.value),
                kind.value,
            )
        yield FormField(
            t("services_linked", lang),
            SafeInput(placeholder=t("services_hint", lang), id="services_linked"),
            "services_linked",
        )
        yield FormField(t("resolve_note", lang), SafeTextArea(id="note"), "note")

    def submit(self) -> CrisisFlag:
        typed = {kind.value: amount_text(self.value_of(kind.value)) for kind in SupportKind}
        amounts = SupportAmounts.model_validate(typed)  # errors land beside each amount
        supports: list[dict[str, Any]] = [
            {"support": kind.value, "amount_won": getattr(amounts, kind.value)}
            for kind in SupportKind
            if getattr(amounts, kind.value) is not None
        ]
        data = {
            "supports": supports,
            "services_linked": split_services(self.value_of("services_linked")),
            "note": self.value_of("note"),
        }
        return resolve_flag(self.repo, self.flag.id, data, at=self.now())
