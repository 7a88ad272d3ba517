"""Disputes API under /api/v1/disputes: the caller's disputes, opening one, offers (make,
accept, decline), asking for a mediator, withdrawing, evidence (upload, download), the
mediator's decision, and the assigners' queue.

Everything needs sign-in (token or session). Only the two parties and the assigned mediator
see a dispute: for anyone else it is 404 on every read and write, and nothing changes; a party
attempting the mediator's action (or the mediator a party's) gets 403. The POSTs that move
money — opening, accepting an offer, withdrawing, deciding — need an ``Idempotency-Key`` header
(``jiedan.core.idempotency``); the services also key every movement by the dispute, so money
never moves twice whatever the keys. Errors are ``{code, message}``.
"""

import json

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status

from jiedan.accounts.roles import user_can
from jiedan.contracts.files import delivery_file_response
from jiedan.core.errors import InvalidInput, NotFound
from jiedan.core.idempotency import idempotent

from . import selectors, services
from .files import evidence_file_response
from .schemas import (
    AssignIn,
    DisputeDecisionIn,
    DisputeNoteIn,
    DisputeOfferIn,
    DisputeOpenIn,
    DisputeOut,
    DisputeSummaryOut,
    OfferOut,
    QueueRowOut,
    StatementIn,
)
from .services.common import MEDIATOR, viewer_role

router = Router(tags=["disputes"])

EVIDENCE_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "note": {"type": "string"},
                    },
                    "required": ["file"],
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"statement": {"type": "string"}},
                    "required": ["statement"],
                }
            },
        }
    }
}


def _person(user) -> dict | None:
    return {"id": user.pk, "name": user.get_short_name()} if user else None


def _summary(dispute, role: str) -> dict:
    return {
        "id": dispute.pk,
        "contract_id": dispute.contract_id,
        "contract_title": dispute.contract.title,
        "milestone_id": dispute.milestone_id,
        "statement_id": dispute.statement_id,
        "role": role,
        "status": dispute.status,
        "amount": dispute.amount,
        "currency": dispute.currency,
        "created_at": dispute.created_at,
        "closed_at": dispute.closed_at,
    }


def _queue_row(dispute) -> dict:
    """A queue row: numbers, stage and dates, nothing of what the dispute is about."""
    fields = ("id", "status", "amount", "currency", "created_at", "assigned_at", "decision_due_at")
    return {
        **{name: getattr(dispute, name) for name in fields},
        "mediator": _person(dispute.mediator),
    }


def _offer(offer) -> dict:
    fields = ("id", "freelancer_amount", "client_amount", "note", "status", "created_at")
    return {
        **{name: getattr(offer, name) for name in fields},
        "made_by": _person(offer.made_by),
        "answered_at": offer.answered_at,
    }


def _evidence(item) -> dict:
    return {
        "id": item.pk,
        "added_by": _person(item.added_by),
        "name": item.original_name,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "note": item.note,
        "created_at": item.created_at,
        "url": reverse("api-v1:disputes_evidence_file", kwargs={"evidence_id": item.pk}),
    }


def _case(dispute, case) -> dict | None:
    if case is None:
        return None
    terms, conversation = case.terms, case.conversation
    file_url = "api-v1:disputes_delivery_file"
    return {
        "terms_version": terms.version if terms else None,
        "terms_digest": terms.digest if terms else None,
        "terms_scope": terms.scope if terms else None,
        "acceptances": [
            {
                "party": _person(acceptance.party),
                "digest": acceptance.digest,
                "accepted_at": acceptance.accepted_at,
                "accepted_by": acceptance.by,
            }
            for acceptance in (terms.acceptances.all() if terms else [])
        ],
        "deliveries": [
            {
                "id": delivery.pk,
                "number": delivery.number,
                "message": delivery.message,
                "digest": delivery.digest,
                "created_at": delivery.created_at,
                "files": [
                    {
                        "id": file.pk,
                        "name": file.original_name,
                        "content_type": file.content_type,
                        "size": file.size,
                        "sha256": file.sha256,
                        "url": reverse(
                            file_url, kwargs={"dispute_id": dispute.pk, "file_id": file.pk}
                        ),
                    }
                    for file in delivery.files.all()
                ],
            }
            for delivery in case.deliveries
        ],
        "conversation_id": conversation.pk if conversation else None,
        "conversation_export_url": reverse(
            "api-v1:messaging_export", kwargs={"conversation_id": conversation.pk}
        )
        if conversation
        else None,
    }


