"""Factories for payments, and helpers that make money move the real way: through the
services, the sandbox provider and its signed webhook events."""

from decimal import Decimal

import factory

from jiedan.ledger.models import Account, Entry, Journal
from jiedan.payments import services
from jiedan.payments.gateways import sandbox
from jiedan.payments.models import (
    PayoutMethod,
    Refund,
    SandboxOperation,
    StatusChange,
    TopUp,
    WebhookEvent,
    Withdrawal,
)
from tests.factories import UserFactory

Kind = SandboxOperation.Kind


class TopUpFactory(factory.django.DjangoModelFactory):
    """A pending top-up (nothing has moved yet, so the books stay sound)."""

    class Meta:
        model = TopUp

    user = factory.SubFactory(UserFactory)
    amount = Decimal("100.00")
    processing_fee = Decimal("0.60")
    charged = Decimal("100.60")
    currency = "CNY"
    gateway = "sandbox"
    idempotency_key = factory.Sequence(lambda n: f"top-up-{n}")
    request_fingerprint = "0" * 64


class PayoutMethodFactory(factory.django.DjangoModelFactory):
    """A bank account as stored; ``bank_method`` adds one through the service."""

    class Meta:
        model = PayoutMethod

    user = factory.SubFactory(UserFactory)
    kind = PayoutMethod.Kind.BANK
    holder_name = "李伟"
    account = factory.Sequence(lambda n: f"62220202{n:08d}")
    bank_name = "中国工商银行"
    last4 = factory.LazyAttribute(lambda method: method.account[-4:])
    fingerprint = factory.Sequence(lambda n: f"{n:064d}")


class WebhookEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEvent

    provider = "sandbox"
    event_id = factory.Sequence(lambda n: f"evt_{n}")
    type = "charge.succeeded"
    reference = "topup_0"
    payload = factory.LazyAttribute(lambda event: {"id": event.event_id})


class SandboxOperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SandboxOperation

    kind = Kind.CHARGE
    token = factory.Sequence(lambda n: f"sbx_test{n}")
    reference = factory.Sequence(lambda n: f"topup_{n}")
    amount = Decimal("100.60")
    currency = "CNY"


def deliver(operation: SandboxOperation) -> str:
    """The sandbox's delivery job, run now (what Celery runs after the decision commits)."""
    return sandbox.deliver_sandbox_event.apply(args=[operation.pk]).get()


def sandbox_of(record, kind: str) -> SandboxOperation:
    return SandboxOperation.objects.get(kind=kind, reference=record.reference)


def top_up_paid(user, amount: str = "100.00", *, key: str | None = None, currency: str = "CNY"):
    """A top-up started, paid at the sandbox checkout and confirmed by webhook."""
    top_up = services.top_up_start(
        user=user,
        amount=amount,
        currency=currency,
        idempotency_key=key or f"pay-{user.pk}-{TopUp.objects.count()}",
    )
    operation = sandbox.sandbox_decide(
        kind=Kind.CHARGE, token=top_up.provider_reference, succeeded=True
    )
    deliver(operation)
    top_up.refresh_from_db()
    return top_up


def bank_method(user, account: str = "6222 0202 0011 2233") -> PayoutMethod:
    return services.payout_method_add(
        user=user, kind="bank", holder_name="李伟", account=account, bank_name="中国工商银行"
    )


def withdrawal_sent(user, method, amount: str = "100.00", *, key: str = "w-1") -> Withdrawal:
    """A withdrawal requested and handed to the sandbox (processing)."""
    withdrawal = services.withdrawal_request(
        user=user, method_id=method.pk, amount=amount, currency="CNY", idempotency_key=key
    )
    return services.withdrawal_submit(withdrawal_id=withdrawal.pk)


def refund_sent(user, top_up, amount: str, *, key: str = "r-1") -> Refund:
    """A refund requested and handed to the sandbox (decided by it at once)."""
    refund = services.refund_request(
        user=user, top_up_id=top_up.pk, amount=amount, idempotency_key=key
    )
    return services.refund_submit(refund_id=refund.pk)


def row_counts() -> dict[str, int]:
    """How many rows every money table holds, to prove a refused request wrote none."""
    models = (
        Account,
        Journal,
        Entry,
        TopUp,
        Refund,
        Withdrawal,
        StatusChange,
        WebhookEvent,
        PayoutMethod,
        SandboxOperation,
    )
    return {model.__name__: model.objects.count() for model in models}
