"""Money in and out of the platform through a payment provider ("gateway").

- ``TopUp``: a person adds money to their wallet. The provider charges ``charged`` (the amount
  plus the processing fee); once it confirms by webhook, ``amount`` is credited to the wallet
  in one journal. Nothing moves for a top-up that fails or expires.
- ``Refund``: unspent money of a succeeded top-up goes back to the payment method it came from.
- ``Withdrawal``: money leaves a wallet for one of the person's ``PayoutMethod``s; the provider
  pays out ``paid_out`` (the amount less the flat fee).
- ``WebhookEvent``: every provider event received, once per (provider, event id).
- ``SandboxOperation``: the built-in sandbox provider's own records (its side of the world).

Each of the first three has a ``Status`` that moves only along its ``ALLOWED_TRANSITIONS``
through ``services.payment_transition``, which writes a ``StatusChange`` row. Requests carry
the person's idempotency key, unique per person; ``request_fingerprint`` tells a true repeat
from the same key sent with another request. A refund or withdrawal holds its money in the
person's payout account from the request until the provider pays it out or gives it back.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiedan.core.crypto import EncryptedTextField
from jiedan.core.models import IDEMPOTENCY_KEY_MAX_LENGTH as KEY_MAX_LENGTH
from jiedan.core.money import amount_field, currency_field
from jiedan.ledger.models import Journal

HALF_CENT = Decimal("0.005")


def adds_up(total: str, *parts: str) -> Q:
    """``total`` equals the sum of ``parts``, within half a cent: every amount is whole cents,
    and the slack only absorbs SQLite's binary arithmetic (PostgreSQL's is exact)."""
    summed = sum((F(part) for part in parts[1:]), F(parts[0]))
    return Q(**{f"{total}__gte": summed - HALF_CENT}) & Q(**{f"{total}__lte": summed + HALF_CENT})


class TopUp(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        SUCCEEDED = "succeeded", _("Added to your wallet")
        FAILED = "failed", _("Payment failed")
        EXPIRED = "expired", _("Expired")

    # A payment confirmed after it failed or expired (the payer tried again, or paid late) is
    # still money received, so it is credited: once, because succeeded is final.
    ALLOWED_TRANSITIONS = {
        Status.PENDING: frozenset({Status.SUCCEEDED, Status.FAILED, Status.EXPIRED}),
        Status.FAILED: frozenset({Status.SUCCEEDED}),
        Status.EXPIRED: frozenset({Status.SUCCEEDED}),
        Status.SUCCEEDED: frozenset(),
    }
    HISTORY_FIELD = "top_up"
    REFERENCE_PREFIX = "topup"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="top_ups",
        verbose_name=_("person"),
    )
    amount = amount_field(_("added to the wallet"))
    processing_fee = amount_field(_("processing fee"))
    charged = amount_field(_("charged"))
    currency = currency_field()
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    gateway = models.CharField(_("payment provider"), max_length=20)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    checkout_url = models.CharField(_("checkout address"), max_length=500, blank=True)
    failure_reason = models.CharField(_("reason"), max_length=200, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=KEY_MAX_LENGTH)
    request_fingerprint = models.CharField(max_length=64, editable=False)
    journal = models.OneToOneField(
        Journal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("journal"),
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("top-up")
        verbose_name_plural = _("top-ups")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="payments_top_up_key_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_top_up_positive"),
            models.CheckConstraint(
                condition=adds_up("charged", "amount", "processing_fee"),
                name="payments_top_up_charged_adds_up",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.amount} {self.currency} ({self.status})"

    @property
    def reference(self) -> str:
        """How the provider knows this top-up (its order number)."""
        return f"{self.REFERENCE_PREFIX}_{self.pk}"


class OutgoingPayment(models.Model):
    """What a refund and a withdrawal share: money held in the payout account, sent through
    the provider, then either gone (completed) or back in the wallet (failed)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    amount = amount_field(_("amount"))
    currency = currency_field()
    gateway = models.CharField(_("payment provider"), max_length=20)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    failure_reason = models.CharField(_("reason"), max_length=200, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=KEY_MAX_LENGTH)
    request_fingerprint = models.CharField(max_length=64, editable=False)
    # Set in the transaction that creates the record (the journal names the record).
    hold_journal = models.OneToOneField(
        Journal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("money held by"),
    )
    final_journal = models.OneToOneField(
        Journal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settled by"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def reference(self) -> str:
        return f"{self.REFERENCE_PREFIX}_{self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.REQUESTED, self.Status.PROCESSING)


class Refund(OutgoingPayment):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PROCESSING = "processing", _("With the payment provider")
        REFUNDED = "refunded", _("Refunded")
        FAILED = "failed", _("Failed, money back in your wallet")

    # The provider may answer before it has acknowledged the request (requested → final).
    ALLOWED_TRANSITIONS = {
        Status.REQUESTED: frozenset({Status.PROCESSING, Status.REFUNDED, Status.FAILED}),
        Status.PROCESSING: frozenset({Status.REFUNDED, Status.FAILED}),
        Status.REFUNDED: frozenset(),
        Status.FAILED: frozenset(),
    }
    HISTORY_FIELD = "refund"
    REFERENCE_PREFIX = "refund"

    top_up = models.ForeignKey(
        TopUp, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("top-up")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="payments_refund_key_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_positive"),
        ]

    def __str__(self):
        return f"{self.reference}: {self.amount} {self.currency} ({self.status})"


