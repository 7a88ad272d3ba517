"""Offers and acceptance: a contract is offered from a hired proposal or a placed service
order, its terms may be revised while it waits, and it starts when both parties have accepted
the same version.

Rules:

- One contract per proposal or order. Only the proposal's client (who hired it) offers from a
  proposal; only the buyer offers from an order. The offering party's acceptance of each
  version they write is recorded at once (who, when, IP address, digest).
- The other party accepts by sending the digest of the version they read. If the terms
  changed since (a revision), the digest no longer matches and nothing is accepted
  (``terms_changed``): terms never change under someone's acceptance.
- Once both accepted the current version the contract is active and its milestones exist,
  unfunded, in the order of the plan.
- While it waits, the freelancer may decline the offer and the client may withdraw it.
"""

from dataclasses import replace
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.catalog.models import OrderStatus, ServiceOrder
from jiedan.catalog.services import service_order_contract_attach
from jiedan.core.errors import Conflict, NotFound
from jiedan.proposals.models import Proposal
from jiedan.proposals.models import Status as ProposalStatus

from ..models import (
    ACCEPTED_REASON,
    MAX_REVISIONS,
    Contract,
    Milestone,
    Source,
    Status,
    TermsAcceptance,
)
from ..terms import MilestoneDetails, TermsDetails, terms_checked
from .common import CLIENT, FREELANCER, locked_contract, notify, terms_version_write
from .transitions import contract_transition

REASON_MAX_LENGTH = 1000


def _write_terms(contract: Contract, details: TermsDetails, *, author, ip_address, now):
    """A new version of the terms, accepted by its author. An offer's plan creates its
    milestones, so its lines never refer to existing ones (that is for change requests)."""
    details = replace(
        details, milestones=[replace(line, milestone_id=None) for line in details.milestones]
    )
    doc = terms_checked(details, currency=contract.currency, today=timezone.localdate(now))
    terms = terms_version_write(contract, doc, author=author)
    TermsAcceptance.objects.create(
        terms=terms, party=author, digest=terms.digest, ip_address=ip_address or None
    )
    contract.terms = terms
    contract.save(update_fields=["terms", "updated_at"])
    return terms


def _offer(*, client, freelancer, source, source_id, title, currency, details, ip, now):
    if Contract.objects.filter(source=source, source_id=source_id).exists():
        raise Conflict(_("A contract was already offered for this."), code="contract_exists")
    contract = Contract.objects.create(
        client=client,
        freelancer=freelancer,
        source=source,
        source_id=source_id,
        title=title[:200],
        currency=currency,
        kind=details.kind,
    )
    _write_terms(contract, details, author=client, ip_address=ip, now=now)
    notify(contract, actor=client, event="contract.offered")
    return contract


@transaction.atomic
def contract_offer_from_proposal(
    *, client, proposal_id: int, details: TermsDetails, ip_address=None, now=None
) -> Contract:
    """The client offers the freelancer of a proposal they hired a contract on ``details``."""
    now = now or timezone.now()
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(pk=proposal_id, project__client_id=client.pk, status=ProposalStatus.HIRED)
        .first()
    )
    if proposal is None:
        raise NotFound(_("No such hired proposal."), code="proposal_not_found")
    return _offer(
        client=client,
        freelancer=proposal.freelancer,
        source=Source.PROPOSAL,
        source_id=proposal.pk,
        title=proposal.project.title,
        currency=proposal.currency,
        details=details,
        ip=ip_address,
        now=now,
    )


def order_terms(order: ServiceOrder, *, today) -> TermsDetails:
    """The terms an order implies: the package's features and extras as deliverables, its
    revisions, a deadline ``delivery_days`` from today, one milestone of the order's total."""
    extras = [extra["title"] for extra in order.extras if extra.get("title")]
    deliverables = [*order.features, *extras]
    return TermsDetails(
        scope=f"{order.service_title} — {order.tier_name}",
        deliverables=deliverables,
        revisions=min(order.revisions, MAX_REVISIONS),
        deadline=today + timedelta(days=order.delivery_days),
        milestones=[MilestoneDetails(title=order.service_title, amount=order.total)],
    )


