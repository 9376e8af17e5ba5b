"""Enumerations of the domain, each member with its Korean and English label.

Values are stable English identifiers (stored, exported with `--header keys`); labels are for people.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from chandong_tui.i18n import Lang


class LabelledEnum(StrEnum):
    """A string enum whose members carry `ko` and `en` labels: `NAME = "value", "한국어", "English"`."""

    ko: str
    en: str

    def __new__(cls, value: str, ko: str = "", en: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.ko = ko or value
        member.en = en or value
        return member

    def label(self, lang: Lang | str = Lang.KO) -> str:
        """The member's name for people, in `lang`."""
        return self.en if lang == Lang.EN else self.ko


class Role(LabelledEnum):
    """What a worker does in the dong office (docs/ARCHITECTURE.md §1)."""

    WELFARE_PLANNER = "welfare_planner", "복지플래너", "Welfare planner"
    VISITING_NURSE = "visiting_nurse", "방문간호사", "Visiting nurse"
    NEIGHBOURHOOD_OFFICER = "neighbourhood_officer", "우리동네주무관", "Neighbourhood officer"
    CASE_MANAGER = "case_manager", "동 사례관리 담당자", "Case manager"
    COUNSELLOR = "counsellor", "복지상담전문관", "Counsellor"
    SUPERVISOR = "supervisor", "복지슈퍼바이저", "Supervisor"


class HouseholdTag(LabelledEnum):
    """Categories a household belongs to; they drive visit schedules and monthly figures."""

    ELDERLY_ALONE = "elderly_alone", "독거어르신", "Elderly living alone"
    TURNING_65 = "turning_65", "65세 도래", "Turning 65"
    NEWBORN = "newborn", "출산가정", "Newborn family"
    POVERTY_CRISIS = "poverty_crisis", "빈곤위기", "Poverty crisis"
    DISABILITY = "disability", "장애", "Disability"
    SINGLE_PARENT = "single_parent", "한부모", "Single parent"
    BLIND_SPOT = "blind_spot", "사각지대", "Welfare blind spot"


class HouseholdStatus(LabelledEnum):
    """Where a household's case stands."""

    OPEN = "open", "관리중", "Open"
    MONITORING = "monitoring", "모니터링", "Monitoring"
    CLOSURE_REQUESTED = "closure_requested", "종결 승인 대기", "Closure requested"
    CLOSED = "closed", "종결", "Closed"


class Sex(LabelledEnum):
    """Sex as recorded in the household register."""

    FEMALE = "female", "여", "F"
    MALE = "male", "남", "M"


class Relation(LabelledEnum):
    """A member's relation to the head of the household."""

    HEAD = "head", "가구주", "Head"
    SPOUSE = "spouse", "배우자", "Spouse"
    CHILD = "child", "자녀", "Child"
    PARENT = "parent", "부모", "Parent"
    GRANDCHILD = "grandchild", "손자녀", "Grandchild"
    SIBLING = "sibling", "형제자매", "Sibling"
    OTHER = "other", "기타", "Other"


class VisitKind(LabelledEnum):
    """What kind of contact a visit record describes."""

    INITIAL = "initial", "초기상담", "Initial consultation"
    REGULAR = "regular", "정기방문", "Regular visit"
    HEALTH = "health", "건강관리", "Health care"
    CRISIS = "crisis", "위기개입", "Crisis intervention"
    PHONE = "phone", "전화상담", "Phone consultation"


class TargetGroup(LabelledEnum):
    """The visiting programme a visit belongs to."""

    ELDERLY = "elderly", "어르신", "Elderly"
    TURNING_65 = "turning_65", "65세 도래", "Turning 65"
    NEWBORN = "newborn", "출산가정", "Newborn family"
    POVERTY = "poverty", "빈곤위기가구", "Poverty crisis"
    OTHER = "other", "기타", "Other"


class Need(LabelledEnum):
    """Needs found on a visit."""

    INCOME = "income", "소득", "Income"
    HOUSING = "housing", "주거", "Housing"
    HEALTH = "health", "건강", "Health"
    CARE = "care", "돌봄", "Care"
    MENTAL_HEALTH = "mental_health", "정신건강", "Mental health"
    EMPLOYMENT = "employment", "일자리", "Employment"
    EDUCATION = "education", "교육", "Education"
    SOCIAL_ISOLATION = "social_isolation", "사회적 고립", "Social isolation"
    DEBT = "debt", "채무", "Debt"
    FOOD = "food", "식생활", "Food"


