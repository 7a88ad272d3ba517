"""The project list: filters, sorting, facet counts and keyset (cursor) pages."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import reduce
from operator import and_

from django.core import signing
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import InvalidInput
from jiedan.core.geo import City, bounding_box, city_lookup, haversine_km_expression
from jiedan.core.money import Currency, money_quantize
from jiedan.profiles.models import RATING_MAX, RATING_MIN
from jiedan.search.selectors import DEFAULT_LIMIT as SEARCH_LIMIT
from jiedan.search.selectors import hybrid_ranked_ids
from jiedan.taxonomy.models import Category
from jiedan.verification.models import IdentitySubmission

from ..models import (
    MAX_RADIUS_KM,
    SEARCH_KIND,
    BudgetType,
    Project,
    Status,
    WorkMode,
)
from .visibility import public_projects

PER_PAGE = 20


class Sort(models.TextChoices):
    RELEVANCE = "relevance", _("Best match")
    NEWEST = "newest", _("Newest")
    BUDGET_HIGH = "budget_high", _("Budget: high to low")
    BUDGET_LOW = "budget_low", _("Budget: low to high")


class PostedWithin(models.TextChoices):
    DAY = "24h", _("Last 24 hours")
    THREE_DAYS = "3d", _("Last 3 days")
    WEEK = "7d", _("Last 7 days")
    MONTH = "30d", _("Last 30 days")


POSTED_WITHIN_PERIODS = {
    PostedWithin.DAY: timedelta(hours=24),
    PostedWithin.THREE_DAYS: timedelta(days=3),
    PostedWithin.WEEK: timedelta(days=7),
    PostedWithin.MONTH: timedelta(days=30),
}
MAX_DISTANCE_KM = 5000
# Page numbers (OFFSET) reach this deep; beyond, the list is paged by cursor (keyset).
MAX_PAGE_NUMBER = 50
# Keyset orders as (field, descending) pairs; the last field is unique and breaks ties.
KEYSET_ORDERS = {
    Sort.NEWEST: (("published_at", True), ("id", True)),
    Sort.BUDGET_HIGH: (("currency", False), ("budget_max", True), ("id", True)),
    Sort.BUDGET_LOW: (("currency", False), ("budget_min", False), ("id", False)),
}
CURSOR_SALT = "jiedan.projects.cursor"


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: right after the row whose sort key is ``key`` (right before it when
    going ``backwards``). In best-match order ``key`` is a position in the ranked list.
    ``page`` is the number of the page it leads to, for display only."""

    sort: str
    key: tuple
    backwards: bool = False
    page: int | None = None


@dataclass(frozen=True)
class ProjectFilters:
    """What a visitor asked the project list for. ``project_filters`` builds it from input and
    checks every value; code may also build it directly."""

    query: str = ""  # free text, Chinese or English
    category: str | None = None  # a category slug
    skills: tuple[str, ...] = ()  # skill slugs; a project matches with any of them
    budget_type: str | None = None
    currency: str | None = None
    budget_min: Decimal | None = None  # a range in ``currency`` overlapping the project's
    budget_max: Decimal | None = None
    posted_within: str | None = None  # a ``PostedWithin`` value
    work_mode: str | None = None
    near: City | None = None  # on-site projects within ``distance_km`` (+ their radius)
    distance_km: int = 0
    client_verified: bool = False  # the client's identity verification is approved
    client_rating_min: Decimal | None = None  # rated clients only
    sort: str | None = None  # None: best match for a text query, else newest
    cursor: Cursor | None = None  # the page to show (keyset); None: by page number

    @property
    def order(self) -> str:
        if self.sort:
            return self.sort
        return Sort.RELEVANCE if self.query.strip() else Sort.NEWEST


class InvalidFilter(InvalidInput):
    """Bad filter input; ``field`` names the query parameter (form field) at fault."""

    def __init__(self, message, *, code: str, field: str):
        super().__init__(message, code=code)
        self.field = field


