"""Filters back to the list's query parameters, for storing a search and linking to it."""

from .browse import ProjectFilters, project_filters

# The parameters that say which projects are wanted. The order, the page and "posted within"
# are left out: they say how to look at the list, or are relative to the moment of looking.
CRITERIA = (
    "q",
    "category",
    "skills",
    "budget_type",
    "currency",
    "budget_min",
    "budget_max",
    "work_mode",
    "near",
    "distance_km",
    "client_verified",
    "client_rating_min",
)


def filters_criteria(filters: ProjectFilters) -> dict:
    """The criteria of ``filters`` as query parameters (only those set), in a canonical form:
    the same criteria always give the same dictionary. ``criteria_filters`` reads it back."""
    values = {
        "q": filters.query,
        "category": filters.category,
        "skills": sorted(filters.skills),
        "budget_type": filters.budget_type,
        "currency": filters.currency,
        "budget_min": filters.budget_min is not None and str(filters.budget_min),
        "budget_max": filters.budget_max is not None and str(filters.budget_max),
        "work_mode": filters.work_mode,
        "near": filters.near.short_zh if filters.near else None,
        "distance_km": filters.distance_km if filters.near and filters.distance_km else None,
        "client_verified": filters.client_verified,
        "client_rating_min": filters.client_rating_min is not None
        and str(filters.client_rating_min),
    }
    return {name: value for name, value in values.items() if value}


def criteria_filters(criteria: dict) -> ProjectFilters:
    """The filters for stored criteria, checked again (``InvalidFilter`` if no longer valid)."""
    return project_filters(
        query=criteria.get("q", ""),
        category=criteria.get("category"),
        skills=criteria.get("skills", ()),
        budget_type=criteria.get("budget_type"),
        currency=criteria.get("currency"),
        budget_min=criteria.get("budget_min"),
        budget_max=criteria.get("budget_max"),
        work_mode=criteria.get("work_mode"),
        near=criteria.get("near", ""),
        distance_km=criteria.get("distance_km"),
        client_verified=bool(criteria.get("client_verified")),
        client_rating_min=criteria.get("client_rating_min"),
    )