class ResourceCategory(LabelledEnum):
    """What a linked resource provides; health ones are counted apart in the monthly report."""

    HEALTH = "health", "보건의료", "Health"
    WELFARE = "welfare", "복지서비스", "Welfare service"
    FINANCIAL = "financial", "금전지원", "Financial"
    IN_KIND = "in_kind", "물품지원", "In kind"
    SPECIALIST = "specialist", "전문기관 의뢰", "Specialist referral"


class Outcome(LabelledEnum):
    """How a linked resource or referral turned out."""

    PENDING = "pending", "진행중", "Pending"
    PROVIDED = "provided", "제공됨", "Provided"
    DECLINED = "declined", "거절", "Declined"
    INELIGIBLE = "ineligible", "부적격", "Ineligible"


class LinkState(LabelledEnum):
    """Where a followed link (a resource linked on a visit, a service linked when a flag is resolved)
    stands: 자원연계 · 서비스의뢰 처리결과. `REQUESTED` and `IN_PROGRESS` still wait for an outcome."""

    REQUESTED = "requested", "요청", "Requested"
    IN_PROGRESS = "in_progress", "진행중", "In progress"
    PROVIDED = "provided", "제공", "Provided"
    STOPPED = "stopped", "중단", "Stopped"
    REFUSED = "refused", "거절", "Refused"
    UNAVAILABLE = "unavailable", "연계불가", "Unavailable"

    @property
    def awaiting(self) -> bool:
        """Still waiting for an outcome (요청, 진행중)."""
        return self in (LinkState.REQUESTED, LinkState.IN_PROGRESS)


class CrisisLevel(LabelledEnum):
    """How urgent a crisis household is."""

    URGENT = "urgent", "긴급", "Urgent"
    CRISIS = "crisis", "위기", "Crisis"
    WATCH = "watch", "관심", "Watch"


class CrisisReason(LabelledEnum):
    """Why a household was flagged."""

    JOB_LOSS = "job_loss", "실직", "Job loss"
    ILLNESS = "illness", "질병", "Illness"
    ARREARS = "arrears", "체납", "Arrears"
    LONELY_DEATH_RISK = "lonely_death_risk", "고독사 위험", "Risk of lonely death"
    ABUSE = "abuse", "학대", "Abuse"
    DISASTER = "disaster", "재해", "Disaster"
    OTHER = "other", "기타", "Other"


class FlagState(LabelledEnum):
    """Whether a crisis flag is still open."""

    OPEN = "open", "진행중", "Open"
    RESOLVED = "resolved", "해결", "Resolved"


class SupportKind(LabelledEnum):
    """서울형 긴급복지 support kinds."""

    LIVELIHOOD = "livelihood", "생계", "Livelihood"
    MEDICAL = "medical", "의료", "Medical"
    HOUSING = "housing", "주거", "Housing"


class ConferenceKind(LabelledEnum):
    """The three kinds of case conference."""

    DONG = "dong", "동 사례회의", "Dong case conference"
    INTEGRATED = "integrated", "통합사례회의", "Integrated case conference"
    COMMITTEE = "committee", "사례관리위원회", "Case management committee"


class ConferenceState(LabelledEnum):
    """A conference's life: scheduled, meeting, sealed minutes."""

    SCHEDULED = "scheduled", "예정", "Scheduled"
    IN_PROGRESS = "in_progress", "진행중", "In progress"
    SEALED = "sealed", "회의록 확정", "Minutes sealed"


class Decision(LabelledEnum):
    """What a conference decides for one household."""

    CONTINUE = "continue", "지속 관리", "Continue"
    CLOSE = "close", "종결", "Close"
    REFER_GU = "refer_gu", "구 통합사례관리 의뢰", "Refer to gu integrated case management"
    EMERGENCY_SUPPORT = "emergency_support", "긴급지원", "Emergency support"
    OTHER = "other", "기타", "Other"


class HandoffTarget(LabelledEnum):
    """Where a case is handed to."""

    WORKER = "worker", "직원", "Worker"
    DONG = "dong", "다른 동", "Another dong"
    GU = "gu", "구청 통합사례관리", "Gu integrated case management"


class HandoffState(LabelledEnum):
    """A hand-off's state machine."""

    REQUESTED = "requested", "요청", "Requested"
    ACCEPTED = "accepted", "수락", "Accepted"
    DECLINED = "declined", "거절", "Declined"
    RETURNED = "returned", "질문 반송", "Returned with a question"
    CANCELLED = "cancelled", "취소", "Cancelled"


