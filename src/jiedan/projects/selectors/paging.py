"""Pages of the project list: keyset (cursor) pages for the newest and budget orders, so a
deep page costs what the first one does, and positions in the ranked list for best match."""

import math
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from ..models import (
    Project,
)
from .browse import (
    KEYSET_ORDERS,
    MAX_PAGE_NUMBER,
    PER_PAGE,
    Cursor,
    Facet,
    ProjectFilters,
    Sort,
    _cursor_of,
    _facet_conditions,
    _for_cards,
    _narrowed,
    _order_by,
    _ranked,
    cursor_encode,
    project_facets,
)
from .visibility import public_projects


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
