"""Saved searches: a person keeps the criteria of a project search and is alerted when a newly
published project matches them.

A ``SavedSearch`` stores the list's query parameters (``criteria``, in the canonical form of
``projects.selectors.filters_criteria``). Each project that matched it when it was published
is a ``SavedSearchMatch`` (the alert), at most once per search and project. E-mail goes out
at once, in a daily digest or not at all (``email_alerts``); alerts are always listed on the
site. All writes go through ``services.py``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedan.projects.models import Project

MAX_SAVED_SEARCHES = 20
NAME_MAX_LENGTH = 80


class EmailAlerts(models.TextChoices):
    INSTANT = "instant", _("At once")
    DAILY = "daily", _("Once a day")
    OFF = "off", _("No e-mail (on the site only)")


class SavedSearch(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_searches",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    criteria = models.JSONField(_("criteria"))
    # SHA-256 of the canonical criteria: the same search cannot be saved twice.
    fingerprint = models.CharField(max_length=64, editable=False)
    # Copied from ``criteria`` so that a published project is checked only against the saved
    # searches that can match it ("" = any).
    category_slug = models.CharField(max_length=60, blank=True, editable=False)
    budget_type = models.CharField(max_length=8, blank=True, editable=False)
    work_mode = models.CharField(max_length=8, blank=True, editable=False)
    email_alerts = models.CharField(
        _("e-mail alerts"), max_length=8, choices=EmailAlerts.choices, default=EmailAlerts.DAILY
    )
    last_emailed_at = models.DateTimeField(_("last e-mailed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "fingerprint"], name="saved_search_once_per_owner"
            )
        ]
        indexes = [models.Index(fields=["category_slug", "budget_type", "work_mode"])]

    def __str__(self):
        return self.name


class SavedSearchMatch(models.Model):
    """An alert: ``project`` matched ``saved_search`` when it was published."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="matches")
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="saved_search_matches"
    )
    matched_at = models.DateTimeField(_("matched"))
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("saved search alert")
        verbose_name_plural = _("saved search alerts")
        ordering = ["-matched_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "project"], name="saved_search_match_once"
            )
        ]
        indexes = [
            models.Index(fields=["saved_search", "-matched_at"]),
            models.Index(fields=["saved_search", "seen_at"]),
            models.Index(fields=["saved_search", "emailed_at"]),
        ]

    def __str__(self):
        return f"{self.saved_search_id} → {self.project_id}"
