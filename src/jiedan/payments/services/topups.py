"""Top-ups: a person adds money to their wallet through the payment provider.

- ``top_up_start`` quotes the amount (the provider's processing fee is added on top, see
  ``ledger.fees.top_up_quote``), records a pending top-up and asks the provider for a
  checkout; the person pays there. Once per idempotency key: a repeat returns the same top-up
  (and finishes asking for the checkout if a crash interrupted it).
- Only the provider's confirmation moves money: ``charge.succeeded`` posts one journal
  ``wallet.top_up`` (gateway clearing −amount, wallet +amount, key ``payments.top-up:<id>``).
  A failed, declined or expired top-up moves nothing. A success after a failure or expiry is
  still credited, once; anything after success is recorded and ignored.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiedan.ledger import fees
from jiedan.ledger.models import Purpose
from jiedan.ledger.services import Line, ledger_post
from jiedan.notifications.realtime import user_event_push
from jiedan.notifications.services import notification_send
from jiedan.payments import locks
from jiedan.payments.gateways import gateway_current, gateway_get
from jiedan.payments.gateways.base import EventType, GatewayDeclined, GatewayEvent
from jiedan.payments.models import TopUp, WebhookEvent
from jiedan.trust.hooks import risk_event

from .common import (
    fingerprint,
    history_start,
    key_checked,
    payment_transition,
    personal_account,
    platform_account,
    reference_id,
    replay_of,
    signed_in,
)

Status = TopUp.Status
EXPIRE_BATCH = 500


def top_up_start(*, user, amount, currency: str, idempotency_key: str) -> TopUp:
    """Start adding ``amount`` to the person's wallet; the answer carries the checkout URL.
    Not one transaction on purpose: the top-up is committed before the provider is called,
    so a crash in between leaves a pending top-up that a repeat of the request completes."""
    signed_in(user)
    key = key_checked(idempotency_key)
    quote = fees.top_up_quote(amount, currency)
    top_up = _top_up_record(user=user, quote=quote, key=key)
    if top_up.status == Status.PENDING and not top_up.checkout_url:
        _checkout_attach(top_up)
    return top_up


@transaction.atomic
def _top_up_record(*, user, quote: fees.TopUp, key: str) -> TopUp:
    request = fingerprint(amount=quote.credited, currency=quote.currency)
    if done := replay_of(TopUp, user=user, idempotency_key=key, request_fingerprint=request):
        return done
    gateway = gateway_current()
    try:
        with transaction.atomic():
            top_up = TopUp.objects.create(
                user=user,
                amount=quote.credited,
                processing_fee=quote.processing,
                charged=quote.charged,
                currency=quote.currency,
                gateway=gateway.name,
                idempotency_key=key,
                request_fingerprint=request,
            )
    except IntegrityError:  # the same key sent twice at once: the first one counts
        return replay_of(TopUp, user=user, idempotency_key=key, request_fingerprint=request)
    history_start(top_up, to=Status.PENDING, actor=user)
    return top_up


def _checkout_attach(top_up: TopUp) -> None:
    """Ask the provider for the checkout (idempotent on the top-up's reference). A provider
    that refuses outright fails the top-up; one that cannot be reached leaves it pending."""
    try:
        checkout = gateway_get(top_up.gateway).charge_create(
            reference=top_up.reference,
            amount=top_up.charged,
            currency=top_up.currency,
            description=_("Jiedan wallet top-up"),
            return_url=reverse("payments:top_up_detail", args=[top_up.pk]),
        )
    except GatewayDeclined as error:
        _declined_at_start(top_up.pk, reason=error.code)
        raise
    TopUp.objects.filter(pk=top_up.pk, checkout_url="").update(
        provider_reference=checkout.provider_reference,
        checkout_url=checkout.checkout_url,
        updated_at=timezone.now(),
    )
    top_up.provider_reference = checkout.provider_reference
    top_up.checkout_url = checkout.checkout_url


@transaction.atomic
def _declined_at_start(top_up_id: int, *, reason: str) -> None:
    top_up = locks.top_ups().get(pk=top_up_id)
    if top_up.status == Status.PENDING:
        top_up.failure_reason = reason
        payment_transition(record=top_up, to=Status.FAILED, reason=reason)


def top_up_event(event: GatewayEvent, record: WebhookEvent) -> tuple[str, str]:
    """Apply a ``charge.*`` event; returns (outcome, note) for the event record. The caller
    runs it in the transaction that stored the event."""
    top_up = (
        locks.top_ups()
        .filter(pk=reference_id(event.reference, TopUp), gateway=event.provider)
        .first()
    )
    if top_up is None:
        return WebhookEvent.Outcome.IGNORED, "unknown reference"
    if (event.amount, event.currency) != (top_up.charged, top_up.currency):
        return WebhookEvent.Outcome.IGNORED, "amount or currency differs from the top-up"
    if event.type == EventType.CHARGE_SUCCEEDED:
        return _succeed(top_up, event, record)
    return _fail(top_up, event, record)


def _succeed(top_up: TopUp, event: GatewayEvent, record: WebhookEvent) -> tuple[str, str]:
    if top_up.status == Status.SUCCEEDED:
        return WebhookEvent.Outcome.IGNORED, "already succeeded"
    top_up.journal = ledger_post(
        idempotency_key=f"payments.top-up:{top_up.pk}",
        kind="wallet.top_up",
        lines=[
            Line(platform_account(Purpose.GATEWAY_CLEARING, top_up.currency), -top_up.amount),
            Line(personal_account(Purpose.WALLET, top_up.user, top_up.currency), top_up.amount),
        ],
        memo=f"top-up through {top_up.gateway} ({event.provider_reference})",
        reference=top_up.reference,
    )
    top_up.provider_reference = top_up.provider_reference or event.provider_reference
    top_up.completed_at = timezone.now()
    payment_transition(record=top_up, to=Status.SUCCEEDED, event=record)
    _tell(top_up)
    risk_event(
        "top_up.succeeded",
        top_up.user,
        {"id": top_up.pk, "amount": str(top_up.amount), "currency": top_up.currency},
    )
    return WebhookEvent.Outcome.APPLIED, ""


def _fail(top_up: TopUp, event: GatewayEvent, record: WebhookEvent) -> tuple[str, str]:
    if top_up.status != Status.PENDING:
        return WebhookEvent.Outcome.IGNORED, f"stale: the top-up is {top_up.status}"
    top_up.failure_reason = event.failure_reason[:200] or "declined"
    payment_transition(record=top_up, to=Status.FAILED, event=record, reason=top_up.failure_reason)
    _tell(top_up)
    return WebhookEvent.Outcome.APPLIED, ""


def _tell(top_up: TopUp) -> None:
    """The payer hears live, and in their notifications, that the top-up succeeded or failed."""
    event = f"wallet.top_up.{top_up.status}"
    data = {"top_up_id": top_up.pk, "amount": str(top_up.amount), "currency": top_up.currency}
    user_event_push(user_id=top_up.user_id, event=event, data=data)
    notification_send(recipient_id=top_up.user_id, kind=event, data=data)


def top_ups_expire(*, now: datetime) -> int:
    """Mark top-ups still unpaid ``JIEDAN_TOP_UP_EXPIRY_MINUTES`` after they started as
    expired (nothing to undo: no money moved). Returns how many."""
    cutoff = now - timedelta(minutes=settings.JIEDAN_TOP_UP_EXPIRY_MINUTES)
    stale = TopUp.objects.filter(status=Status.PENDING, created_at__lte=cutoff).order_by("pk")
    expired = 0
    for top_up_id in stale.values_list("pk", flat=True)[:EXPIRE_BATCH]:
        with transaction.atomic():
            top_up = locks.top_ups().get(pk=top_up_id)
            if top_up.status == Status.PENDING:
                payment_transition(record=top_up, to=Status.EXPIRED, reason="not paid in time")
                expired += 1
    return expired
