"""Reads for projects: the public list, a project page, the client's own projects, and the
clarity check a client sees before publishing.

The public sees public projects that are open, in review or awarded. Invite-only projects are
seen by their client and the freelancers invited to them. A draft, cancelled or closed project
is seen only by its client. Anything else is "not found", never "forbidden".
"""

import math
import re
import statistics
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

from jiedan.core.errors import InvalidInput, NotFound
from jiedan.core.geo import City, bounding_box, city_lookup, haversine_km_expression
from jiedan.core.money import Currency, money_quantize
from jiedan.profiles.models import RATING_MAX, RATING_MIN
from jiedan.proposals.models import Invitation
from jiedan.search.selectors import DEFAULT_LIMIT as SEARCH_LIMIT
from jiedan.search.selectors import search_ranked_ids
from jiedan.taxonomy.models import Category
from jiedan.verification.models import IdentitySubmission

from .models import (
    DESCRIPTION_MIN_LENGTH,
    MAX_RADIUS_KM,
    PUBLIC_STATUSES,
    SEARCH_KIND,
    BudgetType,
    Project,
    ProjectStatusChange,
    Status,
    Visibility,
    WorkMode,
)

PER_PAGE = 20
# Budget comparison: warn when the midpoint is below 1/3 or above 3× the median of at least
# ``SIMILAR_MIN`` similar projects (same category, budget type and currency; open or awarded).
SIMILAR_MIN = 5
SIMILAR_SAMPLE = 500
BUDGET_FACTOR = Decimal(3)
# Words that suggest the description says what should be delivered (a heuristic, not a rule).
DELIVERABLE_WORDS = (
    "交付",
    "需要",
    "包括",
    "包含",
    "页面",
    "文档",
    "功能",
    "设计稿",
    "源文件",
    "deliver",
    "need",
    "include",
    "page",
    "logo",
    "document",
    "feature",
    "screen",
    "report",
    "article",
    "app",
)
_DELIVERABLE_RE = re.compile("|".join(re.escape(word) for word in DELIVERABLE_WORDS), re.I)


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


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


def public_projects() -> QuerySet[Project]:
    """Projects anyone may see: public, open/in review/awarded, by an active account."""
    return Project.objects.filter(
        visibility=Visibility.PUBLIC, status__in=PUBLIC_STATUSES, client__is_active=True
    )


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
    """Ids matching the text query, best first (at most ``SEARCH_LIMIT``); None without one."""
    if not filters.query.strip():
        return None
    return search_ranked_ids(kind=SEARCH_KIND, query=filters.query)


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


@dataclass(frozen=True)
class ProjectPage:
    """One page of the list with its facets. ``count`` is read off the facets (no COUNT query of
    its own). ``number`` comes from the page link, so it is for display only (None if unknown)."""

    object_list: list[Project]
    count: int
    per_page: int
    number: int | None
    sort: str
    facets: list[Facet]
    next_cursor: str | None = None
    previous_cursor: str | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))


def _page_number(page, pages: int) -> int:
    try:
        number = int(page or 1)
    except (TypeError, ValueError):
        number = 1
    return max(1, min(number, pages, MAX_PAGE_NUMBER))


def _relevance_page(queryset, ranked: list[int], cursor: Cursor | None, number: int, per_page):
    """Best-match order pages through the ranked ids by position."""
    matching = set(queryset.values_list("pk", flat=True))
    ordered = [pk for pk in ranked if pk in matching]
    if cursor is None:
        start = (number - 1) * per_page
    else:
        start = max(0, cursor.key[0] - per_page) if cursor.backwards else cursor.key[0]
    ids = ordered[start : start + per_page]
    cards = _for_cards(public_projects().filter(pk__in=ids)).in_bulk(ids)
    rows = [cards[pk] for pk in ids if pk in cards]
    number = start // per_page + 1
    after = Cursor(Sort.RELEVANCE, (start + per_page,), page=number + 1)
    before = Cursor(Sort.RELEVANCE, (start,), backwards=True, page=max(1, number - 1))
    return {
        "object_list": rows,
        "number": number,
        "next_cursor": cursor_encode(after) if start + per_page < len(ordered) else None,
        "previous_cursor": cursor_encode(before) if start > 0 else None,
    }


def _beyond(descending: bool, backwards: bool, *, or_equal: bool = False) -> str:
    return ("lt" if descending != backwards else "gt") + ("e" if or_equal else "")


