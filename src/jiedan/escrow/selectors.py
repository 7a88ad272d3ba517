"""Reads over escrow commitments."""

from decimal import Decimal

from django.db.models import Sum

from .models import EscrowMovement, MovementKind


def escrow_totals(*, reference: str) -> dict[str, Decimal]:
    """Held, released and refunded sums for one reference (zero when nothing moved)."""
    sums = dict(
        EscrowMovement.objects.filter(reference=reference)
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    return {kind: sums.get(kind) or Decimal(0) for kind in MovementKind.values}


def escrow_balance(*, reference: str) -> Decimal:
    """What is still held for ``reference``: held − released − refunded."""
    totals = escrow_totals(reference=reference)
    return totals[MovementKind.HOLD] - totals[MovementKind.RELEASE] - totals[MovementKind.REFUND]


def escrow_movements(*, reference: str):
    return EscrowMovement.objects.filter(reference=reference).select_related("party")


def escrow_overdrawn_references() -> list[str]:
    """References that paid out or refunded more than they held (must always be empty)."""
    return [
        reference
        for reference in EscrowMovement.objects.values_list("reference", flat=True).distinct()
        if escrow_balance(reference=reference) < 0
    ]
