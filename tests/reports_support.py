"""A small hand-built dong (and two neighbours) for the report tests: every record written out here,
so the right figures can be worked out by hand (they are, in `test_reports.py`).

The month under test is October 2025 (`M`). The fixtures build the vaults once per test run
(Argon2id is slow on purpose) and every test unlocks them again with its own state dir.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from chandong_tui.casework.deadlines import SETTINGS_ID
from chandong_tui.casework.repository import CaseRepository
from chandong_tui.casework.setup import init_vault, register_user
from chandong_tui.model.enums import (
    ConferenceKind,
    ConferenceState,
    CrisisLevel,
    CrisisReason,
    FlagState,
    HandoffState,
    HandoffTarget,
    HouseholdStatus,
    HouseholdTag,
    Outcome,
    Relation,
    ResourceCategory,
    Role,
    Sex,
    SupportKind,
    TargetGroup,
    VisitKind,
)
from chandong_tui.model.records import (
    AgendaItem,
    Conference,
    Consent,
    CrisisFlag,
    EmergencySupport,
    Handoff,
    HandoffEvent,
    Household,
    Member,
    ResourceLink,
    VaultSettings,
    Visit,
    Worker,
)
from chandong_tui.reports.figures import FIGURES

PASS = "report tests passphrase"
ADMIN = "sup"
KST = dt.timezone(dt.timedelta(hours=9))
UTC = dt.UTC
HYPERLINK = '=HYPERLINK("http://example.invalid","클릭")'


def kst(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=KST)


def _household(
    hid: str, code: str, tags: list[HouseholdTag], registered: dt.date, owner: str | None, **kw
) -> Household:
    return Household(
        id=hid,
        dong_code=code,
        tong=1,
        ban=1,
        road_address=f"상도가상로 {hid}",
        tags=tags,
        consent=Consent(given=True, on=registered),
        owner_id=owner,
        registered_on=registered,
        **kw,
    )


def _visit(vid: str, hid: str, worker: str, day: dt.date, kind: VisitKind, **kw) -> Visit:
    return Visit(
        id=vid,
        household_id=hid,
        worker_id=worker,
        visited_on=day,
        visit_kind=kind,
        target_group=kw.pop("target_group", TargetGroup.OTHER),
        **kw,
    )


def _flag(
    fid: str, hid: str, level: CrisisLevel, reasons: list[CrisisReason], raised_at: dt.datetime, **kw
) -> CrisisFlag:
    return CrisisFlag(
        id=fid,
        household_id=hid,
        level=level,
        reasons=reasons,
        raised_by=kw.pop("raised_by", "officer"),
        raised_at=raised_at,
        **kw,
    )


def _flag_with_first_visit(fid: str, hid: str, raised_at: dt.datetime, hours: float | None) -> CrisisFlag:
    first = None if hours is None else raised_at + dt.timedelta(hours=hours)
    return _flag(fid, hid, CrisisLevel.CRISIS, [CrisisReason.OTHER], raised_at, first_visit_at=first)


D = dt.date


def dong_a_records(code: str) -> list:
    """상도1동: the main dataset (see the comments for what each record is there to test)."""
    workers = [
        Worker(id="planner", name="박서연", role=Role.WELFARE_PLANNER, dong_code=code),
        Worker(id="nurse", name="이정민", role=Role.VISITING_NURSE, dong_code=code),
        Worker(id="officer", name="최동욱", role=Role.NEIGHBOURHOOD_OFFICER, dong_code=code),
        Worker(id="evil", name=HYPERLINK, role=Role.COUNSELLOR, dong_code=code),  # formula-looking name
    ]
    T = HouseholdTag
    households = [
        _household("h1", code, [T.ELDERLY_ALONE], D(2025, 1, 10), "planner"),
        _household("h2", code, [T.TURNING_65], D(2025, 2, 1), "nurse"),
        _household("h3", code, [T.TURNING_65], D(2025, 3, 1), "nurse"),
        _household("h4", code, [T.NEWBORN], D(2025, 9, 15), "planner"),
        _household("h5", code, [T.BLIND_SPOT], D(2025, 10, 5), "officer"),
        _household("h6", code, [T.BLIND_SPOT], D(2025, 10, 31), None, status=HouseholdStatus.CLOSED),
        _household("h7", code, [T.POVERTY_CRISIS], D(2025, 11, 1), "officer"),  # after the month
        _household("h8", code, [T.ELDERLY_ALONE], D(2024, 5, 1), "planner", status=HouseholdStatus.CLOSED),
    ]
    members = [
        Member(
            id="m1",
            household_id="h1",
            name="=1+1",
            birth_date=D(1941, 12, 31),
            sex=Sex.MALE,
            relation=Relation.HEAD,
            phone="010-0123-4567",
            rrn="411231-1234567",
        ),
        Member(
            id="m2",
            household_id="h2",
            name="+1",
            birth_date=D(1960, 5, 5),
            sex=Sex.FEMALE,
            relation=Relation.HEAD,
        ),
        Member(
            id="m3",
            household_id="h3",
            name="-2",
            birth_date=D(1960, 6, 6),
            sex=Sex.MALE,
            relation=Relation.HEAD,
        ),
        Member(
            id="m4",
            household_id="h4",
            name="@x",
            birth_date=D(1990, 1, 1),
            sex=Sex.FEMALE,
            relation=Relation.HEAD,
        ),
    ]
    K = VisitKind
    visits = [
        _visit("v1", "h1", "planner", D(2025, 9, 30), K.REGULAR),  # the day before the month
        _visit(
            "v2",
            "h1",
            "planner",
            D(2025, 10, 1),  # the month's first day
            K.REGULAR,
            resources=[
                ResourceLink(
                    agency="상도복지관",
                    service="밑반찬",
                    category=ResourceCategory.WELFARE,
                    outcome=Outcome.PROVIDED,
                ),
                ResourceLink(agency="보건소", service="치매검진", category=ResourceCategory.HEALTH),
            ],
        ),
        _visit("v3", "h1", "nurse", D(2025, 10, 15), K.HEALTH),  # h1: visited by two roles
        _visit(
            "v4", "h2", "nurse", D(2025, 10, 31), K.HEALTH, target_group=TargetGroup.TURNING_65
        ),  # last day
        _visit("v5", "h2", "planner", D(2025, 11, 1), K.REGULAR),  # the day after
        _visit("v6", "h3", "nurse", D(2024, 12, 20), K.HEALTH),  # a nurse's health visit, but last year
        _visit("v6b", "h3", "planner", D(2025, 5, 2), K.REGULAR),  # this year, but no nurse
        _visit(
            "v7",
            "h4",
            "planner",
            D(2025, 10, 10),
            K.INITIAL,
            target_group=TargetGroup.NEWBORN,
            resources=[
                ResourceLink(agency="정신건강복지센터", service="상담", category=ResourceCategory.SPECIALIST)
            ],
        ),
        _visit("v8", "h4", "planner", D(2025, 10, 12), K.PHONE, target_group=TargetGroup.NEWBORN),
        _visit(
            "v9",
            "h5",
            "officer",
            D(2025, 10, 6),
            K.INITIAL,
            resources=[
                ResourceLink(
                    agency="푸드뱅크",
                    service="식품",
                    category=ResourceCategory.IN_KIND,
                    outcome=Outcome.PROVIDED,
                )
            ],
        ),
        _visit("v10", "h8", "planner", D(2025, 10, 20), K.REGULAR),  # corrected by v11
        _visit("v11", "h8", "planner", D(2025, 10, 21), K.REGULAR, revises="v10"),
    ]
    L, R = CrisisLevel, CrisisReason
    flags = [
        # raised on the month's last day at 23:30 in Seoul; first visit 35 h later
        _flag(
            "f1",
            "h5",
            L.CRISIS,
            [R.JOB_LOSS],
            kst(2025, 10, 31, 23, 30),
            first_visit_at=kst(2025, 11, 2, 10, 30),
        ),
        # 00:30 on 1 October in Seoul, written in UTC (still 30 September there); first visit after 80 h
        _flag(
            "f2",
            "h7",
            L.URGENT,
            [R.ARREARS, R.ILLNESS],
            dt.datetime(2025, 9, 30, 15, 30, tzinfo=UTC),
            first_visit_at=dt.datetime(2025, 10, 3, 23, 30, tzinfo=UTC),
            state=FlagState.RESOLVED,
            # 00:10 on 1 November in Seoul (31 October in UTC): not October's
            resolved_at=dt.datetime(2025, 10, 31, 15, 10, tzinfo=UTC),
            supports=[EmergencySupport(support=SupportKind.LIVELIHOOD, amount_won=100_000)],
        ),
        # raised in September (23:59 on the 30th), resolved in October with support
        _flag(
            "f3",
            "h1",
            L.WATCH,
            [R.LONELY_DEATH_RISK],
            kst(2025, 9, 30, 23, 59),
            raised_by="planner",
            state=FlagState.RESOLVED,
            resolved_at=kst(2025, 10, 20, 10),
            supports=[
                EmergencySupport(support=SupportKind.LIVELIHOOD, amount_won=300_000),
                EmergencySupport(support=SupportKind.MEDICAL, amount_won=200_000),
            ],
        ),
        # h5's second flag of the month: not yet visited
        _flag("f4", "h5", L.WATCH, [R.JOB_LOSS, R.OTHER], kst(2025, 10, 15)),
        # raised and resolved on the 31st, visited within the hour
        _flag(
            "f5",
            "h6",
            L.WATCH,
            [R.DISASTER],
            kst(2025, 10, 31, 10),
            first_visit_at=kst(2025, 10, 31, 11),
            state=FlagState.RESOLVED,
            resolved_at=kst(2025, 10, 31, 18),
            supports=[EmergencySupport(support=SupportKind.HOUSING, amount_won=500_000)],
        ),
    ]
    conferences = [
        Conference(
            id="c1",
            dong_code=code,
            conference_kind=ConferenceKind.DONG,
            scheduled_at=kst(2025, 10, 14, 14),
            facilitator_id=ADMIN,
            agenda=[AgendaItem(household_id="h1"), AgendaItem(household_id="h5")],
            state=ConferenceState.SEALED,
        ),
        Conference(
            id="c2",
            dong_code=code,
            conference_kind=ConferenceKind.INTEGRATED,
            scheduled_at=kst(2025, 10, 31, 16),
            facilitator_id=ADMIN,
            agenda=[AgendaItem(household_id="h5"), AgendaItem(household_id="h7")],
            state=ConferenceState.SEALED,
        ),
        Conference(  # not sealed
            id="c3",
            dong_code=code,
            conference_kind=ConferenceKind.DONG,
            scheduled_at=kst(2025, 10, 20, 14),
            facilitator_id=ADMIN,
            agenda=[AgendaItem(household_id="h2")],
        ),
        Conference(  # sealed, but November's
            id="c4",
            dong_code=code,
            conference_kind=ConferenceKind.DONG,
            scheduled_at=kst(2025, 11, 1, 9),
            facilitator_id=ADMIN,
            agenda=[AgendaItem(household_id="h3")],
            state=ConferenceState.SEALED,
        ),
    ]
    S = HandoffState

    def handoff(
        hid_: str,
        h: str,
        src: str,
        dst: str | None,
        events: list[tuple[dt.datetime, str, HandoffState]],
        target=HandoffTarget.WORKER,
    ) -> Handoff:
        return Handoff(
            id=hid_,
            household_id=h,
            from_worker_id=src,
            target=target,
            to_worker_id=dst,
            reason="담당 조정",
            state=events[-1][2],
            history=[HandoffEvent(at=at, actor_id=actor, state=state) for at, actor, state in events],
        )

    handoffs = [
        handoff(
            "ho1",
            "h1",
            "planner",
            "nurse",
            [(kst(2025, 10, 3, 10), "planner", S.REQUESTED), (kst(2025, 10, 4), "nurse", S.ACCEPTED)],
        ),
        # requested Wednesday 29 October 09:00: three working days run to Monday 3 November, so not
        # overdue at month end
        handoff("ho2", "h4", "planner", "officer", [(kst(2025, 10, 29), "planner", S.REQUESTED)]),
        # unanswered at month end (accepted only in November): overdue, for the receiving worker
        handoff(
            "ho3",
            "h5",
            "officer",
            "planner",
            [(kst(2025, 10, 20), "officer", S.REQUESTED), (kst(2025, 11, 3), "planner", S.ACCEPTED)],
        ),
        # made in September, declined in October
        handoff(
            "ho4",
            "h7",
            "officer",
            None,
            [(kst(2025, 9, 25), "officer", S.REQUESTED), (kst(2025, 10, 2, 10), ADMIN, S.DECLINED)],
            target=HandoffTarget.GU,
        ),
        # made in September, never answered: overdue
        handoff("ho5", "h2", "nurse", "planner", [(kst(2025, 9, 1), "nurse", S.REQUESTED)]),
    ]
    return workers + households + members + visits + flags + conferences + handoffs


def neighbour_records(code: str, hours: list[float | None], turning65: tuple[int, int]) -> list:
    """A dong with one household and one flag per entry of `hours` (hours to the first visit; None: not
    visited yet), all raised in October, and `turning65` = (visited, total) turning-65 households, the
    visited ones with a nurse's health visit in April."""
    records: list = [Worker(id="nurse", name="간호사", role=Role.VISITING_NURSE, dong_code=code)]
    for i, h in enumerate(hours):
        records.append(_household(f"n{i}", code, [HouseholdTag.POVERTY_CRISIS], D(2025, 1, 1), None))
        records.append(_flag_with_first_visit(f"g{i}", f"n{i}", kst(2025, 10, 10 + i), h))
    visited, total = turning65
    for i in range(total):
        records.append(_household(f"t{i}", code, [HouseholdTag.TURNING_65], D(2025, 1, 1), "nurse"))
    for i in range(visited):
        records.append(_visit(f"tv{i}", f"t{i}", "nurse", D(2025, 4, 1), VisitKind.HEALTH))
    return records


