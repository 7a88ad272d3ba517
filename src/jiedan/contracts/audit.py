"""The contracts' part of ``manage.py ledger_audit``: every milestone's money is where its
status says. In escrow (funded, submitted, changes requested): the escrow account holds the
amount. In dispute: the dispute hold holds it. Otherwise the escrow is empty, and a settled
milestone paid out and refunded no more than its amount (a database constraint too)."""

from decimal import Decimal

from jiedan.ledger.audit import LIMIT, Problem
from jiedan.ledger.models import Account, Purpose

from .models import ESCROW_PREFIX, IN_ESCROW, Milestone, MilestoneStatus

CHUNK = 2000


def _held_by_reference() -> dict[tuple[str, str], Decimal]:
    rows = Account.objects.filter(
        purpose__in=(Purpose.ESCROW, Purpose.DISPUTE_HOLD),
        reference__startswith=f"{ESCROW_PREFIX}:",
    ).values_list("purpose", "reference", "balance")
    return {(purpose, reference): balance for purpose, reference, balance in rows}


def _expected(status: str, amount: Decimal) -> tuple[Decimal, Decimal]:
    """(escrow, dispute hold) balances the milestone's status calls for."""
    if status in IN_ESCROW:
        return amount, Decimal(0)
    if status == MilestoneStatus.DISPUTED:
        return Decimal(0), amount
    return Decimal(0), Decimal(0)


def milestone_escrow_problems() -> list[Problem]:
    held = _held_by_reference()
    problems = []
    rows = Milestone.objects.order_by("pk").values_list("pk", "status", "amount")
    for pk, status, amount in rows.iterator(chunk_size=CHUNK):
        reference = f"{ESCROW_PREFIX}:{pk}"
        actual = (
            held.get((Purpose.ESCROW, reference), Decimal(0)),
            held.get((Purpose.DISPUTE_HOLD, reference), Decimal(0)),
        )
        if actual != _expected(status, amount):
            problems.append(
                Problem(
                    "milestone_escrow_mismatch",
                    f"milestone {pk} ({status}, {amount}): "
                    f"escrow {actual[0]}, dispute hold {actual[1]}",
                )
            )
            if len(problems) >= LIMIT:
                break
    return problems
