"""`VisitModal`: record a home visit (방문상담) for one household, keyboard only.

Fields carry the model's names, so the model's errors land beside them: visit date (today), kind
(nurses: 건강관리), target group (from the household's tags), needs found (a `PickList`), up to three
resources linked (an empty row is ignored), health measures (only composed for roles that see health
details), a note, and the next visit due (from the household's category; follows the visit date
until the user edits it) or, as an explicit choice, "다음 방문 없음" with a reason (a date left empty
without that choice is refused beside the field: the next-visit clock is the visiting worker's own).
Ctrl+S saves through `casework.record_visit`, durable before "저장됨"; a visit
dated before the household was registered, or after today, is saved only once the user confirmed that
date (a `ConfirmModal` says why).

Also here, for the forms of this package: `SafeInput` and `SafeTextArea`, editors that show control
characters as visible stand-ins (Textual's own would send a pasted `ESC [2J` to the terminal) while
keeping the value exactly as typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError
from rich.highlighter import Highlighter
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Container
from textual.widgets import Checkbox, Input, Select, TextArea

from chandong_tui.casework.access import sees_health
from chandong_tui.casework.actions import record_visit
from chandong_tui.casework.clock import KST, next_visit_default
from chandong_tui.casework.corrections import newest_revision, revise_visit
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import (
    HouseholdTag,
    LabelledEnum,
    Need,
    Outcome,
    ResourceCategory,
    Role,
    TargetGroup,
    VisitKind,
)
from chandong_tui.model.fields import read_day
from chandong_tui.model.records import Household, Visit
from chandong_tui.tui.modals.confirm_modal import ConfirmModal
from chandong_tui.tui.modals.form_modal import FormField, FormModal
from chandong_tui.tui.widgets.pick_list import PickList

RESOURCE_ROWS = 3
"""Resource rows offered on one visit; an empty row is ignored."""
HEALTH_FIELDS = ("systolic", "diastolic", "glucose", "weight_kg")
"""Numeric health measures, in the order of the form (`HealthMeasures` field names)."""

_TARGET_OF_TAG = {
    HouseholdTag.ELDERLY_ALONE: TargetGroup.ELDERLY,
    HouseholdTag.TURNING_65: TargetGroup.TURNING_65,
    HouseholdTag.NEWBORN: TargetGroup.NEWBORN,
    HouseholdTag.POVERTY_CRISIS: TargetGroup.POVERTY,
    HouseholdTag.BLIND_SPOT: TargetGroup.POVERTY,
}
"""The visiting programme a household's category belongs to (the first tag that has one wins)."""

# One visible character for each invisible one, so an editor's columns stay where they were.
_EDITOR_VISIBLE = str.maketrans(
    {code: chr(0x2400 + code) for code in range(0x20) if code != 0x09}  # ␛ ␊ …; tabs stay tabs
    | {0x7F: "␡"}
    | {
        code: "\ufffd"
        for code in [*range(0x80, 0xA0), *range(0x200B, 0x2010), *range(0x2028, 0x202F)]
        + [*range(0x2066, 0x206A), 0xFEFF]
    }
)


def editor_visible(value: str) -> str:
    """`value` with each control, bidi or zero-width character replaced by one visible character."""
    return value.translate(_EDITOR_VISIBLE)


class _VisibleControls(Highlighter):
    """Shows an Input's control characters as stand-ins (same length: the cursor stays in place)."""

    def highlight(self, text: Text) -> None:
        text.plain = editor_visible(text.plain)


class SafeInput(Input):
    """An `Input` that shows control characters as visible stand-ins; its value is what was typed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("highlighter", _VisibleControls())
        super().__init__(*args, **kwargs)


class SafeTextArea(TextArea):
    """A `TextArea` that shows control characters as visible stand-ins; its text is what was typed."""

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        line.plain = editor_visible(line.plain)
        return line


class FieldGroup(Container):
    """Several inputs under one label (a resource row); focusing it focuses its first input."""

    def focus(self, scroll_visible: bool = True) -> FieldGroup:
        for widget in self.query("*"):
            if widget.focusable:
                widget.focus(scroll_visible)
                break
        return self


def enum_options(members: Iterable[LabelledEnum], lang: Lang | str) -> list[tuple[str, str]]:
    """(label, value) pairs for a `Select` or `PickList`."""
    return [(member.label(lang), member.value) for member in members]


def in_enum_order(values: Iterable[str], enum: type[LabelledEnum]) -> list[str]:
    """Picked values in the order of the enum (not the order they were picked)."""
    order = {member.value: index for index, member in enumerate(enum)}
    return sorted(values, key=lambda value: order.get(value, len(order)))


def household_label(repo: CaseRepository, household: Household, lang: Lang | str) -> str:
    """`김민수 (3통 2반)`: the head's name and 통/반, for form titles (shown through `text()`)."""
    members = repo.members_of(household.id)
    name = members[0].name if members else household.road_address
    return t("household_label", lang, name=name, tong=household.tong, ban=household.ban)


