from decimal import Decimal
from uuid import uuid4

from jiedan.ledger.models import Account, Purpose
from jiedan.ledger.services import Line, account_get, ledger_post


def wallet(user, currency: str = "CNY") -> Account:
    return account_get(purpose=Purpose.WALLET, currency=currency, owner=user)


def clearing(currency: str = "CNY") -> Account:
    return account_get(purpose=Purpose.GATEWAY_CLEARING, currency=currency)


def escrow(reference: str, currency: str = "CNY") -> Account:
    return account_get(purpose=Purpose.ESCROW, currency=currency, reference=reference)


def top_up(user, amount: str, *, key: str | None = None, currency: str = "CNY"):
    """Money arriving from the payment provider into the person's wallet (each call is a new
    top-up unless a ``key`` is given)."""
    amount = Decimal(amount)
    return ledger_post(
        idempotency_key=key or f"top-up:{uuid4()}",
        kind="wallet.top_up",
        lines=[Line(clearing(currency), -amount), Line(wallet(user, currency), amount)],
    )


def balances() -> dict[int, Decimal]:
    """Every account's balance, to compare before and after a refused movement."""
    return dict(Account.objects.values_list("pk", "balance"))
