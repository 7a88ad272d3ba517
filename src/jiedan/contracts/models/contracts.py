"""Contracts, their terms and acceptances, milestones, deliveries, cancellations and the
status histories."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import amount_field, currency_field
from jiedan.core.storage import private_storage

MAX_MILESTONES = 20
MAX_REVISIONS = 10
MAX_DELIVERY_FILES = 10
ESCROW_PREFIX = "milestone"
HALF_CENT = Decimal("0.005")


class Source(models.TextChoices):
    PROPOSAL = "proposal", _("Hired proposal")
    ORDER = "order", _("Service order")
    CONTEST = "contest", _("Contest award")


class Kind(models.TextChoices):
    FIXED = "fixed", _("Fixed price")
    HOURLY = "hourly", _("Hourly")


class Status(models.TextChoices):
    OFFERED = "offered", _("Waiting for acceptance")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    DECLINED = "declined", _("Offer declined")


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OFFERED: frozenset({Status.ACTIVE, Status.DECLINED, Status.CANCELLED}),
    Status.ACTIVE: frozenset({Status.PAUSED, Status.COMPLETED, Status.CANCELLED}),
    Status.PAUSED: frozenset({Status.ACTIVE, Status.COMPLETED, Status.CANCELLED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.DECLINED: frozenset(),
}
OPEN_STATUSES = (Status.OFFERED, Status.ACTIVE, Status.PAUSED)

# Reasons the system writes in the histories, shown in the reader's language.
ACCEPTED_REASON = "accepted"
DELIVERED_REASON = "delivered"
SETTLED_REASON = "settled"
AUTO_APPROVED_REASON = "auto_approved"
AGREED_CANCELLATION_REASON = "cancelled_by_agreement"
CONTRACT_ENDED_REASON = "contract_ended"
CHANGE_ACCEPTED_REASON = "change_accepted"
CONTEST_AWARDED_REASON = "contest_awarded"
DISPUTE_OPENED_REASON = "dispute_opened"
DISPUTE_WITHDRAWN_REASON = "dispute_withdrawn"
DISPUTE_SETTLED_REASON = "dispute_settled"
DISPUTE_DECIDED_REASON = "dispute_decided"
SYSTEM_REASONS = {
    ACCEPTED_REASON: _("both parties accepted the terms"),
    DELIVERED_REASON: _("work delivered"),
    SETTLED_REASON: _("every milestone is settled"),
    AUTO_APPROVED_REASON: _("approved automatically: the client did not answer in time"),
    AGREED_CANCELLATION_REASON: _("cancelled by agreement"),
    CONTRACT_ENDED_REASON: _("the contract ended"),
    CHANGE_ACCEPTED_REASON: _("removed by an accepted change request"),
    CONTEST_AWARDED_REASON: _("the contest prize was paid"),
    DISPUTE_OPENED_REASON: _("a dispute was opened"),
    DISPUTE_WITHDRAWN_REASON: _("the dispute was withdrawn"),
    DISPUTE_SETTLED_REASON: _("the dispute was settled by the parties"),
    DISPUTE_DECIDED_REASON: _("the dispute was decided by a mediator"),
}


class ReasonDisplayMixin:
    def reason_display(self) -> str:
        """The reason as people read it: system reasons in the reader's language."""
        return str(SYSTEM_REASONS.get(self.reason, self.reason))


class DelayPolicy(models.TextChoices):
    RENEGOTIATE = "renegotiate", _("We agree a new deadline together")
    CLIENT_MAY_CANCEL = (
        "client_may_cancel",
        _("The client may cancel unsubmitted milestones for a full refund"),
    )


class IpTransfer(models.TextChoices):
    ON_FULL_PAYMENT = "on_full_payment", _("To the client once everything is paid")
    PER_MILESTONE = "per_milestone", _("To the client milestone by milestone, as each is paid")
    FREELANCER_KEEPS = (
        "freelancer_keeps",
        _("The freelancer keeps it and licenses the client to use the work"),
    )


