"""Refunds of unspent top-ups: held, refunded through the sandbox (or returned when it
refuses), never more than is left of the top-up or in the wallet, once per key."""

from decimal import Decimal

import pytest

from jiedan.core.errors import Conflict, InvalidInput, NotFound
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.selectors import account_balance, wallet_summary
from jiedan.payments import selectors, services
from jiedan.payments.models import Refund, SandboxOperation
from jiedan.payments.tasks import submit_refund
from tests.factories import UserFactory
from tests.ledger.helpers import balances

from .factories import deliver, refund_sent, row_counts, sandbox_of, top_up_paid, withdrawal_sent

pytestmark = pytest.mark.django_db
Kind = SandboxOperation.Kind
Status = Refund.Status


@pytest.fixture
def top_up(user):
    return top_up_paid(user, "100.00", key="t")


def ask(user, top_up, amount, key="r-1"):
    return services.refund_request(
        user=user, top_up_id=top_up.pk, amount=amount, idempotency_key=key
    )


def lines_of(journal):
    return sorted((e.account.purpose, e.amount) for e in journal.entries.all())


def test_a_refund_holds_the_money_then_returns_it_to_the_payment_method(user, top_up):
    # when 40 of the top-up is refunded
    refund = ask(user, top_up, "40.00")
    assert refund.hold_journal.kind == "top_up.refund_requested"
    assert lines_of(refund.hold_journal) == [
        ("payout", Decimal("40.00")),
        ("wallet", Decimal("-40.00")),
    ]
    assert submit_refund.apply(args=[refund.pk]).get() == "processing"
    deliver(sandbox_of(refund, Kind.REFUND))
    # then it is refunded through the provider that took it
    refund.refresh_from_db()
    assert refund.status == Status.REFUNDED
    assert refund.final_journal.kind == "top_up.refunded"
    assert lines_of(refund.final_journal) == [
        ("gateway_clearing", Decimal("40.00")),
        ("payout", Decimal("-40.00")),
    ]
    operation = sandbox_of(refund, Kind.REFUND)
    assert (operation.amount, refund.provider_reference) == (Decimal("40.00"), operation.token)
    assert wallet_summary(owner=user, currency="CNY").available == Decimal("60.00")
    assert selectors.refundable_amount(top_up) == Decimal("60.00")
    assert [h.to_status for h in refund.history.all()] == ["requested", "processing", "refunded"]
    assert ledger_audit() == []


def test_a_refund_the_provider_refuses_goes_back_to_the_wallet(user, top_up):
    refund = refund_sent(user, top_up, "10.66")  # the sandbox's refused amount
    deliver(sandbox_of(refund, Kind.REFUND))
    refund.refresh_from_db()
    assert (refund.status, refund.failure_reason) == (Status.FAILED, "refund_refused")
    assert refund.final_journal.kind == "top_up.refund_returned"
    assert wallet_summary(owner=user, currency="CNY").available == Decimal("100.00")
    assert selectors.refundable_amount(top_up) == Decimal("100.00")
    assert ledger_audit() == []


def test_no_more_than_is_left_of_the_top_up(user, top_up):
    top_up_paid(user, "500.00", key="more")
    ask(user, top_up, "70.00", key="a")
    counts, before = row_counts(), balances()
    with pytest.raises(Conflict) as error:
        ask(user, top_up, "30.01", key="b")
    assert error.value.code == "refund_too_large"
    assert (row_counts(), balances()) == (counts, before)
    assert ask(user, top_up, "30.00", key="c").status == Status.REQUESTED


def test_spent_money_cannot_be_refunded(user, top_up):
    withdrawal_sent(
        user,
        services.payout_method_add(
            user=user, kind="alipay", holder_name="李伟", account="13800138000"
        ),
        "80.00",
    )
    counts, before = row_counts(), balances()
    with pytest.raises(Conflict) as error:
        ask(user, top_up, "20.01")
    assert error.value.code == "insufficient_funds"
    assert (row_counts(), balances()) == (counts, before)


def test_only_a_completed_top_up_of_ones_own_can_be_refunded(user):
    pending = services.top_up_start(user=user, amount="50", currency="CNY", idempotency_key="p")
    theirs = top_up_paid(UserFactory(), "50.00", key="theirs")
    counts, before = row_counts(), balances()
    with pytest.raises(Conflict) as error:
        ask(user, pending, "10")
    assert error.value.code == "top_up_not_refundable"
    with pytest.raises(NotFound) as error:
        ask(user, theirs, "10")
    assert error.value.code == "top_up_not_found"
    with pytest.raises(InvalidInput):
        ask(user, pending, "0")
    assert (row_counts(), balances()) == (counts, before)


def test_the_same_key_returns_the_first_refund(user, top_up):
    first = ask(user, top_up, "10.00", key="same")
    assert ask(user, top_up, "10.00", key="same").pk == first.pk
    with pytest.raises(InvalidInput) as error:
        ask(user, top_up, "11.00", key="same")
    assert error.value.code == "idempotency_key_reused"
    assert Refund.objects.count() == 1
    assert account_balance(purpose="payout", currency="CNY", owner=user) == Decimal("10.00")


def test_a_refund_the_provider_declines_outright_goes_back_to_the_wallet(user, top_up):
    # given the provider no longer knows the payment (say, past its refund window)
    refund = ask(user, top_up, "30.00")
    SandboxOperation.objects.filter(kind=Kind.CHARGE).delete()
    # when the refund is sent
    refund = services.refund_submit(refund_id=refund.pk)
    # then it failed with the provider's reason and the money is back
    assert (refund.status, refund.failure_reason) == (Status.FAILED, "charge_unknown")
    assert refund.final_journal.kind == "top_up.refund_returned"
    assert wallet_summary(owner=user, currency="CNY").available == Decimal("100.00")
    assert ledger_audit() == []
