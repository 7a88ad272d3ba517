"""The sandbox: a payment provider built into the platform for development, tests and demos.
It moves no real money but behaves like a real provider:

- A charge sends the payer to a hosted checkout page (``/wallet/sandbox/checkout/<token>/``)
  where they choose to pay or to decline.
- A payout waits at the sandbox bank (``/wallet/sandbox/payouts/<token>/``) until someone
  marks it paid or rejected there. A payout to an account ending in ``0000`` is rejected at
  once ("account closed").
- A refund is decided at once: it succeeds, unless its amount ends in ``.66`` (the sandbox's
  test amount for a refused refund).
- Every decision reaches the platform only as a signed webhook event, delivered by a Celery
  task after the decision commits, through the same function the HTTP webhook endpoint uses.
  An event not acknowledged is delivered again by the ``redeliver_sandbox_events`` job, as a
  real provider retries.

The signing secret is ``JIEDAN_SANDBOX_WEBHOOK_SECRET`` (derived from ``SECRET_KEY`` when
empty). With the production settings the sandbox refuses to work unless
``JIEDAN_SANDBOX_IN_PRODUCTION`` is set (a staging site): it would hand out free money.
"""

import hashlib
import json
import secrets
import time
from datetime import UTC, datetime
from decimal import Decimal

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, NotFound
from jiedan.core.jobs import enqueue_after_commit
from jiedan.payments.models import SandboxOperation
from jiedan.payments.services.webhooks import webhook_receive

from .base import (
    Checkout,
    EventType,
    GatewayDeclined,
    GatewayEvent,
    GatewayUnavailable,
    PaymentGateway,
    PayoutDestination,
    WebhookRejected,
)
from .signing import signature_header, signature_verify

NAME = "sandbox"
SIGNATURE_HEADER = "Jiedan-Signature"
CLOSED_ACCOUNT_SUFFIX = "0000"
REFUSED_REFUND_CENTS = Decimal("0.66")

Kind, Status = SandboxOperation.Kind, SandboxOperation.Status
EVENT_TYPES = {
    (Kind.CHARGE, Status.SUCCEEDED): EventType.CHARGE_SUCCEEDED,
    (Kind.CHARGE, Status.FAILED): EventType.CHARGE_FAILED,
    (Kind.PAYOUT, Status.SUCCEEDED): EventType.PAYOUT_PAID,
    (Kind.PAYOUT, Status.FAILED): EventType.PAYOUT_FAILED,
    (Kind.REFUND, Status.SUCCEEDED): EventType.REFUND_SUCCEEDED,
    (Kind.REFUND, Status.FAILED): EventType.REFUND_FAILED,
}


def sandbox_secret() -> str:
    derived = hashlib.sha256(f"jiedan-sandbox:{settings.SECRET_KEY}".encode()).hexdigest()
    return settings.JIEDAN_SANDBOX_WEBHOOK_SECRET or derived


def _operation(*, kind: str, reference: str, amount: Decimal, currency: str, **details):
    """The operation for this reference, created on first call: a repeat with the same
    reference returns it (idempotent), one with another amount is declined."""
    lookup = {"kind": kind, "reference": reference}
    defaults = {"amount": amount, "currency": currency, "token": f"sbx_{secrets.token_hex(12)}"}
    try:
        with transaction.atomic():
            operation, _created = SandboxOperation.objects.get_or_create(
                **lookup, defaults={**defaults, **details}
            )
    except IntegrityError:  # the same reference created at the same moment
        operation = SandboxOperation.objects.get(**lookup)
    if (operation.amount, operation.currency) != (amount, currency):
        raise GatewayDeclined(
            _("This reference was already used for another amount."), code="reference_reused"
        )
    return operation


@transaction.atomic
def sandbox_decide(*, kind: str, token: str, succeeded: bool, reason: str = ""):
    """Decide an open operation (the payer pays or declines, the bank pays or rejects) and
    deliver its event after commit. A decided operation stays decided."""
    operation = SandboxOperation.objects.select_for_update().filter(kind=kind, token=token).first()
    if operation is None:
        raise NotFound(_("No such sandbox payment."), code="sandbox_not_found")
    if operation.status != Status.OPEN:
        raise Conflict(_("This was already decided."), code="sandbox_decided")
    operation.status = Status.SUCCEEDED if succeeded else Status.FAILED
    operation.failure_reason = "" if succeeded else reason
    operation.decided_at = timezone.now()
    operation.save(update_fields=["status", "failure_reason", "decided_at"])
    enqueue_after_commit(f"{__name__}.deliver_sandbox_event", (operation.pk,))
    return operation


def sandbox_operation(*, kind: str, token: str) -> SandboxOperation:
    operation = SandboxOperation.objects.filter(kind=kind, token=token).first()
    if operation is None:
        raise NotFound(_("No such sandbox payment."), code="sandbox_not_found")
    return operation


