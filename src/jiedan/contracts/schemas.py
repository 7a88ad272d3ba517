"""API shapes for contracts. Amounts are decimal strings with their currency beside them;
dates are ISO 8601."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from .models import MAX_MILESTONES, DelayPolicy, IpTransfer, Status
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
    amount: Decimal
    due_date: date | None = None


class TermsIn(Schema):
    scope: str = Field(max_length=10000)
    deliverables: list[str] = Field(default_factory=list, max_length=MAX_DELIVERABLES)
    revisions: int = 2
    deadline: date
    delay_policy: DelayPolicy = DelayPolicy.RENEGOTIATE
    ip_transfer: IpTransfer = IpTransfer.ON_FULL_PAYMENT
    milestones: list[MilestoneIn] = Field(max_length=MAX_MILESTONES)


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
    freelancer_share: Decimal
    reason: str = Field(max_length=REASON_MAX_LENGTH)


class PersonOut(Schema):
    id: int
    name: str


class AcceptanceOut(Schema):
    party_id: int
    digest: str
    accepted_at: datetime


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


class ContractPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[ContractSummaryOut]
