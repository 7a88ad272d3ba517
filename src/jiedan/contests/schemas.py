"""API shapes for contests. Amounts are decimal strings with their currency beside them."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from jiedan.core.api_types import DecimalIn, choice_input
from jiedan.core.money import Currency

from .models import DEFAULT_JUDGING_DAYS, MAX_JUDGING_DAYS, EntryVisibility
from .selectors import PER_PAGE

MAX_PAGE_SIZE = 50


class ContestQuery(Schema):
    category: str | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(PER_PAGE, ge=1, le=MAX_PAGE_SIZE)


CurrencyChoice = choice_input(Currency)
EntryVisibilityChoice = choice_input(EntryVisibility)


class ContestIn(Schema):
    title: str = Field(max_length=120)
    brief: str = Field("", max_length=10000)
    category_id: int | None = None
    skill_ids: list[int] = []
    currency: CurrencyChoice = Currency.CNY
    prizes: list[DecimalIn] = Field([], description="Amounts by place, first place first (1-3).")
    entry_deadline: datetime | None = None
    judging_days: int = Field(DEFAULT_JUDGING_DAYS, ge=1, le=MAX_JUDGING_DAYS)
    entry_visibility: EntryVisibilityChoice = EntryVisibility.PREVIEWS


class RatingIn(Schema):
    rating: int


class AwardIn(Schema):
    entry_ids: list[int] = Field(description="Winning entries in place order, first place first.")


class PersonOut(Schema):
    id: int
    name: str


class CategoryRefOut(Schema):
    id: int
    slug: str
    name: str


class SkillRefOut(Schema):
    id: int
    slug: str
    name: str


class PrizeOut(Schema):
    place: int
    amount: Decimal


class ContestSummaryOut(Schema):
    id: int
    title: str
    client: PersonOut
    category: CategoryRefOut | None
    currency: str
    prizes: list[PrizeOut]
    prize_total: Decimal
    entry_deadline: datetime | None
    judging_ends_at: datetime | None
    entry_visibility: str
    status: str
    published_at: datetime | None
    entry_count: int = Field(description="Valid entries (not withdrawn, not set aside).")


class EntryFileOut(Schema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int
    preview_url: str | None
    original_url: str | None = Field(description="Only for those who may download it.")


class ContestEntryOut(Schema):
    id: int
    contest_id: int
    title: str
    author: PersonOut
    submitted_at: datetime
    status: str
    place: int | None
    rating: int | None = Field(description="Only for the client and the author.")
    note: str | None = Field(description="Only for the client and the author.")
    invalid_reason: str | None = Field(description="Only for the client and the author.")
    files: list[EntryFileOut]


class ContestOut(ContestSummaryOut):
    brief: str
    skills: list[SkillRefOut]
    judging_days: int
    updated_at: datetime
    entries_sealed: bool = Field(description="Entries are hidden from the caller until the award.")
    entries: list[ContestEntryOut]


class ContestPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[ContestSummaryOut]
