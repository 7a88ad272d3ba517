"""The fee schedule: each split adds up to the whole, rounding is stated, bad settings are
refused, and the public fee page shows the numbers the code charges."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from jiedan.core.errors import InvalidInput
from jiedan.ledger.fees import release_split, shares_split, top_up_quote, withdrawal_quote


def test_release_keeps_the_commission_and_pays_the_exact_rest():
    split = release_split("1000", "CNY")
    assert (split.gross, split.commission, split.net) == (
        Decimal("1000.00"),
        Decimal("100.00"),
        Decimal("900.00"),
    )


@pytest.mark.parametrize(
    "amount, commission, net",
    [("0.05", "0.01", "0.04"), ("0.04", "0.00", "0.04"), ("333.35", "33.34", "300.01")],
)
def test_commission_rounds_half_up_and_parts_add_up(amount, commission, net):
    split = release_split(amount, "CNY")
    assert (split.commission, split.net) == (Decimal(commission), Decimal(net))
    assert split.commission + split.net == split.gross


def test_yen_has_no_minor_unit(settings):
    settings.JIEDAN_COMMISSION_RATE = Decimal("0.125")
    split = release_split("1001", "JPY")
    assert (split.commission, split.net) == (Decimal("125"), Decimal("876"))


def test_top_up_adds_the_providers_charge_on_top():
    quote = top_up_quote("1000", "CNY")
    assert (quote.credited, quote.processing, quote.charged) == (
        Decimal("1000.00"),
        Decimal("6.00"),
        Decimal("1006.00"),
    )


def test_withdrawal_takes_a_flat_fee_above_a_minimum():
    quote = withdrawal_quote("500", "CNY")
    assert (quote.amount, quote.fee, quote.paid_out) == (
        Decimal("500.00"),
        Decimal("2.00"),
        Decimal("498.00"),
    )
    with pytest.raises(InvalidInput) as error:
        withdrawal_quote("49.99", "CNY")
    assert error.value.code == "withdrawal_below_minimum"


@pytest.mark.parametrize("bad", ["-10", "0", "abc", "1000000.01"])
def test_bad_amounts_are_refused(bad):
    for quote in (release_split, top_up_quote, withdrawal_quote):
        if quote is release_split and bad == "1000000.01":
            continue  # a release may be larger than a single top-up
        with pytest.raises(InvalidInput):
            quote(bad, "CNY")


@pytest.mark.parametrize(
    "weights, parts, remainder",
    [
        ([1, 1, 1], ["33.33", "33.33", "33.33"], "0.01"),
        ([60, 40], ["60.00", "40.00"], "0.00"),
        ([0, 1], ["0.00", "100.00"], "0.00"),
    ],
)
def test_shares_round_down_and_leave_the_remainder(weights, parts, remainder):
    got, rest = shares_split(Decimal("100.00"), "CNY", weights)
    assert got == [Decimal(part) for part in parts]
    assert rest == Decimal(remainder)
    assert sum(got) + rest == Decimal("100.00")


@pytest.mark.parametrize(
    "name, value",
    [
        ("JIEDAN_COMMISSION_RATE", Decimal("1")),
        ("JIEDAN_PROCESSING_FEE_RATE", Decimal("-0.01")),
        ("JIEDAN_WITHDRAWAL_MINIMUM", Decimal("1.00")),  # below the fee
    ],
)
def test_a_misconfigured_schedule_is_refused_rather_than_charged(settings, name, value):
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured):
        release_split("100", "CNY")


@pytest.mark.django_db
def test_the_fee_page_states_what_the_code_charges(settings):
    settings.JIEDAN_COMMISSION_RATE = Decimal("0.08")
    html = Client().get("/en/fees/").content.decode()
    assert "commission ¥80.00, the freelancer receives ¥920.00" in html
    assert "to add ¥1,000.00 you pay ¥1,006.00" in html
    assert "¥2.00 per withdrawal, at least ¥50.00" in html
    zh = Client().get("/zh-hans/fees/").content.decode()
    assert "¥920.00" in zh
