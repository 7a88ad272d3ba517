"""Top-ups: the quote and the pending top-up, the sandbox checkout, confirmation by webhook
(one journal), declines and expiry (nothing moves), idempotency, and the beat job."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation

from jiedan.core.errors import Conflict, InvalidInput, NotAuthenticated
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.models import Journal, Purpose
from jiedan.ledger.selectors import account_balance, wallet_summary
from jiedan.notifications.models import Notification
from jiedan.payments import services
from jiedan.payments.gateways import sandbox
from jiedan.payments.models import SandboxOperation, TopUp, WebhookEvent
from jiedan.payments.tasks import expire_abandoned_top_ups
from tests.ledger.helpers import balances

from .factories import deliver, row_counts, sandbox_of, top_up_paid

pytestmark = pytest.mark.django_db
Kind = SandboxOperation.Kind


def start(user, amount="100.00", key="k1", currency="CNY"):
    return services.top_up_start(user=user, amount=amount, currency=currency, idempotency_key=key)


def test_start_quotes_and_records_a_pending_top_up_with_a_checkout(user):
    # when a person browsing in Chinese starts a top-up of ¥100
    with translation.override("zh-hans"):
        top_up = start(user)
    # then they pay the processing fee on top, and the wallet will receive ¥100
    assert (top_up.amount, top_up.processing_fee, top_up.charged) == (
        Decimal("100.00"),
        Decimal("0.60"),
        Decimal("100.60"),
    )
    assert top_up.status == TopUp.Status.PENDING
    operation = sandbox_of(top_up, Kind.CHARGE)
    assert top_up.provider_reference == operation.token
    assert top_up.checkout_url == f"/zh-hans/wallet/sandbox/checkout/{operation.token}/"
    assert operation.amount == Decimal("100.60")
    assert [(h.from_status, h.to_status) for h in top_up.history.all()] == [("", "pending")]
    # and no money moved yet
    assert Journal.objects.count() == 0


def test_paying_at_the_checkout_credits_the_wallet_with_one_journal(user):
    # given a started top-up
    top_up = start(user)
    # when the payer pays and the sandbox delivers its event
    operation = sandbox.sandbox_decide(
        kind=Kind.CHARGE, token=top_up.provider_reference, succeeded=True
    )
    assert deliver(operation) == "applied"
    # then the wallet holds the amount, booked once against gateway clearing
    top_up.refresh_from_db()
    assert top_up.status == TopUp.Status.SUCCEEDED
    assert top_up.completed_at is not None
    journal = top_up.journal
    assert journal.kind == "wallet.top_up"
    assert journal.idempotency_key == f"payments.top-up:{top_up.pk}"
    lines = sorted((e.account.purpose, e.amount) for e in journal.entries.all())
    assert lines == [("gateway_clearing", Decimal("-100.00")), ("wallet", Decimal("100.00"))]
    assert wallet_summary(owner=user, currency="CNY").available == Decimal("100.00")
    assert [h.to_status for h in top_up.history.all()] == ["pending", "succeeded"]
    assert top_up.history.last().event.event_id == f"evt_{operation.token}_succeeded"
    assert ledger_audit() == []
    # and a second delivery of the same event changes nothing
    assert deliver(operation) == "duplicate"
    assert Journal.objects.count() == 1


def test_a_declined_top_up_moves_no_money(user):
    top_up = start(user)
    before = balances()
    # when the payer declines at the checkout
    operation = sandbox.sandbox_decide(
        kind=Kind.CHARGE, token=top_up.provider_reference, succeeded=False, reason="declined"
    )
    deliver(operation)
    # then the top-up failed and nothing moved
    top_up.refresh_from_db()
    assert (top_up.status, top_up.failure_reason) == (TopUp.Status.FAILED, "declined")
    assert top_up.journal is None
    assert balances() == before
    assert Journal.objects.count() == 0
    # and the sandbox will not take a second decision
    with pytest.raises(Conflict):
        sandbox.sandbox_decide(kind=Kind.CHARGE, token=operation.token, succeeded=True)


def test_the_same_key_returns_the_first_top_up(user):
    first = start(user, key="same")
    again = start(user, key="same")
    assert again.pk == first.pk
    assert again.checkout_url == first.checkout_url
    assert TopUp.objects.count() == 1
    assert SandboxOperation.objects.count() == 1


def test_the_same_key_for_another_amount_is_refused(user):
    start(user, key="same")
    counts = row_counts()
    with pytest.raises(InvalidInput) as error:
        start(user, amount="200.00", key="same")
    assert error.value.code == "idempotency_key_reused"
    assert row_counts() == counts


def test_two_people_may_use_the_same_key(user, other_user):
    assert start(user, key="shared").pk != start(other_user, key="shared").pk


def test_a_repeat_completes_a_top_up_interrupted_before_the_checkout(user):
    # given a top-up recorded but never sent to the provider (a crash in between)
    top_up = start(user, key="crash")
    SandboxOperation.objects.all().delete()
    TopUp.objects.filter(pk=top_up.pk).update(checkout_url="", provider_reference="")
    # when the client repeats the request
    again = start(user, key="crash")
    # then the same top-up gets its checkout
    assert again.pk == top_up.pk
    assert again.checkout_url.endswith(f"/sandbox/checkout/{again.provider_reference}/")


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [
        ("0", "CNY", "amount_out_of_range"),
        ("-5", "CNY", "amount_out_of_range"),
        ("1000001", "CNY", "amount_out_of_range"),
        ("abc", "CNY", "invalid_amount"),
        ("10", "XYZ", "unsupported_currency"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_written(user, amount, currency, code):
    counts = row_counts()
    with pytest.raises(InvalidInput) as error:
        start(user, amount=amount, currency=currency)
    assert error.value.code == code
    assert row_counts() == counts


@pytest.mark.parametrize("key", ["", " ", "x" * 101, "line\nbreak"])
def test_a_bad_idempotency_key_is_refused(user, key):
    with pytest.raises(InvalidInput) as error:
        start(user, key=key)
    assert error.value.code == "idempotency_key_invalid"
    assert TopUp.objects.count() == 0


def test_signed_out_people_cannot_top_up(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        start(AnonymousUser())
    assert TopUp.objects.count() == 0


def test_the_sandbox_refuses_to_work_on_the_production_settings(user, settings):
    settings.JIEDAN_ENVIRONMENT = "production"
    with pytest.raises(Conflict) as error:
        start(user)
    assert error.value.code == "payments_unavailable"
    assert TopUp.objects.count() == 0
    settings.JIEDAN_SANDBOX_IN_PRODUCTION = True
    assert start(user).status == TopUp.Status.PENDING


def test_abandoned_top_ups_expire_and_a_late_payment_is_still_credited_once(user):
    # given a top-up nobody paid for longer than the expiry
    top_up = start(user)
    TopUp.objects.filter(pk=top_up.pk).update(created_at=timezone.now() - timedelta(hours=3))
    fresh = start(user, key="fresh")
    # when the beat job runs (twice)
    assert expire_abandoned_top_ups.apply().get() == 1
    assert expire_abandoned_top_ups.apply().get() == 0
    # then only the old one expired, without moving money
    top_up.refresh_from_db()
    fresh.refresh_from_db()
    assert (top_up.status, fresh.status) == (TopUp.Status.EXPIRED, TopUp.Status.PENDING)
    assert Journal.objects.count() == 0
    # and when the payer pays after all, the money received is credited
    operation = sandbox.sandbox_decide(
        kind=Kind.CHARGE, token=top_up.provider_reference, succeeded=True
    )
    deliver(operation)
    top_up.refresh_from_db()
    assert top_up.status == TopUp.Status.SUCCEEDED
    assert account_balance(purpose=Purpose.WALLET, currency="CNY", owner=user) == Decimal("100.00")
    assert ledger_audit() == []


def test_top_ups_in_other_currencies_keep_their_own_wallet(user):
    top_up_paid(user, "5000", currency="JPY", key="yen")
    assert wallet_summary(owner=user, currency="JPY").available == Decimal("5000")
    assert wallet_summary(owner=user, currency="CNY").available == Decimal("0")
    assert ledger_audit() == []


def test_the_owner_hears_live_when_the_top_up_succeeds(
    user, django_capture_on_commit_callbacks, eager_tasks
):
    top_up = start(user)
    operation = sandbox.sandbox_decide(
        kind=Kind.CHARGE, token=top_up.provider_reference, succeeded=True
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        deliver(operation)
    # the live event, the notification (and its own live push), its e-mail and the risk
    # rules all wait for the commit
    assert len(callbacks) == 5
    assert Notification.objects.get(recipient=user).kind == "wallet.top_up.succeeded"
    assert len(mail.outbox) == 1
    assert WebhookEvent.objects.get().outcome == "applied"