def _full(request, dispute_id: int) -> dict:
    """The dispute as its viewer sees it now (read again after a write)."""
    page = selectors.dispute_page(user=request.user, dispute_id=dispute_id)
    dispute = page.dispute
    services.dispute_case_file_read_record(user=request.user, dispute=dispute, what="page")
    fields = (
        "opener_side",
        "reason",
        "details",
        "desired_outcome",
        "desired_freelancer_amount",
        "held_amount",
        "negotiation_ends_at",
        "evidence_ends_at",
        "assigned_at",
        "decision_due_at",
        "freelancer_amount",
        "client_amount",
        "decision_reason",
    )
    return {
        **_summary(dispute, page.role),
        **{name: getattr(dispute, name) for name in fields},
        "mediator": _person(dispute.mediator),
        "offers": [_offer(offer) for offer in page.offers],
        "evidence": [_evidence(item) for item in page.evidence],
        "history": [
            {
                "kind": event.kind,
                "actor": _person(event.actor),
                "data": event.data,
                "created_at": event.created_at,
            }
            for event in page.events
        ],
        "case": _case(dispute, page.case) if page.role == MEDIATOR else None,
    }


def _claim(payload: DisputeOpenIn) -> services.Claim:
    return services.Claim(
        reason=payload.reason,
        details=payload.details,
        desired_outcome=payload.desired_outcome,
        desired_freelancer_amount=payload.desired_freelancer_amount,
    )


@router.get("", response=list[DisputeSummaryOut])
def dispute_list(request):
    """Your disputes as a party, then those assigned to you as mediator, newest first (at
    most 100 each)."""
    user = request.user
    rows = [
        *selectors.disputes_of(user=user)[:100],
        *selectors.disputes_mediated_by(user=user)[:100],
    ]
    return [_summary(dispute, viewer_role(dispute, dispute.contract, user)) for dispute in rows]


@router.get("/queue", response=list[QueueRowOut])
def dispute_queue(request):
    """For staff who assign disputes: the disputes with a mediator or waiting for one,
    without what they are about. 404 for everyone else."""
    if not user_can(request.user, "disputes.assign"):
        raise NotFound(_("Not found."), code="not_found")
    return [_queue_row(dispute) for dispute in selectors.dispute_queue()[:100]]


@router.post("", response={201: DisputeOut})
@idempotent
def dispute_open(request, payload: DisputeOpenIn):
    """Open a dispute on a milestone with money in escrow (``milestone_id``) or a weekly
    statement not billed yet (``statement_id``): the money moves to dispute hold (for a week,
    from the client's wallet first: 409 ``wallet_insufficient`` or ``week_unpaid`` when it is
    short). 409 ``not_disputable`` when its money is not in escrow, or already in dispute."""
    if (payload.milestone_id is None) == (payload.statement_id is None):
        raise InvalidInput(
            _("Name either a milestone or a weekly statement."), code="subject_missing"
        )
    if payload.milestone_id is not None:
        dispute = services.dispute_open_milestone(
            actor=request.user, milestone_id=payload.milestone_id, claim=_claim(payload)
        )
    else:
        dispute = services.dispute_open_week(
            actor=request.user, statement_id=payload.statement_id, claim=_claim(payload)
        )
    return Status(201, _full(request, dispute.pk))


@router.get("/{dispute_id}", response=DisputeOut)
def dispute_detail(request, dispute_id: int):
    """The dispute with its offers, evidence and history; for its mediator also the case
    file (terms and acceptances, deliveries, the conversation)."""
    return _full(request, dispute_id)


@router.post("/{dispute_id}/offers", response={201: OfferOut})
def offer_make(request, dispute_id: int, payload: DisputeOfferIn):
    """A party offers a settlement: ``release``, ``refund`` or ``split`` with the
    freelancer's part; it replaces their previous open offer."""
    offer = services.dispute_offer_make(
        actor=request.user,
        dispute_id=dispute_id,
        outcome=payload.outcome,
        freelancer_amount=payload.freelancer_amount,
        note=payload.note,
    )
    return Status(201, _offer(offer))


