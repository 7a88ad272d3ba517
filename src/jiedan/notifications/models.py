from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import Category, EmailMode


class Notification(models.Model):
    """One thing a person was told. ``in_app`` and ``email_mode`` are the recipient's
    preferences for its category when it was sent; a notification hidden in-app still counts
    for e-mail. ``emailed_at`` is set once it went out, alone or in a digest."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    data = models.JSONField(_("data"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    in_app = models.BooleanField(_("shown in the app"), default=True)
    email_mode = models.CharField(
        _("e-mail"), max_length=10, choices=EmailMode.choices, default=EmailMode.OFF
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-id"],
                condition=Q(in_app=True, read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["recipient", "-id"], name="notification_recipient"),
            models.Index(
                fields=["email_mode", "recipient"],
                condition=Q(emailed_at__isnull=True),
                name="notification_unemailed",
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """How a person wants to hear about one category; no row means ``kinds.DEFAULTS``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    in_app = models.BooleanField(_("show in the app"), default=True)
    email = models.CharField(_("e-mail"), max_length=10, choices=EmailMode.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category"], name="notification_preference_unique"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.category}"
