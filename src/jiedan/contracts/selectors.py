"""Reads for contracts. Only the two parties see a contract, its terms, milestones and
deliveries; for anyone else it does not exist (``NotFound``)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.contests.models import Entry
from jiedan.core.errors import NotFound
from jiedan.projects.models import BudgetType
from jiedan.proposals.models import Proposal
from jiedan.proposals.models import Status as ProposalStatus
from jiedan.proposals.selectors import hire_terms

from .models import (
    Cancellation,
    CancellationStatus,
    ChangeRequest,
    ChangeStatus,
    Contract,
    DelayPolicy,
    Delivery,
    DeliveryFile,
    IpTransfer,
    Kind,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    StatementStatus,
    Status,
    TermsAcceptance,
)
from .terms import MilestoneDetails, TermsDetails

HOURLY_PREFILL_LIMIT = 20  # hours a week an hourly offer starts from


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
    changes: int  # change requests the other party proposed, waiting for the person's answer
    # Weekly statements waiting for the person: to review or pay as the client, queried ones
    # to answer as the freelancer.
    statements: int


def contracts_waiting(*, user) -> WaitingCounts:
    """What waits for the person on their contracts, in one query."""
    accepted = TermsAcceptance.objects.filter(terms=OuterRef("terms"), party=user)
    client_statements = (StatementStatus.REVIEW, StatementStatus.PAYMENT_DUE)
    counts = Contract.objects.filter(Q(client=user) | Q(freelancer=user)).aggregate(
        offers=Count("pk", filter=Q(status=Status.OFFERED) & ~Exists(accepted), distinct=True),
        reviews=Count(
            "milestones",
            filter=Q(client=user, milestones__status=MilestoneStatus.SUBMITTED),
            distinct=True,
        ),
        changes=Count(
            "change_requests",
            filter=Q(change_requests__status=ChangeStatus.PROPOSED)
            & ~Q(change_requests__proposed_by=user),
            distinct=True,
        ),
        statements=Count(
            "statements",
            filter=Q(client=user, statements__status__in=client_statements)
            | Q(freelancer=user, statements__status=StatementStatus.QUERIED),
            distinct=True,
        ),
    )
    return WaitingCounts(**counts)


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
    delivery time from today. For a project paid by the hour: hourly terms at the proposal's
    rate, up to ``HOURLY_PREFILL_LIMIT`` hours a week, with no milestones."""
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
    if terms.budget_type == BudgetType.HOURLY:
        details = TermsDetails(
            scope=proposal.project.description,
            deadline=deadline,
            milestones=[],
            kind=Kind.HOURLY,
            hourly_rate=terms.price,
            weekly_limit=HOURLY_PREFILL_LIMIT,
        )
        return proposal, details
    details = TermsDetails(
        scope=proposal.project.description, deadline=deadline, milestones=milestones
    )
    return proposal, details


def contract_for_source(*, source: str, source_id: int) -> Contract | None:
    return Contract.objects.filter(source=source, source_id=source_id).first()


def contest_of_award(*, contract: Contract) -> int | None:
    """The contest whose award a contest contract records (its ``source_id`` is the entry)."""
    return Entry.objects.filter(pk=contract.source_id).values_list("contest_id", flat=True).first()


# --- change requests -----------------------------------------------------------------------


@dataclass(frozen=True)
class Delta:
    old: object
    new: object

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class ChangeDiff:
    """What a change request changes, base terms → proposed terms. Milestone lines are plan
    lines (``title``, ``amount``, ``due_date``); ``changed`` pairs them as ``old``/``new``."""

    currency: str
    total: Delta
    deadline: Delta
    revisions: Delta
    scope_changed: bool
    deliverables_changed: bool
    delay_policy: Delta
    ip_transfer: Delta
    added: list[dict]
    changed: list[dict]
    removed: list[dict]
    hourly_rate: Delta | None
    weekly_limit: Delta | None


def _line(line: dict) -> tuple:
    return (line["title"], Decimal(line["amount"]), line["due_date"])


