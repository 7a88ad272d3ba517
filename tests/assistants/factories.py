"""Deals for the assistants: completed fixed-price contracts on projects, with what was paid
and how long they took. The project and proposal go through the real services; the finished
contract is written as the contracts app leaves it (a test proves a contract completed
through the services counts the same)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from jiedan.contracts.models import Contract, Kind, Milestone, MilestoneStatus, Source, Status
from jiedan.matching.assistants.services import deals_embed_missing
from jiedan.taxonomy.models import Category
from tests.projects.factories import open_project
from tests.proposals.factories import proposal_on

LOGO_DESCRIPTION = "A modern logo with a colour palette and business cards for our shop."


def category(slug: str) -> Category:
    return Category.objects.get(slug=slug)


def completed_deal(
    *,
    title: str,
    price,
    currency: str = "CNY",
    category_slug: str | None = "design",
    days: int = 10,
    description: str = LOGO_DESCRIPTION,
    kind: str = Kind.FIXED,
    status: str = Status.COMPLETED,
) -> Contract:
    """A contract hired on a new project, started ``days`` ago and ended now, that released
    ``price`` to the freelancer."""
    project = open_project(
        title=title,
        description=description,
        currency=currency,
        category=category(category_slug) if category_slug else None,
    )
    proposal = proposal_on(project)
    now = timezone.now()
    contract = Contract.objects.create(
        client=project.client,
        freelancer=proposal.freelancer,
        source=Source.PROPOSAL,
        source_id=proposal.pk,
        kind=kind,
        title=title,
        currency=currency,
        status=status,
        started_at=now - timedelta(days=days),
        ended_at=now if status == Status.COMPLETED else None,
    )
    Milestone.objects.create(
        contract=contract,
        position=1,
        title="The whole work",
        amount=Decimal(price),
        currency=currency,
        status=MilestoneStatus.RELEASED,
        released_amount=Decimal(price),
    )
    return contract


def logo_deals(prices, *, days=None, **kwargs) -> list[Contract]:
    """Logo deals at ``prices`` (and durations ``days``, default 10 each)."""
    days = days or [10] * len(prices)
    return [
        completed_deal(title=f"Logo design for a tea shop {n}", price=price, days=spent, **kwargs)
        for n, (price, spent) in enumerate(zip(prices, days, strict=True))
    ]


def embedded(capture) -> int:
    """Run the embedding job for the deals, with the index told of the new vectors."""
    with capture(execute=True):
        return deals_embed_missing()
