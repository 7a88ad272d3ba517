"""Contracts API under /api/v1/contracts: the caller's contracts, offers and acceptance, the
milestone escrow loop, ending and pausing, delivered files.

Everything needs sign-in (token or session). Only the two parties see a contract: for anyone
else it is 404 on every read and write, and nothing changes; the other party attempting a role's
action (the freelancer funding, the client submitting) gets 403. The POSTs that move money —
fund, approve, accepting a cancellation — need an ``Idempotency-Key`` header
(``jiedan.core.idempotency``): a repeat with the same key gets the first answer again. The
money is guarded by the services too, with ledger keys derived from each milestone, so a
milestone is never funded or paid twice whatever the keys.
"""

import json

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from jiedan.core.errors import InvalidInput
from jiedan.core.idempotency import idempotent

from . import selectors, services
from .files import delivery_file_response
from .hourly_api import router as hourly_router
from .models import Cancellation, Contract, ContractTerms, Delivery, Milestone
from .schemas import (
    AcceptIn,
    CancellationIn,
    CancellationOut,
    ChangeDeclineIn,
    ChangeIn,
    ChangeOut,
    ContractOut,
    ContractPageOut,
    ContractQuery,
    DeliveryIn,
    MilestoneOut,
    NoteIn,
    OfferIn,
    ReasonIn,
    TermsIn,
)
from .terms import MilestoneDetails, TermsDetails

router = Router(tags=["contracts"])
router.add_router("", hourly_router)

SUBMIT_BODY = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"message": {"type": "string"}},
                    "required": ["message"],
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "message": {"type": "string"},
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    },
                    "required": ["message"],
                }
            },
        }
    }
}


def _person(user) -> dict:
    return {"id": user.pk, "name": user.get_short_name()}


def _summary(contract: Contract) -> dict:
    return {
        "id": contract.pk,
        "title": contract.title,
        "client": _person(contract.client),
        "freelancer": _person(contract.freelancer),
        "source": contract.source,
        "source_id": contract.source_id,
        "currency": contract.currency,
        "status": contract.status,
        "total": contract.terms.total if contract.terms_id else None,
        "started_at": contract.started_at,
        "ended_at": contract.ended_at,
        "created_at": contract.created_at,
    }


def _terms(terms: ContractTerms) -> dict:
    return {
        "version": terms.version,
        "digest": terms.digest,
        "scope": terms.scope,
        "deliverables": terms.deliverables,
        "revisions": terms.revisions,
        "deadline": terms.deadline,
        "delay_policy": terms.delay_policy,
        "ip_transfer": terms.ip_transfer,
        "milestones": terms.milestones,
        "total": terms.total,
        "currency": terms.currency,
        "created_at": terms.created_at,
        "kind": terms.kind,
        "hourly_rate": terms.hourly_rate,
        "weekly_limit": terms.weekly_limit,
        "acceptances": [
            {
                "party_id": a.party_id,
                "digest": a.digest,
                "accepted_at": a.accepted_at,
                "accepted_by": a.by,
            }
            for a in terms.acceptances.all()
        ],
    }


def _delivery(delivery: Delivery) -> dict:
    return {
        "id": delivery.pk,
        "number": delivery.number,
        "message": delivery.message,
        "author_id": delivery.author_id,
        "digest": delivery.digest,
        "created_at": delivery.created_at,
        "files": [
            {
                "id": delivered.pk,
                "name": delivered.original_name,
                "content_type": delivered.content_type,
                "size": delivered.size,
                "sha256": delivered.sha256,
                "url": reverse("api-v1:contracts_file", kwargs={"file_id": delivered.pk}),
            }
            for delivered in delivery.files.all()
        ],
    }


def _milestone(milestone: Milestone) -> dict:
    fields = (
        "id",
        "contract_id",
        "position",
        "title",
        "amount",
        "currency",
        "due_date",
        "status",
        "revisions_used",
        "funded_at",
        "submitted_at",
        "auto_approve_at",
        "released_amount",
        "refunded_amount",
        "closed_at",
    )
    return {
        **{name: getattr(milestone, name) for name in fields},
        "deliveries": [_delivery(delivery) for delivery in milestone.deliveries.all()],
    }


