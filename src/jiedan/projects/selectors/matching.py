"""Does one project match a set of list filters? For alerts on saved searches: when a project
is published, each saved search is checked against it once, without running the whole list.

``project_matches`` gives the same answer as "the project is in ``project_list(filters)``",
filter by filter (a test holds the two together); the text query is answered by the search
index, for one project at a time. One difference is deliberate: for a text query the list
keeps only the best ``search.selectors.DEFAULT_LIMIT`` matches, while an alert fires for any
matching project, however common the words.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Exists, F

from jiedan.core.geo import haversine_km
from jiedan.search.selectors import search_matching_ids

from ..models import SEARCH_KIND, Project, Status, WorkMode
from .browse import POSTED_WITHIN_PERIODS, ProjectFilters, _approved_identity
from .visibility import public_projects


@dataclass(frozen=True)
class ProjectFacts:
    """What the filters look at, read once for a project."""

    project_id: int
    client_id: int
    title: str
    category_slug: str | None
    skill_slugs: frozenset[str]
    budget_type: str
    currency: str
    budget_min: Decimal | None
    budget_max: Decimal | None
    work_mode: str
    latitude: float | None
    longitude: float | None
    radius_km: int | None
    client_verified: bool
    client_rating: Decimal | None
    published_at: datetime


def project_facts(*, project_id: int) -> ProjectFacts | None:
    """The facts of an open public project (two queries), or None for any other project: a
    draft, an invite-only or an ended project is in nobody's search results."""
    project = (
        public_projects()
        .filter(pk=project_id, status=Status.OPEN)
        .select_related("category")
        .annotate(
            verified=Exists(_approved_identity()),
            rating=F("client__client_profile__rating_average"),
        )
        .first()
    )
    if project is None:
        return None
    skill_slugs = Project.skills.through.objects.filter(project_id=project_id).values_list(
        "skill__slug", flat=True
    )
    return ProjectFacts(
        project_id=project.pk,
        client_id=project.client_id,
        title=project.title,
        category_slug=project.category.slug if project.category else None,
        skill_slugs=frozenset(skill_slugs),
        budget_type=project.budget_type,
        currency=project.currency,
        budget_min=project.budget_min,
        budget_max=project.budget_max,
        work_mode=project.work_mode,
        latitude=project.latitude,
        longitude=project.longitude,
        radius_km=project.radius_km,
        client_verified=project.verified,
        client_rating=project.rating,
        published_at=project.published_at,
    )


def _budget_matches(filters: ProjectFilters, facts: ProjectFacts) -> bool:
    """The project's budget overlaps the wanted range (a project without a budget does not)."""
    if filters.currency and facts.currency != filters.currency:
        return False
    if filters.budget_min is not None and not (
        facts.budget_max is not None and facts.budget_max >= filters.budget_min
    ):
        return False
    return filters.budget_max is None or (
        facts.budget_min is not None and facts.budget_min <= filters.budget_max
    )


def _place_matches(filters: ProjectFilters, facts: ProjectFacts) -> bool:
    """On-site within the distance plus the project's own radius of the chosen city."""
    if filters.near is None:
        return True
    if facts.work_mode != WorkMode.LOCAL or facts.latitude is None or facts.longitude is None:
        return False
    city = filters.near
    distance = haversine_km(city.latitude, city.longitude, facts.latitude, facts.longitude)
    return distance <= (facts.radius_km or 0) + filters.distance_km


def _client_matches(filters: ProjectFilters, facts: ProjectFacts) -> bool:
    if filters.client_verified and not facts.client_verified:
        return False
    return filters.client_rating_min is None or (
        facts.client_rating is not None and facts.client_rating >= filters.client_rating_min
    )


def _choices_match(filters: ProjectFilters, facts: ProjectFacts, now: datetime) -> bool:
    if filters.category and facts.category_slug != filters.category:
        return False
    if filters.skills and not facts.skill_slugs.intersection(filters.skills):
        return False
    if filters.budget_type and facts.budget_type != filters.budget_type:
        return False
    if filters.work_mode and facts.work_mode != filters.work_mode:
        return False
    return not filters.posted_within or (
        facts.published_at >= now - POSTED_WITHIN_PERIODS[filters.posted_within]
    )


def project_matches(
    *, filters: ProjectFilters, facts: ProjectFacts, now: datetime, text_matches: bool
) -> bool:
    """Whether the project passes every filter. ``text_matches`` is the search index's answer
    for ``filters.query`` (see ``project_matches_text``); it is ignored without a query."""
    if filters.query.strip() and not text_matches:
        return False
    return (
        _choices_match(filters, facts, now)
        and _budget_matches(filters, facts)
        and _place_matches(filters, facts)
        and _client_matches(filters, facts)
    )


def project_matches_text(*, project_id: int, query: str) -> bool:
    """Whether the indexed project matches the search words as the list's search does (any
    word may match)."""
    return bool(search_matching_ids(kind=SEARCH_KIND, query=query, object_ids=[project_id]))
