"""사례회의 in the TUI: from the week view (f4) the supervisor schedules a conference with an agenda of
suggested households, runs meeting mode through it (one decision per household, a follow-up task) and
seals the minutes; the stored records are read through a fresh unlock after the app has closed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select

from chandong_tui.casework.clock import KST
from chandong_tui.casework.conferences import agenda_suggestions, current_conferences, schedule_conference
from chandong_tui.casework.deadlines import follow_up_due, settings_of
from chandong_tui.casework.my_work import my_work
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.i18n import t
from chandong_tui.model.enums import ConferenceKind, ConferenceState, Decision
from chandong_tui.model.records import Conference, Task
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.agenda_modal import AgendaSearchModal
from chandong_tui.tui.modals.conference_modal import ConferenceModal
from chandong_tui.tui.modals.confirm_modal import ConfirmModal
from chandong_tui.tui.modals.decision_modal import DecisionModal
from chandong_tui.tui.modals.minutes_modal import MinutesModal
from chandong_tui.tui.modals.note_modal import NoteModal
from chandong_tui.tui.screens.conference_screen import ConferenceScreen
from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
from chandong_tui.tui.screens.week_screen import WeekScreen
from chandong_tui.tui.widgets.household_list import HouseholdList
from chandong_tui.tui.widgets.work_list import WorkList
from tests.conftest import opened
from tests.tui.driving import notifications, run_app, sign_in
from tests.tui.screen_support import pick_option, read_repo, shown_error, tab_to, type_text

AT = dt.datetime(2026, 11, 3, 10, 40, tzinfo=KST)


def app_for(vault: Path, user: str = "supervisor", lang: str = "ko") -> ChandongApp:
    return ChandongApp(vault, lang=lang, user=user, low_bandwidth=True, clock=lambda: AT)


def test_conference_from_scheduling_through_meeting_mode_to_sealed_minutes(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        suggested = [s.household_id for s in agenda_suggestions(repo, AT)]
        owners = {hid: repo.household(hid).owner_id for hid in suggested[:2]}  # type: ignore[union-attr]
        due = follow_up_due(AT.date(), settings_of(repo))
        before = {c.id for c in repo.all(Conference)}
    assert len(suggested) >= 2
    first, second = suggested[:2]

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        await pilot.press("f4")
        await pilot.pause()
        week = app.screen
        assert isinstance(week, WeekScreen)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ConferenceModal)
        await pilot.press("end", *["backspace"] * 10)  # the date: a bad one is refused beside it
        await type_text(pilot, "11월 4일")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert shown_error(form, "date")
        await pilot.press("end", *["backspace"] * 10)
        await type_text(pilot, "2026-11-04")
        await tab_to(pilot, "place")
        await type_text(pilot, "상도1동 주민센터 상담실")
        await tab_to(pilot, "outside")
        await type_text(pilot, "이다영/동작구정신건강복지센터/상담사")
        await tab_to(pilot, "agenda")
        await pilot.press("space", "down", "space")  # the first two suggestions
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConferenceScreen), "the new conference opens"
        assert screen.conference is not None and [i.household_id for i in screen.conference.agenda] == [
            first,
            second,
        ]
        head = str(screen.query_one("#conference-head").render())
        staff_line, outside_line = (line for line in head.splitlines() if "참석" in line)
        assert "이다영" not in staff_line, "outside attendees are not listed as staff"
        assert "이다영/동작구정신건강복지센터/상담사" in outside_line
        await pilot.press("s")  # before the meeting has started: refused, saying why
        await pilot.pause()
        assert app.screen is screen and "회의 진행 중이 아닙니다" in notifications(app)[-1]
        await pilot.press("m")  # meeting mode: starts, then the first undecided household
        await pilot.pause()
        decision = app.screen
        assert isinstance(decision, DecisionModal) and decision.item.household_id == first
        await tab_to(pilot, "note")
        await type_text(pilot, "월 1회 방문 유지")
        await tab_to(pilot, "title")
        await type_text(pilot, "긴급지원 서류 확인")
        await pilot.press("ctrl+s")
        await pilot.pause()
        decision = app.screen
        assert isinstance(decision, DecisionModal) and decision.item.household_id == second
        await pilot.press("escape")  # the walk pauses: one household still undecided
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is screen and second in notifications(app)[-1], "refused while undecided"
        await pilot.press("m")
        await pilot.pause()
        decision = app.screen
        assert isinstance(decision, DecisionModal) and decision.item.household_id == second
        await pick_option(pilot, "긴")  # 긴급지원
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert screen.check_action("seal", ())
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal), "sealing asks first"
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and screen.conference.state is ConferenceState.IN_PROGRESS
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, NoteModal)
        await type_text(pilot, "두 가구 논의, [bold]끝[/]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and screen.conference is not None
        assert screen.conference.state is ConferenceState.SEALED
        assert not screen.check_action("meeting", ()) and not screen.check_action("decide", ())
        sealed_id = screen.conference.id
        await pilot.press("v")  # the sealed minutes in full, as they print
        await pilot.pause()
        assert isinstance(app.screen, MinutesModal)
        shown_text = str(app.screen.query_one("#minutes-text").render())
        assert "두 가구 논의" in shown_text and "이다영 (동작구정신건강복지센터, 상담사)" in shown_text
        assert "월 1회 방문 유지" in shown_text and "긴급지원 서류 확인" in shown_text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("e")  # an addendum: the minutes as they are, then a reason (required)
        await pilot.pause()
        assert isinstance(app.screen, NoteModal)
        await pilot.press("ctrl+s")
        await pilot.pause()
        reason = app.screen
        assert isinstance(reason, NoteModal)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is reason, "an addendum without a reason is refused"
        await type_text(pilot, "참석자 정정")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and screen.conference is not None
        assert screen.conference.revises == sealed_id and screen.conference.revision_note == "참석자 정정"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is week
        assert any(c.id == screen.conference.id for _day, cs in week.days for c in cs)

    run_app(app_for(demo_vault), scenario)

    def stored(repo: CaseRepository) -> tuple[Conference, list[Task]]:
        (conference,) = [c for c in current_conferences(repo) if c.id not in before]
        sealed = {conference.id, conference.revises}  # the tasks name the minutes first sealed
        tasks = repo.where(Task, lambda row: row.get("conference_id") in sealed)
        return conference, tasks

    conference, tasks = read_repo(demo_vault, "supervisor", stored)  # type: ignore[misc]
    assert conference.state is ConferenceState.SEALED and conference.sealed_by == "supervisor"
    assert conference.minutes == "두 가구 논의, [bold]끝[/]" and conference.revision_note == "참석자 정정"
    assert conference.conference_kind is ConferenceKind.DONG
    assert conference.scheduled_at == dt.datetime(2026, 11, 4, 14, 0, tzinfo=KST)
    assert conference.place == "상도1동 주민센터 상담실" and conference.facilitator_id == "supervisor"
    assert ("이다영", "동작구정신건강복지센터", "상담사", None) in [
        (a.name, a.organisation, a.role, a.worker_id) for a in conference.attendees
    ]
    assert "supervisor" in [a.worker_id for a in conference.attendees]
    decided = {item.household_id: item for item in conference.agenda}
    assert decided[first].decision is Decision.CONTINUE and decided[first].note == "월 1회 방문 유지"
    assert decided[second].decision is Decision.EMERGENCY_SUPPORT and decided[second].task_ids == []
    (task,) = tasks
    assert decided[first].task_ids == [task.id]
    assert task.title == "긴급지원 서류 확인" and task.household_id == first
    assert task.owner_id == (owners[first] or "supervisor") and task.due_on == due


def test_upcoming_conference_on_my_work_opens_the_conference(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        upcoming = my_work(repo, AT).conferences
    assert upcoming

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        assert isinstance(app.screen, DashboardScreen)
        work = app.screen.query_one("#work", WorkList)
        work.highlighted = work.get_option_index(f"conference:{upcoming[0].id}")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConferenceScreen) and screen.conference is not None
        assert screen.conference.id == upcoming[0].id

    run_app(app_for(demo_vault, lang="en"), scenario)


def test_week_view_from_anywhere_and_its_help(demo_vault: Path) -> None:
    from tests.tui.screen_support import declared, open_help, rows_of

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot)  # on the household list
        await pilot.press("f4")
        await pilot.pause()
        week = app.screen
        assert isinstance(week, WeekScreen)
        assert not week.check_action("schedule", ())  # a planner does not schedule conferences
        first = week.days[0][0]
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert week.days[0][0] == first + dt.timedelta(weeks=1)
        await pilot.press("t")
        await pilot.pause()
        assert week.days[0][0] == first
        help_screen = await open_help(app, pilot)
        assert declared(WeekScreen, "ko") <= set(rows_of(help_screen))
        assert "f4" in rows_of(help_screen)[t("key_week")].keys
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)

    run_app(app_for(demo_vault, "planner"), scenario)


def test_any_household_found_and_put_on_the_agenda_then_one_taken_off(demo_vault: Path) -> None:
    """`f` finds a household that is not suggested (by its head's name, as in the household list) and
    puts it on the agenda; shift+↑ moves it up; `x` takes the household under the cursor off before
    the meeting."""
    with opened(demo_vault, "supervisor") as repo:
        upcoming = my_work(repo, AT).conferences[0]
        suggested = {s.household_id for s in agenda_suggestions(repo, AT)}
        on_agenda = {item.household_id for item in upcoming.agenda}
        summaries = repo.household_summaries()
        names = [s.head_name for s in summaries]
        wanted = next(
            s
            for s in summaries
            if s.id not in suggested | on_agenda and names.count(s.head_name) == 1 and s.status == "open"
        )
    assert upcoming.state is ConferenceState.SCHEDULED and upcoming.agenda

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        work = app.screen.query_one("#work", WorkList)
        work.highlighted = work.get_option_index(f"conference:{upcoming.id}")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, AgendaSearchModal)
        await type_text(pilot, wanted.head_name)
        await pilot.pause()
        found = app.screen.query_one(HouseholdList)
        assert [s.id for s in found.rows] == [wanted.id]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.conference is not None
        assert screen.conference.agenda[-1].household_id == wanted.id
        agenda = screen.query_one("#conference-agenda", OptionList)
        agenda.highlighted = len(screen.conference.agenda) - 1  # the household added: one place up
        await pilot.press("shift+up")
        await pilot.pause()
        assert screen.conference.agenda[-2].household_id == wanted.id
        assert agenda.highlighted_option is not None and agenda.highlighted_option.id == wanted.id
        first = screen.conference.agenda[0].household_id
        agenda.highlighted = 0
        await pilot.press("x")
        await pilot.pause()
        assert first not in [item.household_id for item in screen.conference.agenda]

    run_app(app_for(demo_vault), scenario)
    stored = read_repo(demo_vault, "supervisor", lambda repo: repo.get(Conference, upcoming.id))
    expected = [item.household_id for item in upcoming.agenda[1:]]
    expected.insert(len(expected) - 1, wanted.id)
    assert [item.household_id for item in stored.agenda] == expected  # type: ignore[attr-defined]


def test_a_committee_meeting_is_scheduled_with_its_standing_members(demo_vault: Path) -> None:
    with opened(demo_vault, "supervisor") as repo:
        schedule_conference(
            repo,
            conference_kind="committee",
            scheduled_at=AT - dt.timedelta(days=30),
            attendees=[{"name": "최민수", "organisation": "상도종합사회복지관", "role": "위원장"}],
        )

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ConferenceModal)
        assert form.query_one("#outside", Input).value == ""
        form.query_one("#kind", Select).value = ConferenceKind.COMMITTEE.value
        await pilot.pause()
        assert form.query_one("#outside", Input).value == "최민수/상도종합사회복지관/위원장"

    run_app(app_for(demo_vault), scenario)
