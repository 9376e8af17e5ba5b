"""`WeekScreen`: the case conferences of a week (f4 from anywhere after unlock).

Monday to Sunday, each day with its conferences in time order (`conferences.week_view`). `[` / `]`
move a week back or on, `t` returns to this week, Enter opens the conference under the cursor, `n`
schedules a new one (case managers and supervisors) and opens it.
"""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from chandong_tui.casework.clock import KST
from chandong_tui.casework.conferences import ORGANISER_ROLES, week_view
from chandong_tui.casework.workdays import holiday_name
from chandong_tui.i18n import Lang, t
from chandong_tui.model.records import Conference
from chandong_tui.tui.base import ChandongScreen
from chandong_tui.tui.text import cell, join, text
from chandong_tui.tui.widgets.footer import SteadyFooter
from chandong_tui.tui.widgets.option_lists import replace_options

_MUTED = "dim"
_WEEKDAYS = {"ko": "월화수목금토일", "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}


class WeekScreen(ChandongScreen[None]):
    """A week of conferences."""

    HELP_TITLE = "week_screen_name"

    DEFAULT_CSS = """
    WeekScreen #week-title { height: 1; padding: 0 1; background: $primary 30%; }
    WeekScreen #week-list { height: 1fr; border: none; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis; }
    """

    BINDING_GROUP = "week"
    BACK_KEYS = "escape,backspace"
    QUIT_IN_FOOTER = False
    BINDINGS = [
        Binding(
            "left_square_bracket,left",
            "move(-1)",
            "key_previous_week",
            id="week.previous",
            show=True,
            tooltip="tip_previous_week",
        ),
        Binding(
            "right_square_bracket,right",
            "move(1)",
            "key_next_week",
            id="week.next",
            show=True,
            tooltip="tip_next_week",
        ),
        Binding("t", "this_week", "key_this_week", id="week.this", show=True, tooltip="tip_this_week"),
        Binding("n", "schedule", "key_schedule", id="week.schedule", show=True, tooltip="tip_schedule"),
        Binding(
            "enter", "open_conference", "key_open", id="week.open", show=False, tooltip="tip_open_conference"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day = self.now().astimezone(KST).date()
        """A day of the week shown."""
        self.days: list[tuple[dt.date, list[Conference]]] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="week-title")
        yield OptionList(id="week-list")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#week-list", OptionList).focus()

    def reload(self) -> None:
        self.days = week_view(self.repo, self.day)
        lang = self.lang
        first, last = self.days[0][0], self.days[-1][0]
        self.query_one("#week-title", Static).update(
            text(t("week_title", lang, start=first.isoformat(), end=last.isoformat()), "bold")
        )
        names = {w.id: w.name for w in self.repo.workers()}
        weekdays = _WEEKDAYS["en" if lang == Lang.EN else "ko"]
        today = self.now().astimezone(KST).date()
        options: list[Option] = []
        for day, conferences in self.days:
            holiday = holiday_name(day, lang) or ""
            label = f"{day:%m-%d} ({weekdays[day.weekday()]}) {holiday}".rstrip()
            style = "bold reverse" if day == today else "bold"
            options.append(Option(text(label, style), id=f"day:{day.isoformat()}", disabled=True))
            for conference in conferences:
                line = join(
                    [
                        cell("", 2),
                        cell(f"{conference.scheduled_at.astimezone(KST):%H:%M}", 6),
                        cell(conference.conference_kind.label(lang), 14),
                        cell(conference.state.label(lang), 10, _MUTED),
                        cell(t("agenda_count", lang, n=len(conference.agenda)), 10),
                        cell(names.get(conference.facilitator_id, conference.facilitator_id), 8),
                        text(conference.place, _MUTED),
                    ]
                )
                options.append(Option(line, id=conference.id))
            if not conferences:
                options.append(
                    Option(text(f"  {t('week_none', lang)}", _MUTED), id=f"none:{day}", disabled=True)
                )
        replace_options(self.query_one("#week-list", OptionList), options)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "schedule":
            return self.repo.role in ORGANISER_ROLES
        return True

    def action_move(self, weeks: int) -> None:
        self.day += dt.timedelta(weeks=weeks)
        self.reload()

    def action_this_week(self) -> None:
        self.day = self.now().astimezone(KST).date()
        self.reload()

    @on(OptionList.OptionSelected, "#week-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_conference()

    def action_open_conference(self, conference_id: str | None = None) -> None:
        if conference_id is None:
            option = self.query_one("#week-list", OptionList).highlighted_option
            conference_id = option.id if option is not None and not option.disabled else None
        if conference_id:
            self.ctx.nav.conference(conference_id)

    def action_schedule(self) -> None:
        from chandong_tui.tui.modals.conference_modal import ConferenceModal

        def saved(conference: Conference | None) -> None:
            if conference is not None:
                self.day = conference.scheduled_at.astimezone(KST).date()
                self.refresh_records()
                self.action_open_conference(conference.id)

        self.app.push_screen(ConferenceModal(), saved)