@transaction.atomic
def contract_offer_from_order(*, buyer, order_id: int, ip_address=None, now=None) -> Contract:
    """The buyer of a placed order offers the seller a contract on the order's terms; the
    order becomes "contract started"."""
    now = now or timezone.now()
    order = (
        ServiceOrder.objects.select_for_update()
        .filter(pk=order_id, buyer_id=buyer.pk, status=OrderStatus.PLACED)
        .first()
    )
    if order is None:
        raise NotFound(_("No such open order."), code="order_not_found")
    details = order_terms(order, today=timezone.localdate(now))
    contract = _offer(
        client=buyer,
        freelancer=order.seller,
        source=Source.ORDER,
        source_id=order.pk,
        title=order.service_title,
        currency=order.currency,
        details=details,
        ip=ip_address,
        now=now,
    )
    service_order_contract_attach(order_id=order.pk, contract_id=contract.pk, actor=buyer)
    return contract


@transaction.atomic
def contract_offer_revise(
    *, client, contract_id: int, details: TermsDetails, ip_address=None, now=None
) -> Contract:
    """Replace the terms of an offer still waiting for acceptance with a new version; the
    freelancer must accept the new version (their earlier acceptance, if any, was of the old
    one and no longer counts)."""
    contract = locked_contract(client, contract_id, role=CLIENT)
    if contract.status != Status.OFFERED:
        raise Conflict(_("Only a waiting offer can be revised."), code="contract_not_offered")
    _write_terms(contract, details, author=client, ip_address=ip_address, now=now)
    notify(contract, actor=client, event="contract.revised")
    return contract


def _create_milestones(contract: Contract) -> None:
    Milestone.objects.bulk_create(
        Milestone(
            contract=contract,
            position=position,
            title=planned["title"],
            amount=planned["amount"],
            currency=contract.currency,
            due_date=planned["due_date"],
        )
        for position, planned in enumerate(contract.terms.milestones, start=1)
    )


@transaction.atomic
def contract_accept(*, actor, contract_id: int, digest: str, ip_address=None, now=None):
    """A party accepts the current terms, identified by their ``digest``. When both have
    accepted the same version the contract becomes active with its milestones."""
    now = now or timezone.now()
    contract = locked_contract(actor, contract_id)
    if contract.status != Status.OFFERED:
        raise Conflict(_("This offer is no longer waiting."), code="contract_not_offered")
    terms = contract.terms
    if digest != terms.digest:
        raise Conflict(
            _("The terms changed since you read them. Read them again before accepting."),
            code="terms_changed",
        )
    TermsAcceptance.objects.get_or_create(
        terms=terms,
        party=actor,
        defaults={"digest": digest, "ip_address": ip_address or None},
    )
    if terms.acceptances.count() < 2:
        return contract
    contract.started_at = now
    contract_transition(contract=contract, to=Status.ACTIVE, actor=actor, reason=ACCEPTED_REASON)
    _create_milestones(contract)
    notify(contract, actor=actor, event="contract.accepted")
    return contract


def _reason(reason: str) -> str:
    return (reason or "").strip()[:REASON_MAX_LENGTH]


@transaction.atomic
def contract_decline(*, freelancer, contract_id: int, reason: str = "", now=None) -> Contract:
    """The freelancer turns the offer down (final for this proposal or order)."""
    contract = locked_contract(freelancer, contract_id, role=FREELANCER)
    if contract.status != Status.OFFERED:
        raise Conflict(_("This offer is no longer waiting."), code="contract_not_offered")
    contract.ended_at = now or timezone.now()
    contract_transition(
        contract=contract, to=Status.DECLINED, actor=freelancer, reason=_reason(reason)
    )
    notify(contract, actor=freelancer, event="contract.declined")
    return contract


@transaction.atomic
def contract_withdraw(*, client, contract_id: int, reason: str = "", now=None) -> Contract:
    """The client takes back an offer nobody has accepted yet."""
    contract = locked_contract(client, contract_id, role=CLIENT)
    if contract.status != Status.OFFERED:
        raise Conflict(_("This offer is no longer waiting."), code="contract_not_offered")
    contract.ended_at = now or timezone.now()
    contract_transition(
        contract=contract, to=Status.CANCELLED, actor=client, reason=_reason(reason)
    )
    notify(contract, actor=client, event="contract.withdrawn")
    return contract
