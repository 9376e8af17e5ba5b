"""`chandong links`, `chandong link outcome` and `chandong show` as scripts use them: outcomes stored
with who and when; listings as a table, CSV or JSON, narrowed by `--open` and `--older-than`; a
household's whole case as the role may see it, recorded as a view; refusals are one line, exit 2 for
an unknown id, 3 when the user may not."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from chandong_tui.casework.links import get_link, list_links
from chandong_tui.casework.setup import DEMO_PASSPHRASE
from chandong_tui.model.enums import LinkState, VisitKind
from chandong_tui.model.records import Visit
from tests.conftest import main_in_process, opened
from tests.links_support import pending_link, view_events

AT = dt.datetime.fromisoformat("2026-11-03T10:40:00+09:00")


def run(
    capsys: pytest.CaptureFixture[str], *args: str, user: str = "planner", at: dt.datetime | None = AT
) -> tuple[int, str, str]:
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CHANDONG_USER", user)
        env.setenv("CHANDONG_PASSPHRASE", DEMO_PASSPHRASE)
        code = main_in_process(*args, *(("--at", at.isoformat()) if at else ()))
    out, err = capsys.readouterr()
    return code, out, err


def test_link_outcome_is_stored_and_listed(demo_vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link, household_id, _visit = pending_link(demo_vault)
    code, _out, err = run(
        capsys, "link", "outcome", str(demo_vault), link, "--outcome", "stopped", "--note", "본인 거부로 중단"
    )
    assert code == 0 and link in err and "stopped" in err
    with opened(demo_vault, "supervisor") as repo:
        found = get_link(repo, link)
        assert (found.outcome, found.updated_by, found.updated_at, found.note) == (
            LinkState.STOPPED,
            "planner",
            AT,
            "본인 거부로 중단",
        )
    code, out, _err = run(capsys, "links", str(demo_vault), "--format", "json")
    items = {item["link_id"]: item for item in json.loads(out)["items"]}
    assert code == 0 and items[link]["outcome"] == "stopped" and items[link]["household_id"] == household_id
    assert items[link]["updated_by"] == "planner" and items[link]["outcome_at"] == AT.isoformat()
    code, out, _err = run(capsys, "links", str(demo_vault), "--open", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert code == 0 and rows and link not in {row["link_id"] for row in rows}
    assert {row["outcome"] for row in rows} <= {"requested", "in_progress"}


def test_older_than_keeps_links_with_no_word_for_so_long(
    demo_vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(
        capsys, "links", str(demo_vault), "--open", "--older-than", "30", "--format", "json"
    )
    got = [item["link_id"] for item in json.loads(out)["items"]]
    with opened(demo_vault, "planner") as repo:
        expected = [link.id for link in list_links(repo, AT, open_only=True) if link.waiting_days(AT) > 30]
    assert code == 0 and got == expected and expected
    code, out, _err = run(capsys, "links", str(demo_vault), "--older-than", "30")
    assert code == 0 and out.splitlines()[0].split()[:3] == ["link_id", "household_id", "requested_on"]
    assert run(capsys, "links", str(demo_vault), "--older-than", "soon")[0] == 2


def test_unknown_link_bad_outcome_and_someone_elses_link(
    demo_vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link, household_id, _visit = pending_link(demo_vault)
    code, out, err = run(capsys, "link", "outcome", str(demo_vault), "v-nope.r1", "--outcome", "provided")
    assert (code, out) == (2, "") and err.strip() == "chandong: error: no link 'v-nope.r1'"
    code, _out, err = run(capsys, "link", "outcome", str(demo_vault), link, "--outcome", "requested")
    assert code == 2 and len(err.strip().splitlines()) == 1
    with opened(demo_vault, "planner") as repo:
        owner = repo.household(household_id).owner_id  # type: ignore[union-attr]
    outsider = next(user for user in ("officer", "nurse", "counsellor") if user != owner)
    code, _out, err = run(
        capsys, "link", "outcome", str(demo_vault), link, "--outcome", "provided", user=outsider
    )
    assert code == 3 and len(err.strip().splitlines()) == 1 and link in err


def test_show_prints_the_whole_case_and_is_a_view(
    demo_vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link, household_id, visit = pending_link(demo_vault)
    code, out, _err = run(capsys, "show", str(demo_vault), household_id, "--format", "json", at=None)
    case = json.loads(out)
    assert code == 0 and case["household"]["id"] == household_id
    assert visit.id in {v["id"] for v in case["visits"]} and link in {x["link_id"] for x in case["links"]}
    assert {m["id"] for m in case["members"]} and all("*" in (m.get("phone") or "*") for m in case["members"])
    assert {(e["kind"], e["id"]) for e in case["timeline"]} >= {("visit", visit.id)}
    code, out, _err = run(capsys, "show", str(demo_vault), household_id, "--lang", "en", at=None)
    assert code == 0 and out.startswith(f"Household detail · {household_id}") and link in out
    views = [(e["actor"], e["target"]) for e in view_events(demo_vault, capsys)]
    assert views.count(("planner", household_id)) == 2
    code, out, err = run(capsys, "show", str(demo_vault), "hh-nope", at=None)
    assert (code, out) == (2, "") and len(err.strip().splitlines()) == 1


def test_an_officer_neither_sees_nor_exports_a_nurses_health_visit_note(
    demo_vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with opened(demo_vault, "nurse") as repo:
        visit = next(v for v in repo.all(Visit) if v.visit_kind is VisitKind.HEALTH and len(v.note) > 10)
    shows = {}
    for user in ("nurse", "officer"):
        code, out, _err = run(
            capsys, "show", str(demo_vault), visit.household_id, "--format", "json", user=user, at=None
        )
        assert code == 0
        shows[user] = next(v for v in json.loads(out)["visits"] if v["id"] == visit.id)
    assert shows["nurse"]["note"] == visit.note and "health_measures" in shows["nurse"]
    assert shows["officer"]["note"] == "" and "health_measures" not in shows["officer"]
    code, out, _err = run(
        capsys,
        "export",
        str(demo_vault),
        "--what",
        "visits",
        "--reason",
        "월간 점검",
        user="officer",
        at=None,
    )
    assert code == 0 and visit.id in out and visit.note not in out


def test_the_days_a_link_may_wait_are_a_vault_setting(
    demo_vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from chandong_tui.casework.deadlines import settings_of
    from chandong_tui.casework.links import DEFAULT_WAIT_DAYS, wait_days

    code, out, _err = run(capsys, "settings", str(demo_vault), at=None)
    assert code == 0 and f"link_outcome_days\t{DEFAULT_WAIT_DAYS}" in out
    code, out, _err = run(
        capsys, "settings", str(demo_vault), "--link-outcome-days", "30", user="supervisor", at=None
    )
    assert code == 0 and "link_outcome_days\t30" in out
    with opened(demo_vault, "planner") as repo:
        assert settings_of(repo).link_outcome_days == wait_days(repo) == 30
    code, _out, err = run(
        capsys, "settings", str(demo_vault), "--link-outcome-days", "0", user="supervisor", at=None
    )
    assert code == 2 and "link_outcome_days" in err
    assert run(capsys, "settings", str(demo_vault), "--link-outcome-days", "20", at=None)[0] == 3


def test_the_queue_command_lists_links_to_check(demo_vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link, household_id, _visit = pending_link(demo_vault)
    assert run(capsys, "link", "outcome", str(demo_vault), link, "--outcome", "in_progress")[0] == 0
    late = AT + dt.timedelta(days=15)
    code, out, _err = run(capsys, "queue", str(demo_vault), "--format", "json", user="supervisor", at=late)
    rows = [item for item in json.loads(out)["items"] if item["section"] == "link_check"]
    assert code == 0 and link in {row["record_id"] for row in rows}
    (row,) = [row for row in rows if row["record_id"] == link]
    assert row["household_id"] == household_id and row["detail"].startswith("in_progress since 2026-11-03")
    code, out, _err = run(capsys, "queue", str(demo_vault), "--format", "json", user="supervisor")
    assert link not in {item["record_id"] for item in json.loads(out)["items"]}
