"""`FlagModal`: raise a crisis flag (위기가구) on a household, or update an open one; `FlagPicker`:
which of a household's open flags an action is for.

Raising shows when the 72-hour first-visit clock will run out; it starts when the crisis was found
(`found_at`, "YYYY-MM-DD HH:MM" Seoul time, now by default) and the form asks how it was found
(방문 중, 전화, 통장 제보, …). Updating changes level, reasons, note, and when and how it was found. Both
save through casework (`raise_flag`, `update_flag`), durable before "저장됨". A household that already
has an open flag is warned about on the household screen before this form opens (`second`); if one
was raised on another PC meanwhile, casework refuses and the message line says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Select, Static
from textual.widgets.option_list import Option

from chandong_tui.casework.actions import raise_flag, update_flag
from chandong_tui.casework.clock import FIRST_VISIT_WINDOW, KST, first_visit_clock
from chandong_tui.i18n import CATALOGUE, Lang, t
from chandong_tui.model.enums import CrisisLevel, CrisisReason, FoundHow
from chandong_tui.model.records import CrisisFlag
from chandong_tui.tui.base import ChandongModal
from chandong_tui.tui.flag_text import clock_label
from chandong_tui.tui.modals.form_modal import FormField, FormModal
from chandong_tui.tui.modals.visit_modal import (
    SafeInput,
    SafeTextArea,
    enum_options,
    household_label,
    household_of,
    in_enum_order,
)
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.footer import SteadyFooter
from chandong_tui.tui.widgets.pick_list import PickList

WHEN_FORMAT = "%Y-%m-%d %H:%M"
"""How the form shows and reads when a crisis was found (Seoul time)."""

LEVEL_ORDER = {level: rank for rank, level in enumerate(CrisisLevel)}
"""긴급 first, then 위기, then 관심."""


def most_urgent_first(flags: list[CrisisFlag]) -> list[CrisisFlag]:
    """Flags by level (긴급 first), the longest waiting first within a level."""
    return sorted(flags, key=lambda flag: (LEVEL_ORDER.get(flag.level, len(LEVEL_ORDER)), flag.raised_at))


def flag_summary(flag: CrisisFlag, lang: Lang | str) -> str:
    """`긴급 · 실직, 체납 · 발견 2026-11-22 09:00` (plain text, to be shown through `text()`)."""
    return t(
        "flag_summary",
        lang,
        level=flag.level.label(lang),
        reasons=", ".join(reason.label(lang) for reason in flag.reasons),
        raised=f"{flag.clock_start.astimezone(KST):%Y-%m-%d %H:%M}",
    )


def clock_line(flag: CrisisFlag, at: dt.datetime, lang: Lang | str) -> str:
    """The flag's first-visit deadline and where its clock stands."""
    clock = first_visit_clock(flag, at)
    due = t("flag_clock_due", lang, due=f"{clock.due_at.astimezone(KST):%Y-%m-%d %H:%M}")
    return f"{due} · {clock_label(clock, lang)}"


