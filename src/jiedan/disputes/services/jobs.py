"""The periodic work on disputes (``tasks.advance_disputes``, every 15 minutes). Each step
locks its dispute and re-checks it, so a run may repeat or overlap another safely.

Rules:

- When the negotiation time is over, a dispute still in negotiation goes to mediation. But
  if the other party never answered at all by then — no offer, no answer to an offer, no
  evidence or statement, no request for a mediator — it is settled as the opener asked
  (paid in full, refunded in full, or the split they named).
- Disputes waiting for a mediator are assigned to the least busy one (``mediation``).
- A decision past its due time is reported, once, to the staff who assign disputes and to
  the mediator.
"""

from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from jiedan.contracts.models import DISPUTE_SETTLED_REASON

from ..models import Dispute, DisputeEvent, Outcome, Status
from .common import Locked, event_record, lock_dispute, tell
from .mediation import dispute_report_overdue, disputes_auto_assign
from .negotiation import mediation_start
from .settlement import settle


class DisputeRun(NamedTuple):
    mediation: int
    auto_settled: int
    assigned: int
    overdue: int


def asked_split(dispute: Dispute) -> tuple[Decimal, Decimal]:
    """(to the freelancer, to the client) as the opener asked."""
    if dispute.desired_outcome == Outcome.RELEASE:
        return dispute.amount, Decimal("0")
    if dispute.desired_outcome == Outcome.REFUND:
        return Decimal("0"), dispute.amount
    part = dispute.desired_freelancer_amount
    return part, dispute.amount - part


def other_party_silent(locked: Locked) -> bool:
    """The party who did not open the dispute has done nothing in it."""
    other = locked.other_party_id(locked.dispute.opened_by_id)
    return not DisputeEvent.objects.filter(dispute=locked.dispute, actor_id=other).exists()


def _settle_as_asked(locked: Locked, now) -> None:
    to_freelancer, to_client = asked_split(locked.dispute)
    settle(
        locked,
        freelancer_amount=to_freelancer,
        client_amount=to_client,
        actor=None,
        status=Status.SETTLED,
        reason=DISPUTE_SETTLED_REASON,
        now=now,
    )
    event_record(
        locked.dispute,
        "auto_settled",
        freelancer_amount=str(to_freelancer),
        client_amount=str(to_client),
    )
    tell(locked, "dispute.settled")


@transaction.atomic
def dispute_negotiation_end(*, dispute_id: int, now=None) -> str | None:
    """End a negotiation whose time is over: "settled" as asked when the other party was
    silent, else "mediation"; None when it is not due (or no longer in negotiation)."""
    now = now or timezone.now()
    locked = lock_dispute(dispute_id)
    dispute = locked.dispute
    if dispute.status != Status.NEGOTIATION or dispute.negotiation_ends_at > now:
        return None
    if other_party_silent(locked):
        _settle_as_asked(locked, now)
        return "settled"
    mediation_start(locked, actor=None, now=now)
    return "mediation"


def disputes_advance(*, now=None, limit: int = 500) -> DisputeRun:
    """The periodic job: end due negotiations, assign the queue, report late decisions."""
    now = now or timezone.now()
    due = Dispute.objects.filter(status=Status.NEGOTIATION, negotiation_ends_at__lte=now)
    ended = [
        dispute_negotiation_end(dispute_id=pk, now=now)
        for pk in list(due.order_by("negotiation_ends_at", "pk").values_list("pk", flat=True))[
            :limit
        ]
    ]
    assigned = disputes_auto_assign(now=now, limit=limit)
    late = Dispute.objects.filter(
        status=Status.MEDIATION,
        mediator__isnull=False,
        decision_due_at__lte=now,
        overdue_notified_at__isnull=True,
    )
    overdue = sum(
        dispute_report_overdue(dispute_id=pk, now=now)
        for pk in list(late.order_by("pk").values_list("pk", flat=True))[:limit]
    )
    return DisputeRun(
        mediation=ended.count("mediation"),
        auto_settled=ended.count("settled"),
        assigned=assigned,
        overdue=overdue,
    )
