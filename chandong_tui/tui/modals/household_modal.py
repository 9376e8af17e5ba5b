"""`HouseholdModal`: register a household with its members, keyboard only.

The household: 통, 반, road address, address detail, tags (a `PickList`), consent (given, and the date,
today by default). Then one block of fields per member — name, birth date, sex, relation (the first is
the head), phone and RRN (both optional) — `ctrl+n` adds a block (up to `MAX_MEMBERS`), `ctrl+r` drops
the last one; an extra block left empty is not registered. Health details are not part of this form.

Text fields are `SafeInput`s (a pasted `ESC [2J` is shown as a visible stand-in, stored as typed).
Fields carry the model's names (members' prefixed `m<block>-`), so every error of the household and of
each member is shown beside its field at once; Ctrl+S saves all or nothing through
`casework.register_household`, the signed-in worker owning the case.

A household that looks like one already registered (same head's name and birth date, same address and
상세주소, or a same phone: `casework.duplicates`) is not saved at once: a picker lists the likely
duplicates with why, and offers to open one (the form closes, nothing saved) or to register anyway
with a reason, which is kept on the new household's timeline. Esc on the picker returns to the form.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from chandong_tui.casework.actions import MemberInvalid, register_household
from chandong_tui.casework.clock import KST
from chandong_tui.casework.duplicates import Duplicate, LikelyDuplicate
from chandong_tui.casework.errors import InvalidInput
from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import HouseholdTag, LabelledEnum, Relation, Sex
from chandong_tui.model.records import Household, Member
from chandong_tui.tui.modals.form_modal import FormField, FormModal
from chandong_tui.tui.modals.visit_modal import SafeInput
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.pick_list import PickList
from chandong_tui.tui.widgets.toggles import TickBox

MAX_MEMBERS = 8
"""Member blocks one registration offers."""

MEMBER_TEXT_FIELDS = ("name", "birth_date", "phone", "rrn")
MEMBER_SELECTS = ("sex", "relation")

Registered = tuple[Household, list[Member]]


def _options(members: type[LabelledEnum], lang: Lang | str) -> list[tuple[str, str]]:
    return [(member.label(lang), member.value) for member in members]


class MemberBlock(Vertical):
    """The fields of member number `index` (from 0), named `m<index>-<field>`."""

    def __init__(self, index: int, lang: Lang | str) -> None:
        super().__init__(id=f"member-{index}", classes="member-block")
        self.index = index
        self.lang = lang

    def compose(self) -> ComposeResult:
        lang, prefix = self.lang, f"m{self.index}"
        heading = "member_heading" if self.index == 0 else "member_heading_extra"
        yield Static(text(t(heading, lang, n=self.index + 1)), classes="member-heading")
        yield FormField(t("name", lang), SafeInput(id=f"{prefix}-name"), f"{prefix}-name")
        yield FormField(
            t("field_birth_date", lang),
            SafeInput(placeholder=t("field_date_hint", lang), id=f"{prefix}-birth_date"),
            f"{prefix}-birth_date",
        )
        # What the member as a whole gets wrong (a birth date out of range) shows under the birth date.
        yield Static("", id=f"error-{prefix}", classes="field-error member-error")
        yield FormField(
            t("field_sex", lang),
            Select(_options(Sex, lang), prompt=t("choose", lang), id=f"{prefix}-sex"),
            f"{prefix}-sex",
        )
        head = self.index == 0
        yield FormField(
            t("relation", lang),
            Select(
                _options(Relation, lang),
                prompt=t("choose", lang),
                allow_blank=not head,
                value=Relation.HEAD.value if head else Select.NULL,
                id=f"{prefix}-relation",
            ),
            f"{prefix}-relation",
        )
        optional = t("field_optional", lang)
        yield FormField(
            t("phone", lang), SafeInput(placeholder=optional, id=f"{prefix}-phone"), f"{prefix}-phone"
        )
        yield FormField(t("rrn", lang), SafeInput(placeholder=optional, id=f"{prefix}-rrn"), f"{prefix}-rrn")


class HouseholdModal(FormModal[Registered]):
    """Register a household and its members; dismisses with what was saved (None when dropped)."""

    HELP_TITLE = "register_title"

    DEFAULT_CSS = """
    HouseholdModal FormField > Horizontal > Input { width: 1fr; }
    HouseholdModal FormField > Horizontal > Select { width: 1fr; }
    HouseholdModal FormField > Horizontal > PickList { width: 1fr; }
    HouseholdModal FormField > Horizontal > Checkbox { width: 1fr; }
    HouseholdModal #members { height: auto; }
    HouseholdModal .member-block { height: auto; }
    HouseholdModal .member-heading { text-style: bold; color: $accent; margin-top: 1; }
    HouseholdModal .member-error { height: auto; padding-left: 16; color: $error; text-style: bold;
        display: none; }
    HouseholdModal .member-error.-shown { display: block; }
    """

    BINDINGS = [
        Binding(
            "ctrl+n",
            "add_member",
            "key_add_member",
            id="household_form.add_member",
            show=True,
            tooltip="tip_add_member",
        ),
        Binding(
            "ctrl+r",
            "drop_member",
            "key_drop_member",
            id="household_form.drop_member",
            show=True,
            tooltip="tip_drop_member",
        ),
    ]

    def __init__(self) -> None:
        super().__init__(t("register_title", self.lang))
        self.today = self.now().astimezone(KST).date()
        self.members = 1
        """How many member blocks the form shows."""
        self._blocks_used: list[int] = []
        """Member blocks sent to casework, in order: maps `MemberInvalid.index` back to a block."""

    # -- shape -----------------------------------------------------------------------------
    def fields(self) -> ComposeResult:
        lang = self.lang
        yield FormField(t("field_tong", lang), SafeInput(type="integer", max_length=2, id="tong"), "tong")
        yield FormField(t("field_ban", lang), SafeInput(type="integer", max_length=2, id="ban"), "ban")
        yield FormField(t("field_road_address", lang), SafeInput(id="road_address"), "road_address")
        yield FormField(
            t("field_address_detail", lang),
            SafeInput(placeholder=t("field_optional", lang), id="address_detail"),
            "address_detail",
        )
        yield FormField(t("tags", lang), PickList(*_options(HouseholdTag, lang), id="tags"), "tags")
        yield FormField(
            t("consent_short", lang),
            TickBox(t("field_consent_given", lang), value=False, id="consent_given"),
            "consent_given",
        )
        # Named after the model's `consent`: a date missing or malformed is shown here.
        yield FormField(
            t("field_consent_date", lang),
            SafeInput(self.today.isoformat(), placeholder=t("field_date_hint", lang), id="consent_on"),
            "consent",
        )
        with Vertical(id="members"):
            yield MemberBlock(0, lang)

    # -- member blocks ---------------------------------------------------------------------
    async def action_add_member(self) -> None:
        if self.members >= MAX_MEMBERS:
            self.say(t("members_max", self.lang, n=MAX_MEMBERS), error=True)
            return
        block = MemberBlock(self.members, self.lang)
        self.members += 1
        self.dirty = True
        await self.query_one("#members", Vertical).mount(block)
        block.query_one(f"#m{block.index}-name", Input).focus()
        block.scroll_visible(animate=False)

    async def action_drop_member(self) -> None:
        if self.members <= 1:
            return
        self.members -= 1
        self.dirty = True
        await self.query_one(f"#member-{self.members}", MemberBlock).remove()
        self.query_one(f"#m{self.members - 1}-name", Input).focus()

    # -- reading ---------------------------------------------------------------------------
    def household_data(self) -> dict[str, Any]:
        """The household's fields as casework takes them (empty inputs left out: "required")."""
        data: dict[str, Any] = {
            key: self.value_of(key) for key in ("tong", "ban", "road_address", "address_detail")
        }
        order = {tag.value: index for index, tag in enumerate(HouseholdTag)}
        data["tags"] = sorted(self.value_of("tags"), key=lambda value: order.get(value, len(order)))
        given = bool(self.value_of("consent_given"))
        consent: dict[str, Any] = {"given": given}
        if given and self.value_of("consent_on") is not None:
            consent["on"] = self.value_of("consent_on")
        data["consent"] = consent
        return {key: value for key, value in data.items() if value is not None}

    def member_data(self, block: int) -> dict[str, Any] | None:
        """Member block `block`'s fields; None for an extra block left empty."""
        prefix = f"m{block}"
        values = {field: self.value_of(f"{prefix}-{field}") for field in MEMBER_TEXT_FIELDS}
        choices = {field: self.value_of(f"{prefix}-{field}") for field in MEMBER_SELECTS}
        if block > 0 and all(value is None for value in values.values()) and choices["sex"] is None:
            return None
        # Empty inputs are left out ("required"); an unchosen Select is sent as None ("pick one").
        return {**{key: value for key, value in values.items() if value is not None}, **choices}

    def members_data(self) -> list[dict[str, Any]]:
        members, self._blocks_used = [], []
        for block in range(self.members):
            member = self.member_data(block)
            if member is not None:
                members.append(member)
                self._blocks_used.append(block)
        return members

    # -- saving ----------------------------------------------------------------------------
    def problems(
        self, household: dict[str, Any], members: list[dict[str, Any]]
    ) -> list[tuple[ValidationError, tuple[str, ...]]]:
        """Every member's and the household's validation errors, so one save shows them all
        (casework validates the household first and stops at the first bad member)."""
        context = {"today": self.today}
        found: list[tuple[ValidationError, tuple[str, ...]]] = []
        for block, member in zip(self._blocks_used, members, strict=True):
            try:
                Member.model_validate({"id": "m-check", "household_id": "h-check", **member}, context=context)
            except ValidationError as exc:
                found.append((exc, (f"m{block}",)))
        dong = self.repo.dong()
        if dong is not None:
            try:
                Household.model_validate(
                    {
                        "id": "h-check",
                        "dong_code": dong.id,
                        "owner_id": self.repo.user_id,
                        "registered_on": self.today,
                        **household,
                    },
                    context=context,
                )
            except ValidationError as exc:
                found.append((exc, ()))  # last: its unplaced errors (if any) stay in the message line
        return found

    def action_save(self) -> None:
        self.clear_errors()
        self.today = self.now().astimezone(KST).date()
        problems = self.problems(self.household_data(), self.members_data())
        if problems:
            for error, prefix in problems:
                self.show_errors(error, prefix=prefix)
            return
        super().action_save()

    def submit(self) -> Registered:
        household, members = self.household_data(), self.members_data()
        try:
            return register_household(self.repo, household, members, at=self.now())
        except MemberInvalid as exc:
            self.show_errors(exc.error, prefix=(f"m{self._blocks_used[exc.index]}",))
            raise InvalidInput("form_has_errors") from None
        except LikelyDuplicate as exc:
            self.call_after_refresh(self._offer_existing, exc.matches, household, members)
            raise

    # -- likely duplicates -----------------------------------------------------------------
    def _offer_existing(
        self, matches: list[Duplicate], household: dict[str, Any], members: list[dict[str, Any]]
    ) -> None:
        """Pick a likely duplicate to open it instead, or register anyway with a reason."""
        from chandong_tui.tui.modals.choice_modal import ChoiceModal

        summaries = {s.id: s for s in self.repo.household_summaries()}
        options = []
        for match in matches:
            summary = summaries.get(match.household_id)
            where = (
                f"{summary.head_name} · {summary.tong}-{summary.ban} · {summary.address}"
                if summary is not None
                else match.household_id
            )
            why = ", ".join(t(sign, self.lang) for sign in match.signs)
            options.append((f"{where} — {why}", f"open:{match.household_id}"))
        options.append((t("dup_register_anyway", self.lang), "anyway"))

        def picked(choice: str | None) -> None:
            if choice == "anyway":
                self._register_anyway(household, members)
            elif choice and choice.startswith("open:"):
                self.dismiss(None)
                self.ctx.nav.household(choice.removeprefix("open:"))

        self.app.push_screen(ChoiceModal(t("dup_title", self.lang), options), picked)

    def _register_anyway(self, household: dict[str, Any], members: list[dict[str, Any]]) -> None:
        """Ask why, then register the household as typed; the form closes with what was saved."""
        from chandong_tui.tui.modals.note_modal import NoteModal

        def save(reason: str) -> Registered:
            return register_household(self.repo, household, members, duplicate_reason=reason, at=self.now())

        def saved(result: Registered | None) -> None:
            if result is not None:
                self._saved = True
                self.dismiss(result)

        modal = NoteModal(t("dup_reason_title", self.lang), t("dup_reason", self.lang), save)
        self.app.push_screen(modal, saved)
