"""Change requests: how a running contract's terms change without changing silently."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

REASON_MAX_LENGTH = 2000


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChangeRequest(models.Model):
    """One party proposes a new version of the terms of a running contract (``terms``, a
    ``ContractTerms`` row the proposer has accepted) to replace ``base_terms``; the other
    accepts that exact version by its digest, or declines. At most one is open per contract;
    the history of every request stays."""

    contract = models.ForeignKey(
        "Contract", on_delete=models.PROTECT, related_name="change_requests"
    )
    base_terms = models.ForeignKey(
        "ContractTerms", on_delete=models.PROTECT, related_name="+", verbose_name=_("changes")
    )
    terms = models.OneToOneField(
        "ContractTerms",
        on_delete=models.PROTECT,
        related_name="change_request",
        verbose_name=_("proposed terms"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("why"), max_length=REASON_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.TextField(
        _("why it was declined"), max_length=REASON_MAX_LENGTH, blank=True
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status="proposed"),
                name="change_request_one_open_per_contract",
            ),
        ]

    def __str__(self):
        return f"{self.contract_id}: {self.status}"
