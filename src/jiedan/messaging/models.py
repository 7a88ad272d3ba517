"""Conversations between the parties of one piece of business, their messages and the
trust & safety queue entries raised from them.

A conversation belongs to exactly one subject (a proposal, a contract, a service order or an
invitation), at most one per subject. Who may read and post is decided only by ``Membership``
rows: the subject's parties join as ``party`` when the conversation is opened; a later
dispute feature adds a ``mediator`` row, and nothing else needs to change.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiedan.core.storage import private_storage

BODY_MAX_LENGTH = 5000


class SubjectKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    CONTRACT = "contract", _("Contract")
    ORDER = "order", _("Service order")
    INVITATION = "invitation", _("Invitation")


class Conversation(models.Model):
    subject_kind = models.CharField(_("subject type"), max_length=10, choices=SubjectKind.choices)
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_kind", "subject_id"], name="messaging_one_conversation_per_subject"
            )
        ]

    def __str__(self):
        return f"{self.get_subject_kind_display()} #{self.subject_id}: {self.title}"


class MemberRole(models.TextChoices):
    PARTY = "party", _("Party")
    MEDIATOR = "mediator", _("Mediator")


class Membership(models.Model):
    """One person's seat in a conversation and how far they have read (the id of the last
    message they saw; messages after it count as unread)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_seats"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.PARTY
    )
    last_read_id = models.PositiveBigIntegerField(_("last message read"), default=0)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("conversation member")
        verbose_name_plural = _("conversation members")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="messaging_one_seat_per_member"
            )
        ]
        indexes = [models.Index(fields=["user", "conversation"])]

    def __str__(self):
        return f"{self.user} in {self.conversation_id}"


class Message(models.Model):
    """A stored message. ``flag_reasons`` lists the safety detectors it tripped (see
    ``jiedan.messaging.safety``); a flagged message is still delivered, with a warning."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages_sent"
    )
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    flag_reasons = models.JSONField(_("safety warnings"), default=list, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["id"]
        indexes = [models.Index(fields=["conversation", "id"])]

    def __str__(self):
        return f"#{self.pk} by {self.sender_id}"

    @property
    def is_flagged(self) -> bool:
        return bool(self.flag_reasons)


class SharedAs(models.TextChoices):
    ORIGINAL = "original", _("The original file")
    WATERMARKED = "watermarked", _("A watermarked copy")
    DOWNSCALED = "downscaled", _("A smaller copy")


def attachment_path(instance, filename: str) -> str:
    return f"messages/{instance.message.conversation_id}/{filename}"


class MessageAttachment(models.Model):
    """A file sent with a message, checked by content and kept in private storage; only the
    conversation's members can fetch it. ``sha256`` fingerprints the stored bytes. Before the
    two people have a paid contract, an image may be shared as a watermarked or smaller copy
    (``shared_as``); the original is then never stored."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=300)
    preview = models.FileField(
        storage=private_storage, upload_to=attachment_path, max_length=300, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    shared_as = models.CharField(
        _("shared as"), max_length=12, choices=SharedAs.choices, default=SharedAs.ORIGINAL
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class FlagSource(models.TextChoices):
    DETECTED = "detected", _("Detected automatically")
    REPORTED = "reported", _("Reported by a member")


class FlagStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("safety flag", "Open")
    CLOSED = "closed", pgettext_lazy("safety flag", "Closed")


class SafetyFlag(models.Model):
    """An entry in the trust & safety review queue.

    Raised either by the detectors (``source=detected``: a message sharing contact details or
    pushing off-platform/upfront payment before the two people have a contract) or by a
    member's report (``source=reported``, about a message or about a person). ``reasons`` is a
    list of stable codes from ``jiedan.messaging.safety.REASONS`` (reports add ``"report"``).

    The contract with the trust app: it reads ``status=open`` entries oldest first, decides,
    and closes them by setting ``status=closed``, ``closed_at`` and ``resolution``. Rows are
    never deleted; the message they point at is kept while the entry exists.
    """

    source = models.CharField(_("source"), max_length=10, choices=FlagSource.choices)
    message = models.ForeignKey(
        Message,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="safety_flags",
        verbose_name=_("chat message"),
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="safety_flags_about",
        verbose_name=_("person concerned"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="safety_reports",
        verbose_name=_("reported by"),
    )
    reasons = models.JSONField(_("reasons"), default=list)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=6, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("safety flag")
        verbose_name_plural = _("safety flags")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"#{self.pk} {', '.join(self.reasons)} ({self.status})"


class Block(models.Model):
    """``blocker`` does not want messages from ``blocked``."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(_("blocked"), auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="messaging_block_once"),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")), name="messaging_no_self_block"
            ),
        ]

    def __str__(self):
        return f"{self.blocker_id} blocks {self.blocked_id}"
