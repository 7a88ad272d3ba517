"""Escrow commitments: holds, releases and refunds never overdraw, and replays are idempotent."""

from decimal import Decimal

import pytest

from jiedan.core.errors import Conflict, InvalidInput
from jiedan.escrow.models import EscrowMovement, MovementKind
from jiedan.escrow.selectors import escrow_balance, escrow_overdrawn_references, escrow_totals
from jiedan.escrow.services import escrow_hold, escrow_refund, escrow_refund_rest, escrow_release
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
REF = "contest:1"


@pytest.fixture
def client_user():
    return UserFactory()


@pytest.fixture
def freelancer():
    return UserFactory()


def _hold(payer, amount="1000", key="hold-1"):
    return escrow_hold(
        reference=REF, payer=payer, amount=amount, currency="CNY", idempotency_key=key
    )


def test_hold_then_release_and_refund_leave_nothing_held(client_user, freelancer):
    # given
    _hold(client_user)
    # when
    escrow_release(
        reference=REF, payee=freelancer, amount="600", currency="CNY", idempotency_key="r-1"
    )
    refund = escrow_refund_rest(reference=REF, payer=client_user, idempotency_key="back-1")
    # then
    assert refund.amount == Decimal("400.00")
    assert escrow_balance(reference=REF) == 0
    totals = escrow_totals(reference=REF)
    assert totals[MovementKind.RELEASE] == Decimal("600.00")
    assert escrow_overdrawn_references() == []


def test_release_beyond_the_balance_is_refused_and_writes_nothing(client_user, freelancer):
    # given
    _hold(client_user, amount="100")
    # when
    with pytest.raises(Conflict) as error:
        escrow_release(
            reference=REF, payee=freelancer, amount="100.01", currency="CNY", idempotency_key="r"
        )
    # then
    assert error.value.code == "escrow_insufficient"
    assert EscrowMovement.objects.count() == 1


def test_release_without_a_hold_is_refused(freelancer):
    with pytest.raises(Conflict) as error:
        escrow_release(
            reference=REF, payee=freelancer, amount="1", currency="CNY", idempotency_key="r"
        )
    assert error.value.code == "escrow_empty"
    assert not EscrowMovement.objects.exists()


def test_a_replayed_call_returns_the_first_movement(client_user):
    first = _hold(client_user)
    again = _hold(client_user)
    assert again.pk == first.pk
    assert EscrowMovement.objects.count() == 1


def test_a_key_reused_for_another_movement_is_a_conflict(client_user):
    _hold(client_user)
    with pytest.raises(Conflict) as error:
        _hold(client_user, amount="999")
    assert error.value.code == "idempotency_key_reused"
    assert EscrowMovement.objects.count() == 1


def test_another_currency_on_the_same_reference_is_refused(client_user):
    _hold(client_user)
    with pytest.raises(InvalidInput):
        escrow_hold(
            reference=REF, payer=client_user, amount="5", currency="USD", idempotency_key="h2"
        )
    assert EscrowMovement.objects.count() == 1


@pytest.mark.parametrize("amount", ["0", "-5", "abc"])
def test_amounts_must_be_positive(client_user, amount):
    with pytest.raises(InvalidInput):
        _hold(client_user, amount=amount)
    assert not EscrowMovement.objects.exists()


def test_refund_rest_with_nothing_left_does_nothing(client_user):
    _hold(client_user, amount="10")
    escrow_refund(
        reference=REF, payer=client_user, amount="10", currency="CNY", idempotency_key="b1"
    )
    assert escrow_refund_rest(reference=REF, payer=client_user, idempotency_key="b2") is None
    assert EscrowMovement.objects.count() == 2