def terms_diff(base, proposed, base_ids: list[int | None]) -> ChangeDiff:
    """Compare two versions of terms (``ContractTerms`` or ``TermsDocument``); ``base_ids``
    are the milestones the base plan's lines became (``resolved_plans``)."""
    base_lines = {pk: line for pk, line in zip(base_ids, base.milestones, strict=True) if pk}
    kept = {line["milestone"]: line for line in proposed.milestones if "milestone" in line}
    hourly = proposed.kind == Kind.HOURLY
    return ChangeDiff(
        currency=proposed.currency,
        total=Delta(base.total, proposed.total),
        deadline=Delta(base.deadline, proposed.deadline),
        revisions=Delta(base.revisions, proposed.revisions),
        scope_changed=base.scope != proposed.scope,
        deliverables_changed=list(base.deliverables) != list(proposed.deliverables),
        delay_policy=Delta(DelayPolicy(base.delay_policy), DelayPolicy(proposed.delay_policy)),
        ip_transfer=Delta(IpTransfer(base.ip_transfer), IpTransfer(proposed.ip_transfer)),
        added=[line for line in proposed.milestones if "milestone" not in line],
        changed=[
            {"old": base_lines[pk], "new": line}
            for pk, line in kept.items()
            if pk in base_lines and _line(base_lines[pk]) != _line(line)
        ],
        removed=[line for pk, line in base_lines.items() if pk not in kept],
        hourly_rate=Delta(base.hourly_rate, proposed.hourly_rate) if hourly else None,
        weekly_limit=Delta(base.weekly_limit, proposed.weekly_limit) if hourly else None,
    )


def _resolved(plan: list[dict], queue: list[int]) -> list[int | None]:
    """The milestone of each plan line: its id, or for a line without one the next milestone
    created (``queue``, by position)."""
    return [line.get("milestone") or (queue.pop(0) if queue else None) for line in plan]


def resolved_plans(contract: Contract, changes: list[ChangeRequest]) -> dict[int, list]:
    """Which milestone each line of each base version's plan is, by terms id. Milestones are
    created in position order: the accepted terms' plan first, then the new lines of each
    accepted change, so the lines without an id are matched in that order."""
    queue = list(contract.milestones.order_by("position").values_list("pk", flat=True))
    oldest_first = sorted(changes, key=lambda change: (change.created_at, change.pk))
    start = oldest_first[0].base_terms if oldest_first else contract.terms
    plans = {start.pk: _resolved(start.milestones, queue)}
    for change in oldest_first:
        if change.status == ChangeStatus.ACCEPTED:
            plans[change.terms_id] = _resolved(change.terms.milestones, queue)
    return plans


def contract_changes(*, contract: Contract) -> list[ChangeRequest]:
    """Every change request of the contract, newest first, each with its ``diff``; in two
    queries."""
    changes = list(
        contract.change_requests.select_related("base_terms", "terms", "proposed_by", "decided_by")
        .prefetch_related("terms__acceptances")
        .order_by("-created_at", "-pk")
    )
    if changes:
        plans = resolved_plans(contract, changes)
        for change in changes:
            base_ids = plans.get(change.base_terms_id) or [None] * len(change.base_terms.milestones)
            change.diff = terms_diff(change.base_terms, change.terms, base_ids)
    return changes


def open_change(changes: list[ChangeRequest]) -> ChangeRequest | None:
    return next((c for c in changes if c.status == ChangeStatus.PROPOSED), None)


def change_for_party(*, user, change_id: int) -> ChangeRequest:
    """A change request on one of the person's contracts."""
    found = (
        ChangeRequest.objects.filter(_of_party(user), pk=change_id).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if found is None:
        raise NotFound(_("No such change request."), code="change_not_found")
    return found


def change_prefill(*, contract: Contract) -> TermsDetails:
    """The contract's current terms as a change request starts from: every live milestone
    (not cancelled) as a plan line that keeps it, in order."""
    terms = contract.terms
    return TermsDetails(
        scope=terms.scope,
        deadline=terms.deadline,
        milestones=[
            MilestoneDetails(m.title, m.amount, m.due_date, m.pk)
            for m in contract.milestones.all()
            if m.status != MilestoneStatus.CANCELLED
        ],
        deliverables=list(terms.deliverables),
        revisions=terms.revisions,
        delay_policy=terms.delay_policy,
        ip_transfer=terms.ip_transfer,
        kind=terms.kind,
        hourly_rate=terms.hourly_rate,
        weekly_limit=terms.weekly_limit,
    )