class Contract(models.Model):
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="client_contracts",
        verbose_name=_("client"),
    )
    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="freelancer_contracts",
        verbose_name=_("freelancer"),
    )
    source = models.CharField(_("started from"), max_length=10, choices=Source.choices)
    source_id = models.PositiveBigIntegerField(_("source id"))
    kind = models.CharField(_("payment"), max_length=6, choices=Kind.choices, default=Kind.FIXED)
    title = models.CharField(_("title"), max_length=200)
    currency = currency_field()
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OFFERED
    )
    terms = models.ForeignKey(
        "ContractTerms",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current terms"),
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    created_at = models.DateTimeField(_("offered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], name="contract_once_per_source"
            ),
            models.CheckConstraint(
                condition=~Q(client=F("freelancer")), name="contract_two_parties"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    def party_ids(self) -> tuple[int, int]:
        return (self.client_id, self.freelancer_id)


class ContractTerms(models.Model):
    """One version of the terms, never edited: a change is a new version both accept."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="term_versions")
    version = models.PositiveSmallIntegerField(_("version"))
    scope = models.TextField(_("scope"), max_length=10000)
    deliverables = models.JSONField(_("deliverables"), default=list)
    revisions = models.PositiveSmallIntegerField(_("revisions per milestone"))
    deadline = models.DateField(_("deadline"))
    delay_policy = models.CharField(
        _("if the work is late"), max_length=20, choices=DelayPolicy.choices
    )
    ip_transfer = models.CharField(
        _("intellectual property"), max_length=20, choices=IpTransfer.choices
    )
    milestones = models.JSONField(_("milestone plan"), default=list)
    kind = models.CharField(_("payment"), max_length=6, choices=Kind.choices, default=Kind.FIXED)
    hourly_rate = amount_field(_("hourly rate"), null=True, blank=True)
    weekly_limit = models.PositiveSmallIntegerField(
        _("hours a week at most"), null=True, blank=True
    )
    total = amount_field(_("total"))
    currency = currency_field()
    digest = models.CharField(_("SHA-256 of the terms"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract terms")
        verbose_name_plural = _("contract terms")
        ordering = ["contract", "version"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "version"], name="contract_terms_version"),
            models.CheckConstraint(
                condition=Q(kind="fixed", hourly_rate__isnull=True, weekly_limit__isnull=True)
                | Q(kind="hourly", hourly_rate__gt=0, weekly_limit__gte=1),
                name="contract_terms_hourly_rate_and_limit",
            ),
        ]

    def __str__(self):
        return f"{self.contract_id} v{self.version}"


class AcceptedBy(models.TextChoices):
    READING = "reading", _("Read and accepted the terms")
    PUBLISHING_CONTEST = "publishing", _("Published the contest")
    ENTERING_CONTEST = "entering", _("Entered the contest")


class TermsAcceptance(models.Model):
    """A party's acceptance of one version, with the digest they saw and where from. Terms
    of a contest award were accepted by acting on the contest's rules (``by``): the client
    by publishing it, the winner by entering it, at those moments."""

    terms = models.ForeignKey(ContractTerms, on_delete=models.PROTECT, related_name="acceptances")
    party = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(_("SHA-256 accepted"), max_length=64)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    by = models.CharField(
        _("accepted by"), max_length=10, choices=AcceptedBy.choices, default=AcceptedBy.READING
    )
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)

    class Meta:
        verbose_name = _("terms acceptance")
        verbose_name_plural = _("terms acceptances")
        ordering = ["accepted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["terms", "party"], name="terms_accepted_once")
        ]

    def __str__(self):
        return f"{self.party_id} accepted {self.terms_id}"


class MilestoneStatus(models.TextChoices):
    UNFUNDED = "unfunded", _("Not funded yet")
    FUNDED = "funded", _("Funded (in escrow)")
    SUBMITTED = "submitted", _("Submitted for approval")
    CHANGES_REQUESTED = "changes", _("Changes requested")
    RELEASED = "released", _("Approved and paid")
    REFUNDED = "refunded", _("Refunded")
    DISPUTED = "disputed", _("In dispute")
    CANCELLED = "cancelled", _("Cancelled")


MILESTONE_TRANSITIONS: dict[str, frozenset[str]] = {
    MilestoneStatus.UNFUNDED: frozenset({MilestoneStatus.FUNDED, MilestoneStatus.CANCELLED}),
    # Funded work is paid before a submission only by agreement (a mutual cancellation).
    MilestoneStatus.FUNDED: frozenset(
        {
            MilestoneStatus.SUBMITTED,
            MilestoneStatus.RELEASED,
            MilestoneStatus.REFUNDED,
            MilestoneStatus.DISPUTED,
        }
    ),
    MilestoneStatus.SUBMITTED: frozenset(
        {
            MilestoneStatus.RELEASED,
            MilestoneStatus.CHANGES_REQUESTED,
            MilestoneStatus.REFUNDED,
            MilestoneStatus.DISPUTED,
        }
    ),
    MilestoneStatus.CHANGES_REQUESTED: frozenset(
        {
            MilestoneStatus.SUBMITTED,
            MilestoneStatus.RELEASED,
            MilestoneStatus.REFUNDED,
            MilestoneStatus.DISPUTED,
        }
    ),
    # A dispute ends paid or refunded, or withdrawn: back to where the milestone was.
    MilestoneStatus.DISPUTED: frozenset(
        {
            MilestoneStatus.RELEASED,
            MilestoneStatus.REFUNDED,
            MilestoneStatus.FUNDED,
            MilestoneStatus.SUBMITTED,
            MilestoneStatus.CHANGES_REQUESTED,
        }
    ),
    MilestoneStatus.RELEASED: frozenset(),
    MilestoneStatus.REFUNDED: frozenset(),
    MilestoneStatus.CANCELLED: frozenset(),
}
# Where the money of a milestone in each status is (the audit checks it).
IN_ESCROW = frozenset(
    {MilestoneStatus.FUNDED, MilestoneStatus.SUBMITTED, MilestoneStatus.CHANGES_REQUESTED}
)
FINAL = frozenset({MilestoneStatus.RELEASED, MilestoneStatus.REFUNDED, MilestoneStatus.CANCELLED})


class Milestone(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="milestones")
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("deliverable"), max_length=200)
    amount = amount_field(_("amount"))
    currency = currency_field()
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.UNFUNDED,
    )
    revisions_used = models.PositiveSmallIntegerField(_("revisions used"), default=0)
    funded_at = models.DateTimeField(_("funded"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    auto_approve_at = models.DateTimeField(
        _("approved automatically at"), null=True, blank=True, db_index=True
    )
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    released_amount = amount_field(_("paid to the freelancer"), default=0)
    refunded_amount = amount_field(_("refunded to the client"), default=0)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["contract", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "position"], name="milestone_position_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="milestone_amount_positive"),
            models.CheckConstraint(
                condition=Q(released_amount__gte=0)
                & Q(refunded_amount__gte=0)
                # Half a cent of slack for SQLite's binary arithmetic (amounts are whole cents).
                & Q(amount__gte=F("released_amount") + F("refunded_amount") - HALF_CENT),
                name="milestone_paid_within_amount",
            ),
        ]

    def __str__(self):
        return f"{self.contract_id}.{self.position} {self.title}"

    @property
    def escrow_reference(self) -> str:
        return f"{ESCROW_PREFIX}:{self.pk}"


def delivery_path(instance, filename: str) -> str:
    milestone = instance.delivery.milestone
    return f"deliveries/{milestone.contract_id}/{milestone.pk}/{instance.delivery_id}/{filename}"


class Delivery(models.Model):
    """One submitted version of a milestone's work, kept unchanged as evidence. ``digest`` is
    the SHA-256 of its number, message, time and the files' own SHA-256 fingerprints."""

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="deliveries")
    number = models.PositiveSmallIntegerField(_("version"))
    message = models.TextField(_("message"), max_length=5000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("delivered"))

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["milestone", "number"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "number"], name="delivery_number_unique")
        ]

    def __str__(self):
        return f"{self.milestone_id} v{self.number}"


