"""The back office shows payments read-only to finance and never a payout account; the beat
jobs are scheduled and the sandbox redelivers what was not acknowledged."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from jiedan.config.celery import app
from jiedan.payments import services
from jiedan.payments.gateways import sandbox
from jiedan.payments.models import SandboxOperation, TopUp
from jiedan.payments.tasks import redeliver_sandbox_events

from .factories import (
    SandboxOperationFactory,
    TopUpFactory,
    WebhookEventFactory,
    sandbox_of,
    top_up_paid,
    withdrawal_sent,
)

pytestmark = pytest.mark.django_db
Kind = SandboxOperation.Kind
PAGES = ["topup", "refund", "withdrawal", "payoutmethod", "webhookevent", "sandboxoperation"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_finance_reads_every_payments_page_and_no_payout_account(staff_factory, funded, method):
    withdrawal = withdrawal_sent(funded, method)
    services.refund_request(
        user=funded, top_up_id=TopUp.objects.get().pk, amount="10", idempotency_key="r"
    )
    WebhookEventFactory()
    TopUpFactory(user=funded)
    finance = signed_in(staff_factory("finance"))
    for model in PAGES:
        listing = finance.get(f"/admin/payments/{model}/")
        assert listing.status_code == 200, model
        assert "6222020200112233" not in listing.content.decode()
    why = {"access_reason": "payout reconciliation"}
    page = finance.get(f"/admin/payments/withdrawal/{withdrawal.pk}/change/", why)
    assert page.status_code == 200
    detail = finance.get(f"/admin/payments/payoutmethod/{method.pk}/change/", why)
    assert detail.status_code == 200
    detail = detail.content.decode()
    assert "•••• 2233" in detail and "6222020200112233" not in detail and "李伟" not in detail
    assert finance.get("/admin/payments/topup/add/").status_code == 403


def test_support_sees_no_payments(staff_factory):
    support = signed_in(staff_factory("support"))
    for model in PAGES:
        assert support.get(f"/admin/payments/{model}/").status_code == 403


def test_the_beat_jobs_are_registered_tasks():
    app.loader.import_default_modules()
    names = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    payments = [name for name in names if name.startswith("jiedan.payments.")]
    assert len(payments) == 3
    assert all(name in app.tasks for name in payments)


def test_unacknowledged_sandbox_events_are_delivered_again(user):
    # given a payment decided a while ago whose event never got through
    top_up = services.top_up_start(user=user, amount="10", currency="CNY", idempotency_key="k")
    sandbox.sandbox_decide(kind=Kind.CHARGE, token=top_up.provider_reference, succeeded=True)
    operation = sandbox_of(top_up, Kind.CHARGE)
    SandboxOperation.objects.filter(pk=operation.pk).update(
        decided_at=timezone.now() - timedelta(minutes=5)
    )
    # and one just decided, and one still open
    fresh = top_up_paid(user, "20.00", key="fresh")
    SandboxOperation.objects.filter(reference=fresh.reference).update(delivered_at=None)
    SandboxOperationFactory()
    # when the beat job runs
    assert redeliver_sandbox_events.apply().get() == 1
    # then the old one is delivered and acknowledged, once
    top_up.refresh_from_db()
    assert top_up.status == TopUp.Status.SUCCEEDED
    operation.refresh_from_db()
    assert operation.delivered_at is not None
    assert redeliver_sandbox_events.apply().get() == 0


def test_an_open_operation_has_nothing_to_deliver(db):
    operation = SandboxOperationFactory()
    assert sandbox.deliver_sandbox_event.apply(args=[operation.pk]).get() == "open"
