"""Contracts built through the real services: a hired proposal, an offer on it, an active
contract (both accepted), funded milestones with the client's wallet topped up first."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from jiedan.contracts import services
from jiedan.contracts.models import Contract, Milestone
from jiedan.contracts.services.hourly import platform_today
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


def kept_plan(contract: Contract, *, skip=(), **changed) -> list[MilestoneDetails]:
    """The contract's live milestones as plan lines that keep them (by id); ``changed`` maps a
    position to the (title, amount) it gets; ``skip`` lists positions left out."""
    plan = []
    for milestone in milestones(contract):
        if milestone.status == "cancelled" or milestone.position in skip:
            continue
        title, amount = changed.get(f"p{milestone.position}", (milestone.title, milestone.amount))
        plan.append(MilestoneDetails(title, Decimal(amount), milestone.due_date, milestone.pk))
    return plan


def proposed_change(contract: Contract, *, by=None, added=(("Extra page", "200.00"),), **overrides):
    """A change request on an active contract (by the client unless ``by``) adding
    milestones to the plan it keeps."""
    plan = kept_plan(contract) + [MilestoneDetails(t, Decimal(a)) for t, a in added]
    return services.change_propose(
        actor=by or contract.client,
        contract_id=contract.pk,
        details=terms(plan=(), **{"milestones": plan, **overrides}),
        reason="The client wants one more page.",
        ip_address="203.0.113.9",
    )


# --- hourly contracts ------------------------------------------------------------------------


def hourly_overrides(rate="100.00", limit=10) -> dict:
    """Hourly terms: ``rate`` CNY an hour, at most ``limit`` hours a week, no milestones."""
    return {"kind": "hourly", "hourly_rate": Decimal(rate), "weekly_limit": limit}


def hourly_terms(rate="100.00", limit=10, **overrides) -> TermsDetails:
    return terms((), **{**hourly_overrides(rate, limit), **overrides})


def active_hourly_contract(rate="100.00", limit=10, **kwargs) -> Contract:
    """An hourly contract both parties accepted."""
    contract = offered_contract(plan=(), **kwargs, **hourly_overrides(rate, limit))
    return services.contract_accept(
        actor=contract.freelancer,
        contract_id=contract.pk,
        digest=contract.terms.digest,
        ip_address="198.51.100.4",
    )


def logged(contract: Contract, minutes: int, *, now, memo="Built the order form.", day=None):
    """Time the freelancer logs by hand on ``day`` (default: the day of ``now``)."""
    return services.time_entry_add(
        freelancer=contract.freelancer,
        contract_id=contract.pk,
        work_date=day or platform_today(now),
        minutes=minutes,
        memo=memo,
        now=now,
    )
