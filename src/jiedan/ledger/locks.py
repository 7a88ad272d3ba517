"""Locking querysets for the ledger. Accounts are always locked in primary-key order, so two
journals touching the same accounts never wait on each other in a cycle; a reversal locks the
journal it undoes first, then the accounts."""

from django.db.models import QuerySet

from .models import Account, Journal


def accounts(account_ids) -> QuerySet[Account]:
    """``SELECT … FOR UPDATE`` on these accounts, in primary-key order."""
    return Account.objects.select_for_update().filter(pk__in=account_ids).order_by("pk")


def journals() -> QuerySet[Journal]:
    """``SELECT … FOR UPDATE`` on journal rows (a lock only: journals are never updated)."""
    return Journal.objects.select_for_update(of=("self",)).order_by("pk")
