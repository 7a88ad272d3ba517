"""Withdrawals: the money held on request, sent to the sandbox, paid out (with the fee) or
returned; every refused request (too much, too little, not your method, no two-factor, a
wrong code) leaves balances and rows as they were; idempotency; the resubmit job."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jiedan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RateLimited
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.models import Journal, Purpose
from jiedan.ledger.selectors import account_balance, wallet_summary
from jiedan.payments import services
from jiedan.payments.gateways import sandbox
from jiedan.payments.models import SandboxOperation, Withdrawal
from jiedan.payments.tasks import resubmit_waiting_payouts, submit_withdrawal
from tests.factories import UserFactory
from tests.ledger.helpers import balances

from .factories import bank_method, deliver, row_counts, sandbox_of, top_up_paid, withdrawal_sent

pytestmark = pytest.mark.django_db
Kind = SandboxOperation.Kind
Status = Withdrawal.Status


def request(user, method, amount="100.00", *, key="w-1", otp_code="", currency="CNY"):
    return services.withdrawal_request(
        user=user,
        method_id=method.pk,
        amount=amount,
        currency=currency,
        idempotency_key=key,
        otp_code=otp_code,
    )


def lines_of(journal):
    return sorted((e.account.purpose, e.amount) for e in journal.entries.all())


def test_a_request_holds_the_money_and_queues_the_payout(
    funded, method, django_capture_on_commit_callbacks
):
    # when a person with ¥500 asks for ¥100
    with django_capture_on_commit_callbacks() as callbacks:
        withdrawal = request(funded, method)
    # then the fee and what reaches the bank are fixed, and the money moves to the payout account
    assert (withdrawal.amount, withdrawal.fee, withdrawal.paid_out) == (
        Decimal("100.00"),
        Decimal("2.00"),
        Decimal("98.00"),
    )
    assert withdrawal.status == Status.REQUESTED
    assert withdrawal.hold_journal.kind == "withdrawal.requested"
    assert withdrawal.hold_journal.reference == withdrawal.reference
    assert lines_of(withdrawal.hold_journal) == [
        ("payout", Decimal("100.00")),
        ("wallet", Decimal("-100.00")),
    ]
    summary = wallet_summary(owner=funded, currency="CNY")
    assert (summary.available, summary.withdrawing) == (Decimal("400.00"), Decimal("100.00"))
    # and the payout is sent to the provider (and the risk rules run) only after the commit
    assert len(callbacks) == 2
    assert SandboxOperation.objects.filter(kind=Kind.PAYOUT).count() == 0


def test_the_sent_payout_is_paid_with_the_fee_booked(funded, method):
    # given a withdrawal handed to the sandbox
    withdrawal = request(funded, method)
    assert submit_withdrawal.apply(args=[withdrawal.pk]).get() == "processing"
    withdrawal.refresh_from_db()
    operation = sandbox_of(withdrawal, Kind.PAYOUT)
    assert withdrawal.provider_reference == operation.token
    assert (operation.amount, operation.destination) == (Decimal("98.00"), "•••• 2233")
    # when the sandbox bank pays it out
    deliver(sandbox.sandbox_decide(kind=Kind.PAYOUT, token=operation.token, succeeded=True))
    # then the payout account empties into the clearing account and fee revenue
    withdrawal.refresh_from_db()
    assert withdrawal.status == Status.PAID
    assert withdrawal.final_journal.kind == "withdrawal.paid"
    assert lines_of(withdrawal.final_journal) == [
        ("gateway_clearing", Decimal("98.00")),
        ("payout", Decimal("-100.00")),
        ("platform_fees", Decimal("2.00")),
    ]
    summary = wallet_summary(owner=funded, currency="CNY")
    assert (summary.available, summary.withdrawing) == (Decimal("400.00"), Decimal("0.00"))
    assert [h.to_status for h in withdrawal.history.all()] == ["requested", "processing", "paid"]
    assert ledger_audit() == []


def test_a_rejected_payout_returns_the_money(funded, method):
    withdrawal = withdrawal_sent(funded, method)
    operation = sandbox_of(withdrawal, Kind.PAYOUT)
    deliver(
        sandbox.sandbox_decide(
            kind=Kind.PAYOUT, token=operation.token, succeeded=False, reason="rejected_by_bank"
        )
    )
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.failure_reason) == (Status.FAILED, "rejected_by_bank")
    assert withdrawal.final_journal.kind == "withdrawal.returned"
    assert lines_of(withdrawal.final_journal) == [
        ("payout", Decimal("-100.00")),
        ("wallet", Decimal("100.00")),
    ]
    assert wallet_summary(owner=funded, currency="CNY").available == Decimal("500.00")
    assert account_balance(purpose=Purpose.PLATFORM_FEES, currency="CNY") == 0
    assert ledger_audit() == []


def test_a_payout_to_a_closed_test_account_fails_at_once(funded):
    closed = bank_method(funded, account="6222020200000000")
    withdrawal = withdrawal_sent(funded, closed)
    deliver(sandbox_of(withdrawal, Kind.PAYOUT))
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.failure_reason) == (Status.FAILED, "account_closed")
    assert wallet_summary(owner=funded, currency="CNY").available == Decimal("500.00")
    assert ledger_audit() == []


def test_late_or_repeated_payout_events_change_nothing(funded, method):
    withdrawal = withdrawal_sent(funded, method)
    operation = sandbox.sandbox_decide(
        kind=Kind.PAYOUT, token=sandbox_of(withdrawal, Kind.PAYOUT).token, succeeded=True
    )
    deliver(operation)
    before = balances()
    # a failure for the paid payout, arriving late, is stored and ignored
    SandboxOperation.objects.filter(pk=operation.pk).update(status="failed")
    assert deliver(operation) == "ignored"
    assert balances() == before
    withdrawal.refresh_from_db()
    assert withdrawal.status == Status.PAID


def test_a_paid_event_before_the_provider_acknowledged_is_applied(funded, method):
    # given the provider answers by webhook before our job stored its acknowledgement
    withdrawal = request(funded, method)
    token = sandbox.SandboxGateway().payout_create(
        reference=withdrawal.reference,
        amount=withdrawal.paid_out,
        currency="CNY",
        destination=sandbox.PayoutDestination(kind="bank", holder_name="x", account="12345678"),
    )
    deliver(sandbox.sandbox_decide(kind=Kind.PAYOUT, token=token, succeeded=True))
    withdrawal.refresh_from_db()
    assert withdrawal.status == Status.PAID
    # when the job then runs, it only remembers the provider's id
    services.withdrawal_submit(withdrawal_id=withdrawal.pk)
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.provider_reference) == (Status.PAID, token)
    assert Journal.objects.filter(kind="withdrawal.paid").count() == 1


def test_the_same_key_returns_the_first_withdrawal(funded, method):
    first = request(funded, method, key="same")
    again = request(funded, method, key="same")
    assert again.pk == first.pk
    assert Withdrawal.objects.count() == 1
    assert wallet_summary(owner=funded, currency="CNY").available == Decimal("400.00")


def test_the_same_key_for_another_withdrawal_is_refused(funded, method):
    request(funded, method, key="same")
    counts, before = row_counts(), balances()
    with pytest.raises(InvalidInput) as error:
        request(funded, method, "120.00", key="same")
    assert error.value.code == "idempotency_key_reused"
    assert (row_counts(), balances()) == (counts, before)


@pytest.mark.parametrize(
    ("amount", "error_type", "code"),
    [
        ("500.01", Conflict, "insufficient_funds"),
        ("49.99", InvalidInput, "withdrawal_below_minimum"),
        ("0", InvalidInput, "amount_out_of_range"),
        ("-100", InvalidInput, "amount_out_of_range"),
        ("ten", InvalidInput, "invalid_amount"),
    ],
)
def test_refused_amounts_change_no_balance_and_create_no_rows(
    funded, method, amount, error_type, code
):
    counts, before = row_counts(), balances()
    with pytest.raises(error_type) as error:
        request(funded, method, amount)
    assert error.value.code == code
    assert (row_counts(), balances()) == (counts, before)


def test_a_wallet_in_another_currency_is_empty(funded, method):
    counts, before = row_counts(), balances()
    with pytest.raises(Conflict) as error:
        request(funded, method, "100", currency="USD")
    assert error.value.code == "insufficient_funds"
    assert (row_counts(), balances()) == (counts, before)


def test_someone_elses_or_a_removed_method_is_not_found(funded, method):
    stranger_method = bank_method(UserFactory())
    services.payout_method_remove(user=funded, method_id=method.pk)
    counts, before = row_counts(), balances()
    for target in (stranger_method, method):
        with pytest.raises(NotFound) as error:
            request(funded, target)
        assert error.value.code == "payout_method_not_found"
    assert (row_counts(), balances()) == (counts, before)


def test_above_the_threshold_two_factor_is_required(user, method):
    top_up_paid(user, "2000.00", key="rich")
    counts, before = row_counts(), balances()
    with pytest.raises(PermissionDenied) as error:
        request(user, method, "1000.01")
    assert error.value.code == "mfa_required"
    assert (row_counts(), balances()) == (counts, before)
    # exactly the threshold needs no code
    assert request(user, method, "1000.00").status == Status.REQUESTED


def test_above_the_threshold_a_current_code_is_required(user, method, totp):
    top_up_paid(user, "2000.00", key="rich")
    counts, before = row_counts(), balances()
    for code, expected in (("", "otp_required"), ("000000", "otp_invalid")):
        with pytest.raises(PermissionDenied) as error:
            request(user, method, "1500.00", otp_code=code)
        assert error.value.code == expected
    assert (row_counts(), balances()) == (counts, before)
    # when the current code is sent
    withdrawal = request(user, method, "1500.00", otp_code=totp.now())
    assert withdrawal.status == Status.REQUESTED
    # and a replay of that request needs no second code
    assert request(user, method, "1500.00").pk == withdrawal.pk


def test_a_code_is_used_once_and_guesses_are_rate_limited(user, method, totp, settings):
    settings.API_SECOND_FACTOR_RATE_LIMIT = "3/900"
    top_up_paid(user, "5000.00", key="rich")
    code = totp.now()
    request(user, method, "1500.00", key="a", otp_code=code)
    with pytest.raises(PermissionDenied) as error:
        request(user, method, "1500.00", key="b", otp_code=code)
    assert error.value.code == "otp_invalid"
    with pytest.raises(PermissionDenied):
        request(user, method, "1500.00", key="c", otp_code="111111")
    with pytest.raises(RateLimited):
        request(user, method, "1500.00", key="d", otp_code=totp.now())
    assert Withdrawal.objects.count() == 1


def test_the_threshold_is_a_setting(user, method, settings):
    settings.JIEDAN_WITHDRAWAL_MFA_THRESHOLD = Decimal("50.00")
    top_up_paid(user, "100.00", key="some")
    with pytest.raises(PermissionDenied):
        request(user, method, "60.00")


def test_waiting_withdrawals_are_sent_again(funded, method):
    # given a request whose job never ran (a crash after the commit)
    withdrawal = request(funded, method)
    fresh = request(funded, method, key="fresh")
    Withdrawal.objects.filter(pk=withdrawal.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    # when the beat job runs
    assert resubmit_waiting_payouts.apply().get() == 1
    # then the old one reached the provider once, and the fresh one is left to its own job
    withdrawal.refresh_from_db()
    fresh.refresh_from_db()
    assert (withdrawal.status, fresh.status) == (Status.PROCESSING, Status.REQUESTED)
    assert resubmit_waiting_payouts.apply().get() == 0
    services.withdrawal_submit(withdrawal_id=withdrawal.pk)
    assert SandboxOperation.objects.filter(kind=Kind.PAYOUT).count() == 1


def test_withdrawals_cannot_overdraw_one_after_another(funded, method):
    request(funded, method, "300.00", key="a")
    with pytest.raises(Conflict) as error:
        request(funded, method, "200.01", key="b")
    assert error.value.code == "insufficient_funds"
    request(funded, method, "200.00", key="c")
    assert wallet_summary(owner=funded, currency="CNY").available == 0
    assert ledger_audit() == []