class DeliveryFile(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(storage=private_storage, upload_to=delivery_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("delivered file")
        verbose_name_plural = _("delivered files")
        ordering = ["delivery", "id"]

    def __str__(self):
        return self.original_name


class CancellationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Cancellation(models.Model):
    """A proposal to end a contract by mutual agreement: of the money in escrow,
    ``freelancer_share`` is paid to the freelancer and the rest refunded to the client. The
    other party accepts or declines; at most one is open per contract. ``held_total`` is what
    escrow held when it was proposed, ``held_milestones`` which milestones held it (ids) and
    ``escrow_journal_mark`` the newest journal of the contract's escrows then: if any of them
    changed (a newer journal, even one back to the same total), the proposal is stale.
    Journal ids, not times: the contract's row lock orders its escrow journals, a wall clock
    may step back."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="cancellations")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    freelancer_share = amount_field(_("paid to the freelancer"))
    held_total = amount_field(_("in escrow when proposed"))
    held_milestones = models.JSONField(_("milestones in escrow when proposed"), default=list)
    # None on proposals made before the mark existed: those compare times.
    escrow_journal_mark = models.BigIntegerField(null=True, blank=True, editable=False)
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CancellationStatus.choices,
        default=CancellationStatus.PROPOSED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)

    class Meta:
        verbose_name = _("cancellation")
        verbose_name_plural = _("cancellations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status="proposed"),
                name="cancellation_one_open_per_contract",
            ),
            models.CheckConstraint(
                condition=Q(freelancer_share__gte=0) & Q(held_total__gte=F("freelancer_share")),
                name="cancellation_share_within_escrow",
            ),
        ]

    def __str__(self):
        return f"{self.contract_id}: {self.status}"


class ContractStatusChange(ReasonDisplayMixin, models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=10, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract status change")
        verbose_name_plural = _("contract status changes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.contract_id}: {self.from_status} → {self.to_status}"


class MilestoneStatusChange(ReasonDisplayMixin, models.Model):
    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="status_changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=10, choices=MilestoneStatus.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=MilestoneStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone status change")
        verbose_name_plural = _("milestone status changes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.milestone_id}: {self.from_status} → {self.to_status}"
