"""API shapes for contracts. Amounts are decimal strings with their currency beside them;
dates are ISO 8601."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from jiedan.core.api_types import DecimalIn

from .models import (
    MAX_MILESTONES,
    MEMO_MAX_LENGTH,
    QUERY_MAX_LENGTH,
    DelayPolicy,
    IpTransfer,
    Kind,
    Status,
)
from .models.changes import REASON_MAX_LENGTH as CHANGE_REASON_MAX_LENGTH
from .services.endings import REASON_MAX_LENGTH
from .services.milestones import MESSAGE_MAX_LENGTH
from .terms import MAX_DELIVERABLES

MAX_PAGE_SIZE = 50
PER_PAGE = 20


class ContractQuery(Schema):
    status: Status | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(PER_PAGE, ge=1, le=MAX_PAGE_SIZE)


class MilestoneIn(Schema):
    title: str = Field(max_length=200)
    amount: DecimalIn
    due_date: date | None = None


class TermsIn(Schema):
    scope: str = Field(max_length=10000)
    deliverables: list[str] = Field(default_factory=list, max_length=MAX_DELIVERABLES)
    revisions: int = 2
    deadline: date
    delay_policy: DelayPolicy = DelayPolicy.RENEGOTIATE
    ip_transfer: IpTransfer = IpTransfer.ON_FULL_PAYMENT
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=MAX_MILESTONES)
    kind: Kind = Kind.FIXED
    hourly_rate: DecimalIn | None = Field(None, description="hourly terms: the rate an hour")
    weekly_limit: int | None = Field(None, description="hourly terms: hours a week at most")


class OfferIn(TermsIn):
    proposal_id: int


class AcceptIn(Schema):
    digest: str = Field(max_length=64)


class ReasonIn(Schema):
    reason: str = Field("", max_length=REASON_MAX_LENGTH)


class NoteIn(Schema):
    note: str = Field(max_length=MESSAGE_MAX_LENGTH)


class DeliveryIn(Schema):
    message: str = Field(max_length=MESSAGE_MAX_LENGTH)


class CancellationIn(Schema):
    freelancer_share: DecimalIn
    reason: str = Field(max_length=REASON_MAX_LENGTH)


class PersonOut(Schema):
    id: int
    name: str


class AcceptanceOut(Schema):
    party_id: int
    digest: str
    accepted_at: datetime
    accepted_by: str = Field(
        description="reading (accepted these terms), publishing or entering (a contest's rules)"
    )


class PlannedMilestoneOut(Schema):
    title: str
    amount: Decimal
    due_date: date | None


class TermsOut(Schema):
    version: int
    digest: str
    scope: str
    deliverables: list[str]
    revisions: int
    deadline: date
    delay_policy: str
    ip_transfer: str
    milestones: list[PlannedMilestoneOut]
    total: Decimal
    currency: str
    created_at: datetime
    acceptances: list[AcceptanceOut]
    kind: str = Kind.FIXED
    hourly_rate: Decimal | None = None
    weekly_limit: int | None = None


class DeliveryFileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    url: str


class DeliveryOut(Schema):
    id: int
    number: int
    message: str
    author_id: int
    digest: str
    created_at: datetime
    files: list[DeliveryFileOut]


class MilestoneOut(Schema):
    id: int
    contract_id: int
    position: int
    title: str
    amount: Decimal
    currency: str
    due_date: date | None
    status: str
    revisions_used: int
    funded_at: datetime | None
    submitted_at: datetime | None
    auto_approve_at: datetime | None
    released_amount: Decimal
    refunded_amount: Decimal
    closed_at: datetime | None
    deliveries: list[DeliveryOut]


class CancellationOut(Schema):
    id: int
    contract_id: int
    proposed_by_id: int
    freelancer_share: Decimal
    held_total: Decimal
    reason: str
    status: str
    decided_by_id: int | None
    decided_at: datetime | None
    created_at: datetime


class ContractSummaryOut(Schema):
    id: int
    title: str
    client: PersonOut
    freelancer: PersonOut
    source: str
    source_id: int
    currency: str
    status: str
    total: Decimal | None
    started_at: datetime | None
    ended_at: datetime | None
    created_at: datetime


class ContractOut(ContractSummaryOut):
    waiting_for_you: bool
    terms: TermsOut
    milestones: list[MilestoneOut]
    open_cancellation: CancellationOut | None
    open_change: "ChangeOut | None"


class ContractPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[ContractSummaryOut]


class ChangeMilestoneIn(MilestoneIn):
    milestone_id: int | None = None  # the existing milestone this line keeps or changes


class ChangeIn(TermsIn):
    """A complete new version of the terms and why; ``kind`` must be the contract's."""

    milestones: list[ChangeMilestoneIn] = Field(default_factory=list, max_length=MAX_MILESTONES)
    kind: Kind = Kind.FIXED
    hourly_rate: DecimalIn | None = None
    weekly_limit: int | None = None
    reason: str = Field(max_length=CHANGE_REASON_MAX_LENGTH)