def _seek(order, key, *, backwards: bool) -> Q:
    """Rows after ``key`` in ``order`` (before it when going backwards): for keys (a, b, id),
    ``a beyond A or (a = A and (b beyond B or (b = B and id beyond ID)))``, plus ``a`` not
    short of ``A`` on its own, so the index range starts at the cursor."""
    condition = None
    for (field, descending), value in reversed(list(zip(order, key, strict=True))):
        beyond = Q(**{f"{field}__{_beyond(descending, backwards)}": value})
        condition = beyond if condition is None else beyond | (Q(**{field: value}) & condition)
    (first, descending), first_value = order[0], key[0]
    bound = Q(**{f"{first}__{_beyond(descending, backwards, or_equal=True)}": first_value})
    return bound & condition


def _keyset_rows(
    queryset, cursor: Cursor, limit: int, *, one_currency: bool = False
) -> list[Project]:
    """Up to ``limit`` rows beyond the cursor, in its order (reversed when going backwards).
    Budget orders start with the currency: the cursor's currency comes first (one index seek
    inside it), then, if the page is not full yet and the list is not ``one_currency``, the
    currencies after it."""
    order = KEYSET_ORDERS[cursor.sort]
    ordered = queryset.order_by(*_order_by(cursor.sort, backwards=cursor.backwards))
    if order[0][0] != "currency":
        seek = _seek(order, cursor.key, backwards=cursor.backwards)
        return list(ordered.filter(seek)[:limit])
    currency, *rest = cursor.key
    seek = _seek(order[1:], rest, backwards=cursor.backwards)
    rows = list(ordered.filter(seek, currency=currency)[:limit])
    if len(rows) < limit and not one_currency:
        later = {f"currency__{_beyond(False, cursor.backwards)}": currency}
        rows += ordered.filter(**later)[: limit - len(rows)]
    return rows


def _keyset_page(
    queryset, sort: str, cursor: Cursor | None, number: int, per_page: int, one_currency: bool
):
    """Newest and budget orders: the first pages by number (OFFSET), every page by cursor
    (keyset: a seek on the order's index, as fast on page 2,000 as on page 1)."""
    if cursor is None:
        offset = (number - 1) * per_page
        rows = list(queryset.order_by(*_order_by(sort))[offset : offset + per_page + 1])
        more_after, more_before = len(rows) > per_page, offset > 0
        rows = rows[:per_page]
    elif not cursor.backwards:
        rows = _keyset_rows(queryset, cursor, per_page + 1, one_currency=one_currency)
        more_after, more_before, number = len(rows) > per_page, True, cursor.page
        rows = rows[:per_page]
    else:
        found = _keyset_rows(queryset, cursor, per_page + 1, one_currency=one_currency)
        more_before, more_after = len(found) > per_page, True
        rows = found[:per_page][::-1]
        if not more_before and len(rows) < per_page:
            # Fewer rows before than a page (some were added or removed): the real first page.
            return _keyset_page(queryset, sort, None, 1, per_page, one_currency)
        number = cursor.page if more_before else 1
    following = number + 1 if number else None
    preceding = number - 1 if number else None
    return {
        "object_list": rows,
        "number": number,
        "next_cursor": _cursor_of(rows[-1], sort, backwards=False, page=following)
        if rows and more_after
        else None,
        "previous_cursor": _cursor_of(rows[0], sort, backwards=True, page=preceding)
        if rows and more_before
        else None,
    }


def project_page(
    *,
    filters: ProjectFilters | None,
    page: int | str | None = None,
    per_page: int = PER_PAGE,
    now: datetime | None = None,
) -> ProjectPage:
    """One page of ``project_list`` with its facets and links to the pages around it.

    ``filters.cursor`` picks the page (keyset); without one, ``page`` is a page number for the
    first ``MAX_PAGE_NUMBER`` pages (OFFSET, kept for old links), and an out-of-range number
    gives the last of those. Best-match order pages by position in the ranked list. ``None``
    filters (input that did not pass the checks) give an empty page without querying.
    """
    if filters is None:
        return ProjectPage(object_list=[], count=0, per_page=per_page, number=1, sort="", facets=[])
    now = now or timezone.now()
    ranked = _ranked(filters)
    facets, count = project_facets(filters=filters, now=now, ranked=ranked)
    number = _page_number(page, max(1, math.ceil(count / per_page)))
    sort = filters.order
    queryset = _narrowed(filters, ranked).filter(*_facet_conditions(filters, now).values())
    if sort == Sort.RELEVANCE:
        links = _relevance_page(queryset, ranked or [], filters.cursor, number, per_page)
    else:
        if sort in (Sort.BUDGET_HIGH, Sort.BUDGET_LOW):
            queryset = queryset.filter(budget_min__isnull=False, budget_max__isnull=False)
        one_currency = bool(filters.currency)
        links = _keyset_page(
            _for_cards(queryset), sort, filters.cursor, number, per_page, one_currency
        )
    return ProjectPage(count=count, per_page=per_page, sort=sort, facets=facets, **links)


