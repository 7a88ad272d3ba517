"""Escrow commitments: money a client sets aside for a contest prize or a piece-rate budget,
and where it goes (paid to a freelancer, or returned to the client).

This is the seam to the double-entry ledger (the contracts and payments work): each movement
here is one the ledger will post as a journal (hold: client wallet → escrow; release: escrow →
freelancer, net of commission; refund: escrow → client wallet). Rows are append-only and each
is unique on its idempotency key. For every ``reference`` the released and refunded amounts
never exceed what was held.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import amount_field, currency_field


class MovementKind(models.TextChoices):
    HOLD = "hold", _("Held in escrow")
    RELEASE = "release", _("Paid out")
    REFUND = "refund", _("Returned to the client")


class EscrowMovement(models.Model):
    reference = models.CharField(_("for"), max_length=60, db_index=True)
    kind = models.CharField(_("movement"), max_length=8, choices=MovementKind.choices)
    party = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="escrow_movements",
        verbose_name=_("party"),
    )
    amount = amount_field(_("amount"))
    currency = currency_field()
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("escrow movement")
        verbose_name_plural = _("escrow movements")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="escrow_amount_positive")
        ]

    def __str__(self):
        return f"{self.reference} {self.kind} {self.amount} {self.currency}"
