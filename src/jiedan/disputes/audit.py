"""The disputes' part of ``manage.py ledger_audit``.

1. Every dispute hold account of a milestone or week holds exactly what the open dispute on
   it says it holds (``held_amount``), and nothing when no dispute on it is open (settled,
   decided and withdrawn disputes leave it empty).
2. Every settled or decided dispute paid out exactly what it held, split as recorded: its
   settlement journal took ``held_amount`` out of the hold and the shares add up to it.
"""

from decimal import Decimal

from django.db.models import Q, Sum

from jiedan.contracts.models import ESCROW_PREFIX, STATEMENT_PREFIX
from jiedan.ledger.audit import HALF_CENT, LIMIT, Problem
from jiedan.ledger.models import Account, Entry, Purpose

from .models import OPEN_STATUSES, Dispute, Status

SETTLED_KIND = "escrow.dispute_settled"


def _reference(milestone_id: int | None, statement_id: int | None) -> str:
    if milestone_id:
        return f"{ESCROW_PREFIX}:{milestone_id}"
    return f"{STATEMENT_PREFIX}:{statement_id}"


def dispute_hold_problems() -> list[Problem]:
    holds = dict(
        Account.objects.filter(purpose=Purpose.DISPUTE_HOLD)
        .filter(
            Q(reference__startswith=f"{ESCROW_PREFIX}:")
            | Q(reference__startswith=f"{STATEMENT_PREFIX}:")
        )
        .values_list("reference", "balance")
    )
    expected: dict[str, Decimal] = {}
    rows = Dispute.objects.filter(status__in=OPEN_STATUSES).values_list(
        "pk", "milestone_id", "statement_id", "held_amount"
    )
    for _pk, milestone_id, statement_id, held in rows:
        expected[_reference(milestone_id, statement_id)] = held
    problems = []
    for reference in sorted(set(holds) | set(expected)):
        actual, wanted = holds.get(reference, Decimal(0)), expected.get(reference, Decimal(0))
        if abs(actual - wanted) >= HALF_CENT:
            problems.append(
                Problem(
                    "dispute_hold_mismatch",
                    f"{reference}: dispute hold {actual}, open dispute holds {wanted}",
                )
            )
            if len(problems) >= LIMIT:
                break
    return problems


def _paid_out_by_reference() -> dict[str, Decimal]:
    rows = (
        Entry.objects.filter(account__purpose=Purpose.DISPUTE_HOLD, journal__kind=SETTLED_KIND)
        .values("account__reference")
        .annotate(total=Sum("amount"))
        .values_list("account__reference", "total")
    )
    return {reference: -total for reference, total in rows}


def dispute_split_problems() -> list[Problem]:
    """Settled and decided disputes: the shares add up to what was held and paid out."""
    paid_out = _paid_out_by_reference()
    closed: dict[str, Decimal] = {}
    problems = []
    rows = Dispute.objects.filter(status__in=(Status.SETTLED, Status.DECIDED)).values_list(
        "pk", "milestone_id", "statement_id", "held_amount", "freelancer_amount", "client_amount"
    )
    for pk, milestone_id, statement_id, held, to_freelancer, to_client in rows.order_by("pk"):
        reference = _reference(milestone_id, statement_id)
        closed[reference] = closed.get(reference, Decimal(0)) + held
        if abs((to_freelancer or 0) + (to_client or 0) - held) >= HALF_CENT:
            problems.append(
                Problem(
                    "dispute_split_mismatch",
                    f"dispute {pk}: {to_freelancer} + {to_client} != held {held}",
                )
            )
    for reference in sorted(set(paid_out) | set(closed)):
        paid, held = paid_out.get(reference, Decimal(0)), closed.get(reference, Decimal(0))
        if abs(paid - held) >= HALF_CENT:
            problems.append(
                Problem("dispute_payout_mismatch", f"{reference}: paid out {paid}, held {held}")
            )
    return problems[:LIMIT]
