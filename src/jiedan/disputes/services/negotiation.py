"""What the parties do while a dispute is open: offers, asking for a mediator, withdrawing,
evidence and statements.

Rules:

- Only the two parties make, accept and decline offers; a stranger gets "not found", the
  mediator "permission denied", and nothing changes.
- An offer splits the whole amount: to the freelancer + to the client == the amount in dispute
  (quick choices: pay the freelancer in full, refund the client in full, or a split). A new
  offer by the same party withdraws their previous open one. Offers may be made and accepted
  while the dispute is open, in negotiation or with a mediator (until the decision).
- The other party accepts an open offer (the dispute is settled: ``settlement.settle``) or
  declines it with an optional note; the maker "declining" their own offer withdraws it.
- Either party may ask for a mediator during negotiation (``escalate``): the evidence period of
  ``JIEDAN_DISPUTE_EVIDENCE_DAYS`` starts then.
- Only the opener may withdraw, and only during negotiation: the money and the milestone or
  week go back to where they were (``settlement.hand_back``).
- Evidence (a file checked by content, kept privately with its SHA-256) and written
  statements: the parties add them while the dispute is open, in mediation until the evidence
  period ends; the mediator at any time until the decision.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from jiedan.contracts.models import DISPUTE_SETTLED_REASON
from jiedan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jiedan.core.money import money_display, money_quantize
from jiedan.core.uploads import upload_check

from .. import locks
from ..models import (
    NOTE_MAX_LENGTH,
    DisputeEvidence,
    DisputeOffer,
    OfferStatus,
    Outcome,
    Status,
)
from .common import (
    MEDIATOR,
    Locked,
    event_record,
    evidence_time,
    locked_for,
    require_open,
    require_party,
    tell,
)
from .settlement import hand_back, offers_close, settle

MAX_EVIDENCE_FILES = 20  # per person and dispute
STATEMENT_MAX_LENGTH = 4000


def offer_split(
    *, outcome: str, amount: Decimal, currency: str, freelancer_amount=None
) -> tuple[Decimal, Decimal]:
    """(to the freelancer, to the client) of ``amount`` for a quick choice or a split."""
    if outcome == Outcome.RELEASE:
        return amount, Decimal("0")
    if outcome == Outcome.REFUND:
        return Decimal("0"), amount
    if outcome != Outcome.SPLIT:
        raise InvalidInput(_("Choose how to settle."), code="outcome_invalid")
    if freelancer_amount in (None, ""):
        raise InvalidInput(
            _("Say how much of it the freelancer should get."), code="split_amount_missing"
        )
    part = money_quantize(freelancer_amount, currency)
    if not 0 <= part <= amount:
        raise InvalidInput(
            _("The freelancer's part must be from nothing to %(amount)s.")
            % {"amount": money_display(amount, currency)},
            code="split_out_of_range",
        )
    return part, amount - part


def _note(note: str, *, max_length: int = NOTE_MAX_LENGTH) -> str:
    note = (note or "").strip()
    if len(note) > max_length:
        raise InvalidInput(
            _("Keep it under %(max)s characters.") % {"max": max_length}, code="note_too_long"
        )
    return note


def _withdraw_own_offer(locked: Locked, actor, now) -> None:
    for offer in locks.offers().filter(
        dispute=locked.dispute, made_by=actor, status=OfferStatus.OPEN
    ):
        offer.status, offer.answered_at = OfferStatus.WITHDRAWN, now
        offer.save(update_fields=["status", "answered_at"])
        event_record(locked.dispute, "offer_withdrawn", actor=actor, offer_id=offer.pk)


@transaction.atomic
def dispute_offer_make(
    *, actor, dispute_id: int, outcome: str, freelancer_amount=None, note: str = "", now=None
) -> DisputeOffer:
    """A party proposes how to split the amount; it replaces their previous open offer."""
    now = now or timezone.now()
    note = _note(note)
    locked = locked_for(actor, dispute_id)
    require_party(locked)
    dispute = locked.dispute
    require_open(dispute)
    to_freelancer, to_client = offer_split(
        outcome=outcome,
        amount=dispute.amount,
        currency=dispute.currency,
        freelancer_amount=freelancer_amount,
    )
    _withdraw_own_offer(locked, actor, now)
    offer = DisputeOffer.objects.create(
        dispute=dispute,
        made_by=actor,
        freelancer_amount=to_freelancer,
        client_amount=to_client,
        note=note,
    )
    event_record(
        dispute,
        "offer_made",
        actor=actor,
        offer_id=offer.pk,
        freelancer_amount=str(to_freelancer),
        client_amount=str(to_client),
    )
    tell(locked, "dispute.offer_made", actor=actor, mediator=True)
    return offer


def _locked_offer(actor, offer_id: int) -> tuple[Locked, DisputeOffer]:
    dispute_id = (
        DisputeOffer.objects.filter(pk=offer_id).values_list("dispute_id", flat=True).first()
    )
    if dispute_id is None:
        raise NotFound(_("No such offer."), code="offer_not_found")
    locked = locked_for(actor, dispute_id)
    require_party(locked)
    offer = locks.offers().get(pk=offer_id)
    if offer.status != OfferStatus.OPEN:
        raise Conflict(_("This offer was already answered."), code="offer_closed")
    require_open(locked.dispute)
    return locked, offer


@transaction.atomic
def dispute_offer_accept(*, actor, offer_id: int, now=None) -> DisputeOffer:
    """The other party accepts an open offer: the dispute is settled on its split."""
    now = now or timezone.now()
    locked, offer = _locked_offer(actor, offer_id)
    if offer.made_by_id == actor.pk:
        raise PermissionDenied(_("The other party must accept your offer."), code="own_offer")
    offer.status, offer.answered_at = OfferStatus.ACCEPTED, now
    offer.save(update_fields=["status", "answered_at"])
    event_record(locked.dispute, "offer_accepted", actor=actor, offer_id=offer.pk)
    settle(
        locked,
        freelancer_amount=offer.freelancer_amount,
        client_amount=offer.client_amount,
        actor=actor,
        status=Status.SETTLED,
        reason=DISPUTE_SETTLED_REASON,
        now=now,
    )
    event_record(
        locked.dispute,
        "settled",
        actor=actor,
        freelancer_amount=str(offer.freelancer_amount),
        client_amount=str(offer.client_amount),
    )
    tell(locked, "dispute.settled", mediator=True)
    return offer


@transaction.atomic
def dispute_offer_decline(*, actor, offer_id: int, note: str = "", now=None) -> DisputeOffer:
    """The other party declines an open offer (with an optional note); the maker doing so
    withdraws it. Nothing moves."""
    now = now or timezone.now()
    note = _note(note)
    locked, offer = _locked_offer(actor, offer_id)
    own = offer.made_by_id == actor.pk
    offer.status = OfferStatus.WITHDRAWN if own else OfferStatus.DECLINED
    offer.answered_at = now
    offer.save(update_fields=["status", "answered_at"])
    kind = "offer_withdrawn" if own else "offer_declined"
    event_record(locked.dispute, kind, actor=actor, offer_id=offer.pk, note=note)
    if not own:
        tell(locked, "dispute.offer_declined", actor=actor, only=[offer.made_by_id])
    return offer


def mediation_start(locked: Locked, *, actor, now) -> None:
    """Negotiation is over: a mediator takes the dispute (from the queue) and the evidence
    period starts."""
    dispute = locked.dispute
    dispute.status = Status.MEDIATION
    dispute.evidence_ends_at = now + evidence_time()
    dispute.save(update_fields=["status", "evidence_ends_at", "updated_at"])
    event_record(dispute, "escalated", actor=actor)
    tell(locked, "dispute.escalated", actor=actor)


@transaction.atomic
def dispute_escalate(*, actor, dispute_id: int, now=None):
    """A party asks for a mediator before the negotiation time is over."""
    locked = locked_for(actor, dispute_id)
    require_party(locked)
    require_open(locked.dispute, Status.NEGOTIATION)
    mediation_start(locked, actor=actor, now=now or timezone.now())
    return locked.dispute


@transaction.atomic
def dispute_withdraw(*, actor, dispute_id: int, now=None):
    """The opener drops the dispute during negotiation: everything goes back as it was."""
    now = now or timezone.now()
    locked = locked_for(actor, dispute_id)
    dispute = locked.dispute
    if actor.pk != dispute.opened_by_id:
        raise PermissionDenied(
            _("Only the person who opened the dispute can withdraw it."), code="opener_only"
        )
    require_open(dispute, Status.NEGOTIATION)
    hand_back(locked, actor=actor, now=now)
    dispute.status, dispute.closed_at = Status.WITHDRAWN, now
    dispute.save(update_fields=["status", "closed_at", "updated_at"])
    offers_close(locked, now=now)
    event_record(dispute, "withdrawn", actor=actor)
    tell(locked, "dispute.withdrawn", actor=actor)
    return dispute


def _require_evidence_open(locked: Locked, now) -> None:
    dispute = locked.dispute
    require_open(dispute)
    late = dispute.status == Status.MEDIATION and dispute.evidence_ends_at <= now
    if late and locked.role != MEDIATOR:
        raise Conflict(
            _("The time for evidence ended on %(when)s.")
            % {
                "when": date_format(timezone.localtime(dispute.evidence_ends_at), "DATETIME_FORMAT")
            },
            code="evidence_closed",
        )


@transaction.atomic
def dispute_evidence_add(*, actor, dispute_id: int, upload, note: str = "", now=None):
    """A party (or the mediator) adds a file to the dispute: checked by its content, stored
    privately with its SHA-256."""
    now = now or timezone.now()
    note = _note(note)
    checked = upload_check(upload)
    locked = locked_for(actor, dispute_id)
    _require_evidence_open(locked, now)
    dispute = locked.dispute
    if DisputeEvidence.objects.filter(dispute=dispute, added_by=actor).count() >= (
        MAX_EVIDENCE_FILES
    ):
        raise Conflict(
            _("You can add at most %(count)s files to a dispute.") % {"count": MAX_EVIDENCE_FILES},
            code="too_many_files",
        )
    evidence = DisputeEvidence(
        dispute=dispute,
        added_by=actor,
        original_name=(upload.name or checked.stored_name())[:200],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        note=note,
    )
    evidence.file.save(checked.stored_name(), upload, save=False)
    evidence.save()
    event_record(
        dispute,
        "evidence_added",
        actor=actor,
        evidence_id=evidence.pk,
        name=evidence.original_name,
        sha256=evidence.sha256,
    )
    tell(locked, "dispute.evidence_added", actor=actor, mediator=True)
    return evidence


@transaction.atomic
def dispute_statement_add(*, actor, dispute_id: int, text: str, now=None):
    """A party (or the mediator) writes a statement into the dispute's history."""
    now = now or timezone.now()
    text = _note(text, max_length=STATEMENT_MAX_LENGTH)
    if not text:
        raise InvalidInput(_("Write your statement."), code="statement_missing")
    locked = locked_for(actor, dispute_id)
    _require_evidence_open(locked, now)
    event = event_record(locked.dispute, "statement_added", actor=actor, text=text)
    tell(locked, "dispute.evidence_added", actor=actor, mediator=True)
    return event
