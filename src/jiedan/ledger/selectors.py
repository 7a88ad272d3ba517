"""Reads of the ledger: balances, a journal by key, an account's entries, a person's wallet."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Min, QuerySet, Sum

from .models import HELD_PURPOSES, Account, Entry, Journal, PendingFunds, Purpose


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


@dataclass(frozen=True)
class WalletSummary:
    """A person's money in one currency: ``available`` to spend or withdraw, ``pending`` in the
    hold period (the next part from ``next_available_at``), ``in_escrow`` they paid in and is
    held for work or a dispute, and ``withdrawing`` on its way to their bank."""

    currency: str
    available: Decimal
    pending: Decimal
    in_escrow: Decimal
    withdrawing: Decimal
    next_available_at: datetime | None


def wallet_summary(*, owner, currency: str) -> WalletSummary:
    """Three queries whatever the size of the ledger (balances are cached on accounts)."""
    own = dict(
        Account.objects.filter(owner=owner, currency=currency).values_list("purpose", "balance")
    )
    held = Account.objects.filter(
        funded_by=owner, currency=currency, purpose__in=sorted(HELD_PURPOSES)
    ).aggregate(total=Sum("balance"))["total"]
    next_at = PendingFunds.objects.filter(
        owner=owner, currency=currency, settled_journal__isnull=True
    ).aggregate(at=Min("available_at"))["at"]
    zero = Decimal("0.00")
    return WalletSummary(
        currency=currency,
        available=own.get(Purpose.WALLET, zero),
        pending=own.get(Purpose.PENDING, zero),
        in_escrow=held or zero,
        withdrawing=own.get(Purpose.PAYOUT, zero),
        next_available_at=next_at,
    )
