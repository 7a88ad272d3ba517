"""What only PostgreSQL can show: many workers at once (real row locks; SQLite serialises
whole write transactions). The same webhook delivered by many threads, competing events for
one charge or payout, and many withdrawals against one wallet: every time exactly one journal
per movement, and books that balance."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from jiedan.core.errors import DomainError
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.models import Journal
from jiedan.ledger.selectors import wallet_summary
from jiedan.payments import services
from jiedan.payments.gateways import sandbox
from jiedan.payments.models import SandboxOperation, TopUp, WebhookEvent, Withdrawal
from tests.factories import UserFactory

from .factories import bank_method, sandbox_of, top_up_paid
from .test_webhooks import event_body

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) between threads need PostgreSQL",
    ),
]
RACERS = 12
Kind = SandboxOperation.Kind


def race(call) -> list:
    """Run ``call(index)`` in RACERS threads released at the same moment; each result is the
    return value or the domain error raised."""
    barrier = threading.Barrier(RACERS)
    results = [None] * RACERS

    def run(index):
        try:
            barrier.wait()
            results[index] = call(index)
        except DomainError as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def receive(body: bytes):
    return services.webhook_receive(
        provider="sandbox", body=body, headers=sandbox.sandbox_signed(body)
    )


def started(user) -> TopUp:
    return services.top_up_start(user=user, amount="100.00", currency="CNY", idempotency_key="k")


def test_the_same_webhook_delivered_by_many_workers_credits_once():
    user = UserFactory()
    top_up = started(user)
    body = event_body(top_up)
    results = race(lambda _index: receive(body).outcome)
    assert sorted(results) == ["applied"] + ["duplicate"] * (RACERS - 1)
    assert WebhookEvent.objects.count() == 1
    assert Journal.objects.filter(kind="wallet.top_up").count() == 1
    assert wallet_summary(owner=user, currency="CNY").available == Decimal("100.00")
    assert ledger_audit() == []


def test_many_different_success_events_for_one_charge_credit_once():
    user = UserFactory()
    top_up = started(user)
    results = race(lambda index: receive(event_body(top_up, event_id=f"evt_{index}")).outcome)
    assert sorted(results) == ["applied"] + ["ignored"] * (RACERS - 1)
    assert WebhookEvent.objects.count() == RACERS
    assert Journal.objects.filter(kind="wallet.top_up").count() == 1
    assert wallet_summary(owner=user, currency="CNY").available == Decimal("100.00")
    assert ledger_audit() == []


def test_success_and_failure_racing_for_one_charge_end_in_one_consistent_state():
    user = UserFactory()
    top_up = started(user)

    def deliver(index):
        kind = "charge.succeeded" if index % 2 else "charge.failed"
        return receive(event_body(top_up, type=kind, event_id=f"evt_{index}")).outcome

    race(deliver)
    top_up.refresh_from_db()
    # whatever the order, a success wins and is credited exactly once
    assert top_up.status == TopUp.Status.SUCCEEDED
    assert Journal.objects.filter(kind="wallet.top_up").count() == 1
    assert wallet_summary(owner=user, currency="CNY").available == Decimal("100.00")
    assert ledger_audit() == []


def test_parallel_withdrawals_never_overdraw_the_wallet():
    # given ¥500: room for five withdrawals of ¥100
    user = UserFactory()
    top_up_paid(user, "500.00", key="funds")
    method = bank_method(user)

    def withdraw(index):
        return services.withdrawal_request(
            user=user,
            method_id=method.pk,
            amount="100.00",
            currency="CNY",
            idempotency_key=f"w-{index}",
        )

    results = race(withdraw)
    assert sum(isinstance(result, Withdrawal) for result in results) == 5
    assert {r.code for r in results if isinstance(r, DomainError)} == {"insufficient_funds"}
    assert Withdrawal.objects.count() == 5
    assert Journal.objects.filter(kind="withdrawal.requested").count() == 5
    summary = wallet_summary(owner=user, currency="CNY")
    assert (summary.available, summary.withdrawing) == (Decimal("0.00"), Decimal("500.00"))
    assert ledger_audit() == []


def test_one_withdrawal_key_sent_by_many_threads_makes_one_withdrawal():
    user = UserFactory()
    top_up_paid(user, "500.00", key="funds")
    method = bank_method(user)
    results = race(
        lambda _index: services.withdrawal_request(
            user=user,
            method_id=method.pk,
            amount="100.00",
            currency="CNY",
            idempotency_key="same",
        )
    )
    assert all(isinstance(result, Withdrawal) for result in results), results
    assert len({result.pk for result in results}) == 1
    assert wallet_summary(owner=user, currency="CNY").available == Decimal("400.00")
    assert ledger_audit() == []


def test_paid_and_failed_racing_for_one_payout_settle_it_once():
    user = UserFactory()
    top_up_paid(user, "500.00", key="funds")
    method = bank_method(user)
    withdrawal = services.withdrawal_request(
        user=user, method_id=method.pk, amount="100.00", currency="CNY", idempotency_key="w"
    )
    services.withdrawal_submit(withdrawal_id=withdrawal.pk)
    token = sandbox_of(withdrawal, Kind.PAYOUT).token

    def deliver(index):
        kind = "payout.paid" if index % 2 else "payout.failed"
        body = event_body(
            withdrawal,
            type=kind,
            event_id=f"evt_{index}",
            amount="98.00",
            provider_reference=token,
        )
        return receive(body).outcome

    results = race(deliver)
    assert sorted(results) == ["applied"] + ["ignored"] * (RACERS - 1)
    settled = Journal.objects.filter(kind__in=["withdrawal.paid", "withdrawal.returned"])
    assert settled.count() == 1
    withdrawal.refresh_from_db()
    expected = Decimal("400.00") if withdrawal.status == "paid" else Decimal("500.00")
    summary = wallet_summary(owner=user, currency="CNY")
    assert (summary.available, summary.withdrawing) == (expected, Decimal("0.00"))
    assert ledger_audit() == []
