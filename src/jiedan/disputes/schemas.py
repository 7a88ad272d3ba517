"""API shapes for disputes. Amounts are decimal strings with their currency beside them; dates
are ISO 8601."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from jiedan.core.api_types import DecimalIn

from .models import DETAILS_MAX_LENGTH, NOTE_MAX_LENGTH, Outcome, Reason
from .services.mediation import REASON_MAX_LENGTH
from .services.negotiation import STATEMENT_MAX_LENGTH


class DisputeOpenIn(Schema):
    milestone_id: int | None = Field(None, description="the milestone in dispute, or…")
    statement_id: int | None = Field(None, description="…the weekly statement in dispute")
    reason: Reason
    details: str = Field(max_length=DETAILS_MAX_LENGTH, description="what happened")
    desired_outcome: Outcome
    desired_freelancer_amount: DecimalIn | None = Field(
        None, description="split: the freelancer's part, more than 0 and less than the amount"
    )


class DisputeOfferIn(Schema):
    outcome: Outcome
    freelancer_amount: DecimalIn | None = Field(
        None, description="split: the freelancer's part, from 0 to the amount"
    )
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class DisputeNoteIn(Schema):
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class StatementIn(Schema):
    statement: str = Field(max_length=STATEMENT_MAX_LENGTH)


class DisputeDecisionIn(Schema):
    freelancer_amount: DecimalIn = Field(
        description="paid to the freelancer; the client gets the rest"
    )
    reason: str = Field(max_length=REASON_MAX_LENGTH)


class AssignIn(Schema):
    mediator_id: int


class PersonOut(Schema):
    id: int
    name: str


class OfferOut(Schema):
    id: int
    made_by: PersonOut
    freelancer_amount: Decimal
    client_amount: Decimal
    note: str
    status: str
    created_at: datetime
    answered_at: datetime | None


class EvidenceOut(Schema):
    id: int
    added_by: PersonOut
    name: str
    content_type: str
    size: int
    sha256: str
    note: str
    created_at: datetime
    url: str


class EventOut(Schema):
    kind: str
    actor: PersonOut | None
    data: dict
    created_at: datetime


class FileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    url: str


class DisputeDeliveryOut(Schema):
    id: int
    number: int
    message: str
    digest: str
    created_at: datetime
    files: list[FileOut]


class DisputeAcceptanceOut(Schema):
    party: PersonOut
    digest: str
    accepted_at: datetime
    accepted_by: str


class CaseOut(Schema):
    """The mediator's case file."""

    terms_version: int | None
    terms_digest: str | None
    terms_scope: str | None
    acceptances: list[DisputeAcceptanceOut]
    deliveries: list[DisputeDeliveryOut]
    conversation_id: int | None
    conversation_export_url: str | None


class DisputeSummaryOut(Schema):
    id: int
    contract_id: int
    contract_title: str
    milestone_id: int | None
    statement_id: int | None
    role: str = Field(description="client, freelancer or mediator: who you are to it")
    status: str
    amount: Decimal
    currency: str
    created_at: datetime
    closed_at: datetime | None


class DisputeOut(DisputeSummaryOut):
    opener_side: str
    reason: str
    details: str
    desired_outcome: str
    desired_freelancer_amount: Decimal | None
    held_amount: Decimal
    negotiation_ends_at: datetime
    evidence_ends_at: datetime | None
    mediator: PersonOut | None
    assigned_at: datetime | None
    decision_due_at: datetime | None
    freelancer_amount: Decimal | None
    client_amount: Decimal | None
    decision_reason: str
    offers: list[OfferOut]
    evidence: list[EvidenceOut]
    history: list[EventOut]
    case: CaseOut | None


class QueueRowOut(Schema):
    id: int
    status: str
    amount: Decimal
    currency: str
    created_at: datetime
    mediator: PersonOut | None
    assigned_at: datetime | None
    decision_due_at: datetime | None
