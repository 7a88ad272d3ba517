"""Reads for projects, split by purpose: who sees which project (``visibility``), the
filtered and faceted list (``browse``) and its pages (``paging``), the check before publishing
(``clarity``), one project checked against filters (``matching``) and filters as stored query
parameters (``params``). Import from ``jiedan.projects.selectors``; the names below are its
public face."""

from .browse import (
    KEYSET_ORDERS,
    MAX_DISTANCE_KM,
    MAX_PAGE_NUMBER,
    PER_PAGE,
    Cursor,
    Facet,
    FacetOption,
    InvalidFilter,
    PostedWithin,
    ProjectFilters,
    Sort,
    cursor_decode,
    cursor_encode,
    project_facets,
    project_filters,
    project_list,
)
from .clarity import (
    Warning,
    project_clarity,
    project_missing_for_publish,
    similar_budget_median,
)
from .matching import ProjectFacts, project_facts, project_matches, project_matches_text
from .paging import ProjectPage, project_page
from .params import CRITERIA, criteria_filters, filters_criteria
from .visibility import (
    project_attachment_for_viewer,
    project_for_viewer,
    project_history,
    project_of_client,
    projects_of_client,
    public_projects,
)

__all__ = [
    "CRITERIA",
    "KEYSET_ORDERS",
    "MAX_DISTANCE_KM",
    "MAX_PAGE_NUMBER",
    "PER_PAGE",
    "Cursor",
    "Facet",
    "FacetOption",
    "InvalidFilter",
    "PostedWithin",
    "ProjectFacts",
    "ProjectFilters",
    "ProjectPage",
    "Sort",
    "Warning",
    "criteria_filters",
    "cursor_decode",
    "cursor_encode",
    "filters_criteria",
    "project_attachment_for_viewer",
    "project_clarity",
    "project_facets",
    "project_facts",
    "project_filters",
    "project_for_viewer",
    "project_history",
    "project_list",
    "project_matches",
    "project_matches_text",
    "project_missing_for_publish",
    "project_of_client",
    "project_page",
    "projects_of_client",
    "public_projects",
    "similar_budget_median",
]
