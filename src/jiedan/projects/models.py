"""Projects (jobs): work a client posts so freelancers can propose.

A ``Project`` starts as a draft, is published (``open``) for ``PUBLISH_DAYS`` days, and ends
``awarded``, ``closed`` or ``cancelled``. Its ``status`` moves only along
``ALLOWED_TRANSITIONS``; every move is recorded in ``ProjectStatusChange``. The budget is a
``budget_min``–``budget_max`` range in ``currency`` (fixed total or hourly rate). All writes go
through ``services.py``.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import amount_field, currency_field
from jiedan.core.storage import private_storage
from jiedan.taxonomy.models import Category, Skill

PUBLISH_DAYS = 30
PUBLISH_PERIOD = timedelta(days=PUBLISH_DAYS)
MAX_SKILLS = 10
MAX_SCREENING_QUESTIONS = 5
SCREENING_QUESTION_MAX_LENGTH = 200
DESCRIPTION_MIN_LENGTH = 40
MAX_RADIUS_KM = 500


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    IN_REVIEW = "in_review", _("Reviewing proposals")
    AWARDED = "awarded", _("Awarded")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Who may move a project where is decided in services.py; this map only says which moves exist.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.OPEN, Status.CANCELLED}),
    Status.OPEN: frozenset({Status.IN_REVIEW, Status.AWARDED, Status.CLOSED, Status.CANCELLED}),
    Status.IN_REVIEW: frozenset({Status.OPEN, Status.AWARDED, Status.CLOSED, Status.CANCELLED}),
    Status.AWARDED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.CANCELLED: frozenset(),
}

# Statuses in which the public may see a public project.
PUBLIC_STATUSES = (Status.OPEN, Status.IN_REVIEW, Status.AWARDED)
EDITABLE_STATUSES = (Status.DRAFT, Status.OPEN)


class BudgetType(models.TextChoices):
    FIXED = "fixed", _("Fixed price")
    HOURLY = "hourly", _("Hourly rate")


class Duration(models.TextChoices):
    UNDER_WEEK = "lt_1w", _("Less than a week")
    WEEKS = "1_4w", _("1 to 4 weeks")
    MONTHS = "1_3m", _("1 to 3 months")
    LONG = "gt_3m", _("More than 3 months")


class WorkMode(models.TextChoices):
    REMOTE = "remote", _("Remote")
    LOCAL = "local", _("On site (local)")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INVITE_ONLY = "invite_only", _("Invited freelancers only")


SEARCH_KIND = "project"  # the kind of search document an open public project is indexed as


class Project(models.Model):
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="projects",
        verbose_name=_("client"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("category"),
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="projects", verbose_name=_("skills")
    )
    budget_type = models.CharField(
        _("budget type"), max_length=8, choices=BudgetType.choices, default=BudgetType.FIXED
    )
    budget_min = amount_field(_("budget from"), null=True, blank=True)
    budget_max = amount_field(_("budget up to"), null=True, blank=True)
    currency = currency_field()
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    expected_duration = models.CharField(
        _("expected duration"), max_length=6, choices=Duration.choices, blank=True
    )
    work_mode = models.CharField(
        _("where the work happens"),
        max_length=8,
        choices=WorkMode.choices,
        default=WorkMode.REMOTE,
    )
    city = models.CharField(_("city"), max_length=80, blank=True)
    radius_km = models.PositiveSmallIntegerField(_("radius (km)"), null=True, blank=True)
    # The city centre from the gazetteer (``core.geo``), set by the services for on-site work.
    latitude = models.FloatField(_("latitude"), null=True, blank=True, editable=False)
    longitude = models.FloatField(_("longitude"), null=True, blank=True, editable=False)
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    screening_questions = models.JSONField(_("screening questions"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    expires_at = models.DateTimeField(_("open until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "visibility", "-published_at"]),
            models.Index(fields=["category", "status"]),
            models.Index(fields=["client", "status"]),
            models.Index(fields=["status", "expires_at"]),
            # Keyset pagination of the public list (see selectors.project_page): one index per
            # order, over open public projects only.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="open", visibility="public"),
                name="projects_open_newest",
            ),
            models.Index(
                fields=["category", "-published_at", "-id"],
                condition=Q(status="open", visibility="public"),
                name="projects_open_category_newest",
            ),
            models.Index(
                fields=["currency", "-budget_max", "-id"],
                condition=Q(status="open", visibility="public"),
                name="projects_open_budget_high",
            ),
            models.Index(
                fields=["currency", "budget_min", "id"],
                condition=Q(status="open", visibility="public"),
                name="projects_open_budget_low",
            ),
            models.Index(
                fields=["latitude", "longitude"],
                condition=Q(status="open", work_mode="local"),
                name="projects_open_local_place",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True) | Q(budget_min__gt=0),
                name="projects_budget_min_positive",
            ),
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_max__gte=F("budget_min")),
                name="projects_budget_max_not_below_min",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def has_budget(self) -> bool:
        return self.budget_min is not None and self.budget_max is not None

    @property
    def budget_midpoint(self):
        return (self.budget_min + self.budget_max) / 2 if self.has_budget else None


class ProjectStatusChange(models.Model):
    """History: who moved a project from which status to which, when and why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("project status change")
        verbose_name_plural = _("project status changes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.project_id}: {self.from_status} → {self.to_status}"


MAX_ATTACHMENTS = 5


def attachment_path(instance, filename):
    return f"projects/{instance.project.client_id}/{instance.project_id}/{filename}"


class ProjectAttachment(models.Model):
    """A brief, mock-up or sample the client adds to a project. Private storage: served only
    to people who may see the project, through a view that checks it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project attachment")
        verbose_name_plural = _("project attachments")
        ordering = ["id"]

    def __str__(self):
        return self.original_name
