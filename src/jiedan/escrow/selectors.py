"""Reads over escrow: what is held for a reference, and the journals that moved it."""

from decimal import Decimal

from django.db.models import QuerySet

from jiedan.ledger.models import Account, Journal, Purpose


def escrow_balance(*, reference: str) -> Decimal:
    """What is still held in escrow for ``reference`` (zero when nothing ever was)."""
    account = Account.objects.filter(purpose=Purpose.ESCROW, reference=reference).first()
    return account.balance if account else Decimal("0")


def escrow_journals(*, reference: str) -> QuerySet[Journal]:
    """Every journal about ``reference`` (holds, releases, refunds, disputes), oldest first."""
    return Journal.objects.filter(reference=reference).order_by("pk")


def escrow_moved(*, reference: str, kind: str) -> Decimal:
    """How much left (or, for holds, entered) the escrow of ``reference`` in journals of
    ``kind`` (``escrow.held``, ``escrow.released``, ``escrow.refunded``)."""
    account = Account.objects.filter(purpose=Purpose.ESCROW, reference=reference).first()
    if account is None:
        return Decimal("0")
    amounts = account.entries.filter(journal__kind=kind).values_list("amount", flat=True)
    return abs(sum(amounts, Decimal("0")))
