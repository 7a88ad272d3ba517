"""Ending a contract early, and pausing it.

Rules:

- A client cannot cancel after a submission and keep the work. While money is in escrow, a
  contract ends only by mutual agreement: one party proposes how much of the escrow the
  freelancer keeps (from nothing to all of it), the other accepts or declines. On acceptance
  each milestone in escrow, in plan order, pays the freelancer from the agreed share and
  refunds the rest to the client; unfunded milestones are cancelled; the contract ends.
- A proposal is stale once the escrow changed (a milestone was funded or paid since): it can
  no longer be accepted, and a new one must be proposed.
- With nothing in escrow either party may end the contract at once, with a reason.
- Ending a contract withdraws its open change request.
- Disputed milestones are settled by the dispute, not here.
- The client may pause an active contract (no funding or submitting meanwhile) and resume it.
- Pausing or ending an hourly contract stops its running timer; its last week still closes and
  is billed (``statements``). It ends completed when time was logged or something was paid.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jiedan.core.money import money_display, money_quantize
from jiedan.escrow.services import escrow_refund
from jiedan.ledger.models import Journal
from jiedan.trust.hooks import risk_event

from .. import locks
from ..models import (
    AGREED_CANCELLATION_REASON,
    CONTRACT_ENDED_REASON,
    FINAL,
    IN_ESCROW,
    Cancellation,
    CancellationStatus,
    Contract,
    Milestone,
    MilestoneStatus,
    Status,
)
from .changes import change_withdraw_open
from .common import CLIENT, locked_contract, notify
from .hourly import running_timer_stop
from .milestones import REVIEWING, release
from .transitions import contract_transition, milestone_transition

REASON_MAX_LENGTH = 2000


def _held(contract: Contract) -> list[Milestone]:
    return list(locks.milestones().filter(contract=contract, status__in=IN_ESCROW))


def _held_total(milestones: list[Milestone]) -> Decimal:
    return sum((milestone.amount for milestone in milestones), Decimal("0"))


def _escrow_journals(contract: Contract):
    """Journals that moved money into or out of the contract's milestone escrows (not those
    that only share their reference, such as earnings becoming available after the hold)."""
    references = [m.escrow_reference for m in contract.milestones.only("pk")]
    return Journal.objects.filter(reference__in=references, kind__startswith="escrow.")


def _escrow_mark(contract: Contract) -> int:
    """The newest journal of the contract's milestone escrows (0: none yet)."""
    return _escrow_journals(contract).aggregate(newest=Max("pk"))["newest"] or 0


def _escrow_moved_since(contract: Contract, cancellation: Cancellation) -> bool:
    """Money went into or out of any of the contract's milestone escrows since the proposal
    (funded, paid, refunded or disputed), even if the total held is the same again."""
    journals = _escrow_journals(contract)
    if cancellation.escrow_journal_mark is None:  # proposed before the mark was kept
        return journals.filter(created_at__gt=cancellation.created_at).exists()
    return journals.filter(pk__gt=cancellation.escrow_journal_mark).exists()


def _require_open(contract: Contract) -> None:
    if contract.status not in REVIEWING:
        raise Conflict(_("This contract has already ended."), code="contract_ended")
    if contract.milestones.filter(status=MilestoneStatus.DISPUTED).exists():
        raise Conflict(
            _("A milestone is in dispute; the dispute settles it first."), code="in_dispute"
        )


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give a reason."), code="reason_missing")
    return reason[:REASON_MAX_LENGTH]


@transaction.atomic
def cancellation_propose(*, actor, contract_id: int, freelancer_share, reason: str):
    """Propose ending the contract with ``freelancer_share`` of the escrow paid out."""
    reason = _clean_reason(reason)
    contract = locked_contract(actor, contract_id)
    _require_open(contract)
    held = _held(contract)
    held_total = _held_total(held)
    if held_total == 0:
        raise Conflict(
            _("Nothing is in escrow: you can end the contract directly."), code="nothing_held"
        )
    share = money_quantize(freelancer_share, contract.currency)
    if not 0 <= share <= held_total:
        raise InvalidInput(
            _("The freelancer's share must be from 0 to %(total)s.")
            % {"total": money_display(held_total, contract.currency)},
            code="share_out_of_range",
        )
    if locks.cancellations().filter(contract=contract, status=CancellationStatus.PROPOSED):
        raise Conflict(_("A cancellation is already proposed."), code="cancellation_open")
    cancellation = Cancellation.objects.create(
        contract=contract,
        proposed_by=actor,
        freelancer_share=share,
        held_total=held_total,
        held_milestones=sorted(milestone.pk for milestone in held),
        escrow_journal_mark=_escrow_mark(contract),
        reason=reason,
    )
    notify(contract, actor=actor, event="contract.cancellation_proposed")
    risk_event("contract.cancellation", actor, {"cancellation_id": cancellation.pk})
    return cancellation


def _locked_open_cancellation(actor, cancellation_id: int):
    contract_id = (
        Cancellation.objects.filter(pk=cancellation_id).values_list("contract_id", flat=True)
    ).first()
    if contract_id is None:
        raise NotFound(_("No such cancellation."), code="cancellation_not_found")
    contract = locked_contract(actor, contract_id)
    cancellation = locks.cancellations().get(pk=cancellation_id)
    if cancellation.status != CancellationStatus.PROPOSED:
        raise Conflict(_("This proposal was already answered."), code="cancellation_closed")
    return contract, cancellation


