"""The double-entry ledger: every movement of money is a ``Journal`` of ``Entry`` rows that sum
to zero per currency.

An ``Account`` belongs to an owner (a person) or to the platform, has a ``purpose`` and, for
escrow and dispute hold, a ``reference`` to what the money is held for (``milestone:12``) and
the person who paid it in (``funded_by``, fixed when the account opens). Its
``balance`` is a cache of the sum of its entries, kept in step by ``services.ledger_post`` under
a row lock; ``manage.py ledger_audit`` proves the two agree. A positive balance is money the
account holds. Only the gateway clearing account may go below zero: it stands for money on its
way in from, or out to, a payment provider.

Journals and entries are append-only: a mistake is undone by a reversal journal, never by an
edit. On PostgreSQL a trigger rejects any UPDATE or DELETE of them (migration 0002).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import amount_field, currency_field


class Purpose(models.TextChoices):
    WALLET = "wallet", _("Wallet (available)")
    PENDING = "pending", _("Pending (in the hold period)")
    PAYOUT = "payout", _("Withdrawals in progress")
    ESCROW = "escrow", _("Escrow")
    DISPUTE_HOLD = "dispute_hold", _("Dispute hold")
    PLATFORM_FEES = "platform_fees", _("Platform fee revenue")
    ROUNDING = "rounding", _("Rounding remainders")
    GATEWAY_CLEARING = "gateway_clearing", _("Payment gateway clearing")


# Accounts of a person, accounts of something held (with a reference), platform accounts.
PERSONAL_PURPOSES = frozenset({Purpose.WALLET, Purpose.PENDING, Purpose.PAYOUT})
HELD_PURPOSES = frozenset({Purpose.ESCROW, Purpose.DISPUTE_HOLD})
PLATFORM_PURPOSES = frozenset({Purpose.PLATFORM_FEES, Purpose.ROUNDING, Purpose.GATEWAY_CLEARING})
MAY_GO_NEGATIVE = frozenset({Purpose.GATEWAY_CLEARING})


class Account(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
        verbose_name=_("owner"),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    reference = models.CharField(_("held for"), max_length=60, blank=True)
    funded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("funded by"),
        help_text=_("For escrow and dispute hold: the person whose money is held."),
    )
    currency = currency_field()
    balance = amount_field(_("balance"), default=0, editable=False)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "purpose", "reference", "currency"],
                condition=Q(owner__isnull=False),
                name="ledger_account_once_per_owner",
            ),
            models.UniqueConstraint(
                fields=["purpose", "reference", "currency"],
                condition=Q(owner__isnull=True),
                name="ledger_account_once_without_owner",
            ),
            models.CheckConstraint(
                condition=Q(balance__gte=0) | Q(purpose__in=sorted(MAY_GO_NEGATIVE)),
                name="ledger_account_not_negative",
            ),
        ]

    def __str__(self):
        owner = f"user {self.owner_id}" if self.owner_id else "platform"
        reference = f" {self.reference}" if self.reference else ""
        return f"{self.purpose}{reference} ({owner}, {self.currency})"


class Journal(models.Model):
    """One movement of money, posted once per idempotency key. ``kind`` is a dotted name of
    what happened (``wallet.top_up``, ``milestone.released``); ``fingerprint`` is the SHA-256
    of its entries, so a replay with other entries is told apart from a true repeat."""

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=60)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    reference = models.CharField(_("about"), max_length=60, blank=True, db_index=True)
    fingerprint = models.CharField(max_length=64, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("journal")
        verbose_name_plural = _("journals")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class Entry(models.Model):
    """One side of a journal: ``amount`` added to (positive) or taken from (negative) an
    account, in the account's currency."""

    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = amount_field(_("amount"))
    currency = currency_field()

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["pk"]
        indexes = [models.Index(fields=["account", "journal"])]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero")]

    def __str__(self):
        return f"{self.account_id}: {self.amount} {self.currency}"


class PendingFunds(models.Model):
    """Earnings in the hold period: ``amount`` credited to the owner's pending account by
    ``journal`` becomes available (moved to the wallet by ``settled_journal``) at
    ``available_at``. ``settled_journal`` is the only field ever set after creation."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pending_funds",
        verbose_name=_("owner"),
    )
    amount = amount_field(_("amount"))
    currency = currency_field()
    journal = models.OneToOneField(
        Journal, on_delete=models.PROTECT, related_name="pending_funds", verbose_name=_("credit")
    )
    available_at = models.DateTimeField(_("available from"), db_index=True)
    settled_journal = models.OneToOneField(
        Journal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settled_pending_funds",
        verbose_name=_("made available by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("pending funds")
        verbose_name_plural = _("pending funds")
        ordering = ["available_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_pending_positive")
        ]

    def __str__(self):
        return f"{self.owner_id}: {self.amount} {self.currency} from {self.available_at:%Y-%m-%d}"
