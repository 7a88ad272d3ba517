"""Records that belong to no single domain.

``IdempotentRequest`` remembers one API request per (user, ``Idempotency-Key``) and the answer
it got, so a client that retries a money-moving POST gets the first answer again instead of a
second effect. The rules are in ``jiedan.core.idempotency``; nothing else writes these rows.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

IDEMPOTENCY_KEY_MAX_LENGTH = 100


class IdempotencyState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class IdempotentRequest(models.Model):
    """One user's use of one idempotency key: which request it was (``fingerprint``), whether
    it is still running, and once done the status and body that were answered."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    key = models.CharField(_("idempotency key"), max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    scope = models.CharField(_("endpoint"), max_length=200)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=IdempotencyState.choices,
        default=IdempotencyState.IN_PROGRESS,
    )
    # Renewed when a retry takes over a stale claim: only the current claimant records the answer.
    claim = models.UUIDField(_("claim"), default=uuid.uuid4)
    status_code = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.TextField(_("response body"), blank=True)
    response_type = models.CharField(_("response content type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("claimed at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key"),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.key} ({self.state})"


class DeferredJob(models.Model):
    """A background job the broker could not take when it was queued (Redis stopped); it is
    sent again by ``jobs.deferred_jobs_resend`` once the broker is back (``jiedan.core.jobs``)."""

    task = models.CharField(max_length=200)  # dotted path of the Celery task
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.task} ({self.created_at:%Y-%m-%d %H:%M})"