@router.post("/offers/{offer_id}/accept", response=DisputeOut)
@idempotent
def offer_accept(request, offer_id: int):
    """The other party accepts: the dispute is settled and the money paid out at once."""
    offer = services.dispute_offer_accept(actor=request.user, offer_id=offer_id)
    return _full(request, offer.dispute_id)


@router.post("/offers/{offer_id}/decline", response=OfferOut)
def offer_decline(request, offer_id: int, payload: DisputeNoteIn | None = None):
    """The other party declines (optional ``note``); the maker withdraws their own offer."""
    offer = services.dispute_offer_decline(
        actor=request.user, offer_id=offer_id, note=payload.note if payload else ""
    )
    return _offer(offer)


@router.post("/{dispute_id}/escalate", response=DisputeOut)
def escalate(request, dispute_id: int):
    """A party asks for a mediator before the negotiation time is over."""
    services.dispute_escalate(actor=request.user, dispute_id=dispute_id)
    return _full(request, dispute_id)


@router.post("/{dispute_id}/withdraw", response=DisputeOut)
@idempotent
def withdraw(request, dispute_id: int):
    """The opener withdraws during negotiation: the money and the milestone or week go back
    to where they were."""
    services.dispute_withdraw(actor=request.user, dispute_id=dispute_id)
    return _full(request, dispute_id)


@router.post("/{dispute_id}/evidence", response={201: DisputeOut}, openapi_extra=EVIDENCE_BODY)
def evidence_add(request, dispute_id: int):
    """Multipart ``file`` (an image, PDF or ZIP, checked by content) with an optional
    ``note``, or JSON ``{"statement": ...}`` for a written statement."""
    if request.content_type == "multipart/form-data":
        services.dispute_evidence_add(
            actor=request.user,
            dispute_id=dispute_id,
            upload=request.FILES.get("file"),
            note=request.POST.get("note", ""),
        )
        return Status(201, _full(request, dispute_id))
    try:
        statement = StatementIn(**json.loads(request.body or b"{}")).statement
    except (ValueError, TypeError) as error:
        raise InvalidInput(
            _('Send a multipart form with a file, or {"statement": "..."} as JSON.'),
            code="bad_evidence_body",
        ) from error
    services.dispute_statement_add(actor=request.user, dispute_id=dispute_id, text=statement)
    return Status(201, _full(request, dispute_id))


@router.get("/evidence/{evidence_id}", url_name="disputes_evidence_file")
def evidence_file(request, evidence_id: int):
    """An evidence file, for the parties and the assigned mediator only."""
    evidence = selectors.evidence_for_viewer(user=request.user, evidence_id=evidence_id)
    services.dispute_case_file_read_record(
        user=request.user, dispute=evidence.dispute, what="evidence", subject=evidence
    )
    return evidence_file_response(evidence)


@router.get("/{dispute_id}/files/{file_id}", url_name="disputes_delivery_file")
def delivery_file(request, dispute_id: int, file_id: int):
    """A file delivered on the disputed milestone, for the assigned mediator."""
    found = selectors.delivery_file_for_mediator(
        user=request.user, dispute_id=dispute_id, file_id=file_id
    )
    dispute, _role = selectors.dispute_for_viewer(user=request.user, dispute_id=dispute_id)
    services.dispute_case_file_read_record(
        user=request.user, dispute=dispute, what="delivery_file", subject=found
    )
    return delivery_file_response(found)


@router.post("/{dispute_id}/decide", response=DisputeOut)
@idempotent
def decide(request, dispute_id: int, payload: DisputeDecisionIn):
    """The assigned mediator decides, once the evidence time is over (409 ``evidence_open``
    before): ``freelancer_amount`` to the freelancer, the rest to the client, with a written
    ``reason``; paid out at once."""
    services.dispute_decide(
        mediator=request.user,
        dispute_id=dispute_id,
        freelancer_amount=payload.freelancer_amount,
        reason=payload.reason,
    )
    return _full(request, dispute_id)


@router.post("/{dispute_id}/assign", response=QueueRowOut)
def assign(request, dispute_id: int, payload: AssignIn):
    """Staff who assign disputes give one in mediation to a mediator (404 for everyone
    else)."""
    dispute = services.dispute_assign(
        actor=request.user, dispute_id=dispute_id, mediator_id=payload.mediator_id
    )
    return _queue_row(dispute)
