"""API shapes for projects. Amounts are decimal strings with their currency beside them."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from jiedan.core.api_types import DecimalIn, choice_input
from jiedan.core.money import Currency

from .models import BudgetType, Duration, Visibility, WorkMode
from .selectors import MAX_PAGE_NUMBER, PER_PAGE, PostedWithin, Sort

MAX_PAGE_SIZE = 50


class ProjectQuery(Schema):
    """Filters, order and page of the public list; the same names as the browse page's."""

    q: str = Field("", max_length=200, description="Free text, Chinese or English")
    category: str | None = Field(None, description="A category slug")
    skills: list[str] = Field([], description="Skill slugs (repeat the parameter); any matches")
    budget_type: BudgetType | None = None
    currency: Currency | None = Field(None, description="Needed with budget_min / budget_max")
    budget_min: DecimalIn | None = Field(None, description="Budget range overlapping the project's")
    budget_max: DecimalIn | None = None
    posted_within: PostedWithin | None = None
    work_mode: WorkMode | None = None
    near: str = Field("", max_length=80, description="A city in China: 杭州, Hangzhou")
    distance_km: int | None = Field(None, description="From `near`, plus the project's radius")
    client_verified: bool = False
    client_rating_min: DecimalIn | None = Field(
        None, description="0 to 5; unrated clients drop out"
    )
    sort: Sort | None = Field(None, description="Default: relevance with `q`, else newest")
    cursor: str | None = Field(None, max_length=500, description="`next_cursor` of a response")
    page: int = Field(1, ge=1, le=MAX_PAGE_NUMBER, description="Without a cursor only")
    page_size: int = Field(PER_PAGE, ge=1, le=MAX_PAGE_SIZE)

    def filter_values(self) -> dict:
        values = self.dict(exclude={"q", "page", "page_size"})
        return {**values, "query": self.q}


BudgetTypeChoice = choice_input(BudgetType)
CurrencyChoice = choice_input(Currency)
DurationChoice = choice_input(Duration, blank=True)
WorkModeChoice = choice_input(WorkMode)
VisibilityChoice = choice_input(Visibility)


class ProjectIn(Schema):
    title: str = Field(max_length=120)
    description: str = Field("", max_length=10000)
    category_id: int | None = None
    skill_ids: list[int] = []
    budget_type: BudgetTypeChoice = BudgetType.FIXED
    budget_min: DecimalIn | None = None
    budget_max: DecimalIn | None = None
    currency: CurrencyChoice = Currency.CNY
    deadline: date | None = None
    expected_duration: DurationChoice = ""
    work_mode: WorkModeChoice = WorkMode.REMOTE
    city: str = ""
    radius_km: int | None = Field(None, ge=0, le=32767)
    visibility: VisibilityChoice = Visibility.PUBLIC
    screening_questions: list[str] = []


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


class ProjectSummaryOut(Schema):
    id: int
    title: str
    client: PersonOut
    category: CategoryRefOut | None
    budget_type: str
    budget_min: Decimal | None
    budget_max: Decimal | None
    currency: str
    work_mode: str
    city: str
    status: str
    published_at: datetime | None


class ProjectAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    download_url: str


class ProjectOut(ProjectSummaryOut):
    description: str
    skills: list[SkillRefOut]
    deadline: date | None
    expected_duration: str
    radius_km: int | None
    visibility: str
    screening_questions: list[str]
    expires_at: datetime | None
    updated_at: datetime
    attachments: list[ProjectAttachmentOut]


class ProjectListItemOut(ProjectSummaryOut):
    skills: list[SkillRefOut]
    client_verified: bool
    client_rating: Decimal | None
    client_rating_count: int


class FacetOptionOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class ProjectPageOut(Schema):
    """A page of the list. Follow ``next_cursor`` / ``previous_cursor`` (pass it as ``cursor``
    with the same filters and sort) to page at any depth; ``page`` is its number, for display
    (null when not known). ``facets`` counts per option of category, budget_type, work_mode and
    posted_within over the other filters."""

    count: int
    page: int | None
    pages: int
    sort: Sort
    next_cursor: str | None
    previous_cursor: str | None
    facets: dict[str, list[FacetOptionOut]]
    results: list[ProjectListItemOut]