class PayoutMethod(models.Model):
    """Where a person's withdrawals go. The details are encrypted at rest and shown to
    everyone, the owner included, only as the last four characters of the account."""

    class Kind(models.TextChoices):
        ALIPAY = "alipay", _("Alipay account")
        BANK = "bank", _("Bank account")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="payout_methods",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    holder_name = EncryptedTextField(_("account holder"))
    account = EncryptedTextField(_("account"))
    bank_name = EncryptedTextField(_("bank"), blank=True)
    last4 = models.CharField(_("last four"), max_length=4)
    # A keyed hash of kind and account: the same account is not added twice, without
    # decrypting anything to find out.
    fingerprint = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("payout method")
        verbose_name_plural = _("payout methods")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "fingerprint"],
                condition=Q(removed_at__isnull=True),
                name="payments_payout_method_once",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.masked}"

    @property
    def masked(self) -> str:
        return f"•••• {self.last4}"


class Withdrawal(OutgoingPayment):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PROCESSING = "processing", _("On its way")
        PAID = "paid", _("Paid out")
        FAILED = "failed", _("Failed, money back in your wallet")

    ALLOWED_TRANSITIONS = {
        Status.REQUESTED: frozenset({Status.PROCESSING, Status.PAID, Status.FAILED}),
        Status.PROCESSING: frozenset({Status.PAID, Status.FAILED}),
        Status.PAID: frozenset(),
        Status.FAILED: frozenset(),
    }
    HISTORY_FIELD = "withdrawal"
    REFERENCE_PREFIX = "withdrawal"

    method = models.ForeignKey(
        PayoutMethod,
        on_delete=models.PROTECT,
        related_name="withdrawals",
        verbose_name=_("payout method"),
    )
    fee = amount_field(_("withdrawal fee"))
    paid_out = amount_field(_("paid out"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="payments_withdrawal_key_once"
            ),
            models.CheckConstraint(
                condition=Q(paid_out__gt=0) & Q(fee__gte=0) & adds_up("amount", "paid_out", "fee"),
                name="payments_withdrawal_adds_up",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.amount} {self.currency} ({self.status})"


class WebhookEvent(models.Model):
    """One event from a provider, stored once: a repeat of the same (provider, event id) is
    answered as received and changes nothing. ``outcome`` says what the event did."""

    class Outcome(models.TextChoices):
        RECEIVED = "received", _("Received")
        APPLIED = "applied", _("Applied")
        IGNORED = "ignored", _("Ignored")

    provider = models.CharField(_("payment provider"), max_length=20)
    event_id = models.CharField(_("event id"), max_length=100)
    type = models.CharField(_("type"), max_length=40)
    reference = models.CharField(_("our reference"), max_length=60, db_index=True)
    payload = models.JSONField(_("payload"))
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RECEIVED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payments_webhook_event_once"
            )
        ]

    def __str__(self):
        return f"{self.provider} {self.event_id} {self.type}"


class StatusChange(models.Model):
    """History: who or which provider event moved a top-up, refund or withdrawal from which
    status to which, when and why. Exactly one of the three is set."""

    top_up = models.ForeignKey(
        TopUp, on_delete=models.CASCADE, null=True, blank=True, related_name="history"
    )
    refund = models.ForeignKey(
        Refund, on_delete=models.CASCADE, null=True, blank=True, related_name="history"
    )
    withdrawal = models.ForeignKey(
        Withdrawal, on_delete=models.CASCADE, null=True, blank=True, related_name="history"
    )
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    event = models.ForeignKey(
        WebhookEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider event"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment status change")
        verbose_name_plural = _("payment status changes")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(top_up__isnull=False, refund__isnull=True, withdrawal__isnull=True)
                    | Q(top_up__isnull=True, refund__isnull=False, withdrawal__isnull=True)
                    | Q(top_up__isnull=True, refund__isnull=True, withdrawal__isnull=False)
                ),
                name="payments_status_change_one_subject",
            )
        ]

    def __str__(self):
        return f"{self.from_status or '·'} → {self.to_status}"


class SandboxOperation(models.Model):
    """The sandbox provider's record of a charge, payout or refund it was asked for: its own
    ``token`` (what a real provider calls its transaction id), our ``reference``, and the
    outcome once decided. An event is delivered for each decision until it is acknowledged
    (``delivered_at``)."""

    class Kind(models.TextChoices):
        CHARGE = "charge", _("Charge")
        PAYOUT = "payout", _("Payout")
        REFUND = "refund", _("Refund")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("payment", "Open")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    token = models.CharField(_("token"), max_length=40, unique=True)
    reference = models.CharField(_("merchant reference"), max_length=60)
    amount = amount_field(_("amount"))
    currency = currency_field()
    description = models.CharField(_("description"), max_length=200, blank=True)
    destination = models.CharField(_("destination"), max_length=40, blank=True)
    return_url = models.CharField(_("return address"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    failure_reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("event delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("sandbox operation")
        verbose_name_plural = _("sandbox operations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["delivered_at", "decided_at"])]
        constraints = [
            models.UniqueConstraint(fields=["kind", "reference"], name="payments_sandbox_once")
        ]

    def __str__(self):
        return f"{self.kind} {self.token} ({self.status})"
