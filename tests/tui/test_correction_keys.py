"""Correct and update from the household screen, driven with keys through Textual's Pilot on a copy of
the demo vault at 80×24 (Korean and English): `e` edits the household, `i` adds a member, `s` amends a
visit, `w` withdraws one, `f` on a household with an open flag warns first, an empty visit form is
refused beside its first field, and a correction the role may not make is refused before its form
opens. What was stored is read back through a fresh unlock after the app has closed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from chandong_tui.casework.actions import raise_flag, record_visit
from chandong_tui.casework.clock import KST
from chandong_tui.casework.corrections import corrections_of, visit_revisions
from chandong_tui.casework.errors import Forbidden
from chandong_tui.i18n import t
from chandong_tui.model.enums import (
    CorrectionSubject,
    CrisisLevel,
    CrisisReason,
    Relation,
    TargetGroup,
    VisitKind,
)
from chandong_tui.model.records import Visit
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.correct_modals import HouseholdEditModal, MemberModal
from chandong_tui.tui.modals.flag_modal import FlagModal
from chandong_tui.tui.modals.note_modal import NoteModal
from chandong_tui.tui.modals.visit_modal import VisitModal
from tests.casework_support import quiet_planner_case
from tests.conftest import opened
from tests.tui.driving import notifications, run_app
from tests.tui.screen_support import (
    clear_input,
    fixed_clock,
    open_household,
    pick_option,
    read_repo,
    section,
    shown_error,
    tab_to,
    type_text,
    visits_of,
)


def planner_visit(vault: Path, moment: dt.datetime) -> tuple[str, Visit]:
    """A planner's case with a visit of today by the planner (the latest of its visits)."""
    with opened(vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        visit = record_visit(
            repo,
            {
                "household_id": hid,
                "visited_on": moment.astimezone(KST).date(),
                "visit_kind": VisitKind.REGULAR,
                "target_group": TargetGroup.ELDERLY,
                "note": "안부 확인",
                "next_visit_due": moment.astimezone(KST).date() + dt.timedelta(days=30),
            },
            at=moment,
        )
    return hid, visit


async def press(pilot: Pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


def test_edit_a_household_with_keys(demo_vault: Path) -> None:
    _moment, clock = fixed_clock()
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
    app = ChandongApp(demo_vault, user="officer", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, hid)
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, HouseholdEditModal) and not form.status_editable  # officers: no status
        await press(pilot, "ctrl+s")  # nothing changed: said, nothing saved
        assert app.screen is form and t("err_nothing_changed") in str(
            form.query_one("#form-message").render()
        )
        await tab_to(pilot, "road_address")
        await clear_input(pilot, form.query_one("#road_address", Input))
        await type_text(pilot, "가상로 77")
        await tab_to(pilot, "phone")
        await type_text(pilot, "02-999")
        await press(pilot, "ctrl+s")
        assert app.screen is form and shown_error(form, "phone") == t("phone_format")
        await type_text(pilot, "-1234")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        assert "가상로 77" in section(screen, "header")
        assert CorrectionSubject.HOUSEHOLD.label("ko") in section(screen, "timeline")

    run_app(app, scenario)
    household = read_repo(demo_vault, "supervisor", lambda repo: repo.household(hid))
    assert household.road_address == "가상로 77" and household.phone == "02-999-1234"  # type: ignore[union-attr]
    notes = read_repo(demo_vault, "supervisor", lambda repo: corrections_of(repo, hid))
    assert [(n.actor_id, n.fields) for n in notes] == [("officer", ["road_address", "phone"])]  # type: ignore[union-attr]


def test_add_a_newborn_with_keys_in_english(demo_vault: Path) -> None:
    _moment, clock = fixed_clock()
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        before = len(repo.members_of(hid))
    app = ChandongApp(demo_vault, lang="en", user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, hid)
        await press(pilot, "i")
        form = app.screen
        assert isinstance(form, MemberModal) and form.member is None
        await type_text(pilot, "Kim Baby")
        await tab_to(pilot, "birth_date")
        await type_text(pilot, "2099-01-01")
        await tab_to(pilot, "sex")
        await pick_option(pilot, "F")
        await press(pilot, "ctrl+s")
        assert app.screen is form and shown_error(form, "birth_date") == t("birth_date_range", "en")
        birth = form.query_one("#birth_date", Input)
        assert app.focused is birth
        await clear_input(pilot, birth)
        await type_text(pilot, "2026-11-20")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        assert "Kim Baby" in section(screen, "members")
        assert CorrectionSubject.MEMBER_ADDED.label("en") in section(screen, "timeline")

    run_app(app, scenario)
    members = read_repo(demo_vault, "supervisor", lambda repo: repo.members_of(hid))
    assert len(members) == before + 1  # type: ignore[arg-type]
    baby = next(m for m in members if m.name == "Kim Baby")  # type: ignore[union-attr]
    assert (baby.birth_date, baby.relation, baby.sex.value) == (
        dt.date(2026, 11, 20),
        Relation.CHILD,
        "female",
    )


def test_amend_a_visit_with_keys(demo_vault: Path) -> None:
    moment, clock = fixed_clock()
    hid, visit = planner_visit(demo_vault, moment)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, hid)
        await press(pilot, "s")
        picker = app.screen
        assert isinstance(picker, ChoiceModal) and picker.options[0][1] == visit.id  # latest first
        await press(pilot, "enter")
        form = app.screen
        assert isinstance(form, VisitModal) and form.revising is not None and form.revising.id == visit.id
        assert form.value_of("note") == "안부 확인"  # prefilled from the visit
        await tab_to(pilot, "note")
        await press(pilot, "end")
        await type_text(pilot, ", 식사 잘 하심")
        await press(pilot, "ctrl+s")  # the reason is asked
        assert app.screen is form and shown_error(form, "revision_note") == t("missing")
        await tab_to(pilot, "revision_note")
        await type_text(pilot, "메모 보완")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        timeline = section(screen, "timeline")
        assert f"[{t('corr_amended')}]" in timeline and "식사 잘 하심" in timeline
        assert CorrectionSubject.VISIT_REVISED.label("ko") in timeline and "메모 보완" in timeline

    run_app(app, scenario)
    chain = read_repo(demo_vault, "supervisor", lambda repo: visit_revisions(repo, visit.id))
    assert [v.note for v in chain] == ["안부 확인", "안부 확인, 식사 잘 하심"]  # type: ignore[union-attr]
    assert chain[1].revision_note == "메모 보완" and chain[1].revises == visit.id  # type: ignore[index]


