"""Factories and helpers for proposals."""

from decimal import Decimal

from django.utils import timezone

from jiedan.proposals.services import MilestoneDetails, OptionDetails, ProposalDetails
from jiedan.proposals.services import proposal_submit as submit
from tests.factories import UserFactory

LETTER = "I have built many bilingual landing pages; here is how I would approach yours."


def details(**overrides) -> ProposalDetails:
    values = {"cover_letter": LETTER, "amount": Decimal("1500"), "delivery_days": 10}
    return ProposalDetails(**{**values, **overrides})


def tiered(**overrides) -> ProposalDetails:
    options = [
        OptionDetails("basic", "One page", "1000", 5),
        OptionDetails("standard", "Three pages", "1500", 10),
        OptionDetails("premium", "Three pages and a blog", "2500", 15),
    ]
    return details(options=options, **overrides)


def planned(**overrides) -> ProposalDetails:
    milestones = [
        MilestoneDetails("Design", "500", 4),
        MilestoneDetails("Build", "1000", 10),
    ]
    return details(milestones=milestones, **overrides)


def proposal_on(project, freelancer=None, *, now=None, **overrides):
    """A submitted proposal by ``freelancer`` (a new one by default)."""
    return submit(
        freelancer=freelancer or UserFactory(),
        project_id=project.pk,
        details=details(**overrides),
        now=now or timezone.now(),
    )
