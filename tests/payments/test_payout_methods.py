"""Payout methods: checked input, encrypted at rest, masked everywhere, the owner's only."""

import pytest
from django.db import connection
from django.utils import translation

from jiedan.core.errors import Conflict, InvalidInput, NotFound
from jiedan.payments import services
from jiedan.payments.models import PayoutMethod
from jiedan.payments.services.payout_methods import MAX_ACTIVE_METHODS
from tests.factories import UserFactory

from .factories import PayoutMethodFactory, bank_method

pytestmark = pytest.mark.django_db


def add(user, **overrides):
    details = {"kind": "alipay", "holder_name": "李伟", "account": "138 0013 8000", **overrides}
    return services.payout_method_add(user=user, **details)


def stored(method, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM payments_payoutmethod WHERE id = %s",  # noqa: S608
            [method.pk],
        )
        return cursor.fetchone()[0]


def test_an_alipay_phone_number_is_kept_encrypted_and_shown_masked(user):
    method = add(user)
    assert (method.kind, method.last4, method.masked) == ("alipay", "8000", "•••• 8000")
    with translation.override("en"):
        assert str(method) == "Alipay account •••• 8000"
    method = PayoutMethod.objects.get(pk=method.pk)
    assert (method.account, method.holder_name) == ("13800138000", "李伟")
    for column in ("account", "holder_name"):
        raw = stored(method, column)
        assert raw.startswith("enc1:")
        assert "13800138000" not in raw and "李伟" not in raw


def test_an_alipay_email_and_a_bank_account(user):
    by_email = add(user, account="Zhang.Wei@Example.com")
    assert (by_email.account, by_email.last4) == ("zhang.wei@example.com", ".Wei")
    bank = bank_method(user, account="6222-0202 0011 2233")
    assert (bank.kind, bank.account, bank.last4, bank.bank_name) == (
        "bank",
        "6222020200112233",
        "2233",
        "中国工商银行",
    )
    assert stored(bank, "bank_name").startswith("enc1:")


@pytest.mark.parametrize(
    ("details", "code"),
    [
        ({"kind": "paypal"}, "payout_method_kind"),
        ({"holder_name": "  "}, "holder_name_invalid"),
        ({"holder_name": "x" * 61}, "holder_name_invalid"),
        ({"account": "12345"}, "payout_account_invalid"),
        ({"account": "not an account"}, "payout_account_invalid"),
        ({"kind": "bank", "account": "1234567", "bank_name": "ICBC"}, "payout_account_invalid"),
        ({"kind": "bank", "account": "12345678abc", "bank_name": "ICBC"}, "payout_account_invalid"),
        ({"kind": "bank", "account": "12345678", "bank_name": ""}, "bank_name_invalid"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_stored(user, details, code):
    with pytest.raises(InvalidInput) as error:
        add(user, **details)
    assert error.value.code == code
    assert PayoutMethod.objects.count() == 0


def test_the_same_account_is_not_added_twice_but_may_be_added_again_after_removal(user):
    method = add(user)
    with pytest.raises(Conflict) as error:
        add(user, account="13800138000")
    assert error.value.code == "payout_method_exists"
    services.payout_method_remove(user=user, method_id=method.pk)
    assert add(user).pk != method.pk
    # and another person may use the same account
    assert add(UserFactory()).last4 == "8000"


def test_at_most_ten_methods(user):
    for number in range(MAX_ACTIVE_METHODS):
        bank_method(user, account=f"62220202{number:08d}")
    with pytest.raises(Conflict) as error:
        add(user)
    assert error.value.code == "too_many_payout_methods"
    assert PayoutMethod.objects.count() == MAX_ACTIVE_METHODS


def test_removing_keeps_the_row_and_only_the_owner_can(user, other_user):
    method = add(user)
    with pytest.raises(NotFound):
        services.payout_method_remove(user=other_user, method_id=method.pk)
    method.refresh_from_db()
    assert method.removed_at is None
    services.payout_method_remove(user=user, method_id=method.pk)
    method.refresh_from_db()
    assert method.removed_at is not None
    with pytest.raises(NotFound):
        services.payout_method_remove(user=user, method_id=method.pk)


def test_the_factory_makes_a_usable_method(db):
    method = PayoutMethodFactory()
    assert method.masked == f"•••• {method.account[-4:]}"
