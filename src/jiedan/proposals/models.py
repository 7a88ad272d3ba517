"""Proposals (bids) on projects, and the invitations clients send to freelancers.

A ``Proposal`` is one freelancer's offer on one project: a cover letter, a price (a fixed total
or an hourly rate, in the project's currency), a delivery time, answers to the project's
screening questions, and optionally tiered options, a milestone plan and attachments. A
freelancer holds at most one live (not withdrawn) proposal per project. Its ``status`` moves
only along ``ALLOWED_TRANSITIONS`` with a ``ProposalStatusChange`` row for every move.

Bidding is free. A monthly quota (see ``quota.py``) keeps spam down: a proposal charged to the
quota has ``quota_charged_at``; one that is refunded (the client never reviewed it, or the
project ended without a hire) has ``quota_refunded_at``. Proposals answering an invitation are
never charged.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import amount_field, currency_field
from jiedan.core.storage import private_storage
from jiedan.projects.models import Project

COVER_LETTER_MIN_LENGTH = 30
COVER_LETTER_MAX_LENGTH = 5000
ANSWER_MAX_LENGTH = 2000
MAX_DELIVERY_DAYS = 365
MAX_MILESTONES = 10
MAX_ATTACHMENTS = 5
MAX_INVITATIONS_PER_PROJECT = 30
DECLINE_NOTE_MAX_LENGTH = 500


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    HIRED = "hired", _("Hired")


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset(
        {Status.SHORTLISTED, Status.DECLINED, Status.WITHDRAWN, Status.HIRED}
    ),
    Status.SHORTLISTED: frozenset(
        {Status.SUBMITTED, Status.DECLINED, Status.WITHDRAWN, Status.HIRED}
    ),
    Status.DECLINED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.HIRED: frozenset(),
}
# A proposal the freelancer still stands behind and the client may still act on.
ACTIVE_STATUSES = (Status.SUBMITTED, Status.SHORTLISTED)


class DeclineReason(models.TextChoices):
    BUDGET = "budget", _("The price does not fit the budget")
    EXPERIENCE = "experience", _("Looking for different experience")
    TIMING = "timing", _("The timing does not work")
    OTHER_HIRED = "other_hired", _("Another freelancer was hired")
    INCOMPLETE = "incomplete", _("The proposal does not answer the brief")
    OTHER = "other", _("Other")


class Tier(models.TextChoices):
    BASIC = "basic", _("Basic")
    STANDARD = "standard", _("Standard")
    PREMIUM = "premium", _("Premium")


TIER_ORDER = {tier: index for index, tier in enumerate(Tier.values)}


class Proposal(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("project")
    )
    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("freelancer"),
    )
    cover_letter = models.TextField(_("cover letter"), max_length=COVER_LETTER_MAX_LENGTH)
    amount = amount_field(_("price"))
    currency = currency_field()
    delivery_days = models.PositiveSmallIntegerField(_("delivery time (days)"))
    answers = models.JSONField(_("answers to screening questions"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    invited = models.BooleanField(_("answers an invitation"), default=False)
    viewed_at = models.DateTimeField(_("first read by the client"), null=True, blank=True)
    decline_reason = models.CharField(
        _("reason for declining"), max_length=12, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.CharField(
        _("note to the freelancer"), max_length=DECLINE_NOTE_MAX_LENGTH, blank=True
    )
    hired_option = models.ForeignKey(
        "ProposalOption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("option hired"),
    )
    hired_at = models.DateTimeField(_("hired"), null=True, blank=True)
    quota_charged_at = models.DateTimeField(_("counted against the quota"), null=True, blank=True)
    quota_refunded_at = models.DateTimeField(_("refunded to the quota"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["freelancer", "-created_at"]),
            models.Index(fields=["freelancer", "quota_charged_at"]),
            models.Index(fields=["freelancer", "quota_refunded_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "freelancer"],
                condition=~Q(status="withdrawn"),
                name="proposals_one_live_per_project",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="proposals_amount_positive"),
        ]

    def __str__(self):
        return f"{self.freelancer} → {self.project}"

    @property
    def is_editable(self) -> bool:
        """The freelancer may edit until the client has read it."""
        return self.status == Status.SUBMITTED and self.viewed_at is None


class ProposalOption(models.Model):
    """One tier of a tiered offer (basic, standard, premium); each tier at most once."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="options")
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices)
    summary = models.CharField(_("what is included"), max_length=300)
    amount = amount_field(_("price"))
    delivery_days = models.PositiveSmallIntegerField(_("delivery time (days)"))

    class Meta:
        verbose_name = _("proposal option")
        verbose_name_plural = _("proposal options")
        ordering = ["proposal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "tier"], name="proposal_option_tier_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="proposal_option_positive"),
        ]

    def __str__(self):
        return f"{self.get_tier_display()}: {self.amount}"


class ProposalMilestone(models.Model):
    """A step of the proposed plan: what is delivered, for how much, by which day."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("deliverable"), max_length=200)
    amount = amount_field(_("amount"))
    due_in_days = models.PositiveSmallIntegerField(_("due after (days)"))

    class Meta:
        verbose_name = _("proposed milestone")
        verbose_name_plural = _("proposed milestones")
        ordering = ["proposal", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "position"], name="proposal_milestone_position_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="proposal_milestone_positive"),
        ]

    def __str__(self):
        return self.title


def attachment_path(instance, filename):
    return f"proposals/{instance.proposal.freelancer_id}/{instance.proposal_id}/{filename}"


class ProposalAttachment(models.Model):
    """A file sent with a proposal: private, readable by its author and the project's client."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal attachment")
        verbose_name_plural = _("proposal attachments")
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class ProposalStatusChange(models.Model):
    """History: who moved a proposal from which status to which, when and why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal status change")
        verbose_name_plural = _("proposal status changes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Proposal sent")
    DECLINED = "declined", _("Declined")


class Invitation(models.Model):
    """A client's invitation to one freelancer to propose on one project. An invited freelancer
    may see and propose on an invite-only project, without using the monthly quota."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("project")
    )
    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("freelancer"),
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    decline_note = models.CharField(_("why not"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "freelancer"], name="invitation_once_per_freelancer"
            )
        ]
        indexes = [models.Index(fields=["freelancer", "status", "-created_at"])]

    def __str__(self):
        return f"{self.project} → {self.freelancer}"