class ChangeDeclineIn(Schema):
    reason: str = Field("", max_length=CHANGE_REASON_MAX_LENGTH)


class DeltaOut(Schema):
    old: str | None
    new: str | None
    changed: bool


class ChangedLineOut(PlannedMilestoneOut):
    milestone: int | None = None  # the existing milestone the line keeps (none: a new one)


class ChangeTermsOut(TermsOut):
    milestones: list[ChangedLineOut]


class MilestoneDeltaOut(Schema):
    old: ChangedLineOut
    new: ChangedLineOut


class ChangeDiffOut(Schema):
    currency: str
    total: DeltaOut
    deadline: DeltaOut
    revisions: DeltaOut
    scope_changed: bool
    deliverables_changed: bool
    delay_policy: DeltaOut
    ip_transfer: DeltaOut
    added: list[ChangedLineOut]
    changed: list[MilestoneDeltaOut]
    removed: list[ChangedLineOut]
    hourly_rate: DeltaOut | None
    weekly_limit: DeltaOut | None


class ChangeOut(Schema):
    id: int
    contract_id: int
    status: str
    reason: str
    proposed_by_id: int
    decided_by_id: int | None
    decided_at: datetime | None
    decline_reason: str
    created_at: datetime
    base_version: int
    terms: ChangeTermsOut
    diff: ChangeDiffOut


ContractOut.model_rebuild()


# --- hourly contracts ------------------------------------------------------------------------


class TimeEntryIn(Schema):
    work_date: date
    minutes: int
    memo: str = Field(max_length=MEMO_MAX_LENGTH)


class TimeEntryEditIn(Schema):
    minutes: int
    memo: str = Field(max_length=MEMO_MAX_LENGTH)


class TimerIn(Schema):
    memo: str = Field("", max_length=MEMO_MAX_LENGTH)


class StatementMessageIn(Schema):
    message: str = Field(max_length=QUERY_MAX_LENGTH)


class WeekQuery(Schema):
    week: date | None = Field(None, description="any day of the week; default: this week")


class TimeEntryOut(Schema):
    id: int
    contract_id: int
    source: str
    work_date: date
    week_start: date
    started_at: datetime | None
    minutes: int | None = Field(description="null while the timer runs")
    memo: str
    statement_id: int | None
    created_at: datetime
    updated_at: datetime


class HourlyWeekOut(Schema):
    contract_id: int
    week_start: date
    ends_at: datetime
    hourly_rate: Decimal
    currency: str
    minutes: int
    limit_minutes: int
    left_minutes: int
    amount: Decimal = Field(description="the week's minutes so far at the hourly rate")
    timer: TimeEntryOut | None
    entries: list[TimeEntryOut]


class StatementOut(Schema):
    id: int
    contract_id: int
    week_start: date
    minutes: int
    hourly_rate: Decimal
    amount: Decimal
    currency: str
    status: str
    review_ends_at: datetime
    query: str
    queried_at: datetime | None
    answer: str
    answered_at: datetime | None
    billed_at: datetime | None
    created_at: datetime
    entries: list[TimeEntryOut]
