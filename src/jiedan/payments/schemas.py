"""API shapes for the wallet. Amounts are decimal strings with their currency beside them;
payout methods are only ever shown masked."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from jiedan.core.api_types import DecimalIn, choice_input
from jiedan.core.money import DEFAULT_CURRENCY, Currency

from .models import PayoutMethod

MAX_STATEMENT_PAGE = 100


class SummaryQuery(Schema):
    currency: Currency = DEFAULT_CURRENCY


class SummaryOut(Schema):
    currency: str
    available: Decimal
    pending: Decimal
    next_available_at: datetime | None
    in_escrow: Decimal
    withdrawing: Decimal


class StatementQuery(Schema):
    cursor: int | None = Field(None, ge=1, description="next_cursor of the previous page")
    limit: int = Field(50, ge=1, le=MAX_STATEMENT_PAGE)
    date_from: date | None = None
    date_to: date | None = None
    kind: str = Field("", max_length=60)
    account: str = Field("", pattern="^(|wallet|pending|payout)$")


class WalletEntryOut(Schema):
    id: int
    posted_at: datetime
    kind: str
    kind_label: str
    account: str
    amount: Decimal
    currency: str
    reference: str
    journal_id: int


class WalletStatementOut(Schema):
    results: list[WalletEntryOut]
    next_cursor: int | None


class TopUpIn(Schema):
    amount: DecimalIn
    currency: Currency = DEFAULT_CURRENCY


class TopUpOut(Schema):
    id: int
    status: str
    amount: Decimal
    processing_fee: Decimal
    charged: Decimal
    currency: str
    checkout_url: str
    failure_reason: str
    created_at: datetime
    completed_at: datetime | None


class RefundIn(Schema):
    amount: DecimalIn


class RefundOut(Schema):
    id: int
    top_up_id: int
    status: str
    amount: Decimal
    currency: str
    failure_reason: str
    created_at: datetime
    completed_at: datetime | None


class WithdrawalIn(Schema):
    method_id: int
    amount: DecimalIn
    currency: Currency = DEFAULT_CURRENCY
    otp_code: str = Field("", max_length=20, description="needed above the 2FA threshold")


class WithdrawalOut(Schema):
    id: int
    method_id: int
    status: str
    amount: Decimal
    fee: Decimal
    paid_out: Decimal
    currency: str
    failure_reason: str
    created_at: datetime
    completed_at: datetime | None


PayoutKindChoice = choice_input(PayoutMethod.Kind)


class PayoutMethodIn(Schema):
    kind: PayoutKindChoice
    holder_name: str = Field(max_length=60)
    account: str = Field(max_length=60)
    bank_name: str = Field("", max_length=60)


class PayoutMethodOut(Schema):
    id: int
    kind: str
    masked: str
    created_at: datetime


class WebhookAckOut(Schema):
    outcome: str