def sandbox_event_body(operation: SandboxOperation) -> bytes:
    """The event a decision produces; its id is stable, so a redelivery is a duplicate."""
    event = {
        "id": f"evt_{operation.token}_{operation.status}",
        "type": str(EVENT_TYPES[(operation.kind, operation.status)]),
        "created": int(operation.decided_at.timestamp()),
        "data": {
            "reference": operation.reference,
            "provider_reference": operation.token,
            "amount": str(operation.amount),
            "currency": operation.currency,
            "failure_reason": operation.failure_reason,
        },
    }
    return json.dumps(event, separators=(",", ":")).encode()


def sandbox_signed(body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """The headers the sandbox sends with ``body``, signed now (or at ``timestamp``)."""
    moment = int(time.time()) if timestamp is None else timestamp
    signature = signature_header(secret=sandbox_secret(), body=body, timestamp=moment)
    return {SIGNATURE_HEADER: signature}


@shared_task
def deliver_sandbox_event(operation_id: int) -> str:
    """Deliver a decided operation's signed event to the webhook handler; once it is
    acknowledged, remember that. Safe to run again: the event id is the same every time."""
    operation = SandboxOperation.objects.get(pk=operation_id)
    if operation.status == Status.OPEN:
        return "open"
    body = sandbox_event_body(operation)
    result = webhook_receive(provider=NAME, body=body, headers=sandbox_signed(body))
    SandboxOperation.objects.filter(pk=operation.pk, delivered_at__isnull=True).update(
        delivered_at=timezone.now()
    )
    return result.outcome


def _field(data: dict, key: str, max_length: int) -> str:
    value = data[key]
    if not isinstance(value, str) or len(value) > max_length:
        raise ValueError(key)
    return value


def _event(data: dict) -> GatewayEvent:
    details = data["data"]
    amount = Decimal(_field(details, "amount", 20))
    if not amount.is_finite():
        raise ValueError("amount")
    return GatewayEvent(
        provider=NAME,
        event_id=_field(data, "id", 100),
        type=EventType(data["type"]),
        reference=_field(details, "reference", 60),
        provider_reference=_field(details, "provider_reference", 100),
        amount=amount,
        currency=_field(details, "currency", 3),
        failure_reason=_field(details, "failure_reason", 200),
        occurred_at=datetime.fromtimestamp(int(data["created"]), tz=UTC),
        payload=data,
    )


class SandboxGateway(PaymentGateway):
    name = NAME

    def __init__(self):
        production = settings.JIEDAN_ENVIRONMENT == "production"
        if production and not settings.JIEDAN_SANDBOX_IN_PRODUCTION:
            raise GatewayUnavailable(
                _("Payments are not set up on this site yet."), code="payments_unavailable"
            )

    def charge_create(self, *, reference, amount, currency, description, return_url) -> Checkout:
        operation = _operation(
            kind=Kind.CHARGE,
            reference=reference,
            amount=amount,
            currency=currency,
            description=description[:200],
            return_url=return_url,
        )
        url = reverse("payments:sandbox_checkout", args=[operation.token])
        return Checkout(provider_reference=operation.token, checkout_url=url)

    def payout_create(self, *, reference, amount, currency, destination: PayoutDestination) -> str:
        with transaction.atomic():
            operation = _operation(
                kind=Kind.PAYOUT,
                reference=reference,
                amount=amount,
                currency=currency,
                destination=f"•••• {destination.account[-4:]}",
            )
            closed = destination.account.endswith(CLOSED_ACCOUNT_SUFFIX)
            if operation.status == Status.OPEN and closed:
                sandbox_decide(
                    kind=Kind.PAYOUT,
                    token=operation.token,
                    succeeded=False,
                    reason="account_closed",
                )
        return operation.token

    def refund_create(self, *, reference, charge_reference, amount, currency) -> str:
        charge = SandboxOperation.objects.filter(
            kind=Kind.CHARGE, token=charge_reference, status=Status.SUCCEEDED
        ).first()
        if charge is None or charge.currency != currency or amount > charge.amount:
            raise GatewayDeclined(_("There is no such payment to refund."), code="charge_unknown")
        with transaction.atomic():
            operation = _operation(
                kind=Kind.REFUND, reference=reference, amount=amount, currency=currency
            )
            if operation.status == Status.OPEN:
                refused = amount % 1 == REFUSED_REFUND_CENTS
                sandbox_decide(
                    kind=Kind.REFUND,
                    token=operation.token,
                    succeeded=not refused,
                    reason="refund_refused" if refused else "",
                )
        return operation.token

    def webhook_parse(self, *, body, headers, now) -> GatewayEvent:
        signature_verify(
            secret=sandbox_secret(),
            body=body,
            header=headers.get(SIGNATURE_HEADER),
            now=now,
            tolerance=settings.JIEDAN_WEBHOOK_TOLERANCE_SECONDS,
        )
        try:
            return _event(json.loads(body))
        except (ValueError, KeyError, TypeError, ArithmeticError) as error:
            raise WebhookRejected(
                _("The event could not be read."), code="webhook_malformed"
            ) from error
