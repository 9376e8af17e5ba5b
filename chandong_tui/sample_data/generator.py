"""A deterministic synthetic dong (동작구 상도1동) in the sample-data format.

Every person, phone number, resident registration number and address here is made up:

- street names contain 가상 ("fictional"), e.g. `상도가상로 12길 3`;
- phone numbers are `010-0XXX-XXXX` (the `010-0` block is not assigned to subscribers);
- resident registration numbers match the member's birth date and sex but have a deliberately wrong
  check digit, so none can be a real pre-2020 number;
- names are random combinations of common surnames and given-name syllables.

The same `size`, `seed` and `anchor` always give the same document (one `random.Random`, no set
iteration, no clock). Every record is built as a plain dict, validated by its pydantic model with
`context={"today": anchor}` and written as `model_dump(mode="json")`.

    python -m chandong_tui.sample_data.generator --size small|dong [--seed N] [--out FILE]
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import itertools
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from pydantic_core import PydanticCustomError

from chandong_tui.model.enums import (
    ConferenceKind,
    CrisisLevel,
    CrisisReason,
    Decision,
    HouseholdStatus,
    HouseholdTag,
    Need,
    Outcome,
    ResourceCategory,
    Role,
    SupportKind,
    TargetGroup,
    VisitKind,
)
from chandong_tui.model.fields import read_day
from chandong_tui.model.sample_format import SAMPLE_FORMAT, SECTIONS
from chandong_tui.model.seoul_dongs import resolve_dong

DEFAULT_SEED = 20261031
DEFAULT_ANCHOR = dt.date(2026, 10, 31)
KST = dt.timezone(dt.timedelta(hours=9))
DONG_QUERY = "1159053000"  # 동작구 상도1동
NEIGHBOUR_DONGS = ("동작구 상도2동", "동작구 상도3동", "동작구 상도4동", "동작구 흑석동")


@dataclass(frozen=True)
class Size:
    """How many records of each kind, and how many years of history."""

    households: int
    members: int
    visits: int
    crisis_flags: int
    conferences: int
    handoffs: int
    years: int
    future_conferences: int
    extra_workers: tuple[tuple[str, str, Role], ...] = ()


SIZES: dict[str, Size] = {
    "small": Size(200, 400, 2_000, 40, 20, 30, years=2, future_conferences=3),
    "dong": Size(
        3_000,
        6_000,
        30_000,
        2_000,
        500,
        1_000,
        years=10,
        future_conferences=4,
        extra_workers=(
            ("planner2", "강도윤", Role.WELFARE_PLANNER),
            ("planner3", "임수아", Role.WELFARE_PLANNER),
            ("nurse2", "오세린", Role.VISITING_NURSE),
        ),
    ),
}
"""`small` is the committed demo; `dong` is docs/ARCHITECTURE.md §6's reference size (about ten years of
one dong)."""

WORKERS: tuple[tuple[str, str, Role], ...] = (
    ("planner", "박서연", Role.WELFARE_PLANNER),
    ("nurse", "이정민", Role.VISITING_NURSE),
    ("officer", "최동욱", Role.NEIGHBOURHOOD_OFFICER),
    ("supervisor", "김은정", Role.SUPERVISOR),
    ("manager", "정하늘", Role.CASE_MANAGER),
    ("counsellor", "윤미래", Role.COUNSELLOR),
)

# --- names -----------------------------------------------------------------------------------------

SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백"
"""Common surnames, most common first; `_SURNAME_CUM` weights them roughly by frequency."""
_SURNAME_CUM = list(itertools.accumulate((21, 15, 8, 5, 5, *[2] * 5, *[1] * 17)))

GIVEN = {
    # (sex, born before 1970?) -> (first syllables, second syllables)
    ("male", True): ("영철광종병상동재정성춘만", "수호식철석환기남길배근"),
    ("male", False): ("민준서도현지성재진우태승", "준호민우현석진훈규성빈"),
    ("female", True): ("영순정옥말춘복정경명미숙", "자희숙순자녀례옥희애"),
    ("female", False): ("서지수민은혜유하예채소다", "연은아윤진현영희린경빈"),
}
RESERVED_NAMES = ("김철수",)
"""Names placed on purpose (search tests rely on exactly one 김철수); random names avoid them."""

# --- places ----------------------------------------------------------------------------------------

STREETS = ("상도가상로", "가상숲길", "가상마루로", "가상언덕길", "상도가상샘길", "가상솔밭로")
BUILDINGS = ("가상빌라", "가상하이츠", "가상맨션", "가상연립")

# --- resources -------------------------------------------------------------------------------------

RESOURCES: tuple[tuple[str, str, ResourceCategory, tuple[Need, ...]], ...] = (
    ("동작구보건소", "방문건강관리", ResourceCategory.HEALTH, (Need.HEALTH,)),
    ("동작구 치매안심센터", "치매 선별검사", ResourceCategory.HEALTH, (Need.HEALTH, Need.CARE)),
    ("동작구정신건강복지센터", "정신건강 상담", ResourceCategory.HEALTH, (Need.MENTAL_HEALTH,)),
    ("서울의료원", "의료비 지원 연계", ResourceCategory.HEALTH, (Need.HEALTH,)),
    (
        "동작가상노인복지관",
        "노인맞춤돌봄서비스",
        ResourceCategory.WELFARE,
        (Need.CARE, Need.SOCIAL_ISOLATION),
    ),
    ("서울시 돌봄SOS센터", "일시재가 서비스", ResourceCategory.WELFARE, (Need.CARE,)),
    ("서울시 돌봄SOS센터", "식사지원", ResourceCategory.WELFARE, (Need.FOOD, Need.CARE)),
    ("상도1동 주민센터", "서울형 긴급복지 생계비", ResourceCategory.FINANCIAL, (Need.INCOME,)),
    ("상도1동 주민센터", "기초생활보장 신청", ResourceCategory.FINANCIAL, (Need.INCOME,)),
    ("동작구 푸드뱅크", "부식 지원", ResourceCategory.IN_KIND, (Need.FOOD,)),
    ("상도가상종합사회복지관", "밑반찬 배달", ResourceCategory.IN_KIND, (Need.FOOD, Need.SOCIAL_ISOLATION)),
    ("상도가상종합사회복지관", "겨울 난방용품", ResourceCategory.IN_KIND, (Need.HOUSING,)),
    ("서민금융통합지원센터", "채무 조정 상담", ResourceCategory.SPECIALIST, (Need.DEBT, Need.INCOME)),
    ("동작지역자활센터", "자활근로", ResourceCategory.SPECIALIST, (Need.EMPLOYMENT, Need.INCOME)),
    ("동작구 가족센터", "산후 가사 돌봄", ResourceCategory.WELFARE, (Need.CARE,)),
    ("동작구 주거복지센터", "주거환경 개선", ResourceCategory.WELFARE, (Need.HOUSING,)),
    ("동작구청 교육지원과", "교육비 지원 안내", ResourceCategory.WELFARE, (Need.EDUCATION,)),
)

NOTES: dict[str, tuple[str, ...]] = {
    "elderly": (
        "어르신 혼자 생활하시며 거동은 가능하나 계단 이용이 불편하다고 하심.",
        "식사는 하루 두 끼 정도 하심. 밑반찬 배달을 희망하심.",
        "자녀와 연락이 뜸하여 외로움을 호소하심.",
        "겨울철 난방비 부담을 이야기하심.",
        "최근 낙상 경험이 있어 보건소 방문간호를 안내함.",
        "복지관 프로그램 참여를 권유하였고 긍정적으로 답하심.",
        "집 안 정리 상태 양호, 특이사항 없음.",
    ),
    "turning_65": (
        "65세 도래 건강검진 결과 확인, 기초연금 신청 절차 안내.",
        "노인일자리 참여 희망 여부 확인, 다음 달 모집 안내 예정.",
        "만성질환 관리 중이며 보건소 건강관리 프로그램 안내함.",
    ),
    "newborn": (
        "산모와 아기 모두 건강 양호, 예방접종 일정 안내.",
        "산후 우울감 선별검사 실시, 특이사항 없음.",
        "출산 축하 물품 전달 및 산후조리경비 지원 안내.",
        "첫째 아이 돌봄 문제로 어려움 호소, 아이돌봄서비스 안내.",
    ),
    "poverty": (
        "실직 후 소득이 없어 월세 2개월 체납 상태.",
        "긴급복지 신청 서류 안내, 다음 주 재방문 예정.",
        "채무 문제로 서민금융통합지원센터 상담을 연계함.",
        "건강 문제로 근로가 어렵다고 하심. 자활근로 참여 가능성 검토.",
        "공과금 체납 고지서 확인, 요금 감면 신청 도움.",
    ),
    "other": (
        "가구 현황 확인, 특이사항 없음.",
        "자녀 교육비 지원 문의, 관련 제도 안내.",
        "주거 환경 점검, 곰팡이 발생으로 주거환경개선사업 안내.",
        "가족 간 갈등 상담, 가족센터 연계 희망.",
    ),
    "phone": (
        "전화로 안부 확인, 별다른 변화 없음.",
        "통화 연결 안 되어 문자 남김.",
        "서비스 이용 만족도 확인, 계속 이용 희망.",
    ),
    "health": (
        "혈압 다소 높음, 복약 지도 및 저염식 안내.",
        "혈당 관리 양호, 걷기 운동 지속 권유.",
        "무릎 통증 호소, 보건소 물리치료실 안내.",
        "복용 약 확인, 중복 처방 없음.",
        "수면 부족 호소, 생활습관 상담.",
    ),
    "crisis": (
        "위기가구 신고 접수 후 방문하여 상황 확인.",
        "이웃 제보로 방문, 현관 앞에 우편물이 쌓여 있었음.",
        "관리비 장기 체납 정보로 방문, 본인과 면담.",
        "단전·단수 위기 정보로 방문, 긴급지원 검토.",
    ),
}

REASON_NEEDS: dict[CrisisReason, tuple[Need, ...]] = {
    CrisisReason.JOB_LOSS: (Need.INCOME, Need.EMPLOYMENT),
    CrisisReason.ILLNESS: (Need.HEALTH, Need.CARE),
    CrisisReason.ARREARS: (Need.INCOME, Need.DEBT, Need.HOUSING),
    CrisisReason.LONELY_DEATH_RISK: (Need.SOCIAL_ISOLATION, Need.CARE),
    CrisisReason.ABUSE: (Need.CARE, Need.MENTAL_HEALTH),
    CrisisReason.DISASTER: (Need.HOUSING,),
    CrisisReason.OTHER: (Need.INCOME,),
}
FLAG_NOTES = (
    "단전·단수 위기 정보 발굴",
    "건강보험료 6개월 체납",
    "이웃 주민 제보: 며칠째 인기척 없음",
    "통장 제보: 실직 후 생활고",
    "집주인 연락: 월세 체납 및 연락 두절",
    "본인 내방 상담 중 위기 확인",
)
SERVICES_LINKED = (
    "돌봄SOS 식사지원",
    "푸드뱅크 부식",
    "고독사 예방 안부확인",
    "정신건강 상담 연계",
    "의료비 지원",
    "주거 긴급 수리",
)

OUTSIDE_ATTENDEES = (
    "동작구보건소",
    "동작구청 희망복지지원단",
    "상도가상종합사회복지관",
    "동작가상노인복지관",
    "동작구정신건강복지센터",
    "상도1동 지역사회보장협의체",
    "동작지역자활센터",
)
DECISION_NOTES: dict[Decision, tuple[str, ...]] = {
    Decision.CONTINUE: ("월 1회 정기방문 유지", "서비스 연계 후 3개월 모니터링"),
    Decision.CLOSE: ("목표 달성으로 종결", "전출로 종결"),
    Decision.REFER_GU: ("복합 욕구로 구 통합사례관리 의뢰",),
    Decision.EMERGENCY_SUPPORT: ("서울형 긴급복지 생계비 지원 결정", "의료비 긴급지원 결정"),
    Decision.OTHER: ("가족과 추가 면담 후 재논의",),
}
TASK_TITLES: dict[Decision, tuple[str, ...]] = {
    Decision.CONTINUE: ("2주 내 재방문 및 모니터링", "연계 서비스 이용 여부 확인"),
    Decision.CLOSE: ("종결 보고서 작성",),
    Decision.REFER_GU: ("구 통합사례관리 의뢰서 제출",),
    Decision.EMERGENCY_SUPPORT: ("긴급지원 신청서류 보완", "지원금 지급 결과 확인"),
    Decision.OTHER: ("가족 면담 일정 잡기",),
}
HANDOFF_REASONS = (
    "업무 분장 변경",
    "의료·건강 문제로 방문간호 연계 필요",
    "복합 욕구로 사례관리 필요",
    "이사로 관할 변경",
    "담당자 장기 휴가",
    "통합사례관리 필요",
)

# --- household archetypes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Archetype:
    key: str
    share: float
    min_size: int
    max_size: int
    group: TargetGroup
    visit_weight: float


ARCHETYPES = (
    Archetype("elderly_alone", 0.22, 1, 1, TargetGroup.ELDERLY, 3.0),
    Archetype("elderly_couple", 0.12, 2, 2, TargetGroup.ELDERLY, 2.0),
    Archetype("turning_65", 0.08, 1, 2, TargetGroup.TURNING_65, 1.5),
    Archetype("newborn", 0.06, 3, 4, TargetGroup.NEWBORN, 1.5),
    Archetype("single_parent", 0.06, 2, 3, TargetGroup.POVERTY, 1.5),
    Archetype("single_adult", 0.20, 1, 1, TargetGroup.POVERTY, 2.0),
    Archetype("family", 0.18, 2, 5, TargetGroup.OTHER, 0.7),
    Archetype("young_single", 0.08, 1, 1, TargetGroup.OTHER, 0.7),
)


@dataclass
class HouseholdPlan:
    index: int
    archetype: Archetype
    size: int = 0
    registered_on: dt.date = DEFAULT_ANCHOR
    record: dict[str, Any] = field(default_factory=dict)
    members: list[dict[str, Any]] = field(default_factory=list)
    owner: str | None = None


class _Builder:
    """One run of the generator: all randomness comes from `self.rng`, in a fixed order."""

    def __init__(self, size: Size, seed: int, anchor: dt.date) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.anchor = anchor
        self.start = anchor - dt.timedelta(days=365 * size.years)
        self.anchor_end = dt.datetime.combine(anchor, dt.time(20, 0), tzinfo=KST)
        """The sample's "now": nothing but planned meetings happens after it."""
        self.dong = resolve_dong(DONG_QUERY)
        self.workers = list(WORKERS) + list(size.extra_workers)
        ids_by_role: dict[Role, list[str]] = {}
        for worker_id, _name, role in self.workers:
            ids_by_role.setdefault(role, []).append(worker_id)
        self.by_role = ids_by_role
        self.name_of = {worker_id: name for worker_id, name, _role in self.workers}

    # small helpers ------------------------------------------------------------------------------

    def day_between(self, lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=self.rng.randint(0, max(0, (hi - lo).days)))

    def at(self, day: dt.date, hour_lo: int = 9, hour_hi: int = 17) -> dt.datetime:
        return dt.datetime.combine(
            day,
            dt.time(self.rng.randint(hour_lo, hour_hi), self.rng.choice((0, 10, 20, 30, 40, 50))),
            tzinfo=KST,
        )

    def person_name(self, sex: str, birth: dt.date) -> str:
        while True:
            surname = self.rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]
            first, second = GIVEN[(sex, birth.year < 1970)]
            name = surname + self.rng.choice(first) + self.rng.choice(second)
            if name not in RESERVED_NAMES and name[1] != name[2]:
                return name

    def phone(self) -> str:
        return f"010-0{self.rng.randrange(1000):03d}-{self.rng.randrange(10000):04d}"

    def rrn(self, birth: dt.date, sex: str) -> str:
        """A number with the member's birth date and sex, and a check digit that is wrong on purpose."""
        century_digit = {(True, "male"): 1, (True, "female"): 2, (False, "male"): 3, (False, "female"): 4}
        digits = f"{birth:%y%m%d}{century_digit[(birth.year < 2000, sex)]}{self.rng.randrange(100000):05d}"
        check = (
            11
            - sum(int(d) * w for d, w in zip(digits, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5), strict=True)) % 11
        ) % 10
        return f"{digits[:6]}-{digits[6:]}{(check + 1) % 10}"

    def birth(self, age_lo: int, age_hi: int) -> dt.date:
        latest = self.anchor.replace(year=self.anchor.year - age_lo)
        earliest = self.anchor.replace(year=self.anchor.year - age_hi - 1) + dt.timedelta(days=1)
        return self.day_between(earliest, latest)

    # households and members ---------------------------------------------------------------------

    def plan_households(self) -> list[HouseholdPlan]:
        n = self.size.households
        counts = [int(round(a.share * n)) for a in ARCHETYPES]
        counts[-2] += n - sum(counts)  # families absorb rounding
        kinds = [a for a, c in zip(ARCHETYPES, counts, strict=True) for _ in range(c)]
        self.rng.shuffle(kinds)
        plans = [HouseholdPlan(i, a, size=a.min_size) for i, a in enumerate(kinds)]
        extra = self.size.members - sum(p.size for p in plans)
        room = [p for p in plans for _ in range(p.archetype.max_size - p.archetype.min_size)]
        if not 0 <= extra <= len(room):
            raise ValueError("member count out of reach for this household mix")
        for plan in self.rng.sample(room, extra):
            plan.size += 1
        return plans

    def build_household(self, plan: HouseholdPlan, member_ids: list[int]) -> None:
        rng = self.rng
        a = plan.archetype.key
        people: list[tuple[str, dt.date, str]] = []  # sex, birth, relation
        head_sex = rng.choice(("male", "female"))
        tags: list[HouseholdTag] = []
        latest_reg = self.anchor - dt.timedelta(days=3)
        reg_lo = self.start
        if a == "elderly_alone":
            head_sex = "female" if rng.random() < 0.7 else "male"
            people.append((head_sex, self.birth(70, 95), "head"))
            tags.append(HouseholdTag.ELDERLY_ALONE)
        elif a == "elderly_couple":
            people.append(("male", self.birth(70, 92), "head"))
            people.append(("female", self.birth(66, 90), "spouse"))
        elif a == "turning_65":
            year = self.anchor.year - 65
            people.append((head_sex, self.day_between(dt.date(year, 1, 1), dt.date(year, 12, 31)), "head"))
            if plan.size > 1:
                people.append(("female" if head_sex == "male" else "male", self.birth(58, 70), "spouse"))
            tags.append(HouseholdTag.TURNING_65)
            reg_lo = max(reg_lo, dt.date(self.anchor.year - 1, 1, 1))
        elif a == "newborn":
            baby = self.day_between(self.anchor - dt.timedelta(days=365), self.anchor - dt.timedelta(days=10))
            people.append(("male", self.birth(29, 42), "head"))
            people.append(("female", self.birth(27, 40), "spouse"))
            people.append((rng.choice(("male", "female")), baby, "child"))
            if plan.size > 3:
                people.append((rng.choice(("male", "female")), self.birth(2, 7), "child"))
            tags.append(HouseholdTag.NEWBORN)
            reg_lo = baby
        elif a == "single_parent":
            people.append((head_sex, self.birth(28, 50), "head"))
            for _ in range(plan.size - 1):
                people.append((rng.choice(("male", "female")), self.birth(1, 17), "child"))
            tags.append(HouseholdTag.SINGLE_PARENT)
        elif a == "single_adult":
            head_sex = "male" if rng.random() < 0.65 else "female"
            people.append((head_sex, self.birth(40, 64), "head"))
        elif a == "family":
            people.append(("male", self.birth(35, 60), "head"))
            people.append(("female", self.birth(33, 58), "spouse"))
            for i in range(plan.size - 2):
                if i == 2 and rng.random() < 0.5:
                    people.append((rng.choice(("male", "female")), self.birth(75, 90), "parent"))
                else:
                    people.append((rng.choice(("male", "female")), self.birth(3, 22), "child"))
        else:  # young_single
            people.append((head_sex, self.birth(20, 39), "head"))

        extra_tags: list[HouseholdTag] = []
        roll = rng.random()
        if a == "single_adult":
            extra_tags = [HouseholdTag.POVERTY_CRISIS] if roll < 0.6 else [HouseholdTag.BLIND_SPOT]
            if roll < 0.1:
                extra_tags.append(HouseholdTag.BLIND_SPOT)
        elif a in ("single_parent", "newborn") and roll < 0.25:
            extra_tags = [HouseholdTag.POVERTY_CRISIS]
        elif a in ("elderly_alone", "elderly_couple", "family") and roll < 0.12:
            extra_tags = [HouseholdTag.DISABILITY]
        elif a == "young_single" and roll < 0.3:
            extra_tags = [HouseholdTag.BLIND_SPOT]
        order = list(HouseholdTag)
        tags = sorted(dict.fromkeys(tags + extra_tags), key=order.index)

        if reg_lo > latest_reg:
            reg_lo = latest_reg
        plan.registered_on = self.day_between(reg_lo, latest_reg)

        if HouseholdTag.BLIND_SPOT in tags:
            owner: str | None = "officer"
        elif HouseholdTag.POVERTY_CRISIS in tags or a == "single_parent":
            owner = rng.choice(("manager", "manager", "counsellor", "officer"))
        elif a == "family" or a == "young_single":
            owner = rng.choice((*self.by_role[Role.WELFARE_PLANNER], "counsellor", None))
        else:
            owner = rng.choice(self.by_role[Role.WELFARE_PLANNER])
        plan.owner = owner

        status_roll = rng.random()
        if status_roll < 0.70:
            status = HouseholdStatus.OPEN
        elif status_roll < 0.85:
            status = HouseholdStatus.MONITORING
        elif status_roll < 0.95:
            status = HouseholdStatus.CLOSED
        else:
            status = HouseholdStatus.CLOSURE_REQUESTED
        consent_given = rng.random() > 0.05

        street = rng.choice(STREETS)
        number = rng.randint(1, 180)
        road = f"{street} {rng.randint(1, 40)}길 {number}" if rng.random() < 0.6 else f"{street} {number}"
        detail_roll = rng.random()
        if detail_roll < 0.35:
            detail = f"{rng.randint(101, 112)}동 {rng.randint(1, 15)}{rng.randint(1, 4):02d}호"
        elif detail_roll < 0.7:
            detail = f"{rng.choice(BUILDINGS)} {rng.randint(1, 4)}0{rng.randint(1, 4)}호"
        elif detail_roll < 0.8:
            detail = "반지하"
        else:
            detail = ""

        hh_id = f"hh-{plan.index + 1:04d}"
        plan.record = {
            "id": hh_id,
            "dong_code": self.dong.id,
            "tong": rng.randint(1, 30),
            "ban": rng.randint(1, 12),
            "road_address": road,
            "address_detail": detail,
            "tags": [t.value for t in tags],
            "consent": {
                "given": consent_given,
                "on": plan.registered_on.isoformat() if consent_given else None,
            },
            "owner_id": owner,
            "status": status.value,
            "needs_conference": False,
            "registered_on": plan.registered_on.isoformat(),
        }
        for sex, birth, relation in people:
            member_ids[0] += 1
            age = self.anchor.year - birth.year
            member: dict[str, Any] = {
                "id": f"m-{member_ids[0]:05d}",
                "household_id": hh_id,
                "name": self.person_name(sex, birth),
                "birth_date": birth.isoformat(),
                "sex": sex,
                "relation": relation,
                "phone": self.phone() if age >= 14 and rng.random() < 0.85 else None,
                "rrn": self.rrn(birth, sex) if rng.random() < 0.15 else None,
                "health": None,
            }
            if age >= 65 and rng.random() < 0.4:
                member["health"] = {
                    "conditions": rng.sample(
                        ["고혈압", "당뇨", "관절염", "골다공증", "경도인지장애", "백내장"], rng.randint(1, 2)
                    ),
                    "medications": rng.sample(
                        ["혈압약", "당뇨약", "진통소염제", "골다공증약"], rng.randint(0, 2)
                    ),
                    "note": rng.choice(("", "약 복용을 자주 잊으심", "보행 보조기 사용", "야간 빈뇨 호소")),
                }
            plan.members.append(member)

    # visits -------------------------------------------------------------------------------------

    def visit(
        self, plan: HouseholdPlan, day: dt.date, worker: str, kind: VisitKind, needs: tuple[Need, ...] = ()
    ) -> dict[str, Any]:
        rng = self.rng
        group = plan.archetype.group
        if not needs and rng.random() < 0.6:
            pool = {
                TargetGroup.ELDERLY: (Need.HEALTH, Need.CARE, Need.SOCIAL_ISOLATION, Need.FOOD),
                TargetGroup.TURNING_65: (Need.HEALTH, Need.EMPLOYMENT, Need.INCOME),
                TargetGroup.NEWBORN: (Need.CARE, Need.HEALTH, Need.INCOME),
                TargetGroup.POVERTY: (
                    Need.INCOME,
                    Need.HOUSING,
                    Need.DEBT,
                    Need.EMPLOYMENT,
                    Need.FOOD,
                    Need.MENTAL_HEALTH,
                ),
                TargetGroup.OTHER: (Need.EDUCATION, Need.HOUSING, Need.INCOME, Need.CARE),
            }[group]
            needs = tuple(rng.sample(pool, rng.randint(1, 2)))
        order = list(Need)
        needs = tuple(sorted(dict.fromkeys(needs), key=order.index))
        resources = []
        if needs and kind is not VisitKind.PHONE and rng.random() < 0.45:
            matching = [r for r in RESOURCES if set(r[3]) & set(needs)] or list(RESOURCES)
            for agency, service, category, _ in rng.sample(matching, min(len(matching), rng.randint(1, 2))):
                past = (self.anchor - day).days > 30
                outcome = (
                    rng.choice(
                        (
                            Outcome.PROVIDED,
                            Outcome.PROVIDED,
                            Outcome.PROVIDED,
                            Outcome.DECLINED,
                            Outcome.INELIGIBLE,
                        )
                    )
                    if past
                    else Outcome.PENDING
                )
                resources.append(
                    {
                        "agency": agency,
                        "service": service,
                        "category": category.value,
                        "outcome": outcome.value,
                    }
                )
        measures = None
        if kind is VisitKind.HEALTH:
            notes = NOTES["health"]
            measures = {
                "systolic": rng.randint(105, 165),
                "diastolic": rng.randint(60, 100),
                "glucose": rng.randint(80, 190) if rng.random() < 0.7 else None,
                "weight_kg": round(rng.uniform(42, 85), 1) if rng.random() < 0.6 else None,
                "note": rng.choice(("", "공복 측정", "식후 2시간 측정")),
            }
        elif kind is VisitKind.PHONE:
            notes = NOTES["phone"]
        elif kind is VisitKind.CRISIS:
            notes = NOTES["crisis"]
        else:
            notes = NOTES[
                {
                    TargetGroup.ELDERLY: "elderly",
                    TargetGroup.TURNING_65: "turning_65",
                    TargetGroup.NEWBORN: "newborn",
                    TargetGroup.POVERTY: "poverty",
                }.get(group, "other")
            ]
        note = " ".join(rng.sample(notes, rng.randint(1, 2))) if rng.random() < 0.9 else ""
        due = None
        if rng.random() < 0.85:
            due = (day + dt.timedelta(days=rng.choice((7, 14, 14, 30, 30, 30, 60, 90)))).isoformat()
        return {
            "id": "",
            "household_id": plan.record["id"],
            "worker_id": worker,
            "visited_on": day.isoformat(),
            "visit_kind": kind.value,
            "target_group": group.value,
            "needs": [n.value for n in needs],
            "resources": resources,
            "health_measures": measures,
            "note": note,
            "next_visit_due": due,
            "revises": None,
        }

    def routine_worker(self, plan: HouseholdPlan) -> tuple[str, VisitKind]:
        rng = self.rng
        group = plan.archetype.group
        roll = rng.random()
        if group in (TargetGroup.ELDERLY, TargetGroup.TURNING_65) and roll < 0.4:
            return rng.choice(self.by_role[Role.VISITING_NURSE]), VisitKind.HEALTH
        if roll < 0.55 and plan.owner:
            worker = plan.owner
        elif roll < 0.65:
            worker = "officer"
        elif roll < 0.75:
            worker = "counsellor"
        elif roll < 0.82:
            worker = "manager"
        else:
            worker = rng.choice(self.by_role[Role.WELFARE_PLANNER])
        kind = VisitKind.PHONE if rng.random() < 0.2 else VisitKind.REGULAR
        return worker, kind

    # crisis flags -------------------------------------------------------------------------------

    def crisis_flags(self, plans: list[HouseholdPlan]) -> list[tuple[HouseholdPlan, dict[str, Any]]]:
        rng = self.rng
        weights = []
        for plan in plans:
            tags = plan.record["tags"]
            w = 0.3
            if "poverty_crisis" in tags or "blind_spot" in tags:
                w = 4.0
            elif "elderly_alone" in tags or "single_parent" in tags:
                w = 2.0
            weights.append(w)
        chosen = rng.choices(plans, weights=weights, k=self.size.crisis_flags)
        fresh = max(3, self.size.crisis_flags // 200)  # raised in the last days: clocks still running
        flags = []
        for n, plan in enumerate(chosen):
            if n < fresh:
                raised_day = self.anchor - dt.timedelta(days=min(n, (self.anchor - plan.registered_on).days))
            else:
                raised_day = self.day_between(plan.registered_on, self.anchor)
            raised_at = self.at(raised_day, 8, 18)
            level = rng.choices(list(CrisisLevel), weights=(2, 4, 4))[0]
            order = list(CrisisReason)
            pool: list[CrisisReason] = [r for r in CrisisReason if r is not CrisisReason.OTHER]
            if "elderly_alone" in plan.record["tags"]:
                pool += [CrisisReason.LONELY_DEATH_RISK, CrisisReason.ILLNESS]
            reasons = sorted(dict.fromkeys(rng.sample(pool, rng.randint(1, 2))), key=order.index)
            if rng.random() < 0.05:
                reasons = [CrisisReason.OTHER]
            # 72-hour clock: most first visits in time, some late, the freshest not yet visited
            delay_days = rng.randint(0, 2) if rng.random() < 0.85 else rng.randint(4, 10)
            first_visit: dt.datetime | None = self.at(raised_day + dt.timedelta(days=delay_days), 9, 17)
            if first_visit is not None and first_visit <= raised_at:
                first_visit += dt.timedelta(days=1)
            if (n < fresh and n % 2 == 0) or (first_visit is not None and first_visit > self.anchor_end):
                first_visit = None
            age_days = (self.anchor - raised_day).days
            resolve_chance = 0.97 if age_days > 45 else 0.5 if age_days > 10 else 0.0
            resolved = first_visit is not None and rng.random() < resolve_chance
            record: dict[str, Any] = {
                "id": "",
                "household_id": plan.record["id"],
                "level": level.value,
                "reasons": [r.value for r in reasons],
                "note": rng.choice(FLAG_NOTES),
                "raised_by": rng.choice(
                    ("officer", "officer", "counsellor", *self.by_role[Role.WELFARE_PLANNER])
                ),
                "raised_at": raised_at.isoformat(),
                "first_visit_at": first_visit.isoformat() if first_visit else None,
                "state": "resolved" if resolved else "open",
                "resolved_at": None,
                "supports": [],
                "services_linked": [],
            }
            if resolved and first_visit is not None:
                resolved_at = min(
                    self.at(first_visit.date() + dt.timedelta(days=rng.randint(3, 28))), self.anchor_end
                )
                record["resolved_at"] = resolved_at.isoformat()
                if level is not CrisisLevel.WATCH and rng.random() < 0.5:
                    kinds = rng.sample(list(SupportKind), rng.randint(1, 2))
                    amounts = {
                        SupportKind.LIVELIHOOD: (300_000, 1_500_000),
                        SupportKind.MEDICAL: (500_000, 3_000_000),
                        SupportKind.HOUSING: (200_000, 1_000_000),
                    }
                    record["supports"] = [
                        {"support": k.value, "amount_won": rng.randrange(*amounts[k], 10_000)}
                        for k in sorted(kinds, key=list(SupportKind).index)
                    ]
                if rng.random() < 0.5:
                    record["services_linked"] = rng.sample(SERVICES_LINKED, rng.randint(1, 2))
            flags.append((plan, record))
        flags.sort(key=lambda pf: (pf[1]["raised_at"], pf[0].index))
        for i, (_plan, record) in enumerate(flags, 1):
            record["id"] = f"flag-{i:04d}"
        return flags

    def all_visits(
        self, plans: list[HouseholdPlan], flags: list[tuple[HouseholdPlan, dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        rng = self.rng
        visits: list[tuple[dt.date, int, int, dict[str, Any]]] = []
        seq = 0
        for plan in plans:  # the initial consultation on the day of registration
            worker = plan.owner or rng.choice(self.by_role[Role.WELFARE_PLANNER])
            kind = VisitKind.INITIAL
            visits.append(
                (plan.registered_on, plan.index, seq, self.visit(plan, plan.registered_on, worker, kind))
            )
            seq += 1
        for plan, flag in flags:  # the first visit of each crisis flag
            if flag["first_visit_at"] is None:
                continue
            day = dt.datetime.fromisoformat(flag["first_visit_at"]).date()
            reasons = [CrisisReason(r) for r in flag["reasons"]]
            needs = tuple(n for r in reasons for n in REASON_NEEDS[r])
            worker = flag["raised_by"] if rng.random() < 0.6 else (plan.owner or "manager")
            visits.append((day, plan.index, seq, self.visit(plan, day, worker, VisitKind.CRISIS, needs)))
            seq += 1
        remaining = self.size.visits - len(visits)
        if remaining < 0:
            raise ValueError("more initial and crisis visits than the visit count")
        weights = []
        total = 0.0
        for plan in plans:
            span = (self.anchor - plan.registered_on).days + 1
            total += plan.archetype.visit_weight * span
            weights.append(total)
        for plan in rng.choices(plans, cum_weights=weights, k=remaining):
            day = self.day_between(plan.registered_on, self.anchor)
            worker, kind = self.routine_worker(plan)
            visits.append((day, plan.index, seq, self.visit(plan, day, worker, kind)))
            seq += 1
        visits.sort(key=lambda v: v[:3])
        out = []
        for i, (_day, _hh, _seq, record) in enumerate(visits, 1):
            record["id"] = f"v-{i:06d}"
            out.append(record)
        return out

    # conferences and tasks ----------------------------------------------------------------------

    def conferences(self, plans: list[HouseholdPlan]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rng = self.rng
        by_reg = sorted(plans, key=lambda p: (p.registered_on, p.index))
        reg_days = [p.registered_on for p in by_reg]
        first_day = max(self.start + dt.timedelta(days=30), reg_days[min(4, len(reg_days) - 1)])
        n_future = self.size.future_conferences
        n_past = self.size.conferences - n_future - 1
        past_days = sorted(
            self.day_between(first_day, self.anchor - dt.timedelta(days=1)) for _ in range(n_past)
        )
        plans_days: list[tuple[dt.date, str]] = [(d, "sealed") for d in past_days]
        plans_days.append((self.anchor, "in_progress"))
        plans_days += sorted(
            (self.anchor + dt.timedelta(days=rng.randint(2, 40)), "scheduled") for _ in range(n_future)
        )
        conferences: list[dict[str, Any]] = []
        tasks: list[dict[str, Any]] = []
        for i, (day, state) in enumerate(plans_days, 1):
            while day.weekday() >= 5:  # meetings on weekdays
                day -= dt.timedelta(days=1)
            kind = rng.choices(list(ConferenceKind), weights=(7, 2, 1))[0]
            scheduled = dt.datetime.combine(day, dt.time(rng.choice((10, 14, 15)), 0), tzinfo=KST)
            eligible = by_reg[: bisect.bisect_right(reg_days, day)] or by_reg[:1]
            agenda_plans = rng.sample(eligible, min(len(eligible), rng.randint(1, 4)))
            facilitator = "manager" if kind is ConferenceKind.DONG else "supervisor"
            attendee_ids = ["manager", "supervisor"]
            attendee_ids += [
                w for w in rng.sample(["planner", "nurse", "officer", "counsellor"], rng.randint(1, 3))
            ]
            attendees: list[dict[str, Any]] = [
                {"name": self.name_of[w], "organisation": "상도1동 주민센터", "worker_id": w}
                for w in attendee_ids
            ]
            n_outside = rng.randint(0, 2) if kind is ConferenceKind.DONG else rng.randint(1, 3)
            for org in rng.sample(OUTSIDE_ATTENDEES, n_outside):
                sex = rng.choice(("male", "female"))
                attendees.append(
                    {
                        "name": self.person_name(sex, dt.date(1980, 1, 1)),
                        "organisation": org,
                        "worker_id": None,
                    }
                )
            conf_id = f"conf-{i:04d}"
            agenda = []
            for j, plan in enumerate(agenda_plans):
                decision = None
                note = ""
                if state == "sealed" or (state == "in_progress" and j == 0):
                    decision = rng.choices(list(Decision), weights=(10, 4, 2, 3, 1))[0]
                    note = rng.choice(DECISION_NOTES[decision])
                else:
                    plan.record["needs_conference"] = True
                agenda.append(
                    {
                        "household_id": plan.record["id"],
                        "decision": decision.value if decision else None,
                        "note": note,
                    }
                )
                if decision is not None and rng.random() < 0.6:
                    due = day + dt.timedelta(days=rng.choice((7, 14, 14, 21, 28)))
                    if due < self.anchor - dt.timedelta(days=14):
                        task_state = rng.choices(("done", "open", "cancelled"), weights=(85, 10, 5))[0]
                    else:
                        task_state = "open"
                    tasks.append(
                        {
                            "id": f"task-{len(tasks) + 1:04d}",
                            "title": rng.choice(TASK_TITLES[decision]),
                            "owner_id": plan.owner or "manager",
                            "due_on": due.isoformat(),
                            "household_id": plan.record["id"],
                            "conference_id": conf_id,
                            "state": task_state,
                        }
                    )
            conferences.append(
                {
                    "id": conf_id,
                    "dong_code": self.dong.id,
                    "conference_kind": kind.value,
                    "scheduled_at": scheduled.isoformat(),
                    "place": rng.choice(
                        ("상도1동 주민센터 2층 회의실", "상도1동 주민센터 상담실", "동작구청 별관 회의실")
                    ),
                    "facilitator_id": facilitator,
                    "attendees": attendees,
                    "agenda": agenda,
                    "state": state,
                }
            )
        return conferences, tasks

    # hand-offs ----------------------------------------------------------------------------------

    def handoffs(self, plans: list[HouseholdPlan]) -> list[dict[str, Any]]:
        rng = self.rng
        staff = [
            *self.by_role[Role.WELFARE_PLANNER],
            *self.by_role[Role.VISITING_NURSE],
            "officer",
            "manager",
            "counsellor",
        ]
        other_dongs = [resolve_dong(q).id for q in NEIGHBOUR_DONGS]
        drafts = []
        pending_share = min(0.2, 20 / self.size.handoffs)  # hand-offs awaiting an answer are recent
        for _ in range(self.size.handoffs):
            plan = rng.choice(plans)
            pending = rng.random() < pending_share
            outcome = (
                rng.choices(("returned", "requested"), weights=(1, 2))[0]
                if pending
                else rng.choices(
                    ("accepted", "declined", "returned_accepted", "cancelled"), weights=(60, 12, 10, 6)
                )[0]
            )
            if pending:
                lo = max(plan.registered_on + dt.timedelta(days=1), self.anchor - dt.timedelta(days=10))
                day = self.day_between(lo, self.anchor - dt.timedelta(days=1))
            else:
                hi = max(plan.registered_on + dt.timedelta(days=1), self.anchor - dt.timedelta(days=10))
                day = self.day_between(plan.registered_on + dt.timedelta(days=1), hi)
            drafts.append((self.at(day), plan, outcome))
        drafts.sort(key=lambda d: (d[0], d[1].index))
        out = []
        for i, (start, plan, outcome) in enumerate(drafts, 1):
            target = rng.choices(("worker", "dong", "gu"), weights=(80, 10, 10))[0]
            from_worker = plan.owner or rng.choice(self.by_role[Role.WELFARE_PLANNER])
            to_worker = None
            to_dong = None
            if target == "worker":
                to_worker = rng.choice([w for w in staff if w != from_worker])
                responder = to_worker
            else:
                responder = "supervisor"
                if target == "dong":
                    to_dong = rng.choice(other_dongs)
            reason = HANDOFF_REASONS[3] if target == "dong" else rng.choice(HANDOFF_REASONS)
            history: list[dict[str, Any]] = [
                {"at": start, "actor_id": from_worker, "state": "requested", "note": ""}
            ]
            step = functools.partial(self._handoff_step, history)
            if outcome in ("returned", "returned_accepted"):
                step(responder, "returned", "최근 방문 기록과 연계 서비스 현황을 보완해 주세요.")
                if outcome == "returned_accepted":
                    step(from_worker, "requested", "방문 기록과 서비스 현황을 보완했습니다.")
                    step(responder, "accepted")
            elif outcome == "accepted":
                step(responder, "accepted")
            elif outcome == "declined":
                step(
                    responder,
                    "declined",
                    rng.choice(("담당 사례가 많아 수용이 어렵습니다.", "관할 확인이 필요합니다.")),
                )
            elif outcome == "cancelled":
                step(from_worker, "cancelled", "가구 사정 변경으로 이관 취소", max_hours=24)
            final = history[-1]["state"]
            if final == "accepted" and to_worker is not None:
                plan.owner = to_worker
            if final == "accepted" and target == "dong":
                plan.record["status"] = HouseholdStatus.CLOSED.value
            out.append(
                {
                    "id": f"ho-{i:04d}",
                    "household_id": plan.record["id"],
                    "from_worker_id": from_worker,
                    "target": target,
                    "to_worker_id": to_worker,
                    "to_dong_code": to_dong,
                    "reason": reason,
                    "summary": f"{plan.archetype.group.ko} 가구, 방문상담 기록 참고.",
                    "state": final,
                    "history": [{**e, "at": e["at"].isoformat()} for e in history],
                }
            )
        for plan in plans:
            plan.record["owner_id"] = plan.owner
        return out

    def _handoff_step(
        self, history: list[dict[str, Any]], actor: str, state: str, note: str = "", max_hours: int = 72
    ) -> None:
        """Append the next event of a hand-off's history, some hours after the last one."""
        delay = dt.timedelta(hours=self.rng.randint(1, max_hours), minutes=self.rng.randint(0, 59))
        moment = min(history[-1]["at"] + delay, self.anchor_end)
        history.append({"at": moment, "actor_id": actor, "state": state, "note": note})

    # the whole document -------------------------------------------------------------------------

    def build(self, special: bool) -> dict[str, Any]:
        plans = self.plan_households()
        counter = [0]
        for plan in plans:
            self.build_household(plan, counter)
        if special:
            self.place_special_records(plans)
        flags = self.crisis_flags(plans)
        visits = self.all_visits(plans, flags)
        conferences, tasks = self.conferences(plans)
        handoffs = self.handoffs(plans)
        workers = [
            {
                "id": w,
                "name": name,
                "role": role.value,
                "dong_code": self.dong.id,
                "zone_tongs": list(range(1, 31)) if role is Role.NEIGHBOURHOOD_OFFICER else [],
                "active": True,
            }
            for w, name, role in self.workers
        ]
        raw: dict[str, Any] = {
            "dong": self.dong.model_dump(mode="json"),
            "workers": workers,
            "households": [p.record for p in plans],
            "members": [m for p in plans for m in p.members],
            "visits": visits,
            "crisis_flags": [record for _plan, record in flags],
            "conferences": conferences,
            "handoffs": handoffs,
            "tasks": tasks,
        }
        context = {"today": self.anchor}
        doc: dict[str, Any] = {"format": SAMPLE_FORMAT}
        for key, cls in SECTIONS.items():
            if key == "dong":
                doc[key] = cls.model_validate(raw[key], context=context).model_dump(mode="json")
            else:
                doc[key] = [
                    cls.model_validate(item, context=context).model_dump(mode="json") for item in raw[key]
                ]
        return doc

    def place_special_records(self, plans: list[HouseholdPlan]) -> None:
        """Records the tests and the UI rely on: a head named 김철수, and hostile text shown literally."""
        heads = [p for p in plans if p.members[0]["sex"] == "male" and p.archetype.key != "newborn"]
        heads[0].members[0]["name"] = "김철수"
        # Rich markup in a name and a terminal escape in an address must be shown as typed, never interpreted.
        couples = [p for p in plans if len(p.members) >= 2 and p is not heads[0]]
        couples[0].members[1]["name"] = "[bold]김[/]"
        detailed = [p for p in plans if p.record["address_detail"] and p not in (heads[0], couples[0])]
        detailed[0].record["address_detail"] = detailed[0].record["address_detail"] + " \x1b[2J"


def generate(
    size: str = "small", seed: int = DEFAULT_SEED, anchor: dt.date = DEFAULT_ANCHOR
) -> dict[str, Any]:
    """A synthetic 상도1동 in the sample-data format (`chandong-sample/1`), as a JSON-ready dict."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    return _Builder(SIZES[size], seed, anchor).build(special=size == "small")


def to_json(doc: dict[str, Any], indent: bool) -> bytes:
    """The file bytes: indented (the committed small sample) or compact, with a final newline."""
    option = orjson.OPT_APPEND_NEWLINE | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(doc, option=option)


def _anchor(text: str) -> dt.date:
    """`--anchor`, read as every form reads a day (a day that does not exist says so)."""
    try:
        return read_day(text)
    except PydanticCustomError as exc:
        raise argparse.ArgumentTypeError(exc.message()) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chandong_tui.sample_data.generator", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--size", choices=tuple(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--anchor",
        type=_anchor,
        default=DEFAULT_ANCHOR,
        help="the sample's 'today' (YYYY-MM-DD); nothing is dated after it except meetings",
    )
    parser.add_argument("--out", default="-", help="output file, or - for standard output")
    args = parser.parse_args(argv)
    data = to_json(generate(args.size, args.seed, args.anchor), indent=args.size == "small")
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        from chandong_tui.vault.atomic import write_output_file

        write_output_file(Path(args.out), data)  # the commands' `--out` writer: never replaces a FIFO
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
