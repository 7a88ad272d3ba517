"""API shapes for piece-rate tasks. Amounts are decimal strings with their currency beside them."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from jiedan.core.api_types import DecimalIn, choice_input
from jiedan.core.money import Currency

from .models import (
    MAX_PIECE_TEXT_LENGTH,
    MAX_PIECES_WANTED,
    REJECTION_REASON_MAX_LENGTH,
    PieceStatus,
)
from .selectors import PER_PAGE

MAX_PAGE_SIZE = 50


class TaskQuery(Schema):
    category: str | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(PER_PAGE, ge=1, le=MAX_PAGE_SIZE)


class PieceQuery(Schema):
    status: PieceStatus | None = None


CurrencyChoice = choice_input(Currency)


class TaskIn(Schema):
    title: str = Field(max_length=120)
    instructions: str = Field("", max_length=10000)
    acceptance_criteria: str = Field("", max_length=5000)
    category_id: int | None = None
    unit_price: DecimalIn | None = None
    currency: CurrencyChoice = Currency.CNY
    pieces_wanted: int | None = Field(None, ge=1, le=MAX_PIECES_WANTED)
    max_per_freelancer: int | None = Field(None, ge=1, le=MAX_PIECES_WANTED)
    deadline: datetime | None = None


class TaskReasonIn(Schema):
    reason: str = Field("", max_length=REJECTION_REASON_MAX_LENGTH)


class PieceTextIn(Schema):
    text: str = Field(max_length=MAX_PIECE_TEXT_LENGTH)


class PersonOut(Schema):
    id: int
    name: str


class CategoryRefOut(Schema):
    id: int
    slug: str
    name: str


class TaskSummaryOut(Schema):
    id: int
    title: str
    client: PersonOut
    category: CategoryRefOut | None
    unit_price: Decimal | None
    currency: str
    pieces_wanted: int | None
    max_per_freelancer: int | None
    slots_left: int
    accepted_count: int
    deadline: datetime | None
    status: str
    published_at: datetime | None


class TaskOut(TaskSummaryOut):
    instructions: str
    acceptance_criteria: str
    budget: Decimal | None
    auto_accept_days: int
    closed_at: datetime | None
    settled_at: datetime | None
    updated_at: datetime


class TaskPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[TaskSummaryOut]


class PieceOut(Schema):
    id: int
    task_id: int
    author: PersonOut
    text: str
    file_name: str
    file_type: str
    file_url: str | None
    status: str
    rejection_reason: str
    auto_accepted: bool
    submitted_at: datetime
    reviewed_at: datetime | None
