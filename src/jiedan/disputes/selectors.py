"""Reads for disputes. Only the two parties and the assigned mediator see a dispute, its
offers, evidence and history; for anyone else it does not exist (``NotFound``). Staff who
assign disputes see the queue: numbers, stages and dates, nothing of what they are about."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiedan.contracts.models import (
    IN_ESCROW,
    Contract,
    ContractTerms,
    Delivery,
    DeliveryFile,
    Milestone,
    TermsAcceptance,
    WeeklyStatement,
)
from jiedan.core.errors import NotFound
from jiedan.messaging.models import Conversation, SubjectKind

from .models import OPEN_STATUSES, Dispute, DisputeEvent, DisputeEvidence, DisputeOffer, Status
from .services.common import MEDIATOR, is_mediator, not_found, viewer_role
from .services.opening import DISPUTABLE_WEEKS, RUNNING


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False)


def _visible_to(user) -> Q:
    """Disputes the person sees: as a party, or as the assigned mediator (while they hold the
    mediator role)."""
    mine = Q(contract__client=user) | Q(contract__freelancer=user)
    if is_mediator(user):
        mine |= Q(mediator=user)
    return mine


def _listed(queryset: QuerySet[Dispute]) -> QuerySet[Dispute]:
    return queryset.select_related("contract", "milestone", "statement", "mediator").order_by(
        "-created_at", "-pk"
    )


def disputes_of(*, user) -> QuerySet[Dispute]:
    """The disputes of the person's contracts, newest first (page it)."""
    if not _signed_in(user):
        return Dispute.objects.none()
    return _listed(Dispute.objects.filter(Q(contract__client=user) | Q(contract__freelancer=user)))


def disputes_mediated_by(*, user) -> QuerySet[Dispute]:
    """The disputes assigned to the person as mediator (none once they lose the role)."""
    if not (_signed_in(user) and is_mediator(user)):
        return Dispute.objects.none()
    return _listed(Dispute.objects.filter(mediator=user))


def dispute_queue() -> QuerySet[Dispute]:
    """Disputes with a mediator or waiting for one: the unassigned first, oldest first. Only
    numbers, stages and dates are read from it."""
    return (
        Dispute.objects.filter(status=Status.MEDIATION)
        .select_related("mediator")
        .only(
            "pk",
            "status",
            "amount",
            "currency",
            "created_at",
            "evidence_ends_at",
            "assigned_at",
            "decision_due_at",
            "mediator",
            "contract_id",
        )
        .order_by("mediator", "created_at", "pk")
    )


def dispute_for_viewer(*, user, dispute_id: int) -> tuple[Dispute, str]:
    """The dispute and who the viewer is to it (``client``, ``freelancer``, ``mediator``)."""
    dispute = (
        Dispute.objects.filter(pk=dispute_id)
        .select_related(
            "contract__client",
            "contract__freelancer",
            "milestone",
            "statement",
            "opened_by",
            "mediator",
        )
        .first()
        if _signed_in(user)
        else None
    )
    role = viewer_role(dispute, dispute.contract, user) if dispute else None
    if role is None:
        raise not_found()
    return dispute, role


@dataclass
class CaseFile:
    """What the assigned mediator reads besides the dispute: the terms in force when it was
    opened with both acceptances, the deliveries of the milestone (or the week's entries),
    and the contract's conversation."""

    terms: ContractTerms | None
    deliveries: list[Delivery] = field(default_factory=list)
    conversation: Conversation | None = None


@dataclass
class DisputePage:
    dispute: Dispute
    role: str
    offers: list[DisputeOffer]
    evidence: list[DisputeEvidence]
    events: list[DisputeEvent]
    case: CaseFile | None = None


def _case_file(dispute: Dispute) -> CaseFile:
    terms = (
        ContractTerms.objects.filter(pk=dispute.contract.terms_id)
        .prefetch_related(
            Prefetch("acceptances", queryset=TermsAcceptance.objects.select_related("party"))
        )
        .first()
    )
    deliveries = []
    if dispute.milestone_id:
        deliveries = list(
            Delivery.objects.filter(milestone_id=dispute.milestone_id)
            .select_related("author")
            .prefetch_related("files")
            .order_by("-number")
        )
    conversation = Conversation.objects.filter(
        subject_kind=SubjectKind.CONTRACT, subject_id=dispute.contract_id
    ).first()
    return CaseFile(terms=terms, deliveries=deliveries, conversation=conversation)


def dispute_page(*, user, dispute_id: int) -> DisputePage:
    """Everything the dispute's page shows its viewer, in a fixed number of queries."""
    dispute, role = dispute_for_viewer(user=user, dispute_id=dispute_id)
    return DisputePage(
        dispute=dispute,
        role=role,
        offers=list(dispute.offers.select_related("made_by").order_by("-created_at", "-pk")),
        evidence=list(dispute.evidence.select_related("added_by").order_by("created_at", "pk")),
        events=list(dispute.events.select_related("actor").order_by("pk")),
        case=_case_file(dispute) if role == MEDIATOR else None,
    )


def evidence_for_viewer(*, user, evidence_id: int) -> DisputeEvidence:
    """An evidence file, for the dispute's parties and its assigned mediator only."""
    found = (
        DisputeEvidence.objects.filter(pk=evidence_id)
        .select_related("dispute__contract__client", "dispute__contract__freelancer")
        .first()
        if _signed_in(user)
        else None
    )
    if found is None or viewer_role(found.dispute, found.dispute.contract, user) is None:
        raise NotFound(_("No such file."), code="file_not_found")
    return found


def delivery_file_for_mediator(*, user, dispute_id: int, file_id: int) -> DeliveryFile:
    """A file delivered on the disputed milestone, for the dispute's assigned mediator."""
    dispute, role = dispute_for_viewer(user=user, dispute_id=dispute_id)
    found = (
        DeliveryFile.objects.filter(pk=file_id, delivery__milestone_id=dispute.milestone_id).first()
        if role == MEDIATOR and dispute.milestone_id
        else None
    )
    if found is None:
        raise NotFound(_("No such file."), code="file_not_found")
    return found


def contract_disputes(*, contract: Contract) -> list[Dispute]:
    """Every dispute of a contract, newest first, for its page (its parties only)."""
    return list(
        contract.disputes.select_related("milestone", "statement").order_by("-created_at", "-pk")
    )


def can_open(*, contract: Contract, subject: Milestone | WeeklyStatement) -> bool:
    """Whether the page offers "Open a dispute" for a milestone or week (the services check
    it again under their locks)."""
    if contract.status not in RUNNING:
        return False
    if isinstance(subject, WeeklyStatement):
        return subject.status in DISPUTABLE_WEEKS and subject.amount > 0
    return subject.status in IN_ESCROW


def open_dispute_for(*, milestone_id=None, statement_id=None) -> Dispute | None:
    """The open dispute of a milestone or week (at most one)."""
    found = Dispute.objects.filter(status__in=OPEN_STATUSES)
    if milestone_id:
        return found.filter(milestone_id=milestone_id).first()
    return found.filter(statement_id=statement_id).first()


def dispute_id_of_offer(*, offer_id: int) -> int:
    """The dispute an offer belongs to (who may act on it is the services' check)."""
    dispute_id = (
        DisputeOffer.objects.filter(pk=offer_id).values_list("dispute_id", flat=True).first()
    )
    if dispute_id is None:
        raise NotFound(_("No such offer."), code="offer_not_found")
    return dispute_id
