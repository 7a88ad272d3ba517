"""The life of money leaving a wallet through the provider, shared by refunds and withdrawals.

1. Held: wallet −amount → payout +amount (``<kind>.requested``), in the transaction that
   creates the record; the person cannot spend it twice.
2. Sent: after commit a job asks the provider (idempotent on the record's reference) and
   stores its id (requested → processing). If it cannot reach the provider the record stays
   requested and the ``resubmit_waiting_payouts`` job tries again; an outright refusal gives
   the money back as in 4.
3. Completed, on the provider's event: payout −amount → gateway clearing (and fee revenue).
4. Failed, on the provider's event: payout −amount → wallet +amount (``<kind>.returned``).

3 and 4 happen once: the record is locked and must still be in progress, and each journal's
key is derived from the record. Events for a finished record are recorded and ignored.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from jiedan.ledger.models import Purpose
from jiedan.ledger.services import Line, ledger_post
from jiedan.notifications.realtime import user_event_push
from jiedan.notifications.services import notification_send
from jiedan.payments.gateways.base import GatewayDeclined, GatewayEvent, GatewayUnavailable
from jiedan.payments.models import WebhookEvent

from .common import payment_transition, personal_account, platform_account

logger = logging.getLogger(__name__)
RESUBMIT_AFTER = timedelta(minutes=5)
RESUBMIT_BATCH = 200


def journal_key(record, step: str) -> str:
    return f"payments.{record.REFERENCE_PREFIX}:{record.pk}:{step}"


def money_hold(record, *, kind: str, wallet, payout, memo: str) -> None:
    """Step 1 for a record just created; the caller holds the locks of both accounts."""
    record.hold_journal = ledger_post(
        idempotency_key=journal_key(record, "held"),
        kind=kind,
        lines=[Line(wallet, -record.amount), Line(payout, record.amount)],
        memo=memo,
        reference=record.reference,
        actor=record.user,
    )
    record.save(update_fields=["hold_journal"])


def record_send(model, lock, record_id: int, send: Callable[[object], str], *, return_kind: str):
    """Step 2: hand the record to the provider once (the provider deduplicates on the
    reference, so a second sender changes nothing). The call runs outside any lock."""
    record = model.objects.select_related("user").get(pk=record_id)
    if record.status != model.Status.REQUESTED:
        return record
    try:
        provider_reference = send(record)
    except GatewayUnavailable:
        logger.warning("%s: provider unreachable, left for the resubmit job", record.reference)
        return record
    except GatewayDeclined as error:
        with transaction.atomic():
            record = lock().get(pk=record_id)
            # Only a record no provider call has accepted yet: once another send was
            # accepted (processing), a refusal of this duplicate must not return the money.
            if record.status == model.Status.REQUESTED:
                money_return(record, kind=return_kind, reason=error.code)
        return record
    with transaction.atomic():
        record = lock().get(pk=record_id)
        record.provider_reference = record.provider_reference or provider_reference
        if record.status == model.Status.REQUESTED:
            payment_transition(record=record, to=model.Status.PROCESSING, reason="sent")
        else:
            record.save(update_fields=["provider_reference", "updated_at"])
    return record


def records_waiting(model, *, now: datetime) -> list[int]:
    """Records requested a while ago and still not accepted by the provider (step 2 was
    interrupted or the provider was unreachable)."""
    waiting = model.objects.filter(
        status=model.Status.REQUESTED, created_at__lte=now - RESUBMIT_AFTER
    ).order_by("pk")
    return list(waiting.values_list("pk", flat=True)[:RESUBMIT_BATCH])


def event_check(record, event: GatewayEvent, expected_amount) -> str:
    """Why an event cannot apply to this record ('' when it can)."""
    if record is None:
        return "unknown reference"
    if (event.amount, event.currency) != (expected_amount, record.currency):
        return "amount or currency differs from the record"
    if not record.in_progress:
        return f"stale: the record is {record.status}"
    return ""


def money_complete(
    record, *, kind: str, to: str, lines: list[Line], event: GatewayEvent, stored: WebhookEvent
):
    """Step 3: ``lines`` take the amount out of the payout account."""
    payout = personal_account(Purpose.PAYOUT, record.user, record.currency)
    record.final_journal = ledger_post(
        idempotency_key=journal_key(record, "completed"),
        kind=kind,
        lines=[Line(payout, -record.amount), *lines],
        memo=f"paid out through {record.gateway} ({event.provider_reference})",
        reference=record.reference,
    )
    record.provider_reference = record.provider_reference or event.provider_reference
    record.completed_at = timezone.now()
    payment_transition(record=record, to=to, event=stored)
    _tell(record)
    return WebhookEvent.Outcome.APPLIED, ""


def money_return(record, *, kind: str, reason: str, stored: WebhookEvent | None = None):
    """Step 4: the held money goes back to the wallet."""
    record.final_journal = ledger_post(
        idempotency_key=journal_key(record, "returned"),
        kind=kind,
        lines=[
            Line(personal_account(Purpose.PAYOUT, record.user, record.currency), -record.amount),
            Line(personal_account(Purpose.WALLET, record.user, record.currency), record.amount),
        ],
        memo=f"returned: {reason}"[:200],
        reference=record.reference,
    )
    record.failure_reason = reason[:200]
    record.completed_at = timezone.now()
    payment_transition(record=record, to=record.Status.FAILED, event=stored, reason=reason)
    _tell(record)
    return WebhookEvent.Outcome.APPLIED, ""


def clearing_line(record, amount) -> Line:
    return Line(platform_account(Purpose.GATEWAY_CLEARING, record.currency), amount)


def _tell(record) -> None:
    """The person hears live, and in their notifications, that the money arrived or came
    back to their wallet."""
    event = f"wallet.{record.REFERENCE_PREFIX}.{record.status}"
    data = {"id": record.pk, "amount": str(record.amount), "currency": record.currency}
    user_event_push(user_id=record.user_id, event=event, data=data)
    notification_send(recipient_id=record.user_id, kind=event, data=data)
