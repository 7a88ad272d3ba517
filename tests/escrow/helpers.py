"""Reading escrow movements in tests: the ledger journals about a reference, by kind."""

from django.db.models import QuerySet

from jiedan.ledger.models import Journal

HELD, RELEASED, REFUNDED = "escrow.held", "escrow.released", "escrow.refunded"


def escrow_journals(reference: str | None = None, kind: str | None = None) -> QuerySet[Journal]:
    """Escrow journals (all of them, or of one reference and/or kind)."""
    journals = Journal.objects.filter(kind__startswith="escrow.")
    if reference is not None:
        journals = journals.filter(reference=reference)
    if kind is not None:
        journals = journals.filter(kind=kind)
    return journals.order_by("pk")


def escrow_amount(journal: Journal):
    """How much entered or left escrow in ``journal`` (the gross amount of a release)."""
    return abs(sum(entry.amount for entry in journal.entries.filter(account__purpose="escrow")))


def payee(journal: Journal):
    """Who a release or refund paid: the owner of the personal account it credited."""
    entry = journal.entries.select_related("account__owner").get(
        amount__gt=0, account__owner__isnull=False
    )
    return entry.account.owner