def _cancellation(cancellation: Cancellation | None) -> dict | None:
    if cancellation is None:
        return None
    fields = (
        "id",
        "contract_id",
        "proposed_by_id",
        "freelancer_share",
        "held_total",
        "reason",
        "status",
        "decided_by_id",
        "decided_at",
        "created_at",
    )
    return {name: getattr(cancellation, name) for name in fields}


def _delta(delta) -> dict | None:
    if delta is None:
        return None
    shown = [None if value is None else str(value) for value in (delta.old, delta.new)]
    return {"old": shown[0], "new": shown[1], "changed": delta.changed}


def _change(change) -> dict | None:
    """A change request with its proposed terms and what they change."""
    if change is None:
        return None
    diff = change.diff
    fields = (
        "id",
        "contract_id",
        "status",
        "reason",
        "proposed_by_id",
        "decided_by_id",
        "decline_reason",
    )
    return {
        **{name: getattr(change, name) for name in fields},
        "decided_at": change.decided_at,
        "created_at": change.created_at,
        "base_version": change.base_terms.version,
        "terms": _terms(change.terms),
        "diff": {
            **{name: _delta(getattr(diff, name)) for name in DELTAS},
            "currency": diff.currency,
            "scope_changed": diff.scope_changed,
            "deliverables_changed": diff.deliverables_changed,
            "added": diff.added,
            "changed": diff.changed,
            "removed": diff.removed,
        },
    }


DELTAS = (
    "total",
    "deadline",
    "revisions",
    "delay_policy",
    "ip_transfer",
    "hourly_rate",
    "weekly_limit",
)


def _full(request, contract_id: int) -> dict:
    """The contract as its party sees it now (read again after a write)."""
    contract = selectors.contract_for_party(user=request.user, contract_id=contract_id)
    changes = selectors.contract_changes(contract=contract)
    return {
        **_summary(contract),
        "waiting_for_you": selectors.waiting_for(contract=contract, user=request.user),
        "terms": _terms(contract.terms),
        "milestones": [_milestone(milestone) for milestone in contract.milestones.all()],
        "open_cancellation": _cancellation(selectors.contract_open_cancellation(contract=contract)),
        "open_change": _change(selectors.open_change(changes)),
    }


def _milestone_now(request, milestone_id: int) -> dict:
    milestone = selectors.milestone_for_party(user=request.user, milestone_id=milestone_id)
    contract = selectors.contract_for_party(user=request.user, contract_id=milestone.contract_id)
    return _milestone(next(m for m in contract.milestones.all() if m.pk == milestone_id))


def _details(payload: TermsIn) -> TermsDetails:
    return TermsDetails(
        scope=payload.scope,
        deadline=payload.deadline,
        milestones=[MilestoneDetails(m.title, m.amount, m.due_date) for m in payload.milestones],
        deliverables=payload.deliverables,
        revisions=payload.revisions,
        delay_policy=payload.delay_policy,
        ip_transfer=payload.ip_transfer,
        kind=payload.kind,
        hourly_rate=payload.hourly_rate,
        weekly_limit=payload.weekly_limit,
    )


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _delivery_input(request) -> tuple[str, list]:
    """Message and files from a multipart form, or the message from a JSON body."""
    if request.content_type == "multipart/form-data":
        return request.POST.get("message", ""), request.FILES.getlist("files")
    try:
        return DeliveryIn(**json.loads(request.body or b"{}")).message, []
    except (ValueError, TypeError) as error:
        raise InvalidInput(
            _('Send {"message": "..."} as JSON, or a multipart form with a message and files.'),
            code="bad_delivery_body",
        ) from error


@router.get("", response=ContractPageOut)
def contract_list(request, query: Query[ContractQuery]):
    """The caller's contracts as client and as freelancer, newest first."""
    contracts = selectors.contracts_of(user=request.user, status=query.status)
    page = Paginator(contracts, query.page_size).get_page(query.page)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_summary(contract) for contract in page.object_list],
    }


@router.post("", response={201: ContractOut})
def contract_offer(request, payload: OfferIn):
    """The client offers the freelancer of a proposal they hired a contract on these terms;
    the client's acceptance of them is recorded at once."""
    contract = services.contract_offer_from_proposal(
        client=request.user,
        proposal_id=payload.proposal_id,
        details=_details(payload),
        ip_address=_client_ip(request),
    )
    return Status(201, _full(request, contract.pk))


