"""The records of a dong's case work (pydantic v2), one class per record kind.

Records refer to each other by id. Validation follows what a worker expects (docs/ARCHITECTURE.md §1);
anything date-relative takes "today" from the validation context (`context={"today": …}`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from chandong_tui.model.enums import (
    CaseAction,
    ClosureReason,
    ConferenceKind,
    ConferenceState,
    CorrectionSubject,
    CrisisLevel,
    CrisisReason,
    Decision,
    FlagState,
    FoundHow,
    HandoffState,
    HandoffStep,
    HandoffTarget,
    HouseholdStatus,
    HouseholdTag,
    LinkState,
    MemberExit,
    Need,
    Outcome,
    Relation,
    ResourceCategory,
    Role,
    Sex,
    SupportKind,
    TargetGroup,
    TaskState,
    TaskStep,
    VisitKind,
)
from chandong_tui.model.fields import (
    Ban,
    Day,
    DongCode,
    LongText,
    Name,
    PastDay,
    Phone,
    RecordId,
    Rrn,
    ShortText,
    Tong,
    Won,
    fail,
    today_of,
)


class Part(BaseModel):
    """A value nested inside a record."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


def _unused(value: object) -> bool:
    return value is None or value == "" or value == []


def added(default: Any = None, **kwargs: Any) -> Any:
    """A field added to a record kind after rows of it were stored: left out of the stored row while
    unused, so those rows stay as they were and a PC still on the previous version (which refuses
    fields it does not know) reads every record that does not use the new feature."""
    if "default_factory" in kwargs:
        return Field(exclude_if=_unused, **kwargs)
    return Field(default, exclude_if=_unused, **kwargs)


class ClockPause(Part):
    """One pause of a deadline clock and why (e.g. the person is in hospital); kept on the record as
    its history. The clock's due time moves by the time it stood paused."""

    paused_at: AwareDatetime
    paused_by: RecordId
    reason: Name
    resumed_at: AwareDatetime | None = None
    resumed_by: RecordId | None = None
    resume_note: ShortText = ""


class Record(Part):
    """A stored record: it has an id and a table (`kind`) of its own."""

    kind: ClassVar[str]
    id: RecordId


class Dong(Record):
    """A 행정동: the unit that owns a vault."""

    kind: ClassVar[str] = "dong"
    id: DongCode
    gu: Name
    name: Name


class Worker(Record):
    """A member of the dong team; `id` is the login id."""

    kind: ClassVar[str] = "worker"
    name: Name
    role: Role
    dong_code: DongCode
    zone_tongs: list[int] = Field(default_factory=list, description="통 patrolled (officers)")
    active: bool = True


class Consent(Part):
    """Consent to collect and use personal data (개인정보 수집·이용 동의)."""

    given: bool
    on: PastDay | None = None
    taken_by: RecordId | None = added(description="the worker who took the consent")

    @model_validator(mode="after")
    def _date_when_given(self) -> Consent:
        if self.given and self.on is None:
            raise fail("consent_date_missing")
        return self


class Household(Record):
    """A household in the dong's register, with its 통/반 and address."""

    kind: ClassVar[str] = "household"
    dong_code: DongCode
    tong: Tong
    ban: Ban
    road_address: Name
    address_detail: ShortText = ""
    tags: list[HouseholdTag] = Field(default_factory=list)
    consent: Consent
    owner_id: RecordId | None = None
    status: HouseholdStatus = HouseholdStatus.OPEN
    needs_conference: bool = False
    registered_on: Day
    pauses: list[ClockPause] = added(default_factory=list, description="next-visit clock pauses")
    phone: Phone | None = added(description="the household's contact number")


class HealthDetails(Part):
    """Health details of a member: seen and entered by visiting nurses only."""

    conditions: list[ShortText] = Field(default_factory=list)
    medications: list[ShortText] = Field(default_factory=list)
    note: LongText = ""


class Member(Record):
    """A person in a household."""

    kind: ClassVar[str] = "member"
    household_id: RecordId
    name: Name
    birth_date: Day
    sex: Sex
    relation: Relation = Relation.OTHER
    phone: Phone | None = None
    rrn: Rrn | None = Field(default=None, description="resident registration number; shown masked")
    health: HealthDetails | None = None
    left_on: PastDay | None = added(description="when the member moved out or died")
    left_how: MemberExit | None = added(description="moved out or deceased")

    @model_validator(mode="after")
    def _plausible_birth(self, info: ValidationInfo) -> Member:
        if not dt.date(1890, 1, 1) <= self.birth_date <= today_of(info):
            raise fail("birth_date_range")
        if (self.left_on is None) != (self.left_how is None):
            raise fail("member_left_both")
        if self.left_on is not None and self.left_on < self.birth_date:
            raise fail("member_left_before_birth")
        return self

    @property
    def current(self) -> bool:
        """Still a member of the household (not moved out, not deceased)."""
        return self.left_on is None


