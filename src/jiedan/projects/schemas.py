"""API shapes for projects. Amounts are decimal strings with their currency beside them."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from .models import BudgetType
from .selectors import PER_PAGE

MAX_PAGE_SIZE = 50


class ProjectQuery(Schema):
    category: str | None = None
    budget_type: BudgetType | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(PER_PAGE, ge=1, le=MAX_PAGE_SIZE)


class ProjectIn(Schema):
    title: str = Field(max_length=120)
    description: str = Field("", max_length=10000)
    category_id: int | None = None
    skill_ids: list[int] = []
    budget_type: str = "fixed"
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    currency: str = "CNY"
    deadline: date | None = None
    expected_duration: str = ""
    work_mode: str = "remote"
    city: str = ""
    radius_km: int | None = Field(None, ge=0, le=32767)
    visibility: str = "public"
    screening_questions: list[str] = []


class PersonOut(Schema):
    id: int
    name: str


class CategoryOut(Schema):
    id: int
    slug: str
    name: str


class SkillOut(Schema):
    id: int
    slug: str
    name: str


class ProjectSummaryOut(Schema):
    id: int
    title: str
    client: PersonOut
    category: CategoryOut | None
    budget_type: str
    budget_min: Decimal | None
    budget_max: Decimal | None
    currency: str
    work_mode: str
    city: str
    status: str
    published_at: datetime | None


class ProjectOut(ProjectSummaryOut):
    description: str
    skills: list[SkillOut]
    deadline: date | None
    expected_duration: str
    radius_km: int | None
    visibility: str
    screening_questions: list[str]
    expires_at: datetime | None
    updated_at: datetime


class ProjectPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[ProjectSummaryOut]
