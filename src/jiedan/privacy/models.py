"""Privacy choices and data exports.

``PrivacySettings`` holds the choices that have no home elsewhere: which contact details a
person shares with the other party of a running contract (none by default) and whether the
matching engine may recommend their profile to clients. Profile visibility and the
promotional use of the portfolio stay on ``FreelancerProfile`` (one state, one home); the
privacy page edits them there.

An ``IdentifierScrub`` is the last step of an account deletion, done by a background job:
the deleted person's identifiers (kept encrypted until then) to replace in every other text.

A ``DataExport`` is one requested archive of everything the platform holds about a person,
built by a background job into private storage and downloadable by its owner only until it
expires (``EXPORT_LIFETIME``).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedan.core.crypto import EncryptedTextField
from jiedan.core.storage import private_storage

EXPORT_LIFETIME = timedelta(days=7)
# The contact fields of a freelancer profile a person may share with a contract counterpart.
CONTACT_FIELDS = ("phone", "wechat_id", "qq", "contact_email")


class PrivacySettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_settings"
    )
    share_phone = models.BooleanField(_("share my phone number"), default=False)
    share_wechat_id = models.BooleanField(_("share my WeChat ID"), default=False)
    share_qq = models.BooleanField(_("share my QQ number"), default=False)
    share_contact_email = models.BooleanField(_("share my contact e-mail"), default=False)
    allow_recommendations = models.BooleanField(
        _("recommend my profile to clients for their projects"), default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("privacy settings")
        verbose_name_plural = _("privacy settings")

    def __str__(self):
        return f"privacy settings of user {self.user_id}"

    @property
    def shared_fields(self) -> tuple[str, ...]:
        return tuple(name for name in CONTACT_FIELDS if getattr(self, f"share_{name}"))


def export_path(instance, filename):
    return f"exports/{instance.user_id}/{filename}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class DataExport(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    archive = models.FileField(
        storage=private_storage, upload_to=export_path, max_length=300, blank=True
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"], name="privacy_export_expiry")]

    def __str__(self):
        return f"export {self.pk} of user {self.user_id} ({self.status})"


class IdentifierScrub(models.Model):
    """Copies of a deleted person's identifiers still to be replaced in other people's texts
    (``services.erasure``). ``identifiers`` is a JSON object, identifier to stand-in,
    encrypted at rest; the row is deleted as soon as the replacement is done."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="identifier_scrub"
    )
    identifiers = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The job running it holds it until then (another run leaves it alone); how many began.
    leased_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("identifier replacement")
        verbose_name_plural = _("identifier replacements")

    def __str__(self):
        return f"identifiers of deleted user {self.user_id}"
