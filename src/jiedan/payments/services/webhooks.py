"""Provider webhooks: verify, store once, apply.

``webhook_receive`` is the one entry point, used by the HTTP endpoint
(``POST /api/v1/wallet/webhooks/<provider>``) and by the sandbox's delivery job alike:

1. The provider's adapter checks the signature and the timestamp (``WebhookRejected``, 400,
   nothing stored).
2. The event is stored once per (provider, event id). A repeat, even one arriving at the same
   moment from another worker, is answered ``duplicate`` and changes nothing.
3. The event is applied to the top-up, refund or withdrawal it names, in the same
   transaction. Events arrive in any order: one that no longer fits the record's status (a
   failure after the payment succeeded, a second success) is stored as ``ignored`` with a
   note, and so is one for an unknown reference or with another amount.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from jiedan.payments.gateways import gateway_get
from jiedan.payments.gateways.base import EventType, GatewayEvent
from jiedan.payments.models import WebhookEvent

from .refunds import refund_event
from .topups import top_up_event
from .withdrawals import withdrawal_event

HANDLERS = {
    EventType.CHARGE_SUCCEEDED: top_up_event,
    EventType.CHARGE_FAILED: top_up_event,
    EventType.PAYOUT_PAID: withdrawal_event,
    EventType.PAYOUT_FAILED: withdrawal_event,
    EventType.REFUND_SUCCEEDED: refund_event,
    EventType.REFUND_FAILED: refund_event,
}
DUPLICATE = "duplicate"


@dataclass(frozen=True)
class WebhookResult:
    event: WebhookEvent
    outcome: str  # applied, ignored or duplicate


def webhook_receive(*, provider: str, body: bytes, headers, now=None) -> WebhookResult:
    """Verify, store once and apply one provider event (see the module's steps)."""
    event = gateway_get(provider).webhook_parse(
        body=body, headers=headers, now=now or timezone.now()
    )
    return _webhook_apply(event)


@transaction.atomic
def _webhook_apply(event: GatewayEvent) -> WebhookResult:
    try:
        with transaction.atomic():
            stored = WebhookEvent.objects.create(
                provider=event.provider,
                event_id=event.event_id,
                type=event.type,
                reference=event.reference,
                payload=event.payload,
            )
    except IntegrityError:
        first = WebhookEvent.objects.get(provider=event.provider, event_id=event.event_id)
        return WebhookResult(event=first, outcome=DUPLICATE)
    stored.outcome, stored.note = HANDLERS[event.type](event, stored)
    stored.save(update_fields=["outcome", "note"])
    return WebhookResult(event=stored, outcome=stored.outcome)