class ResourceLink(Part):
    """A service or agency linked for the household on a visit (자원연계), with its outcome."""

    agency: Name
    service: Name
    category: ResourceCategory
    outcome: Outcome = Outcome.PENDING


class HealthMeasures(Part):
    """A visiting nurse's measurements."""

    systolic: int | None = Field(default=None, ge=40, le=300)
    diastolic: int | None = Field(default=None, ge=20, le=200)
    glucose: int | None = Field(default=None, ge=10, le=1000, description="mg/dL")
    weight_kg: float | None = Field(default=None, ge=1, le=400)
    note: LongText = ""


class Visit(Record):
    """One home visit or contact (방문상담): append-only; corrections are new revisions."""

    kind: ClassVar[str] = "visit"
    household_id: RecordId
    worker_id: RecordId
    visited_on: PastDay
    visit_kind: VisitKind
    target_group: TargetGroup
    needs: list[Need] = Field(default_factory=list)
    resources: list[ResourceLink] = Field(default_factory=list)
    health_measures: HealthMeasures | None = None
    note: LongText = ""
    next_visit_due: Day | None = None
    revises: RecordId | None = Field(default=None, description="id of the visit this corrects")
    revised_at: AwareDatetime | None = added(description="when this revision was made")
    revised_by: RecordId | None = added(description="who made this revision")
    revision_note: ShortText = added("", description="why the visit was amended or withdrawn")
    withdrawn: bool | None = added(description="True: entered in error (잘못 입력), out of the reports")
    no_next_visit_reason: ShortText = added(
        "", description="다음 방문 없음: why this worker plans no next visit (instead of a due date)"
    )

    @model_validator(mode="after")
    def _due_after_visit(self) -> Visit:
        if self.next_visit_due is not None and self.next_visit_due <= self.visited_on:
            raise fail("due_before_visit")
        if self.next_visit_due is not None and self.no_next_visit_reason:
            raise fail("next_visit_both")
        return self


class EmergencySupport(Part):
    """서울형 긴급복지 support granted when a flag is resolved."""

    support: SupportKind
    amount_won: Won


class CrisisFlag(Record):
    """A crisis household flag (위기가구), which starts the 72-hour first-visit clock."""

    kind: ClassVar[str] = "crisis_flag"
    household_id: RecordId
    level: CrisisLevel
    reasons: list[CrisisReason] = Field(min_length=1)
    note: LongText = ""
    raised_by: RecordId
    raised_at: AwareDatetime
    first_visit_at: AwareDatetime | None = None
    state: FlagState = FlagState.OPEN
    resolved_at: AwareDatetime | None = None
    supports: list[EmergencySupport] = Field(default_factory=list)
    services_linked: list[ShortText] = Field(default_factory=list)
    pauses: list[ClockPause] = added(default_factory=list, description="first-visit clock pauses")
    found_at: AwareDatetime | None = added(description="when the crisis was found (default: raised_at)")
    found_how: FoundHow | None = added(description="how the crisis was found")

    @model_validator(mode="after")
    def _resolution_time(self) -> CrisisFlag:
        if self.state is FlagState.RESOLVED and self.resolved_at is None:
            raise fail("resolved_needs_time")
        if self.found_at is not None and self.found_at > self.raised_at:
            raise fail("found_after_raised")
        return self

    @property
    def clock_start(self) -> dt.datetime:
        """When the 72-hour first-visit clock starts: when the crisis was found, else when raised."""
        return self.found_at or self.raised_at


class Attendee(Part):
    """Someone at a case conference: a worker or a person from an outside agency."""

    name: Name
    organisation: ShortText = ""
    worker_id: RecordId | None = None
    role: ShortText = added("", description="an outside attendee's role (위원장, 담당자…)")


class AgendaItem(Part):
    """One household on a conference's agenda and what was decided for it."""

    household_id: RecordId
    decision: Decision | None = None
    note: LongText = ""
    reason: ShortText = added("", description="why the household is on the agenda")
    task_ids: list[RecordId] = added(default_factory=list, description="follow-ups decided")


class Conference(Record):
    """A case conference (사례회의)."""

    kind: ClassVar[str] = "conference"
    dong_code: DongCode
    conference_kind: ConferenceKind
    scheduled_at: AwareDatetime
    place: ShortText = ""
    facilitator_id: RecordId
    attendees: list[Attendee] = Field(default_factory=list)
    agenda: list[AgendaItem] = Field(default_factory=list)
    state: ConferenceState = ConferenceState.SCHEDULED
    minutes: LongText = added("")
    started_at: AwareDatetime | None = added()
    sealed_at: AwareDatetime | None = added()
    sealed_by: RecordId | None = added()
    revises: RecordId | None = added(description="id of the sealed minutes this corrects")
    revision_note: ShortText = added("")


