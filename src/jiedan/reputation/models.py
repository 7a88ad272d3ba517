"""Reputation snapshots: one row per person and side, written only by the recompute job
(``services.reputation_refresh``) from reviews, contracts, disputes, messages and the ledger.

Figures are ``None`` where there is not enough data yet. Money totals are kept as a band index
(``formulas.BAND_FLOORS``), never the figure. ``criteria`` records, for each level and badge,
which of its criteria held at ``computed_at``: the page's "why this level".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .formulas import Level


def _percent(verbose_name) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(verbose_name, null=True, blank=True)


def _rating_field() -> models.DecimalField:
    return models.DecimalField(_("average rating"), max_digits=3, decimal_places=2, null=True)


def _in_range(field: str, high: int) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": high})


class FreelancerReputation(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="freelancer_reputation",
        verbose_name=_("freelancer"),
    )
    level = models.CharField(
        _("level"), max_length=10, choices=Level.choices, default=Level.NEW, db_index=True
    )
    rating = _rating_field()
    rating_count = models.PositiveIntegerField(_("public ratings"), default=0)
    job_success = _percent(_("job success score (%)"))
    ended_contracts = models.PositiveIntegerField(_("ended contracts"), default=0)
    completed_contracts = models.PositiveIntegerField(_("completed contracts"), default=0)
    completion_rate = _percent(_("completion rate (%)"))
    on_time_rate = _percent(_("on-time delivery (%)"))
    on_time_count = models.PositiveIntegerField(_("milestones with a due date"), default=0)
    response_hours = models.DecimalField(
        _("median response time (hours)"), max_digits=7, decimal_places=1, null=True
    )
    response_count = models.PositiveIntegerField(_("conversations answered"), default=0)
    repeat_client_rate = _percent(_("repeat clients (%)"))
    earned_band = models.PositiveSmallIntegerField(_("total earned (band)"), default=0)
    lost_disputes_recent = models.PositiveIntegerField(_("disputes lost lately"), default=0)
    badges = models.JSONField(_("badges"), default=list, blank=True)
    criteria = models.JSONField(_("criteria met"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("freelancer reputation")
        verbose_name_plural = _("freelancer reputations")
        indexes = [models.Index(fields=["rating"], name="reputation_freelancer_rating")]
        constraints = [
            models.CheckConstraint(
                condition=_in_range("rating", 5), name="reputation_freelancer_rating_range"
            ),
            *(
                models.CheckConstraint(
                    condition=_in_range(name, 100), name=f"reputation_freelancer_{name}_range"
                )
                for name in ("job_success", "completion_rate", "on_time_rate", "repeat_client_rate")
            ),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.level}"


class ClientReputation(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="client_reputation",
        verbose_name=_("client"),
    )
    rating = _rating_field()
    rating_count = models.PositiveIntegerField(_("public ratings"), default=0)
    hire_rate = _percent(_("hire rate (%)"))
    ended_projects = models.PositiveIntegerField(_("projects awarded or closed"), default=0)
    payment_record = _percent(_("payment record (%)"))
    payment_count = models.PositiveIntegerField(_("payments counted"), default=0)
    spent_band = models.PositiveSmallIntegerField(_("total spent (band)"), default=0)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("client reputation")
        verbose_name_plural = _("client reputations")
        constraints = [
            models.CheckConstraint(
                condition=_in_range("rating", 5), name="reputation_client_rating_range"
            ),
            *(
                models.CheckConstraint(
                    condition=_in_range(name, 100), name=f"reputation_client_{name}_range"
                )
                for name in ("hire_rate", "payment_record")
            ),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.rating}"
