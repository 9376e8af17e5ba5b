"""Correct and update from the household screen (`casework/corrections.py`): `HouseholdEditModal`
(`e`: address, 통/반, tags, phone, consent with its date and who took it, head of household, status),
`MemberModal` (`i` adds a member such as a newborn, `m` corrects one: identity with a reason, phone,
relation, moved out or deceased with a date, health details for nurses and supervisors), and the visit
steps (`s` amends a visit in the visit form, `w` withdraws one entered in error, with the reason).

Each form is a `FormModal`: fields carry the model's names so validation errors land beside them, and
casework refusals show in the message line. A correction the role may not make is refused before
its form opens (`refused_before`), in one line in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Checkbox, Select

from chandong_tui.casework.clock import KST
from chandong_tui.casework.corrections import (
    IDENTITY_FIELDS,
    STATUS_CHOICES,
    add_member,
    correct_household,
    correct_member,
    may_correct,
    member_left,
    set_head,
    set_status,
    withdraw_visit,
)
from chandong_tui.casework.errors import FieldRefused, Forbidden, InvalidInput
from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import CorrectionSubject, HouseholdTag, MemberExit, Relation, Sex
from chandong_tui.model.records import Correction, Household, Member, Visit
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.form_modal import FormField, FormModal
from chandong_tui.tui.modals.handoff_modal import worker_options
from chandong_tui.tui.modals.note_modal import NoteModal, require_filled
from chandong_tui.tui.modals.visit_modal import (
    SafeInput,
    SafeTextArea,
    enum_options,
    household_label,
    household_of,
    in_enum_order,
)
from chandong_tui.tui.widgets.pick_list import PickList

FIELD_LABELS = {
    "tong": "field_tong",
    "ban": "field_ban",
    "road_address": "field_road_address",
    "address_detail": "field_address_detail",
    "tags": "tags",
    "phone": "phone",
    "consent": "consent_short",
    "status": "status",
    "name": "name",
    "birth_date": "field_birth_date",
    "rrn": "rrn",
    "relation": "relation",
    "sex": "field_sex",
    "health": "health",
    "left_on": "corr_left_on",
    "left_how": "corr_left_how",
    "visited_on": "visited_on",
    "visit_kind": "visit_kind",
    "target_group": "target_group",
    "needs": "needs_found",
    "resources": "corr_resources",
    "health_measures": "health",
    "note": "note",
    "next_visit_due": "next_visit_due",
    "withdrawn": "corr_withdrawn_field",
}
"""A corrected field's name → its catalogue label, for the timeline."""


def correction_summary(correction: Correction, lang: Lang | str) -> str:
    """`도로명주소, 반 · 사유` : which fields, and why when asked."""
    names = ", ".join(t(FIELD_LABELS[f], lang) if f in FIELD_LABELS else f for f in correction.fields)
    return " · ".join(part for part in (names, correction.reason) if part)