def test_withdraw_a_visit_with_keys_in_english(demo_vault: Path) -> None:
    moment, clock = fixed_clock()
    hid, visit = planner_visit(demo_vault, moment)
    app = ChandongApp(demo_vault, lang="en", user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, hid)
        await press(pilot, "w")
        await press(pilot, "enter")  # the latest visit
        form = app.screen
        assert isinstance(form, NoteModal)
        await press(pilot, "ctrl+s")
        assert app.screen is form and shown_error(form, "note") == t("missing", "en")
        await type_text(pilot, "wrong household")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        timeline = section(screen, "timeline")
        assert f"[{t('corr_withdrawn', 'en')}: wrong household]" in timeline  # stays in the history

    run_app(app, scenario)
    chain = read_repo(demo_vault, "supervisor", lambda repo: visit_revisions(repo, visit.id))
    assert [bool(v.withdrawn) for v in chain] == [False, True]  # type: ignore[union-attr]
    assert chain[1].revision_note == "wrong household"  # type: ignore[index]


def test_a_second_flag_warns_and_offers_to_update_the_open_one(demo_vault: Path) -> None:
    moment, clock = fixed_clock()
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        data = {"household_id": hid, "level": CrisisLevel.CRISIS, "reasons": [CrisisReason.ILLNESS]}
        flag = raise_flag(repo, data, at=moment - dt.timedelta(hours=2))
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, hid)
        await press(pilot, "f")
        warning = app.screen
        assert isinstance(warning, ChoiceModal) and t("err_flag_already_open") in warning.choice_title
        assert [value for _label, value in warning.options] == ["update", "new"]
        await press(pilot, "enter")  # update the open one
        form = app.screen
        assert isinstance(form, FlagModal) and form.flag is not None and form.flag.id == flag.id
        await press(pilot, "escape")
        assert app.screen is screen
        await press(pilot, "f")
        await press(pilot, "down", "enter")  # a second one anyway
        form = app.screen
        assert isinstance(form, FlagModal) and form.flag is None and form.second

    run_app(app, scenario)