@router.get("/{contract_id}", response=ContractOut)
def contract_detail(request, contract_id: int):
    """Terms (with who accepted which digest), milestones, deliveries and an open
    cancellation proposal."""
    return _full(request, contract_id)


@router.post("/{contract_id}/terms", response=ContractOut)
def contract_revise(request, contract_id: int, payload: TermsIn):
    """The client replaces the terms of a waiting offer with a new version."""
    services.contract_offer_revise(
        client=request.user,
        contract_id=contract_id,
        details=_details(payload),
        ip_address=_client_ip(request),
    )
    return _full(request, contract_id)


@router.post("/{contract_id}/accept", response=ContractOut)
def contract_accept(request, contract_id: int, payload: AcceptIn):
    """Accept the current terms by the digest read; 409 ``terms_changed`` if they changed."""
    services.contract_accept(
        actor=request.user,
        contract_id=contract_id,
        digest=payload.digest,
        ip_address=_client_ip(request),
    )
    return _full(request, contract_id)


@router.post("/{contract_id}/decline", response=ContractOut)
def contract_decline(request, contract_id: int, payload: ReasonIn | None = None):
    """The freelancer turns the offer down."""
    services.contract_decline(
        freelancer=request.user,
        contract_id=contract_id,
        reason=payload.reason if payload else "",
    )
    return _full(request, contract_id)


@router.post("/{contract_id}/withdraw", response=ContractOut)
def contract_withdraw(request, contract_id: int, payload: ReasonIn | None = None):
    """The client takes back an offer not accepted yet."""
    services.contract_withdraw(
        client=request.user, contract_id=contract_id, reason=payload.reason if payload else ""
    )
    return _full(request, contract_id)


@router.post("/milestones/{milestone_id}/fund", response=MilestoneOut)
@idempotent
def milestone_fund(request, milestone_id: int):
    """Move the milestone's amount from the client's wallet into escrow; a short wallet is
    409 ``wallet_insufficient`` with how much to top up."""
    services.milestone_fund(client=request.user, milestone_id=milestone_id)
    return _milestone_now(request, milestone_id)


@router.post("/milestones/{milestone_id}/submit", response=MilestoneOut, openapi_extra=SUBMIT_BODY)
def milestone_submit(request, milestone_id: int):
    """Deliver work: JSON ``{"message": ...}``, or multipart with ``message`` and ``files``."""
    message, uploads = _delivery_input(request)
    services.milestone_submit(
        freelancer=request.user, milestone_id=milestone_id, message=message, uploads=uploads
    )
    return _milestone_now(request, milestone_id)


@router.post("/milestones/{milestone_id}/request-changes", response=MilestoneOut)
def milestone_request_changes(request, milestone_id: int, payload: NoteIn):
    """Send a submission back with what to change (uses one revision)."""
    services.milestone_request_changes(
        client=request.user, milestone_id=milestone_id, note=payload.note
    )
    return _milestone_now(request, milestone_id)


@router.post("/milestones/{milestone_id}/approve", response=MilestoneOut)
@idempotent
def milestone_approve(request, milestone_id: int):
    """Approve the work: the escrow is released to the freelancer, net of the commission."""
    services.milestone_approve(client=request.user, milestone_id=milestone_id)
    return _milestone_now(request, milestone_id)


@router.post("/{contract_id}/cancellations", response={201: CancellationOut})
def cancellation_propose(request, contract_id: int, payload: CancellationIn):
    """Propose ending the contract with ``freelancer_share`` of the escrow paid out."""
    cancellation = services.cancellation_propose(
        actor=request.user,
        contract_id=contract_id,
        freelancer_share=payload.freelancer_share,
        reason=payload.reason,
    )
    return Status(201, _cancellation(cancellation))


@router.post("/cancellations/{cancellation_id}/accept", response=ContractOut)
@idempotent
def cancellation_accept(request, cancellation_id: int):
    """The other party agrees: the escrow is split as proposed and the contract ends."""
    contract = services.cancellation_accept(actor=request.user, cancellation_id=cancellation_id)
    return _full(request, contract.pk)


