"""API shapes for the assistants. Amounts are decimal strings with their currency beside
them; durations are whole days."""

from decimal import Decimal

from ninja import Field, Schema

from jiedan.core.api_types import PositiveAmountIn
from jiedan.core.money import Currency

from .assistants.brief import NEED_MAX_CHARS
from .assistants.pricing import TEXT_MAX_CHARS


class PricingQuery(Schema):
    text: str = Field(min_length=1, max_length=TEXT_MAX_CHARS, description="Title and description")
    category: str | None = Field(None, description="A category slug")
    currency: Currency = Currency.CNY


class DaysOut(Schema):
    p10: int
    p25: int
    median: int
    p75: int


class PricingOut(Schema):
    enough: bool = Field(description="False: too few comparable deals, so no range")
    min_comparables: int
    count: int = Field(description="Comparable completed projects the range comes from")
    currency: str
    low: Decimal | None = Field(None, description="25th percentile of what they were paid")
    median: Decimal | None = None
    high: Decimal | None = Field(None, description="75th percentile")
    days: DaysOut | None = Field(None, description="How long they took, start to end")


class BriefIn(Schema):
    text: str = Field(min_length=1, max_length=NEED_MAX_CHARS, description="The need, zh or en")
    currency: Currency = Currency.CNY
    budget: PositiveAmountIn | None = None


class NamedOut(Schema):
    slug: str
    name: str


class BriefMilestoneOut(Schema):
    title: str
    percent: int
    amount: Decimal | None = Field(None, description="When a budget is known")


class TimelineOut(Schema):
    days_low: int
    days_typical: int
    days_high: int
    source: str = Field(description="`deals` (comparable projects) or `category` (usual days)")
    expected_duration: str = Field(description="The project form's duration choice")


class BriefOut(Schema):
    title: str
    description: str
    category: NamedOut | None
    skills: list[NamedOut]
    deliverables: list[str]
    milestones: list[BriefMilestoneOut]
    currency: str
    budget: Decimal | None = Field(description="What the milestone amounts split")
    pricing: PricingOut
    timeline: TimelineOut


class RiskOut(Schema):
    code: str
    message: str


class RisksOut(Schema):
    contract_id: int
    terms_version: int
    warnings: list[RiskOut]