def _choice(value, choices, field: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in choices.values:
        raise InvalidFilter(_("Choose a value from the list."), code=f"bad_{field}", field=field)
    return value


def _budget_range(currency, budget_min, budget_max) -> tuple[Decimal | None, Decimal | None]:
    amounts = {}
    for field, value in (("budget_min", budget_min), ("budget_max", budget_max)):
        if value in (None, ""):
            continue
        if not currency:
            raise InvalidFilter(
                _("Choose the currency of the budget range."),
                code="budget_range_needs_currency",
                field="currency",
            )
        try:
            amounts[field] = money_quantize(value, currency)
        except InvalidInput as error:
            raise InvalidFilter(error.message, code=error.code, field=field) from error
        if amounts[field] < 0:
            raise InvalidFilter(
                _("Enter budget amounts of 0 or more."), code="bad_budget_range", field=field
            )
    low, high = amounts.get("budget_min"), amounts.get("budget_max")
    if low is not None and high is not None and low > high:
        raise InvalidFilter(
            _("The lowest budget cannot be above the highest."),
            code="budget_range_inverted",
            field="budget_max",
        )
    return low, high


def _near(near: str, distance_km) -> tuple[City | None, int]:
    near = (near or "").strip()
    if distance_km in (None, ""):
        distance_km = None
    elif not isinstance(distance_km, int) or not 0 <= distance_km <= MAX_DISTANCE_KM:
        raise InvalidFilter(
            _("The distance is 0 to %(max)s km.") % {"max": MAX_DISTANCE_KM},
            code="bad_distance",
            field="distance_km",
        )
    if not near:
        if distance_km is not None:
            raise InvalidFilter(
                _("Choose a city to measure the distance from."),
                code="distance_needs_city",
                field="near",
            )
        return None, 0
    city = city_lookup(near)
    if city is None:
        raise InvalidFilter(
            _("The city “%(city)s” was not recognised. Enter a city in China, e.g. 杭州.")
            % {"city": near},
            code="unknown_city",
            field="near",
        )
    return city, distance_km or 0


def _rating(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        rating = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        rating = None
    if rating is None or not rating.is_finite() or not RATING_MIN <= rating <= RATING_MAX:
        raise InvalidFilter(
            _("The rating is %(min)s to %(max)s.") % {"min": RATING_MIN, "max": RATING_MAX},
            code="bad_client_rating_min",
            field="client_rating_min",
        )
    return rating


def project_filters(
    *,
    query: str = "",
    category: str | None = None,
    skills=(),
    budget_type: str | None = None,
    currency: str | None = None,
    budget_min=None,
    budget_max=None,
    posted_within: str | None = None,
    work_mode: str | None = None,
    near: str = "",
    distance_km: int | None = None,
    client_verified: bool = False,
    client_rating_min=None,
    sort: str | None = None,
    cursor: str | None = None,
) -> ProjectFilters:
    """Check what a visitor asked the list for and resolve it into ``ProjectFilters``.

    Choices come from their lists. A budget range needs its currency, amounts of 0 or more and
    a minimum not above the maximum. A distance is 0 to ``MAX_DISTANCE_KM`` km from a city of
    the gazetteer (a city alone means distance 0: on-site projects whose own radius reaches
    it). A client rating is 0 to 5. Best-match order needs a text query. A cursor must be one
    this site signed, for the same order. Anything else is ``InvalidFilter`` naming the field
    at fault: nothing is silently dropped.
    """
    query = (query or "").strip()
    sort = _choice(sort, Sort, "sort")
    if sort == Sort.RELEVANCE and not query:
        raise InvalidFilter(
            _("Sorting by best match needs search words."),
            code="relevance_needs_query",
            field="sort",
        )
    currency = _choice(currency, Currency, "currency")
    budget_min, budget_max = _budget_range(currency, budget_min, budget_max)
    city, distance = _near(near, distance_km)
    filters = ProjectFilters(
        query=query,
        category=category or None,
        skills=tuple(dict.fromkeys(slug for slug in skills if slug)),
        budget_type=_choice(budget_type, BudgetType, "budget_type"),
        currency=currency,
        budget_min=budget_min,
        budget_max=budget_max,
        posted_within=_choice(posted_within, PostedWithin, "posted_within"),
        work_mode=_choice(work_mode, WorkMode, "work_mode"),
        near=city,
        distance_km=distance,
        client_verified=bool(client_verified),
        client_rating_min=_rating(client_rating_min),
        sort=sort,
    )
    if cursor:
        filters = replace(filters, cursor=cursor_decode(cursor, sort=filters.order))
    return filters


# ---------------------------------------------------------------- cursors


def cursor_encode(cursor: Cursor) -> str:
    """An opaque, signed token for a page link (``next_cursor`` / ``previous_cursor``)."""
    key = [value.isoformat() if isinstance(value, datetime) else str(value) for value in cursor.key]
    return signing.dumps([cursor.sort, int(cursor.backwards), key, cursor.page], salt=CURSOR_SALT)


def _cursor_key(sort: str, values: list) -> tuple:
    if sort == Sort.RELEVANCE:
        (position,) = values
        position = int(position)
        if not 0 <= position <= SEARCH_LIMIT:
            raise ValueError(position)
        return (position,)
    key = []
    for (field, _descending), value in zip(KEYSET_ORDERS[sort], values, strict=True):
        if field == "published_at":
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError(value)
            key.append(moment)
        elif field == "currency":
            key.append(Currency(value).value)
        elif field == "id":
            key.append(int(value))
        else:
            amount = Decimal(value)
            if not amount.is_finite():
                raise ValueError(value)
            key.append(amount)
    return tuple(key)


def cursor_decode(token: str, *, sort: str) -> Cursor:
    """The cursor in ``token``; one that was not signed here, was altered, or belongs to another
    order is ``InvalidFilter`` (code ``bad_cursor``)."""
    try:
        cursor_sort, backwards, values, page = signing.loads(token, salt=CURSOR_SALT)
        if cursor_sort != sort or backwards not in (0, 1):
            raise ValueError(cursor_sort)
        if page is not None and (not isinstance(page, int) or page < 1):
            raise ValueError(page)
        key = _cursor_key(sort, values)
        return Cursor(sort=sort, key=key, backwards=bool(backwards), page=page)
    except (signing.BadSignature, ValueError, TypeError, ArithmeticError) as error:
        raise InvalidFilter(
            _("This page link is no longer valid. Start again from the first page."),
            code="bad_cursor",
            field="cursor",
        ) from error


def _cursor_of(project: Project, sort: str, *, backwards: bool, page: int | None) -> str:
    key = tuple(getattr(project, field) for field, _descending in KEYSET_ORDERS[sort])
    return cursor_encode(Cursor(sort=sort, key=key, backwards=backwards, page=page))


# ---------------------------------------------------------------- the list


def _approved_identity():
    return IdentitySubmission.objects.filter(
        user_id=OuterRef("client_id"), status=IdentitySubmission.Status.APPROVED
    )


def _within_distance(queryset: QuerySet[Project], city: City, km: int) -> QuerySet[Project]:
    """On-site projects whose city centre is within ``km`` plus the project's own radius of
    ``city``: a bounding box first (it can use an index), then the exact great-circle distance,
    both in SQL. Remote projects have no place, so they never match."""
    box = bounding_box(city.latitude, city.longitude, km + MAX_RADIUS_KM)
    queryset = queryset.filter(
        work_mode=WorkMode.LOCAL,
        latitude__gte=box.min_latitude,
        latitude__lte=box.max_latitude,
    )
    if box.min_longitude is not None:
        queryset = queryset.filter(
            longitude__gte=box.min_longitude, longitude__lte=box.max_longitude
        )
    return queryset.alias(
        distance=haversine_km_expression("latitude", "longitude", city=city)
    ).filter(distance__lte=Coalesce(F("radius_km"), Value(0)) + Value(km))


def _ranked(filters: ProjectFilters) -> list[int] | None:
    """Ids matching the text query in words or meaning, best first; None without one."""
    if not filters.query.strip():
        return None
    return hybrid_ranked_ids(kind=SEARCH_KIND, query=filters.query)


def _narrowed(filters: ProjectFilters, ranked: list[int] | None) -> QuerySet[Project]:
    """Open public projects with every filter applied except the four that have facets."""
    queryset = public_projects().filter(status=Status.OPEN)
    if ranked is not None:
        queryset = queryset.filter(pk__in=ranked)
    if filters.skills:
        tagged = Project.skills.through.objects.filter(
            project_id=OuterRef("pk"), skill__slug__in=filters.skills
        )
        queryset = queryset.filter(Exists(tagged))
    if filters.currency:
        queryset = queryset.filter(currency=filters.currency)
    if filters.budget_min is not None:
        queryset = queryset.filter(budget_max__gte=filters.budget_min)
    if filters.budget_max is not None:
        queryset = queryset.filter(budget_min__lte=filters.budget_max)
    if filters.near is not None:
        queryset = _within_distance(queryset, filters.near, filters.distance_km)
    if filters.client_verified:
        queryset = queryset.filter(Exists(_approved_identity()))
    if filters.client_rating_min is not None:
        queryset = queryset.filter(
            client__client_profile__rating_average__gte=filters.client_rating_min
        )
    return queryset


def _facet_conditions(filters: ProjectFilters, now: datetime) -> dict[str, Q]:
    """The chosen values of the four faceted filters, as conditions."""
    conditions = {}
    if filters.category:
        conditions["category"] = Q(category__slug=filters.category)
    if filters.budget_type:
        conditions["budget_type"] = Q(budget_type=filters.budget_type)
    if filters.work_mode:
        conditions["work_mode"] = Q(work_mode=filters.work_mode)
    if filters.posted_within:
        since = now - POSTED_WITHIN_PERIODS[filters.posted_within]
        conditions["posted_within"] = Q(published_at__gte=since)
    return conditions


def _for_cards(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """What a project card shows: client, category, skills, the client's verified badge and
    rating, without a query per card."""
    return (
        queryset.select_related("client", "category")
        .prefetch_related("skills")
        .annotate(
            client_verified=Exists(_approved_identity()),
            client_rating=F("client__client_profile__rating_average"),
            client_rating_count=F("client__client_profile__rating_count"),
        )
    )


def _order_by(sort: str, *, backwards: bool = False) -> list[str]:
    return [
        f"-{field}" if descending != backwards else field
        for field, descending in KEYSET_ORDERS[sort]
    ]


def project_list(*, filters: ProjectFilters, now: datetime | None = None) -> QuerySet[Project]:
    """Open public projects matching every filter, in the chosen order: best match first for a
    text query (the ranked list holds at most ``SEARCH_LIMIT`` projects), else newest first,
    or by budget. Budget order compares amounts as written, currency by currency."""
    now = now or timezone.now()
    ranked = _ranked(filters)
    queryset = _for_cards(
        _narrowed(filters, ranked).filter(*_facet_conditions(filters, now).values())
    )
    sort = filters.order
    if sort == Sort.RELEVANCE:
        if not ranked:
            return queryset.none()
        position = Case(*[When(pk=pk, then=index) for index, pk in enumerate(ranked)])
        return queryset.order_by(position, "-id")
    if sort in (Sort.BUDGET_HIGH, Sort.BUDGET_LOW):
        queryset = queryset.filter(budget_min__isnull=False, budget_max__isnull=False)
    return queryset.order_by(*_order_by(sort))


# ---------------------------------------------------------------- facets


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    """Counts per option of one filter (``name`` is its query parameter), over the projects
    matching all the other filters: choosing a category still shows what the others hold."""

    name: str
    label: str
    any_label: str
    options: list[FacetOption]


# The faceted filters besides the category, with their choices and labels.
FACETED = {
    "budget_type": (BudgetType, _("Budget type")),
    "work_mode": (WorkMode, _("Where the work happens")),
    "posted_within": (PostedWithin, _("Posted within")),
}


def _facet_value_condition(facet: str, value: str, now: datetime) -> Q:
    if facet == "posted_within":
        return Q(published_at__gte=now - POSTED_WITHIN_PERIODS[value])
    return Q(**{facet: value})


def _count_where(conditions: list[Q]) -> Count:
    return Count("pk", filter=reduce(and_, conditions)) if conditions else Count("pk")


def project_facets(
    *, filters: ProjectFilters, now: datetime, ranked: list[int] | None = None
) -> tuple[list[Facet], int]:
    """The facets and the number of projects matching every filter, in one GROUP BY query
    (plus one for the category names).

    Rows are grouped by category; each count is conditional on the other facets' choices, and
    the category choice is applied by adding up the matching groups only.
    """
    chosen = _facet_conditions(filters, now)
    others = [condition for facet, condition in chosen.items() if facet != "category"]
    counts = {"matching": _count_where(others)}
    for facet, (choices, _label) in FACETED.items():
        rest = [condition for name, condition in chosen.items() if name not in (facet, "category")]
        for value in choices.values:
            condition = _facet_value_condition(facet, value, now)
            counts[f"n_{facet}_{value}"] = _count_where([*rest, condition])
    categories = list(Category.objects.order_by("position", "id"))
    rows = list(_narrowed(filters, ranked).order_by().values("category_id").annotate(**counts))
    slugs = {category.pk: category.slug for category in categories}
    in_category = [
        row
        for row in rows
        if not filters.category or slugs.get(row["category_id"]) == filters.category
    ]
    by_category = {row["category_id"]: row["matching"] for row in rows}
    facets = [
        Facet(
            "category",
            str(_("Category")),
            str(_("All categories")),
            [
                FacetOption(
                    category.slug,
                    category.name,
                    by_category.get(category.pk, 0),
                    category.slug == filters.category,
                )
                for category in categories
            ],
        )
    ]
    for facet, (choices, label) in FACETED.items():
        chosen_value = getattr(filters, facet)
        options = [
            FacetOption(
                value,
                str(value_label),
                sum(row[f"n_{facet}_{value}"] for row in in_category),
                value == chosen_value,
            )
            for value, value_label in choices.choices
        ]
        facets.append(Facet(facet, str(label), str(_("Any")), options))
    return facets, sum(row["matching"] for row in in_category)


# ---------------------------------------------------------------- pages