def refused_before(
    screen: ChandongScreen[Any], subject: CorrectionSubject, responsible: str | None = None
) -> bool:
    """True (and one line saying so) when the user may not make this correction: the form stays shut."""
    if may_correct(screen.repo, subject, responsible=responsible):
        return False
    screen.notify(
        Forbidden("err_correction_not_allowed", what=subject).message(screen.lang), severity="warning"
    )
    return True


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class HouseholdEditModal(FormModal[Household]):
    """Correct a household's own fields; dismisses with the household as saved."""

    DEFAULT_CSS = """
    HouseholdEditModal FormField > Horizontal > Input { width: 1fr; }
    HouseholdEditModal FormField > Horizontal > Select { width: 1fr; }
    HouseholdEditModal FormField > Horizontal > PickList { width: 1fr; }
    HouseholdEditModal FormField > Horizontal > Checkbox { width: 1fr; }
    """

    def __init__(self, household_id: str) -> None:
        self.household = household_of(self.repo, household_id)
        super().__init__(
            t(
                "corr_household_title",
                self.lang,
                household=household_label(self.repo, self.household, self.lang),
            )
        )
        self.members = [m for m in self.repo.members_of(household_id) if m.current]
        self.head = next((m.id for m in self.members if m.relation is Relation.HEAD), None)
        self.status_editable = self.household.status in STATUS_CHOICES and may_correct(
            self.repo, CorrectionSubject.STATUS, responsible=self.household.owner_id
        )
        """Whether the status fields are offered (the case owner or a supervisor, open ↔ monitoring)."""

    def fields(self) -> ComposeResult:
        lang, h = self.lang, self.household
        yield FormField(t("field_tong", lang), SafeInput(str(h.tong), type="integer", id="tong"), "tong")
        yield FormField(t("field_ban", lang), SafeInput(str(h.ban), type="integer", id="ban"), "ban")
        yield FormField(
            t("field_road_address", lang), SafeInput(h.road_address, id="road_address"), "road_address"
        )
        yield FormField(
            t("field_address_detail", lang),
            SafeInput(h.address_detail, id="address_detail"),
            "address_detail",
        )
        chosen = set(h.tags)
        yield FormField(
            t("tags", lang),
            PickList(
                *[(label, value, value in chosen) for label, value in enum_options(HouseholdTag, lang)],
                id="tags",
            ),
            "tags",
        )
        yield FormField(
            t("phone", lang),
            SafeInput(h.phone or "", placeholder=t("field_optional", lang), id="phone"),
            "phone",
        )
        yield FormField(
            t("consent_short", lang),
            Checkbox(t("field_consent_given", lang), value=h.consent.given, id="consent_given"),
            "consent_given",
        )
        on = h.consent.on or self.now().astimezone(KST).date()
        yield FormField(
            t("field_consent_date", lang),
            SafeInput(on.isoformat(), placeholder=t("field_date_hint", lang), id="consent_on"),
            "consent",
        )
        workers = worker_options(self.repo, lang)
        taken_by = h.consent.taken_by or self.repo.user_id
        yield FormField(
            t("corr_consent_by", lang),
            Select(
                workers,
                value=taken_by if taken_by in {w for _label, w in workers} else Select.NULL,
                prompt=t("choose", lang),
                id="consent_taken_by",
            ),
            "consent_taken_by",
        )
        if self.members:
            yield FormField(
                t("corr_head", lang),
                Select(
                    [(m.name, m.id) for m in self.members],
                    value=self.head or Select.NULL,
                    prompt=t("choose", lang),
                    id="head",
                ),
                "head",
            )
        if self.status_editable:
            yield FormField(
                t("status", lang),
                Select(
                    [(s.label(lang), s.value) for s in STATUS_CHOICES],
                    value=h.status.value,
                    allow_blank=False,
                    id="status",
                ),
                "status",
            )
            yield FormField(t("corr_status_reason", lang), SafeInput(id="status_reason"), "status_reason")

    def _changes(self) -> dict[str, Any]:
        h = self.household
        values: dict[str, Any] = {
            "tong": self.value_of("tong"),
            "ban": self.value_of("ban"),
            "road_address": self.value_of("road_address") or "",
            "address_detail": self.value_of("address_detail") or "",
            "tags": in_enum_order(self.value_of("tags"), HouseholdTag),
            "phone": self.value_of("phone"),
        }
        given = bool(self.value_of("consent_given"))
        consent: dict[str, Any] = {"given": given}
        if given:
            consent["on"] = self.value_of("consent_on")
            consent["taken_by"] = self.value_of("consent_taken_by")
        current = h.model_dump(mode="json")
        changes = {
            k: v for k, v in values.items() if str(v if v is not None else "") != str(current.get(k) or "")
        }
        taken_by_changed = (
            given and h.consent.taken_by is not None and consent["taken_by"] != h.consent.taken_by
        )
        if (
            given != h.consent.given
            or (given and str(consent["on"] or "") != str(h.consent.on or ""))
            or taken_by_changed
        ):
            changes["consent"] = consent
        return changes

    def submit(self) -> Household:
        h = self.household
        changes = self._changes()
        head = self.value_of("head") if self.members else None
        status = self.value_of("status") if self.status_editable else None
        if not changes and head in (None, self.head) and status in (None, h.status.value):
            raise InvalidInput("err_nothing_changed")
        at = self.now()
        saved = h
        if changes:
            saved = correct_household(self.repo, h.id, changes, at=at)
        if status is not None and status != h.status.value:
            saved = set_status(self.repo, h.id, status, str(self.value_of("status_reason") or ""), at=at)
        if head is not None and head != self.head:
            set_head(self.repo, h.id, str(head), at=at)
        return saved


