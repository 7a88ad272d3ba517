"""Deals: what similar work was actually paid, the assistants' evidence.

A deal is a completed fixed-price contract hired from a proposal on a project. Its text is
the project's (title, description, and the category's and skills' names in both languages),
its price what was released to the freelancer (a partly paid contract counts at what it
really paid), its duration the whole days from start to end. Deals get vectors under kind
``deal`` (``services.deals_embed_missing``), so the pricing assistant can rank them by
meaning against a new need. Reads only.
"""

import math
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet, Sum

from jiedan.contracts.models import Contract, Kind, Source, Status
from jiedan.projects.models import Project
from jiedan.proposals.models import Proposal
from jiedan.taxonomy.models import Category

from ..models import Embedding

DEAL_KIND = "deal"
DAY = timedelta(days=1)


@dataclass(frozen=True)
class DealFacts:
    contract_id: int
    price: Decimal
    currency: str
    days: int | None  # None when the contract has no start or end time


def deals() -> QuerySet[Contract]:
    """Completed fixed-price contracts whose proposal (and so project) still exists."""
    return Contract.objects.filter(
        Exists(Proposal.objects.filter(pk=OuterRef("source_id"))),
        status=Status.COMPLETED,
        kind=Kind.FIXED,
        source=Source.PROPOSAL,
    )


def deal_ids(*, currency: str, category_id: int | None = None) -> list[int]:
    """The deals in ``currency`` (and of projects in the category, when given): one query."""
    found = deals().filter(currency=currency)
    if category_id is not None:
        in_category = Proposal.objects.filter(project__category_id=category_id).values("pk")
        found = found.filter(source_id__in=in_category)
    return list(found.values_list("pk", flat=True))


def deals_without_vectors(*, encoder_name: str, limit: int) -> list[int]:
    """Deals with no vector from the encoder ``encoder_name`` yet, oldest first."""
    have = Embedding.objects.filter(kind=DEAL_KIND, encoder=encoder_name).values("object_id")
    return list(deals().exclude(pk__in=have).order_by("pk").values_list("pk", flat=True)[:limit])


def category_words(category: Category | None) -> list[str]:
    return [category.name_zh, category.name_en] if category else []


def project_text(project: Project, *, with_category: bool = True) -> str:
    """The text a project is compared by: title, description, skill names and (for a deal's
    vector) the category's names. A query leaves the category out: candidates are already of
    its category, and shared category words would make any text look alike."""
    names = category_words(project.category) if with_category else []
    for skill in project.skills.all():
        names += [skill.name_zh, skill.name_en]
    return "\n".join(
        part for part in (project.title, project.description, " · ".join(names)) if part
    )


def deal_texts(*, contract_ids: list[int]) -> dict[int, str]:
    """Each deal's text, by contract id, in three queries whatever the number."""
    sources = dict(deals().filter(pk__in=contract_ids).values_list("pk", "source_id"))
    proposals = (
        Proposal.objects.filter(pk__in=sources.values())
        .select_related("project__category")
        .prefetch_related("project__skills")
    )
    projects = {proposal.pk: proposal.project for proposal in proposals}
    return {
        contract_id: project_text(projects[proposal_id])
        for contract_id, proposal_id in sources.items()
        if proposal_id in projects
    }


def _days(started, ended) -> int | None:
    if started is None or ended is None:
        return None
    return max(1, math.ceil((ended - started) / DAY))


def deal_facts(*, contract_ids: list[int]) -> list[DealFacts]:
    """Price and duration of the given deals that paid something, in one query."""
    rows = (
        deals()
        .filter(pk__in=contract_ids)
        .annotate(paid=Sum("milestones__released_amount"))
        .filter(paid__gt=0)
        .values_list("pk", "paid", "currency", "started_at", "ended_at")
    )
    return [
        DealFacts(contract_id=pk, price=paid, currency=currency, days=_days(started, ended))
        for pk, paid, currency, started, ended in rows
    ]


def project_of_contract(contract: Contract) -> Project | None:
    """The project a contract was hired on (None for a service order or a contest)."""
    if contract.source != Source.PROPOSAL:
        return None
    proposal = (
        Proposal.objects.select_related("project__category")
        .prefetch_related("project__skills")
        .filter(pk=contract.source_id)
        .first()
    )
    return proposal.project if proposal else None