def _decide(cancellation: Cancellation, status: str, actor, now) -> None:
    cancellation.status = status
    cancellation.decided_by = actor
    cancellation.decided_at = now
    cancellation.save(update_fields=["status", "decided_by", "decided_at"])


def _settle_milestone(contract, milestone, share_left: Decimal, actor, now) -> Decimal:
    """Pay the freelancer what is left of the share (up to the milestone's amount), refund
    the rest; returns the share still to pay."""
    paid = min(share_left, milestone.amount)
    refund = milestone.amount - paid
    if paid:
        release(contract, milestone, amount=paid, actor=actor, now=now)
    if refund:
        escrow_refund(
            reference=milestone.escrow_reference,
            payer=contract.client,
            amount=refund,
            currency=milestone.currency,
            idempotency_key=f"{milestone.escrow_reference}:refund",
            memo=f"contract {contract.pk} cancelled",
            actor=actor,
        )
        milestone.refunded_amount = refund
        milestone.closed_at = now
    to = MilestoneStatus.RELEASED if paid else MilestoneStatus.REFUNDED
    milestone_transition(milestone=milestone, to=to, actor=actor, reason=AGREED_CANCELLATION_REASON)
    return share_left - paid


def _close_unfunded(contract: Contract, actor, reason: str) -> None:
    for milestone in locks.milestones().filter(contract=contract).exclude(status__in=FINAL):
        milestone_transition(
            milestone=milestone, to=MilestoneStatus.CANCELLED, actor=actor, reason=reason
        )


def _end(contract: Contract, actor, reason: str, now) -> None:
    change_withdraw_open(contract, actor=actor, now=now)
    running_timer_stop(contract, now=now)
    paid = (
        contract.milestones.filter(released_amount__gt=0).exists() or contract.time_entries.exists()
    )
    contract.ended_at = now
    to = Status.COMPLETED if paid else Status.CANCELLED
    contract_transition(contract=contract, to=to, actor=actor, reason=reason)


@transaction.atomic
def cancellation_accept(*, actor, cancellation_id: int, now=None) -> Contract:
    """The other party agrees: the escrow is split as proposed and the contract ends."""
    now = now or timezone.now()
    contract, cancellation = _locked_open_cancellation(actor, cancellation_id)
    if actor.pk == cancellation.proposed_by_id:
        raise PermissionDenied(_("The other party must accept your proposal."), code="own_proposal")
    _require_open(contract)
    held = _held(contract)
    held_now = sorted(milestone.pk for milestone in held)
    if (
        _held_total(held) != cancellation.held_total
        or held_now != cancellation.held_milestones
        or _escrow_moved_since(contract, cancellation)
    ):
        raise Conflict(
            _("The escrow changed since this was proposed. Propose again."),
            code="cancellation_stale",
        )
    share_left = cancellation.freelancer_share
    for milestone in sorted(held, key=lambda m: m.position):
        share_left = _settle_milestone(contract, milestone, share_left, actor, now)
    _close_unfunded(contract, actor, CONTRACT_ENDED_REASON)
    _decide(cancellation, CancellationStatus.ACCEPTED, actor, now)
    _end(contract, actor, cancellation.reason, now)
    notify(contract, actor=actor, event="contract.cancelled")
    return contract


@transaction.atomic
def cancellation_decline(*, actor, cancellation_id: int, now=None) -> Cancellation:
    """The other party declines (the proposer withdraws): nothing moves."""
    _contract, cancellation = _locked_open_cancellation(actor, cancellation_id)
    own = actor.pk == cancellation.proposed_by_id
    status = CancellationStatus.WITHDRAWN if own else CancellationStatus.DECLINED
    _decide(cancellation, status, actor, now or timezone.now())
    return cancellation


@transaction.atomic
def contract_end(*, actor, contract_id: int, reason: str, now=None) -> Contract:
    """Either party ends a contract with nothing in escrow; unfunded milestones are
    cancelled. Completed when something was paid, cancelled otherwise."""
    now = now or timezone.now()
    reason = _clean_reason(reason)
    contract = locked_contract(actor, contract_id)
    _require_open(contract)
    if _held(contract):
        raise Conflict(
            _("Money is in escrow: agree a cancellation with the other party."),
            code="escrow_held",
        )
    _close_unfunded(contract, actor, reason)
    _end(contract, actor, reason, now)
    notify(contract, actor=actor, event="contract.ended")
    return contract


@transaction.atomic
def contract_pause(*, client, contract_id: int, reason: str = "") -> Contract:
    contract = locked_contract(client, contract_id, role=CLIENT)
    if contract.status != Status.ACTIVE:
        raise Conflict(_("Only an active contract can be paused."), code="contract_not_active")
    running_timer_stop(contract, now=timezone.now())
    contract_transition(contract=contract, to=Status.PAUSED, actor=client, reason=reason.strip())
    notify(contract, actor=client, event="contract.paused")
    return contract


@transaction.atomic
def contract_resume(*, client, contract_id: int) -> Contract:
    contract = locked_contract(client, contract_id, role=CLIENT)
    if contract.status != Status.PAUSED:
        raise Conflict(_("The contract is not paused."), code="contract_not_paused")
    contract_transition(contract=contract, to=Status.ACTIVE, actor=client)
    notify(contract, actor=client, event="contract.resumed")
    return contract
