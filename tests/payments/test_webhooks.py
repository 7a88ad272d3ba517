"""Webhooks: signatures (valid, forged, missing, malformed, too old, from the future), each
event stored once, events in any order, and the HTTP endpoint (no sign-in, no CSRF)."""

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.models import Journal
from jiedan.ledger.selectors import wallet_summary
from jiedan.payments import services
from jiedan.payments.gateways import sandbox
from jiedan.payments.gateways.base import WebhookRejected
from jiedan.payments.gateways.signing import signature_header
from jiedan.payments.models import TopUp, WebhookEvent
from tests.ledger.helpers import balances

from .factories import row_counts

pytestmark = pytest.mark.django_db
URL = "/api/v1/wallet/webhooks/sandbox"


@pytest.fixture
def top_up(user):
    return services.top_up_start(user=user, amount="100.00", currency="CNY", idempotency_key="k")


def event_body(top_up, *, type="charge.succeeded", event_id="evt_1", amount=None, **data) -> bytes:
    event = {
        "id": event_id,
        "type": type,
        "created": int(time.time()),
        "data": {
            "reference": top_up.reference,
            "provider_reference": top_up.provider_reference,
            "amount": str(amount or top_up.charged),
            "currency": top_up.currency,
            "failure_reason": "",
            **data,
        },
    }
    return json.dumps(event).encode()


def receive(body: bytes, headers=None):
    return services.webhook_receive(
        provider="sandbox", body=body, headers=headers or sandbox.sandbox_signed(body)
    )


def test_a_signed_event_is_applied_and_stored(top_up, user):
    result = receive(event_body(top_up))
    assert result.outcome == "applied"
    stored = WebhookEvent.objects.get()
    assert (stored.provider, stored.event_id, stored.type, stored.reference) == (
        "sandbox",
        "evt_1",
        "charge.succeeded",
        top_up.reference,
    )
    assert stored.payload["data"]["amount"] == "100.60"
    assert wallet_summary(owner=user, currency="CNY").available == Decimal("100.00")


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "signature_missing"),
        ({"Jiedan-Signature": "nonsense"}, "signature_malformed"),
        ({"Jiedan-Signature": "t=abc,v1=00"}, "signature_malformed"),
        ({"Jiedan-Signature": "t={now},v1=" + "0" * 64}, "signature_invalid"),
    ],
)
def test_unsigned_or_forged_events_are_rejected_and_nothing_is_stored(top_up, headers, code):
    counts = row_counts()
    now = int(time.time())
    headers = {name: value.replace("{now}", str(now)) for name, value in headers.items()}
    with pytest.raises(WebhookRejected) as error:
        receive(event_body(top_up), headers=headers or {"Other": "x"})
    assert error.value.code == code
    assert row_counts() == counts


def test_a_signature_made_with_another_secret_is_rejected(top_up):
    body = event_body(top_up)
    forged = signature_header(secret="not-the-secret", body=body, timestamp=int(time.time()))
    with pytest.raises(WebhookRejected) as error:
        receive(body, headers={"Jiedan-Signature": forged})
    assert error.value.code == "signature_invalid"
    assert WebhookEvent.objects.count() == 0


def test_a_signed_body_changed_in_transit_is_rejected(top_up):
    body = event_body(top_up)
    headers = sandbox.sandbox_signed(body)
    tampered = body.replace(b'"100.60"', b'"900.60"')
    with pytest.raises(WebhookRejected):
        receive(tampered, headers=headers)
    assert Journal.objects.count() == 0


@pytest.mark.parametrize("offset", [-301, 301])
def test_a_replay_outside_the_tolerance_window_is_rejected(top_up, offset):
    body = event_body(top_up)
    headers = sandbox.sandbox_signed(body, timestamp=int(time.time()) + offset)
    with pytest.raises(WebhookRejected) as error:
        receive(body, headers=headers)
    assert error.value.code == "signature_expired"
    assert WebhookEvent.objects.count() == 0


def test_a_key_rotation_header_with_several_signatures_is_accepted(top_up):
    body = event_body(top_up)
    now = int(time.time())
    good = sandbox.sandbox_signed(body, timestamp=now)["Jiedan-Signature"]
    header = f"t={now},v1={'1' * 64},{good.split(',')[1]}"
    assert receive(body, headers={"Jiedan-Signature": header}).outcome == "applied"