def test_an_empty_visit_is_refused_beside_the_first_field(demo_vault: Path) -> None:
    _moment, clock = fixed_clock()
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
    before = len(visits_of(demo_vault, hid))
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await open_household(app, pilot, hid)
        await press(pilot, "v")
        form = app.screen
        assert isinstance(form, VisitModal)
        await press(pilot, "ctrl+s")
        assert app.screen is form and shown_error(form, "visited_on") == t("err_visit_empty")
        assert app.focused is form.query_one("#visited_on")

    run_app(app, scenario)
    assert len(visits_of(demo_vault, hid)) == before


def test_a_correction_the_role_may_not_make_is_refused_before_the_form_opens(demo_vault: Path) -> None:
    moment, clock = fixed_clock()
    hid, _visit = planner_visit(demo_vault, moment)
    authors = {v.worker_id for v in visits_of(demo_vault, hid)}
    assert "counsellor" not in authors
    app = ChandongApp(demo_vault, user="counsellor", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, hid)
        await press(pilot, "w")  # other workers' visits are theirs (or a supervisor's) to withdraw
        assert app.screen is screen
        refusal = Forbidden("err_correction_not_allowed", what=CorrectionSubject.VISIT_WITHDRAWN).message()
        assert refusal in notifications(app)

    run_app(app, scenario)
    assert all(not v.withdrawn for v in visits_of(demo_vault, hid))


def test_correct_a_member_and_mark_them_deceased_with_keys(demo_vault: Path) -> None:
    moment, clock = fixed_clock()
    today = moment.astimezone(KST).date()
    with opened(demo_vault, "planner") as repo:
        hid = next(
            s.id for s in repo.household_summaries() if s.owner_id == "planner" and len(s.member_names) > 1
        )
        member = next(m for m in repo.members_of(hid) if m.relation is not Relation.HEAD)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, hid)
        await press(pilot, "m")
        picker = app.screen
        assert isinstance(picker, ChoiceModal)
        picker_list = [value for _label, value in picker.options]
        await press(pilot, *["down"] * picker_list.index(member.id), "enter")
        form = app.screen
        assert isinstance(form, MemberModal) and form.member is not None and form.member.id == member.id
        name = form.query_one("#name", Input)
        await clear_input(pilot, name)
        await type_text(pilot, "김정정")
        await press(pilot, "ctrl+s")  # an identity correction asks why, beside the reason
        assert app.screen is form and shown_error(form, "reason") == t("err_identity_needs_reason")
        await tab_to(pilot, "left_how")
        await pick_option(pilot, "사")  # 사망
        await press(pilot, "ctrl+s")  # the date is needed too
        assert app.screen is form and shown_error(form, "left_on") == t("missing")
        await type_text(pilot, today.isoformat())
        await tab_to(pilot, "reason")
        await type_text(pilot, "등본 확인")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        members = section(screen, "members")
        assert "김정정" in members and f"사망 {today.isoformat()}" in members
        timeline = section(screen, "timeline")
        assert CorrectionSubject.IDENTITY.label("ko") in timeline and "등본 확인" in timeline
        assert CorrectionSubject.MEMBER_LEFT.label("ko") in timeline

    run_app(app, scenario)
    after = read_repo(demo_vault, "supervisor", lambda repo: repo.get(type(member), member.id))
    assert (after.name, after.left_on, after.current) == ("김정정", today, False)  # type: ignore[union-attr]


