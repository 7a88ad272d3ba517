"""The contracts' part of ``manage.py ledger_audit``: every milestone's money is where its
status says. In escrow (funded, submitted, changes requested): the escrow account holds the
amount. In dispute: the dispute hold holds it. Otherwise the escrow is empty, and a settled
milestone paid out and refunded no more than its amount (a database constraint too).

Weekly statements of hourly contracts are held and released in one transaction, so every
``statement:`` escrow is empty, and a billed statement released exactly its amount. A week in
dispute had its amount moved on to the dispute hold, which counts as released; a dispute
withdrawn brings it back (the disputes app checks the dispute holds themselves)."""

from decimal import Decimal

from django.db.models import Sum

from jiedan.ledger.audit import HALF_CENT, LIMIT, Problem
from jiedan.ledger.models import Account, Entry, Purpose

from .models import (
    ESCROW_PREFIX,
    IN_ESCROW,
    STATEMENT_PREFIX,
    Milestone,
    MilestoneStatus,
    StatementStatus,
    WeeklyStatement,
)

CHUNK = 2000
# Journals that take a statement's money out of its escrow for good (a release, or a move to
# the dispute hold) or bring it back (a dispute withdrawn); the fund and refund of a dispute
# over a week pass through the escrow and cancel out.
STATEMENT_OUTFLOW_KINDS = ("escrow.released", "escrow.disputed", "escrow.dispute_returned")


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


def _released_by_statement() -> dict[int, Decimal]:
    rows = (
        Entry.objects.filter(
            account__purpose=Purpose.ESCROW,
            account__reference__startswith=f"{STATEMENT_PREFIX}:",
            journal__kind__in=STATEMENT_OUTFLOW_KINDS,
        )
        .values("account__reference")
        .annotate(total=Sum("amount"))
        .values_list("account__reference", "total")
    )
    return {int(reference.split(":", 1)[1]): -total for reference, total in rows}


def statement_escrow_problems() -> list[Problem]:
    problems = [
        Problem("statement_escrow_not_empty", f"{reference}: escrow {balance}")
        for reference, balance in Account.objects.filter(
            purpose=Purpose.ESCROW, reference__startswith=f"{STATEMENT_PREFIX}:"
        )
        .exclude(balance=0)
        .values_list("reference", "balance")[:LIMIT]
    ]
    released = _released_by_statement()
    rows = WeeklyStatement.objects.order_by("pk").values_list("pk", "status", "amount")
    for pk, status, amount in rows.iterator(chunk_size=CHUNK):
        paid = released.get(pk, Decimal(0))
        paid_statuses = (StatementStatus.BILLED, StatementStatus.DISPUTED)
        expected = amount if status in paid_statuses else Decimal(0)
        if abs(paid - expected) >= HALF_CENT:
            problems.append(
                Problem(
                    "statement_release_mismatch",
                    f"statement {pk} ({status}, {amount}): released {paid}",
                )
            )
            if len(problems) >= LIMIT:
                break
    return problems