class MemberModal(FormModal[Member]):
    """Add a member to `household_id` (no `member_id`) or correct one; dismisses with the member."""

    DEFAULT_CSS = """
    MemberModal FormField > Horizontal > Input { width: 1fr; }
    MemberModal FormField > Horizontal > Select { width: 1fr; }
    MemberModal FormField > Horizontal > SafeTextArea { width: 1fr; height: 3; }
    """

    def __init__(self, household_id: str, member_id: str | None = None) -> None:
        self.household = household_of(self.repo, household_id)
        self.member = self.repo.get(Member, member_id) if member_id else None
        """The member corrected; None when adding one."""
        key = "corr_member_title" if self.member else "corr_member_add_title"
        who = self.member.name if self.member else household_label(self.repo, self.household, self.lang)
        super().__init__(t(key, self.lang, member=who))
        self.identity = self.member is None or may_correct(self.repo, CorrectionSubject.IDENTITY)
        """Whether name, birth date and number are offered (always when adding)."""
        self.health = may_correct(self.repo, CorrectionSubject.HEALTH)

    def fields(self) -> ComposeResult:
        lang, m = self.lang, self.member
        optional = t("field_optional", lang)
        if self.identity:
            yield FormField(t("name", lang), SafeInput(m.name if m else "", id="name"), "name")
            yield FormField(
                t("field_birth_date", lang),
                SafeInput(
                    m.birth_date.isoformat() if m else "",
                    placeholder=t("field_date_hint", lang),
                    id="birth_date",
                ),
                "birth_date",
            )
            yield FormField(
                t("rrn", lang), SafeInput(m.rrn or "" if m else "", placeholder=optional, id="rrn"), "rrn"
            )
        yield FormField(
            t("field_sex", lang),
            Select(
                enum_options(Sex, lang),
                value=m.sex.value if m else Select.NULL,
                prompt=t("choose", lang),
                id="sex",
            ),
            "sex",
        )
        yield FormField(
            t("relation", lang),
            Select(
                enum_options(Relation, lang),
                value=m.relation.value if m else Relation.CHILD.value,
                allow_blank=False,
                id="relation",
            ),
            "relation",
        )
        yield FormField(
            t("phone", lang), SafeInput(m.phone or "" if m else "", placeholder=optional, id="phone"), "phone"
        )
        if self.health:
            health = m.health if m else None
            yield FormField(
                t("conditions", lang),
                SafeInput(
                    ", ".join(health.conditions) if health else "",
                    placeholder=t("corr_comma", lang),
                    id="health-conditions",
                ),
                "health-conditions",
            )
            yield FormField(
                t("medications", lang),
                SafeInput(
                    ", ".join(health.medications) if health else "",
                    placeholder=t("corr_comma", lang),
                    id="health-medications",
                ),
                "health-medications",
            )
            yield FormField(
                t("health_note", lang),
                SafeTextArea(health.note if health else "", id="health-note"),
                "health-note",
            )
        if m is not None:
            yield FormField(
                t("corr_left_how", lang),
                Select(enum_options(MemberExit, lang), prompt=t("corr_still_member", lang), id="left_how"),
                "left_how",
            )
            yield FormField(
                t("corr_left_on", lang),
                SafeInput(placeholder=t("field_date_hint", lang), id="left_on"),
                "left_on",
            )
            yield FormField(
                t("corr_reason", lang),
                SafeInput(placeholder=t("corr_reason_hint", lang), id="reason"),
                "reason",
            )

    def error_location(self, loc: tuple[Any, ...]) -> tuple[Any, ...]:
        """The member's checks across fields (a birth date out of range) are beside the birth date."""
        return loc or ("birth_date" if self.identity else "left_on",)

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "sex": self.value_of("sex"),
            "relation": self.value_of("relation"),
            "phone": self.value_of("phone"),
        }
        if self.identity:
            values |= {name: self.value_of(name) for name in ("name", "birth_date", "rrn")}
        if self.health:
            conditions = _csv(self.value_of("health-conditions"))
            medications = _csv(self.value_of("health-medications"))
            note = str(self.value_of("health-note") or "").strip()
            values["health"] = (
                {"conditions": conditions, "medications": medications, "note": note}
                if conditions or medications or note
                else None
            )
        return values

    def submit(self) -> Member:
        values = self._values()
        at = self.now()
        if self.member is None:
            return add_member(
                self.repo, self.household.id, {k: v for k, v in values.items() if v is not None}, at=at
            )
        current = self.member.model_dump(mode="json")
        changes = {k: v for k, v in values.items() if _differs(v, current.get(k))}
        how = self.value_of("left_how")
        reason = str(self.value_of("reason") or "")
        if not changes and how is None:
            raise InvalidInput("err_nothing_changed")
        if how is not None:
            require_filled({"left_on": self.value_of("left_on")}, ["left_on"])
        if set(changes) & set(IDENTITY_FIELDS) and not reason.strip():
            raise FieldRefused("reason", "err_identity_needs_reason")
        saved = self.member
        if changes:
            saved = correct_member(self.repo, self.member.id, changes, reason=reason, at=at)
        if how is not None:
            saved = member_left(
                self.repo, self.member.id, how, self.value_of("left_on") or "", note=reason, at=at
            )
        return saved


