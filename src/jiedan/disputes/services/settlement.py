"""Ending a dispute with money: by an accepted offer, by the mediator's decision, or as the
opener asked when the other party stayed silent; and handing the money back when the opener
withdraws.

Rules:

- A settlement or decision is ONE ledger journal from the dispute hold
  (``escrow_dispute_settle``, key ``dispute:<id>:settle``): the freelancer's share to their
  pending earnings net of the normal commission (the commission to platform fees; mediation
  itself costs nothing), the client's share back to the client's wallet. The shares add up to
  exactly what is held.
- A milestone records what was paid and refunded and ends released (the freelancer got
  something) or refunded (nothing); the contract completes when every milestone is settled and
  one was paid, as when a milestone is approved. A week ends billed (its amount stays the
  week's; the dispute records the split).
- Withdrawn: the hold goes back to escrow (``dispute:<id>:return``) and the milestone or week
  returns to where it was. A submitted milestone gets a fresh auto-approval deadline from the
  withdrawal. A week's money, funded from the client's wallet for the dispute, goes back to
  the wallet (``dispute:<id>:refund``): a week is billed only by its own billing.
- Open offers are withdrawn when the dispute ends.
"""

from decimal import Decimal

from django.utils import timezone

from jiedan.contracts.models import (
    DISPUTE_WITHDRAWN_REASON,
    MilestoneStatus,
    StatementStatus,
)
from jiedan.contracts.services.milestones import auto_approve_after, contract_complete_if_settled
from jiedan.contracts.services.statements import statement_transition
from jiedan.contracts.services.transitions import milestone_transition
from jiedan.escrow.services import (
    escrow_dispute_return,
    escrow_dispute_settle,
    escrow_refund_rest,
)
from jiedan.reputation.services import reputation_refresh_later

from ..models import DisputeOffer, OfferStatus
from .common import Locked, money_key


def offers_close(locked: Locked, *, now) -> None:
    """Withdraw every offer still open when the dispute ends."""
    DisputeOffer.objects.filter(dispute=locked.dispute, status=OfferStatus.OPEN).update(
        status=OfferStatus.WITHDRAWN, answered_at=now
    )


def _memo(locked: Locked) -> str:
    return f"dispute {locked.dispute.pk}, contract {locked.contract.pk}"


def settle(
    locked: Locked,
    *,
    freelancer_amount: Decimal,
    client_amount: Decimal,
    actor,
    status: str,
    reason: str,
    now,
) -> None:
    """Pay the split out of the dispute hold and close the dispute with ``status``."""
    dispute, contract = locked.dispute, locked.contract
    escrow_dispute_settle(
        reference=locked.subject.escrow_reference,
        payee=contract.freelancer,
        freelancer_amount=freelancer_amount,
        client_amount=client_amount,
        currency=dispute.currency,
        idempotency_key=money_key(dispute, "settle"),
        memo=_memo(locked),
        actor=actor,
        now=now,
    )
    if locked.milestone is not None:
        _close_milestone(locked, freelancer_amount, client_amount, actor, reason, now)
    else:
        locked.statement.billed_at = now
        statement_transition(statement=locked.statement, to=StatementStatus.BILLED)
    dispute.freelancer_amount, dispute.client_amount = freelancer_amount, client_amount
    dispute.status, dispute.closed_at = status, now
    dispute.save()
    offers_close(locked, now=now)
    reputation_refresh_later(user_ids=contract.party_ids())


def _close_milestone(locked: Locked, paid, refunded, actor, reason: str, now) -> None:
    milestone = locked.milestone
    milestone.released_amount, milestone.refunded_amount = paid, refunded
    milestone.closed_at, milestone.auto_approve_at = now, None
    to = MilestoneStatus.RELEASED if paid else MilestoneStatus.REFUNDED
    milestone_transition(milestone=milestone, to=to, actor=actor, reason=reason)
    contract_complete_if_settled(locked.contract, actor=actor, now=now)


def hand_back(locked: Locked, *, actor, now=None) -> None:
    """Undo the dispute's hold (it was withdrawn): the money and the milestone or week go
    back to where they were."""
    now = now or timezone.now()
    dispute, reference = locked.dispute, locked.subject.escrow_reference
    escrow_dispute_return(
        reference=reference,
        idempotency_key=money_key(dispute, "return"),
        memo=_memo(locked),
        actor=actor,
    )
    if locked.milestone is not None:
        milestone = locked.milestone
        if dispute.previous_status == MilestoneStatus.SUBMITTED:
            milestone.auto_approve_at = now + auto_approve_after()
            milestone.reminded_at = None
        milestone_transition(
            milestone=milestone,
            to=dispute.previous_status,
            actor=actor,
            reason=DISPUTE_WITHDRAWN_REASON,
        )
        return
    escrow_refund_rest(
        reference=reference,
        payer=locked.contract.client,
        idempotency_key=money_key(dispute, "refund"),
        memo=_memo(locked),
        actor=actor,
    )
    statement_transition(statement=locked.statement, to=dispute.previous_status)