class HandoffEvent(Part):
    """One transition of a hand-off, kept for history."""

    at: AwareDatetime
    actor_id: RecordId
    state: HandoffState
    note: LongText = ""
    step: HandoffStep | None = added(description="what happened (older rows: none)")


class Handoff(Record):
    """A case hand-off (사례 이관) from one owner to another."""

    kind: ClassVar[str] = "handoff"
    household_id: RecordId
    from_worker_id: RecordId
    target: HandoffTarget
    to_worker_id: RecordId | None = None
    to_dong_code: DongCode | None = None
    reason: ShortText
    summary: LongText = ""
    state: HandoffState = HandoffState.REQUESTED
    history: list[HandoffEvent] = Field(default_factory=list)
    escalated_at: AwareDatetime | None = added()


class TaskEvent(Part):
    """One step of a task after it was created (done, cancelled, reassigned): who, when and why."""

    at: AwareDatetime
    actor_id: RecordId
    step: TaskStep
    note: ShortText = ""
    from_owner_id: RecordId | None = None
    to_owner_id: RecordId | None = None


class Task(Record):
    """A follow-up task with an owner and a due date."""

    kind: ClassVar[str] = "task"
    title: Name
    owner_id: RecordId
    due_on: Day
    household_id: RecordId | None = None
    conference_id: RecordId | None = None
    state: TaskState = TaskState.OPEN
    created_by: RecordId | None = added()
    created_at: AwareDatetime | None = added()
    done_at: AwareDatetime | None = added()
    pauses: list[ClockPause] = added(default_factory=list, description="due-date clock pauses")
    history: list[TaskEvent] = added(default_factory=list, description="done, cancelled, reassigned")


class CaseEvent(Record):
    """One supervisory step on a household's case (closure request, approval or return, reassignment,
    comment): append-only, so two PCs adding events at once never conflict."""

    kind: ClassVar[str] = "case_event"
    household_id: RecordId
    at: AwareDatetime
    actor_id: RecordId
    action: CaseAction
    note: LongText = ""
    from_owner_id: RecordId | None = None
    to_owner_id: RecordId | None = None
    previous_status: HouseholdStatus | None = None
    closure_reason: ClosureReason | None = added(description="why the case is to close (closure requests)")


class Correction(Record):
    """One correction of a household's records (its own fields, a member, a visit): who, when, which
    fields and why; append-only, so two PCs correcting at once never conflict here (the corrected
    record itself merges as any other, sensitive fields into 충돌 검토). Old and new values are not
    copied: the record keeps the value, the op log keeps its history."""

    kind: ClassVar[str] = "correction"
    household_id: RecordId
    at: AwareDatetime
    actor_id: RecordId
    subject: CorrectionSubject
    record_kind: ShortText
    record_id: RecordId
    fields: list[ShortText] = Field(default_factory=list)
    reason: ShortText = ""


class LinkOutcome(Record):
    """One update of a followed link's outcome (처리결과): append-only, so two PCs updating the same
    link never conflict; the link's outcome is its newest update by (`at`, `id`) on every PC.
    `link_id` names the link: `<visit id>.r<n>` for a visit's n-th resource, `<flag id>.s<n>` for
    a resolved flag's n-th service (`casework/links.py`), so links stored before outcomes could
    be updated are followable without rewriting them."""

    kind: ClassVar[str] = "link_outcome"
    link_id: RecordId
    household_id: RecordId
    outcome: LinkState
    at: AwareDatetime
    actor_id: RecordId
    note: ShortText = ""


class VaultSettings(Record):
    """The team's settings for its deadline clocks; one row (`id` "settings") per vault. Categories
    left out use the built-in defaults."""

    kind: ClassVar[str] = "settings"
    next_visit_days: dict[HouseholdTag, Annotated[int, Field(ge=1, le=365)]] = Field(default_factory=dict)
    handoff_escalation_working_days: int = Field(default=3, ge=1, le=30)
    follow_up_working_days: int = Field(default=5, ge=1, le=60)
    link_outcome_days: int | None = added(
        None, ge=1, le=365, description="days a link may wait for its outcome (default 14)"
    )


RECORD_TYPES: tuple[type[Record], ...] = (
    Dong,
    Worker,
    Household,
    Member,
    Visit,
    CrisisFlag,
    Conference,
    Handoff,
    Task,
    CaseEvent,
    VaultSettings,
    LinkOutcome,
    Correction,
)
"""Every record kind, in the order a sample file lists them."""

RECORD_BY_KIND: dict[str, type[Record]] = {cls.kind: cls for cls in RECORD_TYPES}


def build_validators() -> None:
    """Build every record's validator now rather than at its first use (they are deferred,
    `defer_build`, so that importing the models stays cheap)."""
    for cls in RECORD_TYPES:
        if not cls.__pydantic_complete__:
            cls.model_rebuild()