def test_an_unreadable_event_is_rejected(top_up):
    for body in (b"not json", b"[]", b'{"id": "x"}', event_body(top_up, type="charge.refunded")):
        with pytest.raises(WebhookRejected) as error:
            receive(body)
        assert error.value.code == "webhook_malformed"
    assert WebhookEvent.objects.count() == 0


def test_the_same_event_twice_changes_nothing_the_second_time(top_up):
    body = event_body(top_up)
    assert receive(body).outcome == "applied"
    counts, before = row_counts(), balances()
    # even re-signed later, as a provider's retry is
    assert receive(body, headers=sandbox.sandbox_signed(body)).outcome == "duplicate"
    assert (row_counts(), balances()) == (counts, before)


def test_a_failure_arriving_after_the_success_is_recorded_and_ignored(top_up, user):
    receive(event_body(top_up, event_id="evt_ok"))
    before = balances()
    result = receive(event_body(top_up, type="charge.failed", event_id="evt_late_fail"))
    assert result.outcome == "ignored"
    assert "stale" in result.event.note
    top_up.refresh_from_db()
    assert top_up.status == TopUp.Status.SUCCEEDED
    assert balances() == before


def test_a_success_after_a_failure_credits_once(top_up, user):
    # given the payer's first attempt failed
    assert receive(event_body(top_up, type="charge.failed", event_id="evt_fail")).outcome == (
        "applied"
    )
    # when a success arrives for the same charge (a retry went through), twice with new ids
    assert receive(event_body(top_up, event_id="evt_ok")).outcome == "applied"
    second = receive(event_body(top_up, event_id="evt_ok_again"))
    # then the wallet is credited exactly once and the second success is ignored
    assert second.outcome == "ignored"
    assert Journal.objects.filter(kind="wallet.top_up").count() == 1
    assert wallet_summary(owner=user, currency="CNY").available == Decimal("100.00")
    top_up.refresh_from_db()
    assert [h.to_status for h in top_up.history.all()] == ["pending", "failed", "succeeded"]
    assert ledger_audit() == []


def test_events_for_unknown_references_or_other_amounts_are_ignored(top_up):
    before = balances()
    unknown = receive(event_body(top_up, event_id="e1", reference="topup_999999"))
    foreign = receive(event_body(top_up, event_id="e2", reference="withdrawal_1"))
    cheaper = receive(event_body(top_up, event_id="e3", amount="0.60"))
    assert [unknown.outcome, foreign.outcome, cheaper.outcome] == ["ignored"] * 3
    assert cheaper.event.note == "amount or currency differs from the top-up"
    assert balances() == before
    top_up.refresh_from_db()
    assert top_up.status == TopUp.Status.PENDING


def test_the_endpoint_takes_signed_events_without_sign_in_or_csrf(top_up, user):
    client = Client(enforce_csrf_checks=True)
    body = event_body(top_up)
    headers = {"HTTP_JIEDAN_SIGNATURE": sandbox.sandbox_signed(body)["Jiedan-Signature"]}
    response = client.post(URL, body, content_type="application/json", **headers)
    assert response.status_code == 200
    assert response.json() == {"outcome": "applied"}
    again = client.post(URL, body, content_type="application/json", **headers)
    assert (again.status_code, again.json()) == (200, {"outcome": "duplicate"})
    assert wallet_summary(owner=user, currency="CNY").available == Decimal("100.00")


def test_the_endpoint_rejects_a_bad_signature_with_400_and_stores_nothing(top_up):
    response = Client().post(
        URL, event_body(top_up), content_type="application/json", HTTP_JIEDAN_SIGNATURE="t=1,v1=0"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "signature_expired"
    assert WebhookEvent.objects.count() == 0


def test_the_endpoint_knows_only_configured_providers(top_up):
    response = Client().post(
        "/api/v1/wallet/webhooks/paypal", b"{}", content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (404, "unknown_provider")
    assert Client().get(URL).status_code == 405


def test_events_are_checked_at_the_time_they_arrive(top_up):
    body = event_body(top_up)
    headers = sandbox.sandbox_signed(body)
    later = timezone.now() + timedelta(minutes=10)
    with pytest.raises(WebhookRejected):
        services.webhook_receive(provider="sandbox", body=body, headers=headers, now=later)