class TaskState(LabelledEnum):
    """A follow-up task's state."""

    OPEN = "open", "진행중", "Open"
    DONE = "done", "완료", "Done"
    CANCELLED = "cancelled", "취소", "Cancelled"


class TaskStep(LabelledEnum):
    """What happened to a follow-up task, as its history and the household's timeline say."""

    CREATED = "created", "할 일 등록", "Task created"
    DONE = "done", "할 일 완료", "Task done"
    CANCELLED = "cancelled", "할 일 취소", "Task cancelled"
    REASSIGNED = "reassigned", "할 일 담당 변경", "Task reassigned"


class HandoffStep(LabelledEnum):
    """What happened in one event of a hand-off's history (the event's `state` is where it led)."""

    REQUEST = "request", "이관 요청", "Requested"
    ANSWER = "answer", "질문 답변 후 재요청", "Answered and sent again"
    ACCEPT = "accept", "수락", "Accepted"
    DECLINE = "decline", "거절", "Declined"
    RETURN = "return", "질문 반송", "Returned with a question"
    CANCEL = "cancel", "취소", "Cancelled"
    ESCALATE = "escalate", "슈퍼바이저 검토로 이관", "Escalated to the supervisor"


class CaseAction(LabelledEnum):
    """What a case event records: closure approval steps, reassignment, a supervisor's comment."""

    CLOSURE_REQUESTED = "closure_requested", "종결 승인 요청", "Closure requested"
    CLOSURE_APPROVED = "closure_approved", "종결 승인", "Closure approved"
    CLOSURE_RETURNED = "closure_returned", "종결 반려", "Closure returned"
    REASSIGNED = "reassigned", "담당자 재배정", "Reassigned"
    COMMENT = "comment", "의견", "Comment"
    REOPENED = "reopened", "사례 재개", "Reopened"
    REGISTERED_ANYWAY = "registered_anyway", "중복 의심 가구 등록", "Registered despite a likely duplicate"


class ClosureReason(LabelledEnum):
    """Why a case is closed (사례 종결 사유), asked when closure is requested."""

    GOAL_MET = "goal_met", "목표 달성", "Goals met"
    MOVED_OUT = "moved_out", "전출", "Moved out"
    DECEASED = "deceased", "사망", "Deceased"
    REFUSED = "refused", "서비스 거부", "Refused services"
    TRANSFERRED = "transferred", "타기관 이관", "Transferred to another agency"
    UNREACHABLE = "unreachable", "연락 두절", "Unreachable"
    OTHER = "other", "기타", "Other"


# -- correct and update (issue 15 item 1) ------------------------------------------------------
class MemberExit(LabelledEnum):
    """Why a member is no longer a current member of the household (kept, with the date)."""

    MOVED_OUT = "moved_out", "전출", "Moved out"
    DECEASED = "deceased", "사망", "Deceased"


class FoundHow(LabelledEnum):
    """How a crisis was found (발굴 경로)."""

    ON_VISIT = "on_visit", "방문 중", "On a visit"
    PHONE = "phone", "전화", "By phone"
    TONG_LEADER = "tong_leader", "통장 제보", "Reported by the 통장"
    NEIGHBOUR = "neighbour", "이웃 제보", "Reported by a neighbour"
    SYSTEM = "system", "발굴관리시스템 대상", "Detection system list"
    AGENCY = "agency", "기관 의뢰", "Agency referral"
    SELF = "self", "본인 신청", "Own application"


class CorrectionSubject(LabelledEnum):
    """What a correction changed; each names its rule in the permission matrix (`correction.<rule>`).
    Labels fit the timeline's 12-cell kind column."""

    HOUSEHOLD = "household", "가구 수정", "Corrected"
    STATUS = "status", "상태 변경", "Status"
    HEAD = "head", "가구주 변경", "New head"
    MEMBER_ADDED = "member_added", "가구원 추가", "Member added"
    MEMBER_LEFT = "member_left", "전출·사망", "Member left"
    MEMBER = "member", "가구원 수정", "Member fixed"
    IDENTITY = "identity", "신원 정정", "ID corrected"
    HEALTH = "health", "건강 수정", "Health edit"
    VISIT_REVISED = "visit_revised", "방문 수정", "Amended"
    VISIT_WITHDRAWN = "visit_withdrawn", "방문 철회", "Withdrawn"