def _build(root: Path, dong: str, records: list, planner_login: bool = False) -> Path:
    session = init_vault(root, dong, ADMIN, "김은정", PASS)
    with session:
        repo = CaseRepository(session)
        repo.save_many(records)
        if planner_login:
            planner = next(r for r in records if isinstance(r, Worker) and r.id == "planner")
            register_user(session, planner, PASS)
    return root


@pytest.fixture(scope="session")
def report_vaults(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three vaults built once: A (상도1동, the main dataset), B (상도2동) and C (상도3동)."""
    base = tmp_path_factory.mktemp("report-vaults")
    old = os.environ.get("CHANDONG_HOME")
    os.environ["CHANDONG_HOME"] = str(base / "home")
    try:
        return {
            "A": _build(base / "A", "1159053000", dong_a_records("1159053000"), planner_login=True),
            # 72-hour shares B 1/2, C 3/4 (A: 2/4); 65세 도래 health visits B 1/2, C 3/4 (A: 1/2)
            "B": _build(base / "B", "1159054000", neighbour_records("1159054000", [10, None], (1, 2))),
            "C": _build(base / "C", "1159055000", neighbour_records("1159055000", [5, 20, 70, 100], (3, 4))),
        }
    finally:
        if old is None:
            os.environ.pop("CHANDONG_HOME", None)
        else:
            os.environ["CHANDONG_HOME"] = old


# -- hand-offs around weekends and holidays (`handoffs_overdue` in working days) --------------------
THREE_DAYS, ONE_DAY = "1159056000", "1159060500"
"""상도4동 keeps the default 3 working days before a hand-off escalates; 흑석동 sets 1."""


def handoff_records(code: str, escalation_days: int | None = None) -> list:
    """Hand-offs from a planner to a nurse, sent close to the ends of November 2025 (the 30th is a
    Sunday: month end is Monday 1 December, 00:00 in Seoul) and January 2025 (설날 27–30 January)."""
    S = HandoffState
    records: list = [
        Worker(id="planner", name="복지플래너", role=Role.WELFARE_PLANNER, dong_code=code),
        Worker(id="nurse", name="간호사", role=Role.VISITING_NURSE, dong_code=code),
    ]
    if escalation_days is not None:
        records.append(VaultSettings(id=SETTINGS_ID, handoff_escalation_working_days=escalation_days))
    sent = {
        # Friday evening: three working days run to Wednesday 3 December, one to Monday 18:00
        "fri": [(kst(2025, 11, 28, 18), "planner", S.REQUESTED)],
        # Thursday morning, 86 hours before month end: due Tuesday 2 December (one day: Friday)
        "thu": [(kst(2025, 11, 27, 10), "planner", S.REQUESTED)],
        # Tuesday: due Friday 28 November at 10:00, so overdue at month end
        "tue": [(kst(2025, 11, 25, 10), "planner", S.REQUESTED)],
        "answered": [(kst(2025, 11, 3), "planner", S.REQUESTED), (kst(2025, 11, 4), "nurse", S.ACCEPTED)],
        "returned": [(kst(2025, 11, 3), "planner", S.REQUESTED), (kst(2025, 11, 4), "nurse", S.RETURNED)],
        # sent again on Thursday after a question: the working days count from then
        "resent": [
            (kst(2025, 11, 3), "planner", S.REQUESTED),
            (kst(2025, 11, 4), "nurse", S.RETURNED),
            (kst(2025, 11, 27, 10), "planner", S.REQUESTED),
        ],
        # Friday evening before 설날: three working days run to Tuesday 4 February, one to Friday 31
        # January 18:00; answered in February
        "lunar": [(kst(2025, 1, 24, 18), "planner", S.REQUESTED), (kst(2025, 2, 5), "nurse", S.ACCEPTED)],
        "later": [(kst(2025, 12, 10), "planner", S.REQUESTED)],  # not sent yet at November's end
    }
    for i, (hid_, events) in enumerate(sent.items()):
        records.append(_household(f"w{i}", code, [HouseholdTag.ELDERLY_ALONE], D(2024, 1, 1), "planner"))
        records.append(
            Handoff(
                id=hid_,
                household_id=f"w{i}",
                from_worker_id="planner",
                target=HandoffTarget.WORKER,
                to_worker_id="nurse",
                reason="담당 조정",
                state=events[-1][2],
                history=[HandoffEvent(at=at, actor_id=actor, state=state) for at, actor, state in events],
            )
        )
    return records


@pytest.fixture(scope="session")
def handoff_vaults(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two vaults with the same hand-offs: 상도4동 with 3 working days, 흑석동 with 1."""
    base = tmp_path_factory.mktemp("handoff-vaults")
    old = os.environ.get("CHANDONG_HOME")
    os.environ["CHANDONG_HOME"] = str(base / "home")
    try:
        return {
            "three": _build(base / "three", THREE_DAYS, handoff_records(THREE_DAYS)),
            "one": _build(base / "one", ONE_DAY, handoff_records(ONE_DAY, escalation_days=1)),
        }
    finally:
        if old is None:
            os.environ.pop("CHANDONG_HOME", None)
        else:
            os.environ["CHANDONG_HOME"] = old


def readme_figure_labels() -> dict[str, tuple[str, str]]:
    """Each figure's (Korean, English) label as the README's table gives it; a family's row, such as
    `방문상담(초기상담/정기방문/…)`, gives one label per member, in the report's column order."""
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("-->\n", readme.index("<!-- figures:start")) + 4
    lines = readme[start : readme.index("<!-- figures:end -->")].strip().splitlines()[2:]
    labels: dict[str, tuple[str, str]] = {}
    columns = iter(fig.key for fig in FIGURES)  # the README's rows come in column order
    for line in lines:
        key, ko, en, _counts, _row = (cell.strip() for cell in line.strip("|").split(" | "))
        key = key.strip("`")
        if "<" not in key:
            labels[key] = (ko, en)
            assert next(columns) == key
            continue
        family: list[list[str]] = []
        for label in (ko, en):
            match = re.fullmatch(r"(.*?\()([^()]*)(\).*)", label)
            assert match is not None, label
            head, members, tail = match.groups()
            family.append([head + member + tail for member in members.split("/")])
        assert len(family[0]) == len(family[1]), key
        pattern = re.compile(re.sub(r"<[a-z]+>", "[a-z_0-9]+", key) + "$")
        keys = [next(columns) for _ in family[0]]
        assert all(pattern.match(k) for k in keys), (key, keys)
        labels.update(zip(keys, zip(*family, strict=True), strict=True))
    assert next(columns, None) is None
    return labels
