"""API shapes for proposals and invitations. Amounts are decimal strings with their currency."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from jiedan.core.api_types import DecimalIn, choice_input

from .models import (
    ANSWER_MAX_LENGTH,
    COVER_LETTER_MAX_LENGTH,
    MAX_DELIVERY_DAYS,
    DeclineReason,
    Status,
)


class OptionIn(Schema):
    tier: str
    summary: str = Field(max_length=300)
    amount: DecimalIn
    delivery_days: int = Field(ge=1, le=MAX_DELIVERY_DAYS)


class ProposalMilestoneIn(Schema):
    title: str = Field(max_length=200)
    amount: DecimalIn
    due_in_days: int = Field(ge=1, le=MAX_DELIVERY_DAYS)


class ProposalIn(Schema):
    cover_letter: str = Field(max_length=COVER_LETTER_MAX_LENGTH)
    amount: DecimalIn
    delivery_days: int = Field(ge=1, le=MAX_DELIVERY_DAYS)
    answers: list[str] = Field([], max_length=20)
    options: list[OptionIn] = Field([], max_length=3)
    milestones: list[ProposalMilestoneIn] = Field([], max_length=20)


class ProposalCreateIn(ProposalIn):
    project_id: int


class OptionOut(Schema):
    id: int
    tier: str
    summary: str
    amount: Decimal
    delivery_days: int


class ProposalMilestoneOut(Schema):
    position: int
    title: str
    amount: Decimal
    due_in_days: int


class AnswerOut(Schema):
    question: str
    answer: str = Field(max_length=ANSWER_MAX_LENGTH)


class ProposalAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


class PersonOut(Schema):
    id: int
    name: str


class ProposalOut(Schema):
    id: int
    project_id: int
    project_title: str
    freelancer: PersonOut
    status: str
    cover_letter: str
    amount: Decimal
    currency: str
    delivery_days: int
    answers: list[AnswerOut]
    options: list[OptionOut]
    milestones: list[ProposalMilestoneOut]
    attachments: list[ProposalAttachmentOut]
    invited: bool
    viewed: bool
    editable: bool
    decline_reason: str
    decline_note: str
    hired_option_id: int | None
    created_at: datetime
    updated_at: datetime


class InboxQuery(Schema):
    view: str = "all"
    sort: str = "newest"
    page: int = Field(1, ge=1)


class InboxPageOut(Schema):
    count: int
    page: int
    pages: int
    counts: dict[str, int]
    results: list[ProposalOut]


class QuotaOut(Schema):
    allowance: int
    used: int
    remaining: int
    resets_on: date


DeclineReasonChoice = choice_input(DeclineReason, blank=True)
StatusChoice = choice_input(Status)


class DeclineIn(Schema):
    reason: DeclineReasonChoice = ""
    note: str = Field("", max_length=500)


class HireIn(Schema):
    option_id: int | None = None


class InvitationIn(Schema):
    project_id: int
    freelancer_id: int
    message: str = Field("", max_length=1000)


class InvitationOut(Schema):
    id: int
    project_id: int
    project_title: str
    freelancer_id: int
    status: str
    message: str
    decline_note: str
    created_at: datetime


class InvitationDeclineIn(Schema):
    note: str = Field("", max_length=300)
