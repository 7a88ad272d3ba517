"""Disputes over a milestone or an hourly week, the parties' settlement offers, the evidence
they upload and every step's history.

A dispute is about exactly one milestone or one weekly statement. While it is open
(negotiation, then mediation) the money it is about waits in the ledger's dispute hold
account for that escrow reference; it ends settled by an accepted offer, decided by the
assigned mediator, or withdrawn by the person who opened it. ``freelancer_amount`` and
``client_amount`` record the final split of ``amount`` (a constraint keeps them adding up).
``previous_status`` is where the milestone or week was before, to return to on withdrawal;
``evidence_ends_at`` closes the parties' evidence once mediation starts; the decision is due at
``decision_due_at``, and ``overdue_notified_at`` records that a late one was reported. The rules
are in ``services``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import amount_field, currency_field
from jiedan.core.storage import private_storage

DETAILS_MAX_LENGTH = 4000
HALF_CENT = Decimal("0.005")
NOTE_MAX_LENGTH = 2000


class Side(models.TextChoices):
    CLIENT = "client", _("Client")
    FREELANCER = "freelancer", _("Freelancer")


class Status(models.TextChoices):
    NEGOTIATION = "negotiation", _("Negotiation between the parties")
    MEDIATION = "mediation", _("With a mediator")
    SETTLED = "settled", _("Settled by agreement")
    DECIDED = "decided", _("Decided by the mediator")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (Status.NEGOTIATION, Status.MEDIATION)
CLOSED_STATUSES = (Status.SETTLED, Status.DECIDED, Status.WITHDRAWN)


class Reason(models.TextChoices):
    NOT_DELIVERED = "not_delivered", _("The work was not delivered")
    QUALITY = "quality", _("The work is not of the agreed quality")
    NOT_AS_AGREED = "not_as_agreed", _("The work is not what was agreed")
    LATE = "late", _("The work is very late")
    HOURS = "hours", _("The hours billed are not right")
    NOT_APPROVED = "not_approved", _("The client does not approve finished work")
    UNRESPONSIVE = "unresponsive", _("The other party does not respond")
    OTHER = "other", _("Something else")


class Outcome(models.TextChoices):
    RELEASE = "release", _("Pay the freelancer in full")
    REFUND = "refund", _("Refund the client in full")
    SPLIT = "split", _("Split the amount")


class Dispute(models.Model):
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="disputes"
    )
    milestone = models.ForeignKey(
        "contracts.Milestone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
    )
    statement = models.ForeignKey(
        "contracts.WeeklyStatement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes_opened"
    )
    opener_side = models.CharField(_("opened by the"), max_length=10, choices=Side.choices)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    details = models.TextField(_("what happened"), max_length=DETAILS_MAX_LENGTH)
    desired_outcome = models.CharField(
        _("outcome asked for"), max_length=8, choices=Outcome.choices
    )
    desired_freelancer_amount = amount_field(
        _("amount asked for the freelancer"), null=True, blank=True
    )
    amount = amount_field(_("amount in dispute"))
    currency = currency_field()
    held_amount = amount_field(_("held in dispute"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEGOTIATION
    )
    negotiation_ends_at = models.DateTimeField(_("negotiation ends"), db_index=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes_mediated",
        verbose_name=_("mediator"),
    )
    assigned_at = models.DateTimeField(_("mediator assigned"), null=True, blank=True)
    decision_due_at = models.DateTimeField(_("decision due"), null=True, blank=True)
    previous_status = models.CharField(
        _("status of the milestone or week before"), max_length=10, blank=True
    )
    evidence_ends_at = models.DateTimeField(_("evidence until"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("late decision reported"), null=True, blank=True)
    freelancer_amount = amount_field(_("paid to the freelancer"), null=True, blank=True)
    client_amount = amount_field(_("returned to the client"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(milestone__isnull=False, statement__isnull=True)
                | Q(milestone__isnull=True, statement__isnull=False),
                name="dispute_one_subject",
            ),
            models.UniqueConstraint(
                fields=["milestone"],
                condition=Q(status__in=OPEN_STATUSES),
                name="dispute_open_once_per_milestone",
            ),
            models.UniqueConstraint(
                fields=["statement"],
                condition=Q(status__in=OPEN_STATUSES),
                name="dispute_open_once_per_statement",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(held_amount__gte=0), name="dispute_amounts"
            ),
            # Half a cent of slack for SQLite's binary arithmetic (amounts are whole cents).
            models.CheckConstraint(
                condition=Q(freelancer_amount__isnull=True, client_amount__isnull=True)
                | Q(
                    freelancer_amount__gte=0,
                    client_amount__gte=0,
                    amount__gte=F("freelancer_amount") + F("client_amount") - HALF_CENT,
                    amount__lte=F("freelancer_amount") + F("client_amount") + HALF_CENT,
                ),
                name="dispute_split_adds_up",
            ),
        ]
        indexes = [models.Index(fields=["status", "mediator"], name="dispute_queue_idx")]

    def __str__(self):
        return f"dispute {self.pk} on contract {self.contract_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DisputeOffer(models.Model):
    """A party's proposed split of the disputed amount; the other party accepts or declines.
    Each party has at most one open offer."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="offers")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    freelancer_amount = amount_field(_("to the freelancer"))
    client_amount = amount_field(_("to the client"))
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=9, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    created_at = models.DateTimeField(_("offered"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("settlement offer")
        verbose_name_plural = _("settlement offers")
        ordering = ["dispute", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "made_by"],
                condition=Q(status="open"),
                name="dispute_offer_open_once",
            ),
            models.CheckConstraint(
                condition=Q(freelancer_amount__gte=0) & Q(client_amount__gte=0),
                name="dispute_offer_amounts",
            ),
        ]

    def __str__(self):
        return f"offer {self.pk} on dispute {self.dispute_id}"


def evidence_path(instance, filename: str) -> str:
    return f"disputes/{instance.dispute_id}/{filename}"


class DisputeEvidence(models.Model):
    """A file a party (or the mediator) adds to the dispute, checked by content and kept
    privately with its fingerprint."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="evidence")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["dispute", "created_at", "id"]

    def __str__(self):
        return self.original_name


class DisputeEvent(models.Model):
    """One step of a dispute's history (opened, offer made, declined, escalated, assigned,
    decided, …), append-only: the audit trail both parties and the mediator read."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("what happened"), max_length=40)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")
        ordering = ["dispute", "id"]

    def __str__(self):
        return f"{self.dispute_id}: {self.kind}"
