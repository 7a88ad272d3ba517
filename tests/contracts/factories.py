"""Contracts built through the real services: a hired proposal, an offer on it, an active
contract (both accepted), funded milestones with the client's wallet topped up first."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from jiedan.contracts import services
from jiedan.contracts.models import Contract, Milestone
from jiedan.contracts.terms import MilestoneDetails, TermsDetails
from jiedan.proposals.services import proposal_hire
from tests.factories import UserFactory
from tests.ledger.helpers import top_up
from tests.projects.factories import open_project
from tests.proposals.factories import proposal_on

PLAN = (("Design", "300.00"), ("Build", "700.00"))


def terms(plan=PLAN, **overrides) -> TermsDetails:
    """Terms for a two-milestone website (300 + 700 CNY), due in 30 days, 2 revisions."""
    values = {
        "scope": "A bilingual company website: home, services, contact.",
        "deliverables": ["Figma design", "Responsive site", "Source code"],
        "revisions": 2,
        "deadline": timezone.localdate() + timedelta(days=30),
        "milestones": [MilestoneDetails(title, Decimal(amount)) for title, amount in plan],
    }
    return TermsDetails(**{**values, **overrides})


def hired_proposal(client=None, freelancer=None):
    project = open_project(client=client) if client else open_project()
    proposal = proposal_on(project, freelancer=freelancer)
    return proposal_hire(client=project.client, proposal_id=proposal.pk)


def offered_contract(*, plan=PLAN, client=None, freelancer=None, **overrides) -> Contract:
    proposal = hired_proposal(client=client, freelancer=freelancer)
    return services.contract_offer_from_proposal(
        client=proposal.project.client,
        proposal_id=proposal.pk,
        details=terms(plan, **overrides),
        ip_address="203.0.113.7",
    )


def active_contract(**kwargs) -> Contract:
    contract = offered_contract(**kwargs)
    return services.contract_accept(
        actor=contract.freelancer,
        contract_id=contract.pk,
        digest=contract.terms.digest,
        ip_address="198.51.100.4",
    )


def milestones(contract: Contract) -> list[Milestone]:
    return list(contract.milestones.order_by("position"))


def funded_milestone(contract: Contract | None = None, position: int = 1) -> Milestone:
    """Top the client's wallet up by the milestone's amount and fund it."""
    contract = contract or active_contract()
    milestone = contract.milestones.get(position=position)
    top_up(contract.client, milestone.amount, currency=milestone.currency)
    return services.milestone_fund(client=contract.client, milestone_id=milestone.pk)


def submitted_milestone(contract: Contract | None = None, position: int = 1, *, now=None):
    milestone = funded_milestone(contract, position)
    services.milestone_submit(
        freelancer=milestone.contract.freelancer,
        milestone_id=milestone.pk,
        message="Design ready: see the attached pages.",
        now=now,
    )
    milestone.refresh_from_db()
    return milestone


def stranger():
    return UserFactory()
