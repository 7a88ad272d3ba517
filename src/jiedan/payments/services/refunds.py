"""Refunds: unspent money of a succeeded top-up goes back to the card or account that paid it,
through the provider that took it.

At most the top-up's amount less what is already refunded or being refunded, and at most what
is in the wallet now (money spent cannot be refunded). The processing fee is not returned: the
provider keeps it. Journals: ``top_up.refund_requested`` (wallet → payout, held), then
``top_up.refunded`` (payout → gateway clearing) or ``top_up.refund_returned`` (payout →
wallet); see ``outgoing`` for the steps.
"""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, NotFound
from jiedan.core.money import money_display, money_positive
from jiedan.payments import locks
from jiedan.payments.gateways import gateway_get
from jiedan.payments.gateways.base import EventType, GatewayEvent
from jiedan.payments.models import Refund, TopUp, WebhookEvent
from jiedan.payments.selectors import refundable_amount
from jiedan.trust.hooks import risk_event

from . import outgoing
from .common import (
    fingerprint,
    history_start,
    key_checked,
    reference_id,
    replay_of,
    run_after_commit,
    signed_in,
    wallet_and_payout_locked,
)

Status = Refund.Status
SUBMIT_TASK = "jiedan.payments.tasks.submit_refund"


def _ensure_refundable(top_up: TopUp, amount: Decimal, wallet_balance: Decimal) -> None:
    if top_up.status != TopUp.Status.SUCCEEDED:
        raise Conflict(_("Only a completed top-up can be refunded."), code="top_up_not_refundable")
    left = refundable_amount(top_up)
    if amount > left:
        raise Conflict(
            _("At most %(left)s of this top-up can be refunded.")
            % {"left": money_display(left, top_up.currency)},
            code="refund_too_large",
        )
    if amount > wallet_balance:
        raise Conflict(
            _("Only money still in your wallet can be refunded: at most %(available)s.")
            % {"available": money_display(wallet_balance, top_up.currency)},
            code="insufficient_funds",
        )


@transaction.atomic
def refund_request(*, user, top_up_id: int, amount, idempotency_key: str) -> Refund:
    """Give ``amount`` of a top-up back to where it came from (see the module's rules). Once
    per idempotency key; a refused request changes nothing."""
    signed_in(user)
    key = key_checked(idempotency_key)
    top_up = locks.top_ups().filter(pk=top_up_id, user=user).first()
    if top_up is None:
        raise NotFound(_("No such top-up."), code="top_up_not_found")
    amount = money_positive(amount, top_up.currency)
    request = fingerprint(top_up=top_up.pk, amount=amount)
    wallet, payout = wallet_and_payout_locked(user, top_up.currency)
    if done := replay_of(Refund, user=user, idempotency_key=key, request_fingerprint=request):
        return done
    _ensure_refundable(top_up, amount, wallet.balance)
    refund = Refund.objects.create(
        user=user,
        top_up=top_up,
        amount=amount,
        currency=top_up.currency,
        gateway=top_up.gateway,
        idempotency_key=key,
        request_fingerprint=request,
    )
    outgoing.money_hold(
        refund,
        kind="top_up.refund_requested",
        wallet=wallet,
        payout=payout,
        memo=f"refund of {top_up.reference}",
    )
    history_start(refund, to=Status.REQUESTED, actor=user)
    run_after_commit(SUBMIT_TASK, refund.pk)
    risk_event("refund.requested", user, {"id": refund.pk})
    return refund


def refund_submit(*, refund_id: int) -> Refund:
    """Hand a requested refund to the provider that took the top-up."""

    def send(refund: Refund) -> str:
        top_up = refund.top_up
        return gateway_get(refund.gateway).refund_create(
            reference=refund.reference,
            charge_reference=top_up.provider_reference,
            amount=refund.amount,
            currency=refund.currency,
        )

    return outgoing.record_send(
        Refund, locks.refunds, refund_id, send, return_kind="top_up.refund_returned"
    )


def refunds_resubmit(*, now: datetime) -> int:
    waiting = outgoing.records_waiting(Refund, now=now)
    for refund_id in waiting:
        refund_submit(refund_id=refund_id)
    return len(waiting)


def refund_event(event: GatewayEvent, stored: WebhookEvent) -> tuple[str, str]:
    """Apply a ``refund.*`` event; (outcome, note) for the event record."""
    refund = (
        locks.refunds()
        .filter(pk=reference_id(event.reference, Refund), gateway=event.provider)
        .first()
    )
    if problem := outgoing.event_check(refund, event, refund.amount if refund else None):
        return WebhookEvent.Outcome.IGNORED, problem
    if event.type == EventType.REFUND_FAILED:
        return outgoing.money_return(
            refund,
            kind="top_up.refund_returned",
            reason=event.failure_reason or "failed",
            stored=stored,
        )
    return outgoing.money_complete(
        refund,
        kind="top_up.refunded",
        to=Status.REFUNDED,
        lines=[outgoing.clearing_line(refund, refund.amount)],
        event=event,
        stored=stored,
    )