def _with_everything(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return queryset.select_related("client", "category").prefetch_related("skills")


def project_for_viewer(*, project_id: int, viewer) -> Project:
    """A project page: public ones in a public status for everyone, invite-only ones for the
    freelancers invited to them, any of their own for the client; otherwise ``NotFound``."""
    visible = Q(visibility=Visibility.PUBLIC, status__in=PUBLIC_STATUSES, client__is_active=True)
    if viewer is not None and viewer.is_authenticated:
        invited = Exists(
            Invitation.objects.filter(project_id=OuterRef("pk"), freelancer_id=viewer.pk)
        )
        visible |= Q(client=viewer) | Q(invited, status__in=PUBLIC_STATUSES, client__is_active=True)
    project = _with_everything(Project.objects.filter(visible, pk=project_id)).first()
    if project is None:
        raise NotFound(_("No such project."), code="project_not_found")
    return project


def project_of_client(*, client, project_id: int) -> Project:
    """One of the client's own projects in any status; another person's id is ``NotFound``."""
    if not getattr(client, "is_authenticated", False):
        raise NotFound(_("No such project."), code="project_not_found")
    project = _with_everything(Project.objects.filter(pk=project_id, client=client)).first()
    if project is None:
        raise NotFound(_("No such project."), code="project_not_found")
    return project


def projects_of_client(*, client) -> QuerySet[Project]:
    """The client's projects in every status, newest first."""
    return (
        Project.objects.filter(client=client)
        .select_related("category")
        .order_by("-created_at", "-id")
    )


def project_history(*, project: Project) -> QuerySet[ProjectStatusChange]:
    return project.status_changes.select_related("actor").order_by("created_at", "id")


def project_missing_for_publish(*, project: Project, today=None) -> list[str]:
    """What must be fixed before publishing (empty when the project can be published)."""
    today = today or timezone.localdate()
    missing = []
    if not project.title.strip():
        missing.append(_("Add a title."))
    if len(project.description.strip()) < DESCRIPTION_MIN_LENGTH:
        missing.append(
            _("Describe the work in at least %(count)s characters.")
            % {"count": DESCRIPTION_MIN_LENGTH}
        )
    if project.category_id is None:
        missing.append(_("Choose a category."))
    if not project.has_budget:
        missing.append(_("Set a budget."))
    if project.deadline is not None and project.deadline < today:
        missing.append(_("The deadline is in the past."))
    if project.work_mode == WorkMode.LOCAL and not (project.city.strip() and project.radius_km):
        missing.append(_("For on-site work, give the city and a radius."))
    return missing


def similar_budget_median(*, project: Project) -> Decimal | None:
    """Median budget midpoint of open and awarded projects in the same category, budget type
    and currency (the project itself excluded); None with fewer than ``SIMILAR_MIN``."""
    if project.category_id is None:
        return None
    rows = (
        Project.objects.filter(
            category_id=project.category_id,
            budget_type=project.budget_type,
            currency=project.currency,
            status__in=(Status.OPEN, Status.AWARDED),
            budget_min__isnull=False,
            budget_max__isnull=False,
        )
        .exclude(pk=project.pk)
        .order_by("-published_at", "-id")
        .values_list("budget_min", "budget_max")[:SIMILAR_SAMPLE]
    )
    midpoints = [(low + high) / 2 for low, high in rows]
    if len(midpoints) < SIMILAR_MIN:
        return None
    return Decimal(statistics.median(midpoints))


def project_clarity(project: Project) -> list[Warning]:
    """Hints that make a project easier to propose on — warnings, never blockers:
    no deliverables mentioned, a budget far from similar projects, no deadline."""
    warnings = []
    if not _DELIVERABLE_RE.search(f"{project.title} {project.description}"):
        warnings.append(
            Warning(
                "no_deliverables",
                _("Say what you expect to receive (pages, features, files, documents…)."),
            )
        )
    midpoint = project.budget_midpoint
    median = similar_budget_median(project=project) if midpoint is not None else None
    if median:
        if midpoint * BUDGET_FACTOR < median:
            warnings.append(Warning("budget_low", _("Your budget is far below similar projects.")))
        elif midpoint > median * BUDGET_FACTOR:
            warnings.append(Warning("budget_high", _("Your budget is far above similar projects.")))
    if project.deadline is None:
        warnings.append(
            Warning("no_deadline", _("Add a deadline so freelancers can plan their time."))
        )
    return warnings
