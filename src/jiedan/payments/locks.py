"""Locking querysets for payment writes. The order is fixed everywhere: a webhook event row
first (its unique insert), then the top-up, refund or withdrawal row, then ledger accounts
(locked by the ledger in primary-key order). A request that takes money from a wallet locks
the person's wallet and payout accounts first and then only inserts new rows, so it never
waits on a row another transaction locked before its accounts."""

from django.db.models import QuerySet

from .models import Refund, TopUp, Withdrawal


def top_ups() -> QuerySet[TopUp]:
    return TopUp.objects.select_for_update(of=("self",)).order_by("pk")


def refunds() -> QuerySet[Refund]:
    return Refund.objects.select_for_update(of=("self",)).order_by("pk")


def withdrawals() -> QuerySet[Withdrawal]:
    return Withdrawal.objects.select_for_update(of=("self",)).order_by("pk")
