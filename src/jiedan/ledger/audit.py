"""The ledger's invariants, checked over the whole database (``manage.py ledger_audit``).

1. Every journal has at least two entries and they sum to zero in each currency.
2. Every entry is in its account's currency.
3. Every account's cached balance equals the sum of its entries.
4. No account is below zero unless its purpose allows it (gateway clearing).
5. Every reversal mirrors the journal it undoes.

Apps whose records say where money should be add their own checks with ``register_check``
(the contracts app: every milestone's escrow matches its status).

Each check is one aggregate query, so the audit runs on a production-sized ledger.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Sum, Value
from django.db.models.functions import Abs, Coalesce

from jiedan.core.money import money_quantize

from .models import MAY_GO_NEGATIVE, Account, Entry, Journal

LIMIT = 50  # problems listed per check; the count is always complete
# Every stored amount is whole cents, so a real difference is at least 0.01; comparing with half
# a cent ignores the binary rounding of SQLite's sums (PostgreSQL's are exact).
HALF_CENT = Decimal("0.005")


@dataclass(frozen=True)
class Problem:
    check: str
    detail: str


def _unbalanced_journals():
    rows = (
        Entry.objects.values("journal_id", "currency")
        .annotate(total=Sum("amount"))
        .annotate(off=Abs("total"))
        .filter(off__gte=HALF_CENT)
        .order_by("journal_id")
    )
    return [
        Problem("journal_unbalanced", f"journal {r['journal_id']}: {r['total']} {r['currency']}")
        for r in rows[:LIMIT]
    ]


def _short_journals():
    rows = Journal.objects.annotate(n=Count("entries")).filter(n__lt=2).order_by("pk")
    return [Problem("journal_too_short", f"journal {j.pk}: {j.n} entries") for j in rows[:LIMIT]]


def _foreign_currency_entries():
    rows = Entry.objects.exclude(currency=F("account__currency")).order_by("pk")
    return [
        Problem("entry_currency", f"entry {e.pk}: {e.currency} in account {e.account_id}")
        for e in rows[:LIMIT]
    ]


def _stale_balances():
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))
    rows = (
        Account.objects.annotate(total=Coalesce(Sum("entries__amount"), zero))
        .annotate(off=Abs(F("balance") - F("total")))
        .filter(off__gte=HALF_CENT)
        .order_by("pk")
    )
    return [
        Problem(
            "balance_mismatch",
            f"account {a.pk}: cached {a.balance}, "
            f"entries sum {money_quantize(a.total, a.currency)}",
        )
        for a in rows[:LIMIT]
    ]


def _negative_balances():
    rows = Account.objects.filter(balance__lt=0).exclude(purpose__in=MAY_GO_NEGATIVE)
    return [
        Problem("balance_negative", f"account {a.pk} ({a.purpose}): {a.balance}")
        for a in rows.order_by("pk")[:LIMIT]
    ]


def _bad_reversals():
    problems = []
    reversals = Journal.objects.filter(reverses__isnull=False).order_by("pk")
    for reversal in reversals.prefetch_related("entries", "reverses__entries")[: LIMIT * 20]:
        mine = sorted((e.account_id, e.amount) for e in reversal.entries.all())
        mirror = sorted((e.account_id, -e.amount) for e in reversal.reverses.entries.all())
        if mine != mirror:
            problems.append(
                Problem("reversal_mismatch", f"journal {reversal.pk} / {reversal.reverses_id}")
            )
    return problems[:LIMIT]


CHECKS = (
    _unbalanced_journals,
    _short_journals,
    _foreign_currency_entries,
    _stale_balances,
    _negative_balances,
    _bad_reversals,
)


_registered: list = []


def register_check(check) -> None:
    """Add ``check`` (a function returning a list of ``Problem``) to every audit; called
    from an app's ``ready()``, once per check."""
    if check not in _registered:
        _registered.append(check)


def ledger_audit() -> list[Problem]:
    """Every broken invariant found (empty when the books are sound)."""
    return [problem for check in (*CHECKS, *_registered) for problem in check()]
