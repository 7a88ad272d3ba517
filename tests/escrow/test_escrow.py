"""Escrow on the ledger: holds come out of the payer's wallet, releases pay the payee's pending
earnings net of the commission, refunds go back to who paid, nothing is ever overdrawn, and
replays are idempotent."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jiedan.core.errors import Conflict, InvalidInput
from jiedan.escrow.selectors import escrow_balance, escrow_moved
from jiedan.escrow.services import (
    escrow_dispute_hold,
    escrow_hold,
    escrow_refund,
    escrow_refund_rest,
    escrow_release,
)
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.models import Journal, PendingFunds, Purpose
from jiedan.ledger.selectors import account_balance, wallet_summary
from jiedan.ledger.services import pending_funds_settle_due
from tests.factories import UserFactory
from tests.ledger.helpers import balances, top_up

pytestmark = pytest.mark.django_db
REF = "contest:1"


@pytest.fixture
def client_user():
    user = UserFactory()
    top_up(user, "1000.00")
    return user


@pytest.fixture
def freelancer():
    return UserFactory()


def _hold(payer, amount="1000", key="hold-1"):
    return escrow_hold(
        reference=REF, payer=payer, amount=amount, currency="CNY", idempotency_key=key
    )


def _balance(purpose, **kwargs):
    return account_balance(purpose=purpose, currency="CNY", **kwargs)


def test_hold_moves_wallet_money_into_escrow_funded_by_the_payer(client_user):
    # when
    _hold(client_user, amount="400")
    # then
    assert _balance(Purpose.WALLET, owner=client_user) == Decimal("600.00")
    assert escrow_balance(reference=REF) == Decimal("400.00")
    summary = wallet_summary(owner=client_user, currency="CNY")
    assert (summary.available, summary.in_escrow) == (Decimal("600.00"), Decimal("400.00"))


def test_hold_beyond_the_wallet_is_refused_and_moves_nothing(client_user):
    # given
    before = balances()
    # when
    with pytest.raises(Conflict) as error:
        _hold(client_user, amount="1000.01")
    # then
    assert error.value.code == "wallet_insufficient"
    assert "0.01" in str(error.value.message)
    assert balances() == before
    assert not Journal.objects.filter(kind="escrow.held").exists()


def test_release_pays_pending_net_of_commission_and_the_fee_to_the_platform(
    client_user, freelancer, settings
):
    # given
    settings.JIEDAN_COMMISSION_RATE = "0.10"
    _hold(client_user)
    # when
    journal = escrow_release(
        reference=REF, payee=freelancer, amount="600", currency="CNY", idempotency_key="r-1"
    )
    # then
    assert journal.kind == "escrow.released"
    assert _balance(Purpose.PENDING, owner=freelancer) == Decimal("540.00")
    assert _balance(Purpose.PLATFORM_FEES) == Decimal("60.00")
    assert escrow_balance(reference=REF) == Decimal("400.00")
    funds = PendingFunds.objects.get(journal=journal)
    assert funds.amount == Decimal("540.00") and funds.owner == freelancer
    assert ledger_audit() == []


def test_pending_earnings_become_available_after_the_hold_period(client_user, freelancer):
    # given
    _hold(client_user)
    escrow_release(
        reference=REF, payee=freelancer, amount="100", currency="CNY", idempotency_key="r-1"
    )
    funds = PendingFunds.objects.get()
    # when: just before, then after the hold period
    early = pending_funds_settle_due(now=funds.available_at - timedelta(seconds=1))
    settled = pending_funds_settle_due(now=funds.available_at)
    again = pending_funds_settle_due(now=funds.available_at + timedelta(days=1))
    # then
    assert (early, settled, again) == (0, 1, 0)
    assert _balance(Purpose.PENDING, owner=freelancer) == 0
    assert _balance(Purpose.WALLET, owner=freelancer) == funds.amount
    assert funds.available_at - timezone.now() > timedelta(days=4)
    assert ledger_audit() == []


def test_refund_rest_returns_what_is_left_to_the_payer(client_user, freelancer):
    # given
    _hold(client_user)
    escrow_release(
        reference=REF, payee=freelancer, amount="600", currency="CNY", idempotency_key="r-1"
    )
    # when
    refund = escrow_refund_rest(reference=REF, payer=client_user, idempotency_key="back-1")
    # then
    assert refund.kind == "escrow.refunded"
    assert escrow_balance(reference=REF) == 0
    assert _balance(Purpose.WALLET, owner=client_user) == Decimal("400.00")
    assert escrow_moved(reference=REF, kind="escrow.released") == Decimal("600.00")
    assert escrow_moved(reference=REF, kind="escrow.refunded") == Decimal("400.00")
    assert escrow_refund_rest(reference=REF, payer=client_user, idempotency_key="back-1") == refund


def test_release_beyond_the_balance_is_refused_and_moves_nothing(client_user, freelancer):
    # given
    _hold(client_user, amount="100")
    before = balances()
    # when
    with pytest.raises(Conflict) as error:
        escrow_release(
            reference=REF, payee=freelancer, amount="100.01", currency="CNY", idempotency_key="r"
        )
    # then
    assert error.value.code == "escrow_insufficient"
    assert balances() == before
    assert not PendingFunds.objects.exists()


def test_release_without_a_hold_is_refused(freelancer):
    with pytest.raises(Conflict) as error:
        escrow_release(
            reference=REF, payee=freelancer, amount="1", currency="CNY", idempotency_key="r"
        )
    assert error.value.code == "escrow_empty"


def test_refund_to_someone_who_did_not_pay_is_refused(client_user, freelancer):
    # given
    _hold(client_user, amount="100")
    before = balances()
    # when
    with pytest.raises(Conflict) as error:
        escrow_refund(
            reference=REF, payer=freelancer, amount="100", currency="CNY", idempotency_key="x"
        )
    # then
    assert error.value.code == "escrow_other_payer"
    assert balances() == before


def test_a_replayed_call_returns_the_first_journal(client_user):
    first = _hold(client_user, amount="100")
    assert _hold(client_user, amount="100") == first
    assert _balance(Purpose.WALLET, owner=client_user) == Decimal("900.00")


def test_a_key_reused_for_another_movement_is_refused(client_user):
    # given
    _hold(client_user, amount="100")
    before = balances()
    # when
    with pytest.raises(InvalidInput) as error:
        _hold(client_user, amount="200")
    # then
    assert error.value.code == "idempotency_key_reused"
    assert balances() == before


def test_another_currency_on_the_same_reference_is_refused(client_user):
    _hold(client_user, amount="100")
    top_up(client_user, "100.00", currency="USD")
    with pytest.raises(InvalidInput) as error:
        escrow_hold(
            reference=REF, payer=client_user, amount="5", currency="USD", idempotency_key="usd"
        )
    assert error.value.code == "currency"


@pytest.mark.parametrize("amount", ["0", "-5", "abc"])
def test_amounts_must_be_positive(client_user, amount):
    with pytest.raises(InvalidInput):
        _hold(client_user, amount=amount)


def test_refund_rest_with_nothing_left_does_nothing(client_user):
    assert escrow_refund_rest(reference=REF, payer=client_user, idempotency_key="k") is None


def test_dispute_hold_moves_the_whole_escrow_out_of_reach(client_user, freelancer):
    # given
    _hold(client_user, amount="300")
    # when
    escrow_dispute_hold(reference=REF, idempotency_key="dispute-1")
    # then
    assert escrow_balance(reference=REF) == 0
    assert _balance(Purpose.DISPUTE_HOLD, reference=REF) == Decimal("300.00")
    assert wallet_summary(owner=client_user, currency="CNY").in_escrow == Decimal("300.00")
    with pytest.raises(Conflict):
        escrow_release(
            reference=REF, payee=freelancer, amount="1", currency="CNY", idempotency_key="r"
        )
    assert ledger_audit() == []