def test_a_flag_records_when_and_how_the_crisis_was_found_with_keys(demo_vault: Path) -> None:
    moment, clock = fixed_clock()
    found = (moment - dt.timedelta(hours=5)).astimezone(KST)
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
    app = ChandongApp(demo_vault, lang="en", user="officer", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, hid)
        await press(pilot, "f")
        form = app.screen
        assert isinstance(form, FlagModal)
        await pick_option(pilot, "U")  # Urgent
        await press(pilot, "tab", "space")  # the first reason
        await tab_to(pilot, "found_how")
        await pick_option(pilot, "Reported by the")  # 통장 제보
        await tab_to(pilot, "found_at")
        when = form.query_one("#found_at", Input)
        await clear_input(pilot, when)
        await type_text(pilot, "yesterday")
        await press(pilot, "ctrl+s")
        assert app.screen is form and shown_error(form, "found_at") == t("found_at_format", "en")
        await clear_input(pilot, when)
        await type_text(pilot, f"{found:%Y-%m-%d %H:%M}")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        flags = section(screen, "flags")
        assert f"{found:%Y-%m-%d}" in flags and "Reported by the 통장" in flags
        assert "67:00" in flags  # 72 hours from when it was found, 5 of them gone

    run_app(app, scenario)
    (flag,) = read_repo(demo_vault, "supervisor", lambda repo: repo.flags_of(hid))[:1]  # type: ignore[index]
    assert flag.found_at == found and flag.found_how.value == "tong_leader"


def test_a_member_left_two_ways_at_once_is_reviewed_in_conflicts(demo_vault: Path) -> None:
    from textual.widgets import OptionList

    from chandong_tui.casework.corrections import member_left
    from chandong_tui.casework.repository import CaseRepository
    from chandong_tui.casework.setup import DEMO_PASSPHRASE
    from chandong_tui.model.enums import MemberExit
    from chandong_tui.tui.screens.conflicts_screen import ConflictsScreen
    from chandong_tui.vault.accounts import unlock
    from tests.tui.driving import sign_in

    moment, clock = fixed_clock()
    with opened(demo_vault, "planner") as repo:
        hid = quiet_planner_case(repo)
        member = repo.members_of(hid)[0]
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock, sync_seconds=3600.0)

    async def round_(pilot: Pilot) -> None:
        assert app.sync.run_round()
        await app.workers.wait_for_complete()
        await pilot.pause()

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        assert app.session is not None
        with unlock(demo_vault, "supervisor", DEMO_PASSPHRASE) as other_pc:
            member_left(CaseRepository(other_pc), member.id, MemberExit.MOVED_OUT, "2026-11-01", at=moment)
            member_left(CaseRepository(app.session), member.id, MemberExit.DECEASED, "2026-11-02", at=moment)
            await round_(pilot)
            assert other_pc.publish() >= 1
        await round_(pilot)
        await press(pilot, "k")
        screen = app.screen
        assert isinstance(screen, ConflictsScreen)
        assert {(c.table, c.field) for c in screen.conflicts} == {
            ("member", "left_on"),
            ("member", "left_how"),
        }
        listing = screen.query_one("#conflicts-list", OptionList)
        shown = "\n".join(str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count))
        assert f"{t('conflict_kind_member')}: {t('corr_left_how')}" in shown
        assert MemberExit.MOVED_OUT.label("ko") in shown and MemberExit.DECEASED.label("ko") in shown

    run_app(app, scenario)
