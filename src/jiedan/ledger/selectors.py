"""Reads of the ledger: balances, a journal by key, an account's entries."""

from decimal import Decimal

from django.db.models import QuerySet

from .models import Account, Entry, Journal


def journal_for_key(*, idempotency_key: str) -> Journal | None:
    return Journal.objects.filter(idempotency_key=idempotency_key).first()


def account_balance(*, purpose: str, currency: str, owner=None, reference: str = "") -> Decimal:
    """The balance of an account, zero when it was never opened."""
    account = Account.objects.filter(
        purpose=purpose, currency=currency, owner=owner, reference=reference
    ).first()
    return account.balance if account else Decimal("0")


def balances_of(*, owner) -> dict[tuple[str, str], Decimal]:
    """A person's balances by (purpose, currency)."""
    return {
        (account.purpose, account.currency): account.balance
        for account in Account.objects.filter(owner=owner)
    }


def account_entries(*, account: Account) -> QuerySet[Entry]:
    """The account's entries, newest first, with their journals (page it)."""
    return account.entries.select_related("journal").order_by("-pk")
