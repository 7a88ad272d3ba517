"""Trust and safety records: risk hits, device fingerprints, enforcement actions, appeals,
project reports and the moderators' review queue.

Nothing here is ever deleted: an enforcement is lifted (``lifted_at``), an appeal decided, a
queue item decided; the history rows say who did what, when and why, and every decision is
also written to the tamper-evident audit trail (``jiedan.audit``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskHit(models.Model):
    """One rule fired for one person: its ``score`` counts toward their recent total."""

    rule = models.CharField(_("rule"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_hits"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    reason = models.TextField(_("reason"))
    event = models.CharField(_("event"), max_length=40, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("risk hit")
        verbose_name_plural = _("risk hits")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "rule", "created_at"])]

    def __str__(self):
        return f"{self.rule} → {self.user_id} ({self.score})"


class DeviceFingerprint(models.Model):
    """A browser seen signed in: its trait hash, address and user agent, per session."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_fingerprints"
    )
    session_key = models.CharField(_("session"), max_length=64, blank=True)
    hash = models.CharField(_("device hash"), max_length=64)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    first_seen = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        verbose_name = _("device fingerprint")
        verbose_name_plural = _("device fingerprints")
        ordering = ["-last_seen", "-id"]
        indexes = [
            models.Index(fields=["hash", "last_seen"]),
            models.Index(fields=["ip", "last_seen"]),
            models.Index(fields=["user", "first_seen"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "session_key", "hash"], name="trust_fingerprint_once_per_session"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.hash[:12]}"


class Action(models.TextChoices):
    WARN = "warn", _("Warning")
    REQUIRE_VERIFICATION = "require_verification", _("Identity verification required")
    REQUIRE_MFA = "require_mfa", _("Two-factor authentication required")
    HOLD_PAYOUTS = "hold_payouts", _("Payouts on hold")
    RESTRICT = "restrict", _("Some features restricted")
    SUSPEND = "suspend", _("Account suspended")


class Feature(models.TextChoices):
    POST_PROJECTS = "post_projects", _("Posting projects")
    SEND_PROPOSALS = "send_proposals", _("Sending proposals")
    SEND_MESSAGES = "send_messages", _("Sending messages")
    WITHDRAW = "withdraw", _("Withdrawing money")
    PAYOUT_METHODS = "payout_methods", _("Adding payout methods")


class Enforcement(models.Model):
    """An action on an account, explained to its owner in plain words (``reason``) and
    reversible: lifting sets ``lifted_at``/``lifted_by``/``lift_reason``; the row stays."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enforcements"
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    features = models.JSONField(_("restricted features"), default=list, blank=True)
    reason = models.TextField(_("reason shown to the person"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by (empty: automatic)"),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lift_reason = models.TextField(_("why lifted"), blank=True)

    class Meta:
        verbose_name = _("enforcement action")
        verbose_name_plural = _("enforcement actions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "lifted_at"])]

    def __str__(self):
        return f"{self.action} {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a moderator")
    UPHELD = "upheld", _("Accepted: the action was lifted")
    REJECTED = "rejected", _("Declined: the action stays")


class Appeal(models.Model):
    """The person's answer to an enforcement; at most one open appeal per enforcement."""

    enforcement = models.ForeignKey(Enforcement, on_delete=models.PROTECT, related_name="appeals")
    text = models.TextField(_("your explanation"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("moderator's answer"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enforcement"],
                condition=models.Q(status="open"),
                name="trust_one_open_appeal",
            )
        ]

    def __str__(self):
        return f"appeal {self.pk} ({self.status})"


class ProjectReport(models.Model):
    """A member asks moderators to look at a project."""

    class Reason(models.TextChoices):
        SCAM = "scam", _("Scam or fraud")
        OFF_PLATFORM = "off_platform", _("Asks to pay or talk outside Jiedan")
        FREE_WORK = "free_work", _("Asks for free work or samples")
        PROHIBITED = "prohibited", _("Prohibited or offensive content")
        OTHER = "other", _("Something else")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="trust_reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("details"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "reporter"], name="trust_one_report_per_project"
            )
        ]

    def __str__(self):
        return f"report {self.pk} on project {self.project_id}"


class SourceKind(models.TextChoices):
    RISK = "risk", _("Risk score")
    SAFETY_FLAG = "safety_flag", _("Message or member report")
    REVIEW_REPORT = "review_report", _("Reported review")
    PROJECT_REPORT = "project_report", _("Reported project")
    VERIFICATION = "verification", _("Identity verification")
    APPEAL = "appeal", _("Appeal")


class QueueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLAIMED = "claimed", _("Claimed")
    DECIDED = "decided", _("Decided")


class QueueItem(models.Model):
    """One thing for a moderator to decide, pointing at its source row (``source_kind`` +
    ``source_id``); one item per source row. Claimed by one moderator at a time."""

    source_kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    source_id = models.PositiveBigIntegerField(_("source"))
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person concerned"),
    )
    summary = models.CharField(_("summary"), max_length=300)
    status = models.CharField(
        _("status"), max_length=8, choices=QueueStatus.choices, default=QueueStatus.OPEN
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=30, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)

    class Meta:
        verbose_name = _("review queue item")
        verbose_name_plural = _("review queue")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["subject_user", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id"], name="trust_one_item_per_source"
            )
        ]

    def __str__(self):
        return f"{self.source_kind} #{self.source_id} ({self.status})"


class QueueEvent(models.Model):
    """The history of a queue item: queued, claimed, released, decided."""

    item = models.ForeignKey(QueueItem, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    what = models.CharField(_("what"), max_length=30)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("queue history entry")
        verbose_name_plural = _("queue history")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.item_id} {self.what}"
