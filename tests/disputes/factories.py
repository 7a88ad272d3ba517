"""Disputes built through the real services: a contract with a milestone in escrow or a
closed hourly week, a dispute opened on it, a mediator assigned."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from jiedan.contracts.models import WeeklyStatement
from jiedan.contracts.services.statements import statements_close_and_bill
from jiedan.disputes import services
from jiedan.disputes.models import Dispute
from jiedan.ledger.models import Account, Journal, PendingFunds
from jiedan.ledger.selectors import wallet_summary
from tests.contracts.factories import (
    active_contract,
    active_hourly_contract,
    funded_milestone,
    logged,
    submitted_milestone,
)
from tests.factories import StaffFactory
from tests.ledger.helpers import top_up

AMOUNT = Decimal("800.00")
PLAN = (("Logo and brand book", str(AMOUNT)),)
TZ = timezone.get_default_timezone()
MONDAY = datetime(2030, 1, 7, 0, 0, tzinfo=TZ)
WEDNESDAY = MONDAY + timedelta(days=2, hours=10)
NEXT_MONDAY = MONDAY + timedelta(days=7)


def claim(outcome: str = "refund", part=None, reason: str = "quality") -> services.Claim:
    return services.Claim(
        reason=reason,
        details="The logo is a stock image and the brand book is missing.",
        desired_outcome=outcome,
        desired_freelancer_amount=part,
    )


def milestone_in_escrow(state: str = "submitted", *, now=None):
    """A one-milestone contract (800.00) whose milestone is funded or submitted."""
    contract = active_contract(plan=PLAN)
    if state == "funded":
        return funded_milestone(contract)
    return submitted_milestone(contract, now=now)


def opened(by: str = "client", *, outcome: str = "refund", part=None, state="submitted", now=None):
    """A dispute opened on a fresh milestone by the client or the freelancer."""
    milestone = milestone_in_escrow(state)
    contract = milestone.contract
    actor = contract.client if by == "client" else contract.freelancer
    return services.dispute_open_milestone(
        actor=actor, milestone_id=milestone.pk, claim=claim(outcome, part), now=now
    )


def mediator(**kwargs):
    return StaffFactory(roles=["mediator"], **kwargs)


def assigner():
    return StaffFactory(roles=["admin"])


def in_mediation(dispute: Dispute, *, mediator_user=None, assigner_user=None, now=None) -> Dispute:
    """Escalated by the client, assigned to a mediator, the evidence time over by ``now``."""
    services.dispute_escalate(actor=dispute.contract.client, dispute_id=dispute.pk, now=now)
    mediator_user = mediator_user or mediator()
    services.dispute_assign(
        actor=assigner_user or assigner(),
        dispute_id=dispute.pk,
        mediator_id=mediator_user.pk,
        now=now,
    )
    dispute.refresh_from_db()
    return dispute


def closed_week(minutes=(90, 60), *, rate="120.00", wallet: str | None = "1000.00"):
    """An hourly contract's week of MONDAY closed into a statement in review (2.5 h at 120 =
    300.00 by default), the client's wallet topped up by ``wallet``."""
    contract = active_hourly_contract(rate=rate)
    if wallet:
        top_up(contract.client, wallet)
    for each in minutes:
        logged(contract, each, now=WEDNESDAY)
    statements_close_and_bill(now=NEXT_MONDAY)
    return WeeklyStatement.objects.get(contract=contract)


def money(user, currency: str = "CNY"):
    """(available, pending, in escrow or dispute hold) of a person."""
    summary = wallet_summary(owner=user, currency=currency)
    return summary.available, summary.pending, summary.in_escrow


def books() -> tuple:
    """Every balance and count a money movement writes, to compare around a refusal."""
    return (
        dict(Account.objects.values_list("pk", "balance")),
        Journal.objects.count(),
        PendingFunds.objects.count(),
    )
