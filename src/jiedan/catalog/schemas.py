"""API shapes for the catalogue. Amounts are decimal strings with their currency beside them."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from jiedan.core.api_types import DecimalIn, NonNegativeDecimalIn, choice_input
from jiedan.core.money import Currency

from .models import MAX_DELIVERY_DAYS, MAX_REVISIONS, Level
from .selectors import PER_PAGE, Sort

MAX_PAGE_SIZE = 50


class ServiceQuery(Schema):
    """Browse filters; prices compare with the basic tier's price ("starting at")."""

    category: str | None = None
    currency: str | None = None
    min_price: NonNegativeDecimalIn | None = None
    max_price: NonNegativeDecimalIn | None = None
    max_days: int | None = Field(None, ge=1)
    sort: str = Field(Sort.NEWEST, pattern=f"^({Sort.NEWEST}|{Sort.PRICE}|{Sort.FASTEST})$")
    page: int = Field(1, ge=1)
    page_size: int = Field(PER_PAGE, ge=1, le=MAX_PAGE_SIZE)


LevelChoice = choice_input(Level)


class TierIn(Schema):
    level: LevelChoice
    name: str = ""
    summary: str = ""
    price: DecimalIn
    delivery_days: int = Field(ge=1, le=MAX_DELIVERY_DAYS)
    revisions: int = Field(0, ge=0, le=MAX_REVISIONS)
    features: list[str] = []


class ExtraIn(Schema):
    title: str
    price: DecimalIn
    days_saved: int = Field(0, ge=0)
    extra_revisions: int = Field(0, ge=0)


class FaqIn(Schema):
    question: str
    answer: str


CurrencyChoice = choice_input(Currency)


class ServiceIn(Schema):
    title: str = Field(max_length=120)
    description: str = ""
    category_id: int | None = None
    skill_ids: list[int] = []
    currency: CurrencyChoice = Currency.CNY
    tiers: list[TierIn] = Field([], max_length=len(Level), description="Each level once")
    extras: list[ExtraIn] = []
    faqs: list[FaqIn] = []


class TierOut(Schema):
    level: str
    name: str
    summary: str
    price: Decimal
    delivery_days: int
    revisions: int
    features: list[str]


class ExtraOut(Schema):
    id: int
    title: str
    price: Decimal
    days_saved: int
    extra_revisions: int


class FaqOut(Schema):
    question: str
    answer: str


class CategoryRefOut(Schema):
    id: int
    slug: str
    name: str


class SkillRefOut(Schema):
    id: int
    slug: str
    name: str


class OwnerOut(Schema):
    id: int
    name: str


class ServiceSummaryOut(Schema):
    id: int
    title: str
    owner: OwnerOut
    category: CategoryRefOut | None
    currency: str
    starting_price: Decimal | None
    delivery_days: int | None
    published_at: datetime | None


class ServiceOut(Schema):
    id: int
    title: str
    description: str
    owner: OwnerOut
    category: CategoryRefOut | None
    skills: list[SkillRefOut]
    currency: str
    cover_url: str | None
    status: str
    moderation_reason: str
    tiers: list[TierOut]
    extras: list[ExtraOut]
    faqs: list[FaqOut]
    published_at: datetime | None
    updated_at: datetime


class ServicePageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[ServiceSummaryOut]


class OrderIn(Schema):
    tier: str
    extras: list[int] = []
    expected_total: DecimalIn | None = None


class OrderExtraOut(Schema):
    id: int
    title: str
    price: Decimal
    days_saved: int
    extra_revisions: int


class OrderOut(Schema):
    id: int
    service_id: int
    service_title: str
    buyer_id: int
    seller_id: int
    status: str
    tier_level: str
    tier_name: str
    tier_price: Decimal
    features: list[str]
    extras: list[OrderExtraOut]
    delivery_days: int
    revisions: int
    total: Decimal
    currency: str
    contract_id: int | None
    created_at: datetime


class ModerationIn(Schema):
    reason: str
