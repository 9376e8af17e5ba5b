"""`ConferenceModal`: schedule a case conference (사례회의).

Date and time, place, kind (동 사례회의, 통합사례회의, 사례관리위원회), facilitator, the staff attending,
people from outside agencies (`이름/기관/역할`, comma separated; a 사례관리위원회 starts with the standing
members of its last meeting) and an agenda picked from the suggestions of
`conferences.agenda_suggestions` (crisis flags open long, households marked as needing a conference,
hand-offs declined twice). Saved through `conferences.schedule_conference`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from pydantic import ValidationError
from pydantic_core import PydanticCustomError
from textual.app import ComposeResult
from textual.widgets import Select, Static

from chandong_tui.casework.clock import KST
from chandong_tui.casework.conferences import (
    Suggestion,
    agenda_suggestions,
    schedule_conference,
    standing_members,
)
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.workdays import next_working_day
from chandong_tui.i18n import Lang, t
from chandong_tui.model.enums import ConferenceKind
from chandong_tui.model.fields import read_day
from chandong_tui.model.records import Attendee, Conference
from chandong_tui.tui.modals.form_modal import FormField, FormModal
from chandong_tui.tui.modals.handoff_modal import worker_options
from chandong_tui.tui.modals.note_modal import require_filled
from chandong_tui.tui.modals.visit_modal import SafeInput, enum_options
from chandong_tui.tui.text import text
from chandong_tui.tui.widgets.pick_list import PickList

DEFAULT_TIME = "14:00"


def parse_when(day: str | None, time: str | None) -> dt.datetime:
    """`2026-11-04` and `14:00` → an aware time in Korea; a `ValidationError` naming the bad field."""
    errors = []
    parsed_day = parsed_time = None
    try:
        parsed_day = read_day(str(day or ""))
    except PydanticCustomError as exc:  # not in the format, or no such day
        errors.append({"type": exc, "loc": ("date",), "input": day})
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(time or "").strip())
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        parsed_time = dt.time(int(match[1]), int(match[2]))
    else:
        errors.append({"type": "time_parsing", "loc": ("time",), "input": time, "ctx": {"error": "time"}})
    if errors or parsed_day is None or parsed_time is None:
        raise ValidationError.from_exception_data("conference", errors)  # type: ignore[arg-type]
    return dt.datetime.combine(parsed_day, parsed_time, tzinfo=KST)


def outside_attendees(raw: str | None) -> list[dict[str, str]]:
    """`이다영/동작구정신건강복지센터/위원, 박민호/상도복지관` → attendees from outside agencies
    (name, organisation and an optional role)."""
    found = []
    for part in re.split(r"[,，]", raw or ""):
        name, _, rest = part.partition("/")
        organisation, _, role = rest.partition("/")
        if name.strip():
            found.append({"name": name.strip(), "organisation": organisation.strip(), "role": role.strip()})
    return found


def outside_text(attendees: Iterable[Attendee]) -> str:
    """The attendees from outside as `outside_attendees` reads them (`이름/기관/역할`, …)."""
    return ", ".join("/".join(filter(None, (a.name, a.organisation, a.role))) for a in attendees)


def suggestion_label(repo: CaseRepository, suggestion: Suggestion, lang: Lang | str) -> str:
    summary = next((s for s in repo.household_summaries() if s.id == suggestion.household_id), None)
    name = f"{summary.head_name} ({summary.tong}-{summary.ban})" if summary else suggestion.household_id
    return f"{name} · {', '.join(r.label(lang) for r in suggestion.reasons)}"


class ConferenceModal(FormModal[Conference]):
    """Schedule a conference; dismisses with the saved conference."""

    DEFAULT_CSS = """
    ConferenceModal #conference-hint { height: auto; color: $text-muted; padding-left: 16; }
    ConferenceModal FormField > Horizontal > Select { width: 1fr; }
    ConferenceModal FormField > Horizontal > SafeInput { width: 1fr; }
    ConferenceModal FormField > Horizontal > PickList { width: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__(t("conference_schedule_title", self.lang))
        self.suggestions = agenda_suggestions(self.repo, self.now())

    def fields(self) -> ComposeResult:
        lang, repo = self.lang, self.repo
        day = next_working_day(self.now().astimezone(KST).date() + dt.timedelta(days=1))
        yield FormField(t("conference_date", lang), SafeInput(day.isoformat(), id="date"), "date")
        yield FormField(t("conference_time", lang), SafeInput(DEFAULT_TIME, id="time"), "time")
        yield FormField(t("conference_place", lang), SafeInput(id="place"), "place")
        yield FormField(
            t("conference_kind", lang),
            Select(
                enum_options(ConferenceKind, lang),
                value=ConferenceKind.DONG.value,
                allow_blank=False,
                id="kind",
            ),
            "conference_kind",
        )
        yield FormField(
            t("conference_facilitator", lang),
            Select(worker_options(repo, lang), value=repo.user_id, allow_blank=False, id="facilitator_id"),
            "facilitator_id",
        )
        yield FormField(
            t("conference_attendees", lang),
            PickList(
                *[(label, wid, wid == repo.user_id) for label, wid in worker_options(repo, lang)], id="staff"
            ),
            "attendees",
        )
        yield FormField(t("conference_outside", lang), SafeInput(id="outside"), "outside")
        yield Static(text(t("conference_outside_hint", lang)), id="conference-hint")
        yield FormField(
            t("conference_agenda_pick", lang),
            PickList(
                *[(suggestion_label(repo, s, lang), s.household_id, False) for s in self.suggestions],
                id="agenda",
            ),
            "agenda",
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        """A 사례관리위원회 brings its standing members (those of its last meeting) when none are typed."""
        if event.select.id != "kind" or event.value != ConferenceKind.COMMITTEE.value:
            return
        outside = self.query_one("#outside", SafeInput)
        if not outside.value.strip():
            outside.value = outside_text(standing_members(self.repo))

    def submit(self) -> Conference:
        require_filled({"date": self.value_of("date"), "time": self.value_of("time")}, ["date", "time"])
        when = parse_when(self.value_of("date"), self.value_of("time"))
        names = {w.id: w.name for w in self.repo.workers()}
        staff = [{"name": names.get(wid, wid), "worker_id": wid} for wid in self.value_of("staff")]
        reasons = {s.household_id: ", ".join(r.ko for r in s.reasons) for s in self.suggestions}
        picked = set(self.value_of("agenda"))
        agenda = [
            (s.household_id, reasons[s.household_id]) for s in self.suggestions if s.household_id in picked
        ]
        return schedule_conference(
            self.repo,
            conference_kind=self.value_of("kind") or ConferenceKind.DONG.value,
            scheduled_at=when,
            place=str(self.value_of("place") or ""),
            facilitator_id=self.value_of("facilitator_id"),
            attendees=[*staff, *outside_attendees(self.value_of("outside"))],
            agenda=agenda,
        )
