"""Reads for contracts. Only the two parties see a contract, its terms, milestones and
deliveries; for anyone else it does not exist (``NotFound``)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotFound
from jiedan.proposals.models import Proposal
from jiedan.proposals.models import Status as ProposalStatus
from jiedan.proposals.selectors import hire_terms

from .models import (
    Cancellation,
    CancellationStatus,
    Contract,
    Delivery,
    DeliveryFile,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    Status,
    TermsAcceptance,
)
from .terms import MilestoneDetails, TermsDetails


def contracts_of(*, user, status: str | None = None) -> QuerySet[Contract]:
    """The person's contracts as client or freelancer, newest first (page it)."""
    contracts = Contract.objects.filter(Q(client=user) | Q(freelancer=user))
    if status:
        contracts = contracts.filter(status=status)
    return contracts.select_related("client", "freelancer", "terms").order_by("-created_at", "-pk")


def contract_for_party(*, user, contract_id: int) -> Contract:
    """One contract with everything its page shows, in a fixed number of queries."""
    deliveries = Delivery.objects.select_related("author").prefetch_related("files")
    contract = (
        Contract.objects.filter(Q(client=user) | Q(freelancer=user), pk=contract_id)
        .select_related("client", "freelancer", "terms", "terms__created_by")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("position")),
            Prefetch("milestones__deliveries", queryset=deliveries.order_by("-number")),
            Prefetch(
                "terms__acceptances", queryset=TermsAcceptance.objects.select_related("party")
            ),
        )
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if contract is None:
        raise NotFound(_("No such contract."), code="contract_not_found")
    return contract


def contract_history(*, contract: Contract):
    return contract.status_changes.select_related("actor").order_by("created_at", "pk")


def milestone_changes(*, contract: Contract) -> dict[int, list[MilestoneStatusChange]]:
    """Each milestone's status changes (with the change requests' notes), by milestone id, in
    one query."""
    changes = MilestoneStatusChange.objects.filter(milestone__contract=contract)
    grouped: dict[int, list[MilestoneStatusChange]] = defaultdict(list)
    for change in changes.select_related("actor").order_by("created_at", "pk"):
        grouped[change.milestone_id].append(change)
    return dict(grouped)


def _of_party(user) -> Q:
    return Q(contract__client=user) | Q(contract__freelancer=user)


def milestone_for_party(*, user, milestone_id: int) -> Milestone:
    """A milestone of one of the person's contracts; for anyone else it does not exist."""
    found = (
        Milestone.objects.filter(_of_party(user), pk=milestone_id).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if found is None:
        raise NotFound(_("No such milestone."), code="milestone_not_found")
    return found


def cancellation_for_party(*, user, cancellation_id: int) -> Cancellation:
    """A cancellation proposal on one of the person's contracts."""
    found = (
        Cancellation.objects.filter(_of_party(user), pk=cancellation_id).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if found is None:
        raise NotFound(_("No such cancellation."), code="cancellation_not_found")
    return found


@dataclass(frozen=True)
class WaitingCounts:
    offers: int  # offers whose current terms the person has not accepted yet
    reviews: int  # submissions waiting for the person's review, as the client


def contracts_waiting(*, user) -> WaitingCounts:
    """What waits for the person on their contracts, in one query."""
    accepted = TermsAcceptance.objects.filter(terms=OuterRef("terms"), party=user)
    counts = Contract.objects.filter(Q(client=user) | Q(freelancer=user)).aggregate(
        offers=Count("pk", filter=Q(status=Status.OFFERED) & ~Exists(accepted), distinct=True),
        reviews=Count(
            "milestones",
            filter=Q(client=user, milestones__status=MilestoneStatus.SUBMITTED),
            distinct=True,
        ),
    )
    return WaitingCounts(offers=counts["offers"], reviews=counts["reviews"])


def contract_open_cancellation(*, contract: Contract) -> Cancellation | None:
    return (
        contract.cancellations.filter(status=CancellationStatus.PROPOSED)
        .select_related("proposed_by")
        .first()
    )


def waiting_for(*, contract: Contract, user) -> bool:
    """Whether ``user`` is a party who has not accepted the current terms of an offer yet."""
    if contract.status != Status.OFFERED or user.pk not in contract.party_ids():
        return False
    return all(acceptance.party_id != user.pk for acceptance in contract.terms.acceptances.all())


def delivery_file_for_party(*, user, file_id: int) -> DeliveryFile:
    """A delivered file, for the contract's parties only."""
    found = (
        DeliveryFile.objects.filter(pk=file_id)
        .filter(
            Q(delivery__milestone__contract__client=user)
            | Q(delivery__milestone__contract__freelancer=user)
        )
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if found is None:
        raise NotFound(_("No such file."), code="file_not_found")
    return found


def offer_prefill(*, client, proposal_id: int) -> tuple[Proposal, TermsDetails]:
    """A hired proposal of the client's and the terms an offer starts from: its price (or
    the chosen option's) as the proposed milestones, or one milestone; the deadline its
    delivery time from today."""
    proposal = (
        Proposal.objects.select_related("project", "freelancer", "hired_option")
        .prefetch_related("milestones")
        .filter(pk=proposal_id, project__client=client, status=ProposalStatus.HIRED)
        .first()
        if getattr(client, "is_authenticated", False)
        else None
    )
    if proposal is None:
        raise NotFound(_("No such hired proposal."), code="proposal_not_found")
    terms = hire_terms(proposal=proposal)
    today = timezone.localdate()
    milestones = [
        MilestoneDetails(
            title=planned.title,
            amount=planned.amount,
            due_date=today + timedelta(days=planned.due_in_days),
        )
        for planned in terms.milestones
    ] or [MilestoneDetails(title=proposal.project.title[:200], amount=terms.price)]
    last_due = max((m.due_date for m in milestones if m.due_date), default=None)
    deadline = max(filter(None, [today + timedelta(days=terms.delivery_days), last_due]))
    details = TermsDetails(
        scope=proposal.project.description, deadline=deadline, milestones=milestones
    )
    return proposal, details


def contract_for_source(*, source: str, source_id: int) -> Contract | None:
    return Contract.objects.filter(source=source, source_id=source_id).first()