@router.post("/cancellations/{cancellation_id}/decline", response=CancellationOut)
def cancellation_decline(request, cancellation_id: int):
    """The other party declines, or the proposer withdraws: nothing moves."""
    return _cancellation(
        services.cancellation_decline(actor=request.user, cancellation_id=cancellation_id)
    )


@router.post("/{contract_id}/end", response=ContractOut)
def contract_end(request, contract_id: int, payload: ReasonIn):
    """End a contract with nothing in escrow; unfunded milestones are cancelled."""
    services.contract_end(actor=request.user, contract_id=contract_id, reason=payload.reason)
    return _full(request, contract_id)


@router.post("/{contract_id}/pause", response=ContractOut)
def contract_pause(request, contract_id: int, payload: ReasonIn | None = None):
    """The client pauses an active contract: no funding or submitting until resumed."""
    services.contract_pause(
        client=request.user, contract_id=contract_id, reason=payload.reason if payload else ""
    )
    return _full(request, contract_id)


@router.post("/{contract_id}/resume", response=ContractOut)
def contract_resume(request, contract_id: int):
    services.contract_resume(client=request.user, contract_id=contract_id)
    return _full(request, contract_id)


@router.get("/files/{file_id}", url_name="contracts_file")
def delivery_file(request, file_id: int):
    """A delivered file, for the contract's parties only."""
    return delivery_file_response(
        selectors.delivery_file_for_party(user=request.user, file_id=file_id)
    )


def _change_details(payload: ChangeIn) -> TermsDetails:
    return TermsDetails(
        scope=payload.scope,
        deadline=payload.deadline,
        milestones=[
            MilestoneDetails(m.title, m.amount, m.due_date, m.milestone_id)
            for m in payload.milestones
        ],
        deliverables=payload.deliverables,
        revisions=payload.revisions,
        delay_policy=payload.delay_policy,
        ip_transfer=payload.ip_transfer,
        kind=payload.kind,
        hourly_rate=payload.hourly_rate,
        weekly_limit=payload.weekly_limit,
    )


def _change_now(request, contract_id: int, change_id: int) -> dict:
    contract = selectors.contract_for_party(user=request.user, contract_id=contract_id)
    changes = selectors.contract_changes(contract=contract)
    return _change(next(change for change in changes if change.pk == change_id))


@router.get("/{contract_id}/changes", response=list[ChangeOut])
def change_list(request, contract_id: int):
    """Every change request of the contract, newest first, with its terms and what it
    changes."""
    contract = selectors.contract_for_party(user=request.user, contract_id=contract_id)
    return [_change(change) for change in selectors.contract_changes(contract=contract)]


@router.post("/{contract_id}/changes", response={201: ChangeOut})
def change_propose(request, contract_id: int, payload: ChangeIn):
    """Propose a complete new version of the terms, with a reason; lines with a
    ``milestone_id`` keep or change that milestone, lines without one add milestones. 409
    ``change_open`` while another request is open."""
    change = services.change_propose(
        actor=request.user,
        contract_id=contract_id,
        details=_change_details(payload),
        reason=payload.reason,
        ip_address=_client_ip(request),
    )
    return Status(201, _change_now(request, contract_id, change.pk))


@router.post("/changes/{change_id}/accept", response=ChangeOut)
def change_accept(request, change_id: int, payload: AcceptIn):
    """The other party accepts the proposed terms by their digest (409 ``terms_changed`` for
    another digest, 409 ``change_stale`` when the contract changed since)."""
    change = services.change_accept(
        actor=request.user,
        change_id=change_id,
        digest=payload.digest,
        ip_address=_client_ip(request),
    )
    return _change_now(request, change.contract_id, change.pk)


@router.post("/changes/{change_id}/decline", response=ChangeOut)
def change_decline(request, change_id: int, payload: ChangeDeclineIn | None = None):
    """The other party declines; the terms stay as they are."""
    change = services.change_decline(
        actor=request.user, change_id=change_id, reason=payload.reason if payload else ""
    )
    return _change_now(request, change.contract_id, change.pk)


@router.post("/changes/{change_id}/withdraw", response=ChangeOut)
def change_withdraw(request, change_id: int):
    """The proposer takes the request back."""
    change = services.change_withdraw(actor=request.user, change_id=change_id)
    return _change_now(request, change.contract_id, change.pk)
