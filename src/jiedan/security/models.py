"""Devices a person has signed in from, to notice a sign-in from a new one.

A device is the browser (its user agent) on a network (the IPv4 /24 or IPv6 /48 the address
falls in), so a phone moving between addresses of one provider is not "new" every time. Only
a digest of the pair is compared; the user agent and the address of the last sign-in are kept
to show the person what signed in.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class KnownDevice(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="known_devices",
        verbose_name=_("account"),
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("last address"), null=True, blank=True)
    first_seen_at = models.DateTimeField(_("first sign-in"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last sign-in"))

    class Meta:
        verbose_name = _("known device")
        verbose_name_plural = _("known devices")
        constraints = [
            models.UniqueConstraint(fields=["user", "fingerprint"], name="known_device_once")
        ]

    def __str__(self):
        return f"{self.user_id} · {self.user_agent[:40]} · {self.ip}"
