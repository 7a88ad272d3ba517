"""Reads for projects: the public list, a project page, the client's own projects, and the
clarity check a client sees before publishing.

The public sees public projects that are open, in review or awarded. Invite-only projects are
seen only by their client for now (invitations come later). A draft, cancelled or closed project
is seen only by its client. Anything else is "not found", never "forbidden".
"""

import re
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Case, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotFound
from jiedan.search.selectors import search_ranked_ids

from .models import (
    DESCRIPTION_MIN_LENGTH,
    PUBLIC_STATUSES,
    SEARCH_KIND,
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


@dataclass(frozen=True)
class ProjectFilters:
    query: str = ""  # free text, Chinese or English
    category: str | None = None  # a category slug
    budget_type: str | None = None


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


def public_projects() -> QuerySet[Project]:
    """Projects anyone may see: public, open/in review/awarded, by an active account."""
    return Project.objects.filter(
        visibility=Visibility.PUBLIC, status__in=PUBLIC_STATUSES, client__is_active=True
    )


def project_list(*, filters: ProjectFilters) -> QuerySet[Project]:
    """Open public projects matching the filters: best match first for a text query, else
    newest first."""
    queryset = (
        public_projects()
        .filter(status=Status.OPEN)
        .select_related("client", "category")
        .prefetch_related("skills")
    )
    if filters.category:
        queryset = queryset.filter(category__slug=filters.category)
    if filters.budget_type:
        queryset = queryset.filter(budget_type=filters.budget_type)
    if filters.query.strip():
        ranked = search_ranked_ids(kind=SEARCH_KIND, query=filters.query)
        position = Case(*[When(pk=pk, then=index) for index, pk in enumerate(ranked)])
        return (
            queryset.filter(pk__in=ranked).order_by(position, "-id") if ranked else queryset.none()
        )
    return queryset.order_by("-published_at", "-id")


def project_page(*, filters: ProjectFilters, page: int | str | None, per_page=PER_PAGE) -> Page:
    """One page of ``project_list``; an out-of-range page number gives the last page."""
    return Paginator(project_list(filters=filters), per_page).get_page(page)


def _with_everything(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return queryset.select_related("client", "category").prefetch_related("skills")


def project_for_viewer(*, project_id: int, viewer) -> Project:
    """A project page: public ones in a public status for everyone, any of their own for the
    client; otherwise ``NotFound``."""
    visible = Q(visibility=Visibility.PUBLIC, status__in=PUBLIC_STATUSES, client__is_active=True)
    if viewer is not None and viewer.is_authenticated:
        visible |= Q(client=viewer)
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
