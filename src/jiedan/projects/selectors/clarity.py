"""What a client sees before publishing: what is missing, and hints that make a project
easier to propose on."""

import re
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    DESCRIPTION_MIN_LENGTH,
    Project,
    Status,
    WorkMode,
)

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
class Warning:
    code: str
    message: str


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