def household_of(repo: CaseRepository, household_id: str) -> Household:
    """The household a form is about (its screen offers the form only when it could read it)."""
    household = repo.household(household_id)
    if household is None:
        raise LookupError(f"no household {household_id}")
    return household


def default_target(household: Household) -> TargetGroup:
    for tag in household.tags:
        target = _TARGET_OF_TAG.get(HouseholdTag(tag))
        if target is not None:
            return target
    return TargetGroup.OTHER


class VisitModal(FormModal[Visit]):
    """Record a visit to `household`, or amend the visit `visit_id` (its newest revision, prefilled,
    saved as a new revision with the reason asked at the end); dismisses with the saved `Visit`
    (None when dropped)."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    DEFAULT_CSS = """
    VisitModal FormField > Horizontal > Input { width: 1fr; }
    VisitModal FormField > Horizontal > Select { width: 1fr; }
    VisitModal FormField > Horizontal > PickList { width: 1fr; }
    VisitModal FormField > Horizontal > SafeTextArea { width: 1fr; height: 6; }
    VisitModal .resource-row { layout: grid; grid-size: 4; grid-columns: 1fr 1fr 22 16;
        grid-rows: 3; grid-gutter: 0 1; height: auto; width: 1fr; }
    VisitModal.-en .resource-row { grid-columns: 1fr 1fr 28 19; }
    VisitModal.-narrow .resource-row { grid-size: 2; grid-columns: 1fr 1fr; }
    VisitModal .no-next-row { layout: horizontal; height: auto; width: 1fr; }
    VisitModal .no-next-row > Checkbox { width: auto; margin-right: 1; }
    VisitModal .no-next-row > SafeInput { width: 1fr; }
    """

    def __init__(self, household_id: str, visit_id: str | None = None) -> None:
        self.household = household_of(self.repo, household_id)
        self.revising = newest_revision(self.repo, visit_id) if visit_id else None
        """The revision being amended; None when recording a new visit."""
        title = "corr_visit_title" if self.revising else "visit_title"
        super().__init__(t(title, self.lang, household=household_label(self.repo, self.household, self.lang)))
        self.set_class(self.lang == Lang.EN, "-en")
        self.today = self.now().astimezone(KST).date()
        self.health = sees_health(self.repo.role)
        """Whether the health measures are part of the form (nurses and supervisors)."""
        self._auto_due = next_visit_default(self.household, self.today).isoformat()
        """The due date the form proposed last; while the field still holds it, it follows the date."""
        self._rows_used: list[int] = []
        """Form rows (0-based) of the resources sent to the model, in order: maps its error indices."""
        self._confirmed_day: dt.date | None = None
        """The unlikely visit date the user said to save anyway (asked again for any other date)."""
        if self.revising is not None:
            self._auto_due = "-"  # the saved due date stays as it was, whatever the visit date
            self._confirmed_day = self.revising.visited_on  # confirmed when it was saved

    # -- shape -----------------------------------------------------------------------------
    def fields(self) -> ComposeResult:
        lang, v = self.lang, self.revising
        kind = VisitKind.HEALTH if self.repo.role == Role.VISITING_NURSE else VisitKind.REGULAR
        yield FormField(
            t("visited_on", lang),
            SafeInput(
                (v.visited_on if v else self.today).isoformat(),
                placeholder=t("date_hint", lang),
                id="visited_on",
            ),
            "visited_on",
        )
        yield FormField(
            t("visit_kind", lang),
            Select(
                enum_options(VisitKind, lang),
                value=(v.visit_kind if v else kind).value,
                allow_blank=False,
                id="visit_kind",
            ),
            "visit_kind",
        )
        yield FormField(
            t("target_group", lang),
            Select(
                enum_options(TargetGroup, lang),
                value=(v.target_group if v else default_target(self.household)).value,
                allow_blank=False,
                id="target_group",
            ),
            "target_group",
        )
        found = set(v.needs) if v else set()
        needs = [(label, value, value in found) for label, value in enum_options(Need, lang)]
        yield FormField(t("needs_found", lang), PickList(*needs, id="needs"), "needs")
        for row in range(RESOURCE_ROWS):
            name = f"resources-{row}"
            link = v.resources[row] if v and row < len(v.resources) else None
            yield FormField(
                t("resource_row", lang, n=row + 1),
                FieldGroup(
                    SafeInput(
                        link.agency if link else "", placeholder=t("agency", lang), id=f"{name}-agency"
                    ),
                    SafeInput(
                        link.service if link else "", placeholder=t("service", lang), id=f"{name}-service"
                    ),
                    Select(
                        enum_options(ResourceCategory, lang),
                        prompt=t("resource_category", lang),
                        value=link.category.value if link else Select.NULL,
                        id=f"{name}-category",
                    ),
                    Select(
                        enum_options(Outcome, lang),
                        value=(link.outcome if link else Outcome.PENDING).value,
                        allow_blank=False,
                        id=f"{name}-outcome",
                    ),
                    id=name,
                    classes="resource-row",
                ),
                name,
            )
        measures = v.health_measures if v else None
        if self.health:
            for field in HEALTH_FIELDS:
                name = f"health_measures-{field}"
                value = getattr(measures, field) if measures else None
                yield FormField(t(field, lang), SafeInput("" if value is None else str(value), id=name), name)
            yield FormField(
                t("health_note", lang),
                SafeTextArea(measures.note if measures else "", id="health_measures-note"),
                "health_measures-note",
            )
        yield FormField(t("note", lang), SafeTextArea(v.note if v else "", id="note"), "note")
        due = (v.next_visit_due.isoformat() if v.next_visit_due else "") if v else self._auto_due
        yield FormField(
            t("next_visit_due", lang),
            SafeInput(due, placeholder=t("date_hint", lang), id="next_visit_due"),
            "next_visit_due",
        )
        yield FormField(
            t("no_next_visit", lang),
            FieldGroup(
                Checkbox(
                    t("no_next_visit_tick", lang),
                    value=bool(v and v.no_next_visit_reason),
                    compact=True,
                    id="no_next_visit",
                ),
                SafeInput(
                    v.no_next_visit_reason if v else "",
                    placeholder=t("no_next_visit_reason", lang),
                    id="no_next_visit_reason",
                ),
                classes="no-next-row",
            ),
            "no_next_visit_reason",
        )
        if v is not None:
            yield FormField(t("corr_reason", lang), SafeInput(id="revision_note"), "revision_note")

    @on(Checkbox.Changed, "#no_next_visit")
    def no_next_visit(self, event: Checkbox.Changed) -> None:
        """Choosing "다음 방문 없음" empties the due date (and stops it following the visit date)."""
        if event.value:
            self._auto_due = ""
            self.query_one("#next_visit_due", Input).value = ""

    def _next_visit(self) -> dict[str, Any]:
        """The next visit due, or "다음 방문 없음" with its reason; neither is refused beside the
        field that is missing (`ValidationError`, as the model's own errors)."""
        due = self.value_of("next_visit_due")
        if not self.value_of("no_next_visit"):
            if due is None:
                error = PydanticCustomError("next_visit_choose", t("next_visit_choose", Lang.EN))
                raise ValidationError.from_exception_data(
                    "form", [{"type": error, "loc": ("next_visit_due",), "input": None}]
                )
            return {"next_visit_due": due}
        reason = self.value_of("no_next_visit_reason")
        if reason is None:
            raise ValidationError.from_exception_data(
                "form", [{"type": "missing", "loc": ("no_next_visit_reason",), "input": None}]
            )
        return {"next_visit_due": due, "no_next_visit_reason": reason}

    @on(Input.Changed, "#visited_on")
    def follow_visit_date(self, event: Input.Changed) -> None:
        """A new visit date moves the proposed due date, unless the user typed one of their own."""
        due = self.query_one("#next_visit_due", Input)
        if due.value.strip() != self._auto_due:
            return
        try:
            visited_on = read_day(event.value)
        except PydanticCustomError:
            return  # not a date (yet): the model says so on save
        self._auto_due = next_visit_default(self.household, visited_on).isoformat()
        due.value = self._auto_due

    # -- saving ----------------------------------------------------------------------------
    def action_save(self) -> None:
        """Saves, after asking when the visit date is before the household's registration or after
        today (a date that is no date at all is the model's to refuse, beside the field)."""
        day = self._typed_day()
        why = None if self._saved or day is None or day == self._confirmed_day else self._unlikely(day)
        if why is None:
            super().action_save()
            return

        def answered(save: bool | None) -> None:
            if save:
                self._confirmed_day = day
                super(VisitModal, self).action_save()
            else:
                self.query_one("#visited_on", Input).focus()

        self.app.push_screen(ConfirmModal(f"{why}\n{t('visit_confirm_save', self.lang)}"), answered)

    def _typed_day(self) -> dt.date | None:
        try:
            return read_day(str(self.value_of("visited_on") or ""))
        except PydanticCustomError:
            return None

    def _unlikely(self, day: dt.date) -> str | None:
        """Why `day` is an unlikely visit date, or None when it is a likely one."""
        if day < self.household.registered_on:
            registered = self.household.registered_on.isoformat()
            return t("visit_confirm_before_registration", self.lang, day=day, registered=registered)
        if day > self.today:
            return t("visit_confirm_in_future", self.lang, day=day, today=self.today.isoformat())
        return None

    def submit(self) -> Visit:
        data: dict[str, Any] = {
            "household_id": self.household.id,
            "visited_on": self.value_of("visited_on"),
            "visit_kind": self.value_of("visit_kind"),
            "target_group": self.value_of("target_group"),
            "needs": in_enum_order(self.value_of("needs"), Need),
            "resources": self._resources(),
            "health_measures": self._health_measures(),
            "note": self.value_of("note"),
            **self._next_visit(),
        }
        if self.revising is not None:
            return self._amend(data)
        # Left out rather than None: a required field then reads "필수 항목입니다".
        return record_visit(
            self.repo,
            {key: value for key, value in data.items() if value is not None},
            at=self.now(),
            confirmed_day=self._confirmed_day,
        )

    def _amend(self, data: dict[str, Any]) -> Visit:
        """Save the form as a new revision of the visit, with the reason (required, beside it)."""
        from chandong_tui.tui.modals.note_modal import require_filled  # it imports this module

        assert self.revising is not None
        reason = str(self.value_of("revision_note") or "")
        require_filled({"revision_note": reason}, ["revision_note"])
        changes = {
            k: v for k, v in data.items() if k != "household_id" and (v is not None or k == "next_visit_due")
        }
        changes.setdefault("no_next_visit_reason", "")  # a next visit chosen again clears it
        if self.health:
            changes["health_measures"] = data["health_measures"]
        return revise_visit(
            self.repo, self.revising.id, changes, reason, at=self.now(), confirmed_day=self._confirmed_day
        )

    def _resources(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        self._rows_used = []
        for row in range(RESOURCE_ROWS):
            name = f"resources-{row}"
            values = {part: self.value_of(f"{name}-{part}") for part in ("agency", "service", "category")}
            if all(value is None for value in values.values()):
                continue  # an untouched row (its outcome has a default)
            values["outcome"] = self.value_of(f"{name}-outcome")
            rows.append({key: value for key, value in values.items() if value is not None})
            self._rows_used.append(row)
        return rows

    def _health_measures(self) -> dict[str, Any] | None:
        if not self.health:
            return None
        values = {field: self.value_of(f"health_measures-{field}") for field in HEALTH_FIELDS}
        measures: dict[str, Any] = {key: value for key, value in values.items() if value is not None}
        note = self.value_of("health_measures-note")
        if note.strip():
            measures["note"] = note
        return measures or None

    def error_location(self, loc: tuple[Any, ...]) -> tuple[Any, ...]:
        """`("resources", 0, …)` is the first resource sent, which may be the form's second row; the
        visit's one check across fields (next visit after this one) belongs beside the due date."""
        if not loc:
            return ("next_visit_due",)
        if (
            len(loc) > 1
            and loc[0] == "resources"
            and isinstance(loc[1], int)
            and loc[1] < len(self._rows_used)
        ):
            return ("resources", self._rows_used[loc[1]], *loc[2:])
        return loc