def _differs(value: Any, stored: Any) -> bool:
    if isinstance(value, dict) and isinstance(stored, dict):
        return any(value.get(k) != stored.get(k) for k in ("conditions", "medications", "note"))
    return str(value if value is not None else "") != str(stored if stored is not None else "")


# -- visits ----------------------------------------------------------------------------------
def visit_line(visit: Visit, lang: Lang | str) -> str:
    """`2026-11-02 · 정기방문 · 메모 첫 줄`, for the visit picker."""
    note = visit.note.splitlines()[0] if visit.note else ""
    return " · ".join(x for x in (visit.visited_on.isoformat(), visit.visit_kind.label(lang), note) if x)


def pick_visit(screen: ChandongScreen[Any], visits: list[Visit], then: Callable[[Visit], object]) -> None:
    """Ask which visit (latest first) and run `then` on it; a line when there is none."""
    if not visits:
        screen.notify(t("corr_no_visit", screen.lang), severity="warning")
        return

    def picked(visit_id: str | None) -> None:
        visit = next((v for v in visits if v.id == visit_id), None)
        if visit is not None:
            then(visit)

    options = [(visit_line(v, screen.lang), v.id) for v in visits]
    screen.app.push_screen(ChoiceModal(t("corr_pick_visit", screen.lang), options), picked)


def withdraw_form(screen: ChandongScreen[Any], visit: Visit) -> NoteModal[Visit]:
    """The reason a visit is withdrawn (required), saved through `withdraw_visit`."""
    repo, now = screen.repo, screen.now
    return NoteModal(
        t("corr_withdraw_title", screen.lang, visit=visit_line(visit, screen.lang)),
        t("corr_reason", screen.lang),
        lambda reason: withdraw_visit(repo, visit.id, reason, at=now()),
        intro=t("corr_withdraw_intro", screen.lang),
    )