class FlagModal(FormModal[CrisisFlag]):
    """Raise a flag on `household` (no `flag`), or update `flag`; dismisses with the saved flag."""

    DEFAULT_CSS = """
    FlagModal #flag-clock { height: auto; padding: 1 0 0 0; color: $warning; text-style: bold; }
    FlagModal FormField > Horizontal > Select { width: 1fr; }
    FlagModal FormField > Horizontal > PickList { width: 1fr; }
    FlagModal FormField > Horizontal > SafeTextArea { width: 1fr; height: 6; }
    FlagModal FormField > Horizontal > SafeInput { width: 1fr; }
    """

    def __init__(self, household_id: str, flag_id: str | None = None, *, second: bool = False) -> None:
        self.household = household_of(self.repo, household_id)
        title = "flag_update_title" if flag_id is not None else "flag_raise_title"
        super().__init__(t(title, self.lang, household=household_label(self.repo, self.household, self.lang)))
        self.flag = self.repo.get(CrisisFlag, flag_id) if flag_id is not None else None
        """The flag being updated; None when raising a new one."""
        self.second = second
        """Whether the user chose to raise a flag beside one already open."""
        found = (self.flag.clock_start if self.flag else self.now()).astimezone(KST)
        self._found_shown = f"{found:{WHEN_FORMAT}}"
        """When-found as the form first shows it: left as it is, it is not sent (default: now)."""

    def fields(self) -> ComposeResult:
        lang = self.lang
        flag = self.flag
        if flag is None:
            due = (self.now() + FIRST_VISIT_WINDOW).astimezone(KST)
            line = (
                f"{t('flag_clock_due', lang, due=f'{due:%Y-%m-%d %H:%M}')} · {t('flag_clock_starts', lang)}"
            )
        else:
            line = clock_line(flag, self.now(), lang)
        yield Static(text(line), id="flag-clock")
        yield FormField(
            t("flag_level", lang),
            Select(
                enum_options(CrisisLevel, lang),
                prompt=t("pick_one", lang),
                value=flag.level.value if flag is not None else Select.NULL,
                allow_blank=flag is None,
                id="level",
            ),
            "level",
        )
        chosen = set(flag.reasons) if flag is not None else set()
        yield FormField(
            t("flag_reasons", lang),
            PickList(
                *[(label, value, value in chosen) for label, value in enum_options(CrisisReason, lang)],
                id="reasons",
            ),
            "reasons",
        )
        yield FormField(t("note", lang), SafeTextArea(flag.note if flag else "", id="note"), "note")
        yield FormField(
            t("flag_found_how", lang),
            Select(
                enum_options(FoundHow, lang),
                prompt=t("field_optional", lang),
                value=flag.found_how.value if flag is not None and flag.found_how else Select.NULL,
                id="found_how",
            ),
            "found_how",
        )
        yield FormField(
            t("flag_found_at", lang),
            SafeInput(self._found_shown, placeholder="YYYY-MM-DD HH:MM", id="found_at"),
            "found_at",
        )

    def error_location(self, loc: tuple[Any, ...]) -> tuple[Any, ...]:
        """The flag's one check across fields (found before it was raised) is beside when-found."""
        return loc or ("found_at",)

    def _found_at(self) -> dt.datetime | None:
        """When the crisis was found, if the user changed it; beside the field when it is no time."""
        typed = str(self.value_of("found_at") or "")
        if typed in ("", self._found_shown):
            return None
        try:
            return dt.datetime.strptime(typed, WHEN_FORMAT).replace(tzinfo=KST)
        except ValueError:
            error = PydanticCustomError("found_at_format", CATALOGUE["found_at_format"].en)
            raise ValidationError.from_exception_data(
                "form", [{"type": error, "loc": ("found_at",), "input": typed}]
            ) from None

    def submit(self) -> CrisisFlag:
        data: dict[str, Any] = {
            "level": self.value_of("level"),
            "reasons": in_enum_order(self.value_of("reasons"), CrisisReason),
            "note": self.value_of("note"),
            "found_how": self.value_of("found_how"),
            "found_at": self._found_at(),
        }
        data = {key: value for key, value in data.items() if value is not None}
        if self.flag is None:
            return raise_flag(
                self.repo, {"household_id": self.household.id, **data}, at=self.now(), second=self.second
            )
        return update_flag(self.repo, self.flag.id, data)


class FlagPicker(ChandongModal[str | None]):
    """Which open flag: most urgent first, Enter picks the highlighted one, Esc picks none."""

    DEFAULT_CSS = """
    FlagPicker { align: center middle; }
    FlagPicker > #pick-box { width: 70; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; }
    FlagPicker #pick-title { text-style: bold; height: auto; }
    FlagPicker OptionList { height: auto; max-height: 12; }
    """

    BINDINGS = [
        Binding(
            "enter", "pick", "key_pick", id="flag_pick.pick", show=True, priority=True, tooltip="tip_pick"
        ),
        Binding(
            "escape", "cancel", "key_cancel", id="flag_pick.cancel", show=True, tooltip="tip_pick_cancel"
        ),
    ]

    def __init__(self, flags: list[CrisisFlag]) -> None:
        super().__init__()
        self.flags = most_urgent_first(flags)

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-box"):
            yield Static(text(t("flag_pick_title", self.lang)), id="pick-title")
            yield OptionList(
                *[Option(text(flag_summary(flag, self.lang)), id=flag.id) for flag in self.flags],
                id="pick-flags",
            )
        yield SteadyFooter()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_pick(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def action_cancel(self) -> None:
        self.dismiss(None)
