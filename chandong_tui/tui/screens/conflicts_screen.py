"""`ConflictsScreen` (충돌 검토): sensitive fields changed on two PCs at once, and picking the value to keep.

One block per conflict: the household (head's name, 통/반) or the record it is about, the field
(Korean or English label), then its values one a line, side by side in columns: the value, who wrote
it, when, and which one the record shows meanwhile. The cursor moves over the values; Enter keeps the
value under it, `1`…`9` the n-th value of the conflict under the cursor; a confirmation first, then
`casework.conflicts.resolve` writes the chosen value superseding every other (each PC agrees once it
has taken that change in), "저장됨", and the list is read again. Supervisors see every conflict, other
workers those of their cases or with a value of theirs (`conflicts` decides).

Reached with `k` on 내 업무 and the palette's "sync: conflicts"; the status line counts them.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from chandong_tui.casework.clock import KST
from chandong_tui.casework.conflicts import Conflict, ConflictValue, conflicts, resolve
from chandong_tui.casework.errors import Forbidden, IllegalTransition
from chandong_tui.casework.repository import HouseholdSummary
from chandong_tui.i18n import CATALOGUE, t
from chandong_tui.model.enums import (
    CrisisLevel,
    FlagState,
    HandoffState,
    HouseholdStatus,
    LabelledEnum,
    MemberExit,
    TaskState,
)
from chandong_tui.model.records import Conference
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.sync_status import request_round
from chandong_tui.tui.text import cell, join, text
from chandong_tui.tui.widgets.footer import SteadyFooter
from chandong_tui.tui.widgets.option_lists import replace_options

_MUTED = "dim"

FIELD_LABELS: dict[tuple[str, str], str] = {
    ("household", "owner_id"): "owner",
    ("household", "road_address"): "field_road_address",
    ("household", "address_detail"): "field_address_detail",
    ("household", "tong"): "field_tong",
    ("household", "ban"): "field_ban",
    ("household", "status"): "status",
    ("crisis_flag", "level"): "flag_level",
    ("crisis_flag", "state"): "conflict_field_flag_state",
    ("handoff", "state"): "handoff_state",
    ("handoff", "to_worker_id"): "handoff_to_worker",
    ("task", "state"): "handoff_state",
    ("task", "owner_id"): "task_assignee",
    ("conference", "agenda"): "conflict_field_agenda",
    ("member", "name"): "name",
    ("member", "birth_date"): "field_birth_date",
    ("member", "left_on"): "corr_left_on",
    ("member", "left_how"): "corr_left_how",
}
"""(table, field) → the catalogue key of its name for people."""

ENUMS: dict[tuple[str, str], type[LabelledEnum]] = {
    ("household", "status"): HouseholdStatus,
    ("crisis_flag", "level"): CrisisLevel,
    ("crisis_flag", "state"): FlagState,
    ("handoff", "state"): HandoffState,
    ("member", "left_how"): MemberExit,
    ("task", "state"): TaskState,
}
WORKER_FIELDS = frozenset({("household", "owner_id"), ("handoff", "to_worker_id"), ("task", "owner_id")})


class ConflictsScreen(ChandongScreen[None]):
    """The 충돌 검토 queue of the signed-in worker."""

    HELP_TITLE = "conflicts_screen_name"

    DEFAULT_CSS = """
    ConflictsScreen #conflicts-title { height: 1; padding: 0 1; background: $primary 30%; text-style: bold; }
    ConflictsScreen #conflicts-hint { height: 1; padding: 0 1; color: $text-muted; }
    ConflictsScreen #conflicts-list { height: 1fr; border: none; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis; }
    """

    BINDING_GROUP = "conflicts"
    BACK_KEYS = "escape,backspace"
    QUIT_IN_FOOTER = False
    BINDINGS = [
        Binding("enter", "keep", "key_keep", id="conflicts.keep", show=True, tooltip="tip_keep"),
        *(
            Binding(
                str(n),
                f"keep_number({n})",
                "key_keep_number",
                id=f"conflicts.keep_{n}",
                show=False,
                tooltip="tip_keep_number",
            )
            for n in range(1, 10)
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.conflicts: list[Conflict] = []
        """As last read."""
        self._values: dict[str, tuple[Conflict, ConflictValue]] = {}
        """Option id → the conflict and the value of that line."""

    def compose(self) -> ComposeResult:
        yield Static("", id="conflicts-title")
        yield Static(text(t("conflicts_hint", self.lang)), id="conflicts-hint")
        yield OptionList(id="conflicts-list")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#conflicts-list", OptionList).focus()

    # -- reading and drawing ---------------------------------------------------------------
    def reload(self) -> None:
        """Read the conflicts again and redraw, the cursor kept on the same value when it is still there."""
        self.conflicts = conflicts(self.repo)
        lang = self.lang
        self.query_one("#conflicts-title", Static).update(
            text(t("conflicts_title", lang, n=len(self.conflicts)))
        )
        names = {w.id: w.name for w in self.repo.workers()}
        summaries = {s.id: s for s in self.repo.household_summaries()}
        options: list[Option] = []
        self._values = {}
        for index, conflict in enumerate(self.conflicts):
            options.append(
                Option(self._heading(conflict, summaries), id=f"conflict:{conflict.key}", disabled=True)
            )
            for number, value in enumerate(conflict.values, start=1):
                option_id = f"value:{conflict.key}:{value.write_id}"
                self._values[option_id] = (conflict, value)
                options.append(Option(self._value_line(conflict, number, value, names), id=option_id))
            if index < len(self.conflicts) - 1:
                options.append(Option(text(""), id=f"gap:{index}", disabled=True))
        if not options:
            options.append(Option(text(f"  {t('conflicts_none', lang)}", _MUTED), id="none", disabled=True))
        replace_options(self.query_one("#conflicts-list", OptionList), options)
        self.refresh_bindings()

    def _heading(self, conflict: Conflict, summaries: dict[str, HouseholdSummary]) -> Text:
        lang = self.lang
        household = summaries.get(conflict.household_id or "")
        if household is not None:
            where = t("conflict_household", lang, name=household.head_name or household.id)
            where += f" · {t('conflict_tong_ban', lang, tong=household.tong, ban=household.ban)}"
        elif conflict.table == "conference":
            conference = self.repo.get(Conference, conflict.row)
            when = f"{conference.scheduled_at.astimezone(KST):%Y-%m-%d %H:%M}" if conference else conflict.row
            where = f"{t('conflict_kind_conference', lang)} {when}"
        else:
            where = conflict.household_id or conflict.row
        kind = t(f"conflict_kind_{conflict.table}", lang) if conflict.table != "household" else ""
        label_key = FIELD_LABELS.get((conflict.table, conflict.field))
        field = t(label_key, lang) if label_key in CATALOGUE else conflict.field
        what = f"{kind}: {field}" if kind and conflict.table != "conference" else field
        return text(f"{where} · {what}", "bold")

    def _value_line(
        self, conflict: Conflict, number: int, value: ConflictValue, names: dict[str, str]
    ) -> Text:
        shown = t("conflict_shown", self.lang) if value.value == conflict.shown else ""
        return join(
            [
                cell(f"{number}", 3, align="right"),
                cell(self.value_text(conflict, value.value, names), 30),
                cell(names.get(value.actor, value.actor), 10),
                cell(f"{value.at.astimezone(KST):%Y-%m-%d %H:%M}", 16, _MUTED),
                cell(shown, 8, _MUTED),
            ]
        )

    def value_text(self, conflict: Conflict, value: object, names: dict[str, str]) -> str:
        """A stored value as people read it: a worker's name, an enum's label, an agenda's size."""
        where = (conflict.table, conflict.field)
        if where in WORKER_FIELDS:
            if not value:
                return t("queue_no_owner", self.lang)
            return names.get(str(value), str(value))
        enum = ENUMS.get(where)
        if enum is not None and value is not None:
            try:
                return enum(str(value)).label(self.lang)
            except ValueError:
                return str(value)
        if where == ("conference", "agenda") and isinstance(value, list):
            decided = sum(1 for item in value if isinstance(item, dict) and item.get("decision"))
            return t("conflict_agenda_value", self.lang, n=len(value), decided=decided)
        return "" if value is None else str(value)

    # -- picking ---------------------------------------------------------------------------
    def current(self) -> tuple[Conflict, ConflictValue] | None:
        """The conflict and the value under the cursor."""
        option = self.query_one("#conflicts-list", OptionList).highlighted_option
        return self._values.get(option.id or "") if option is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("keep", "keep_number"):
            return self.current() is not None
        return True

    @on(OptionList.OptionSelected, "#conflicts-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_keep()

    def action_keep(self) -> None:
        """Keep the value under the cursor (after a confirmation)."""
        picked = self.current()
        if picked is not None:
            self.ask_to_keep(*picked)

    def action_keep_number(self, number: int) -> None:
        """Keep the `number`-th value of the conflict under the cursor (after a confirmation)."""
        picked = self.current()
        if picked is None:
            return
        conflict = picked[0]
        if not 1 <= number <= len(conflict.values):
            self.notify(t("conflict_no_value", self.lang, n=number), severity="warning", timeout=3)
            return
        self.ask_to_keep(conflict, conflict.values[number - 1])

    def ask_to_keep(self, conflict: Conflict, value: ConflictValue) -> None:
        from chandong_tui.tui.modals.confirm_modal import ConfirmModal

        names = {w.id: w.name for w in self.repo.workers()}
        summaries = {s.id: s for s in self.repo.household_summaries()}
        question = t(
            "conflict_confirm",
            self.lang,
            where=self._heading(conflict, summaries).plain,
            value=self.value_text(conflict, value.value, names),
            worker=names.get(value.actor, value.actor),
            at=f"{value.at.astimezone(KST):%Y-%m-%d %H:%M}",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.keep(conflict, value)

        self.app.push_screen(ConfirmModal(question), answered)

    def keep(self, conflict: Conflict, value: ConflictValue) -> None:
        """Write the chosen value (superseding the others), say so, read the list again and send the
        change on at once."""
        try:
            resolve(self.repo, conflict, value.write_id)
        except IllegalTransition:
            self.notify(t("conflict_gone", self.lang), severity="warning", timeout=4)
        except Forbidden as exc:
            self.notify(text(exc.message(self.lang)).plain, severity="error", timeout=5, markup=False)
        else:
            self.notify(t("saved", self.lang), timeout=3)
            request_round(self.app)
        self.refresh_records()
        self.chandong.sync.show()
