"""Following links up and reading a visit back, driven with keys through Textual's Pilot on a copy of the
demo vault: `o` on the household screen records a link's outcome (a picker when several wait), Enter
opens a visit whole (health measures with units for nurses only, its revisions), `g` on 내 업무 lists
my links awaiting an outcome; opening a household is a `view` in the access log. What was stored is
read back through a fresh unlock after the app has closed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from chandong_tui.casework.actions import record_visit
from chandong_tui.casework.audit import monthly_review
from chandong_tui.casework.clock import KST
from chandong_tui.casework.links import DEFAULT_WAIT_DAYS, Link, get_link, links_of_household
from chandong_tui.i18n import t
from chandong_tui.model.enums import LinkState, VisitKind
from chandong_tui.model.records import Visit
from chandong_tui.tui.app import ChandongApp
from chandong_tui.tui.modals.choice_modal import ChoiceModal
from chandong_tui.tui.modals.link_modal import LinkModal
from chandong_tui.tui.modals.visit_detail_modal import VisitDetailModal
from tests.conftest import opened
from tests.links_support import pending_link, view_events
from tests.tui.driving import notifications, run_app
from tests.tui.screen_support import fixed_clock, open_household, read_repo, section, tab_to, type_text


async def pick(app: ChandongApp, pilot: Pilot, value: str) -> None:
    """On a `ChoiceModal`: move to the option `value` with the arrow keys and take it."""
    picker = app.screen
    assert isinstance(picker, ChoiceModal)
    values = [v for _label, v in picker.options]
    options = picker.query_one(OptionList)
    for _ in range(values.index(value) - (options.highlighted or 0)):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


def test_record_a_links_outcome_from_the_household_screen(demo_vault: Path) -> None:
    moment, clock = fixed_clock()
    link_id, household_id, _visit = pending_link(demo_vault)
    with opened(demo_vault, "planner") as repo:
        service = get_link(repo, link_id).service
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household_id)
        assert service in section(screen, "links") and screen.check_action("link_outcome", ())
        await pilot.press("o")
        await pilot.pause()
        if isinstance(app.screen, ChoiceModal):  # several links wait: pick ours
            assert app.screen.choice_title == t("link_pick_title")
            await pick(app, pilot, link_id)
        form = app.screen
        assert isinstance(form, LinkModal) and form.link.id == link_id
        assert form.value_of("outcome") == LinkState.IN_PROGRESS.value  # where it stands now
        await pilot.press("enter", "down", "enter")  # open the list, one down: 제공
        await pilot.pause()
        assert form.value_of("outcome") == LinkState.PROVIDED.value
        await tab_to(pilot, "note")
        await type_text(pilot, "결정 통지 받음")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        timeline = section(screen, "timeline")
        assert (
            t("link_step") in timeline and f"{service} → {LinkState.PROVIDED.ko} · 결정 통지 받음" in timeline
        )
        assert link_id not in {link.id for link in screen.links if link.awaiting}

    run_app(app, scenario, (120, 40))
    found = read_repo(demo_vault, "supervisor", lambda repo: get_link(repo, link_id))
    assert isinstance(found, Link)
    assert (found.outcome, found.updated_by, found.updated_at, found.note) == (
        LinkState.PROVIDED,
        "planner",
        moment,
        "결정 통지 받음",
    )


def test_someone_who_may_not_update_is_told_so(demo_vault: Path) -> None:
    link_id, household_id, _visit = pending_link(demo_vault)
    with opened(demo_vault, "planner") as repo:
        household = repo.household(household_id)
        awaiting = [link for link in links_of_household(repo, household_id) if link.awaiting]
        linkers = {link.linked_by for link in awaiting}
        longest_waiting = min(awaiting, key=lambda link: (link.since(), link.id)).id
    outsider = next(
        u for u in ("officer", "nurse", "counsellor") if u != household.owner_id and u not in linkers
    )  # type: ignore[union-attr]
    _moment, clock = fixed_clock()
    app = ChandongApp(demo_vault, user=outsider, low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, household_id)
        await pilot.press("ㅐ")  # `o` typed in 한글 mode
        await pilot.pause()
        assert app.screen is screen
        assert notifications(app) == [t("err_link_not_allowed", link=longest_waiting)]

    run_app(app, scenario, (120, 40))


@pytest.mark.parametrize(("user", "sees_health"), [("nurse", True), ("officer", False)])
def test_enter_opens_a_visit_whole(demo_vault: Path, user: str, sees_health: bool) -> None:
    moment, clock = fixed_clock()
    with opened(demo_vault, "nurse") as repo:
        visit = next(
            v
            for v in sorted(repo.all(Visit), key=lambda v: v.id)
            if v.visit_kind is VisitKind.HEALTH
            and v.health_measures
            and v.health_measures.systolic
            and v.note
        )
        fields = visit.model_dump(exclude={"id", "worker_id", "revises"})
        revision = record_visit(repo, {**fields, "revises": visit.id, "note": "혈압 다시 잼"}, at=moment)
    app = ChandongApp(demo_vault, user=user, low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        screen = await open_household(app, pilot, visit.household_id)
        await pilot.press("enter")
        await pilot.pause()
        if isinstance(app.screen, ChoiceModal):
            assert app.screen.choice_title == t("visit_pick_title")
            # The timeline's visits are newest revisions (casework/revisions.py): the revision stands for
            # the visit, and its detail names what it corrects.
            assert visit.id not in [value for _label, value in app.screen.options]
            await pick(app, pilot, revision.id)
        detail = app.screen
        assert isinstance(detail, VisitDetailModal) and detail.visit_id == revision.id
        body = detail.query_one("#visit-detail-body", Static).content.plain
        assert visit.visited_on.isoformat() in body and VisitKind.HEALTH.ko in body
        assert t("detail_revises", visit=visit.id, day=visit.visited_on.isoformat()) in body
        assert ("mmHg" in body) is sees_health
        assert (revision.note in body) is sees_health  # the whole note, for those who may
        if visit.next_visit_due:
            assert visit.next_visit_due.isoformat() in body
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

    run_app(app, scenario, (80, 24))


def test_opening_a_household_is_a_view_in_the_access_log(
    demo_vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _link, household_id, _visit = pending_link(demo_vault)
    moment, clock = fixed_clock()
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)
    before = [(e["actor"], e["target"]) for e in view_events(demo_vault, capsys)]
    month = moment.astimezone(KST).strftime("%Y-%m")

    def views_reviewed() -> int:
        with opened(demo_vault, "supervisor") as repo:
            return sum(line.views for line in monthly_review(repo, month) if line.user == "planner")

    reviewed = views_reviewed()

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await open_household(app, pilot, household_id)

    run_app(app, scenario, (120, 40))
    after = [(e["actor"], e["target"]) for e in view_events(demo_vault, capsys)]
    assert after.count(("planner", household_id)) == before.count(("planner", household_id)) + 1
    assert views_reviewed() == reviewed + 1  # counted in the supervisor's monthly review


def test_g_on_my_work_lists_my_links_awaiting_an_outcome(demo_vault: Path) -> None:
    _moment, clock = fixed_clock()
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        from tests.tui.driving import sign_in

        await sign_in(app, pilot, to_households=False)
        await pilot.press("g")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChoiceModal) and picker.choice_title == t("link_pick_title")
        first = picker.options[0][1]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LinkModal) and app.screen.link.id == first
        assert app.screen.link.awaiting

    run_app(app, scenario, (80, 24))


def test_enter_on_a_link_to_check_opens_its_form_and_a_vanished_link_says_so(demo_vault: Path) -> None:
    from chandong_tui.tui.modals.link_modal import open_link_form
    from chandong_tui.tui.screens.dashboard_screen import DashboardScreen
    from chandong_tui.tui.widgets.work_list import WorkList
    from tests.tui.driving import sign_in

    at = dt.datetime(2026, 11, 3, 10, 40, tzinfo=KST)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=lambda: at)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await sign_in(app, pilot, to_households=False)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen) and dashboard.work is not None
        first = dashboard.work.links[0]
        assert first.needs_check(at, DEFAULT_WAIT_DAYS)
        items = dashboard.query_one("#work", WorkList)
        items.highlighted = items.get_option_index(f"link:{first.id}")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LinkModal) and app.screen.link.id == first.id
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dashboard
        open_link_form(dashboard, "v-gone.r1", lambda _result: None)
        await pilot.pause()
        assert app.screen is dashboard and t("err_no_link", link="v-gone.r1") in notifications(app)

    run_app(app, scenario, (80, 24))


def test_o_in_a_visits_detail_records_one_of_its_resources_outcome(demo_vault: Path) -> None:
    moment, clock = fixed_clock()
    link_id, household_id, visit = pending_link(demo_vault)
    app = ChandongApp(demo_vault, user="planner", low_bandwidth=True, clock=clock)

    async def scenario(app: ChandongApp, pilot: Pilot) -> None:
        await open_household(app, pilot, household_id)
        app.push_screen(VisitDetailModal(visit.id))
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, VisitDetailModal) and link_id in {link.id for link in detail.links}
        await pilot.press("o")
        await pilot.pause()
        if isinstance(app.screen, ChoiceModal):
            await pick(app, pilot, link_id)
        form = app.screen
        assert isinstance(form, LinkModal) and form.link.id == link_id
        await pilot.press("enter", "down", "down", "enter")  # 진행중 → 제공 → 중단
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is detail
        body = detail.query_one("#visit-detail-body", Static).content.plain
        assert f"{LinkState.STOPPED.ko} ({moment.astimezone(KST).date().isoformat()}" in body

    run_app(app, scenario, (120, 40))
    found = read_repo(demo_vault, "planner", lambda repo: get_link(repo, link_id))
    assert isinstance(found, Link) and found.outcome is LinkState.STOPPED
