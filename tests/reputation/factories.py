"""Work histories for reputation tests. Contracts go through the real services (a hired
proposal, accepted terms, a funded milestone delivered and approved); reviews and disputes are
rows made within their models' constraints, since their services are built elsewhere."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from jiedan.contracts import services as contracts
from jiedan.contracts.models import Contract
from jiedan.contracts.terms import MilestoneDetails
from jiedan.disputes.models import Dispute
from jiedan.reviews.models import Review
from tests.contracts.factories import active_contract, funded_milestone


def delivered_contract(*, freelancer, client=None, amount="1000.00", due=None, delivered=None):
    """An active one-milestone contract whose work was delivered at ``delivered`` (default now)
    and is waiting for the client's approval."""
    plan = [MilestoneDetails("Logo and brand guide", Decimal(amount), due)]
    contract = active_contract(client=client, freelancer=freelancer, milestones=plan)
    milestone = funded_milestone(contract)
    contracts.milestone_submit(
        freelancer=freelancer,
        milestone_id=milestone.pk,
        message="The logo and the guide, as agreed.",
        now=delivered,
    )
    return contract


def completed_contract(*, freelancer, client=None, amount="1000.00", ended_at=None, **kwargs):
    """A contract completed by approving its one milestone at ``ended_at`` (default now): the
    money is released to the freelancer through escrow."""
    contract = delivered_contract(freelancer=freelancer, client=client, amount=amount, **kwargs)
    milestone = contract.milestones.get()
    contracts.milestone_approve(client=contract.client, milestone_id=milestone.pk, now=ended_at)
    contract.refresh_from_db()
    return contract


def cancelled_contract(*, freelancer, client=None, ended_at=None) -> Contract:
    """A contract ended before anything was funded or paid."""
    contract = active_contract(client=client, freelancer=freelancer)
    return contracts.contract_end(
        actor=contract.client, contract_id=contract.pk, reason="Plans changed.", now=ended_at
    )


def review_of_freelancer(contract, rating, *, private_rating=None, revealed=True, hidden=False):
    now = timezone.now()
    return Review.objects.create(
        contract=contract,
        author=contract.client,
        subject=contract.freelancer,
        author_role="client",
        rating=rating,
        private_rating=private_rating,
        revealed_at=now if revealed else None,
        hidden_at=now if hidden else None,
        hidden_reason="Insults." if hidden else "",
    )


def review_of_client(contract, rating):
    return Review.objects.create(
        contract=contract,
        author=contract.freelancer,
        subject=contract.client,
        author_role="freelancer",
        rating=rating,
        revealed_at=timezone.now(),
    )


def closed_dispute(contract, *, to_freelancer, opener="client", status="decided", closed_at=None):
    """A dispute on the contract's first milestone that ended with ``to_freelancer`` of its
    amount paid to the freelancer and the rest to the client."""
    milestone = contract.milestones.order_by("position").first()
    closed_at = closed_at or timezone.now()
    freelancer_amount = Decimal(to_freelancer)
    return Dispute.objects.create(
        contract=contract,
        milestone=milestone,
        opened_by=contract.client if opener == "client" else contract.freelancer,
        opener_side=opener,
        reason="quality",
        details="The work is not what we agreed.",
        desired_outcome="refund" if opener == "client" else "release",
        amount=milestone.amount,
        currency=milestone.currency,
        status=status,
        negotiation_ends_at=closed_at - timedelta(days=3),
        freelancer_amount=freelancer_amount,
        client_amount=milestone.amount - freelancer_amount,
        closed_at=closed_at,
    )
