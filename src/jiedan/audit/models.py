"""The tamper-evident audit trail: staff access to private data and enforcement decisions.

Rows are append-only and chained: each row's ``hash`` is the SHA-256 of the previous row's
hash and this row's canonical content, so changing, removing or reordering any row breaks
every hash after it (``manage.py audit_verify`` walks the chain).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ACCESS = "access", _("Staff access to private data")
    DECISION = "decision", _("Enforcement or moderation decision")


class AuditEntry(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("what"), max_length=80)
    subject_type = models.CharField(_("about (type)"), max_length=60, blank=True)
    subject_id = models.CharField(_("about (id)"), max_length=64, blank=True)
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("whose data"),
    )
    reason = models.TextField(_("why"))
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"))
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-id"]
        indexes = [models.Index(fields=["subject_user", "id"], name="audit_subject_user")]

    def __str__(self):
        return f"{self.pk} {self.kind} {self.action}"
