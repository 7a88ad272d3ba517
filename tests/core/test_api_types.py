"""API input types whose OpenAPI description is exactly what they accept: decimals as strings
(or whole numbers) with a documented pattern, and choices listed inline."""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from ninja import Schema
from pydantic import ValidationError

from jiedan.core.api_types import (
    DecimalIn,
    NonNegativeDecimalIn,
    PositiveAmountIn,
    RatingIn,
    choice_input,
    decimal_pattern,
)
from jiedan.core.money import Currency


class Prices(Schema):
    amount: DecimalIn | None = None
    filter: NonNegativeDecimalIn | None = None
    rate: PositiveAmountIn | None = None
    rating: RatingIn | None = None
    currency: choice_input(Currency) = Currency.CNY


@pytest.fixture(autouse=True)
def _english():
    """The messages below are compared in English (the default language is Chinese)."""
    with translation.override("en"):
        yield


def branch(name: str, kind: str) -> dict:
    """The ``integer`` or ``string`` part of a field's documented schema."""
    schema = Prices.model_json_schema()["properties"][name]
    return next(part for part in schema["anyOf"] if part["type"] == kind)


def refusal(**values) -> str:
    with pytest.raises(ValidationError) as error:
        Prices.model_validate(values)
    return error.value.errors()[0]["msg"]


@pytest.mark.parametrize(
    ("field", "accepted", "refused"),
    [
        ("amount", ["0", "12", "-3.5", "99.50", "123.456"], ["", " 1", "1e3", "01", ".5", "1."]),
        ("filter", ["0", "0.5", "10"], ["-1", "-0.5"]),
        ("rate", ["0.01", "0.10", "1", "9999999999.99"], ["0", "0.00", "0.001", "1.005", "1" * 11]),
        ("rating", ["0", "4.75", "5", "5.00"], ["5.01", "6", "-1"]),
    ],
)
def test_a_decimal_string_is_accepted_exactly_when_it_matches_the_documented_pattern(
    field, accepted, refused
):
    # given the pattern the OpenAPI document gives for the field
    pattern = branch(field, "string")["pattern"]
    for text in accepted:
        # then what matches it is accepted as that decimal
        assert re.search(pattern, text), text
        assert Prices.model_validate({field: text}).model_dump()[field] == Decimal(text)
    for text in refused:
        # and what does not is refused
        assert not re.search(pattern, text), text
        assert refusal(**{field: text})


def test_a_number_with_a_fraction_is_refused_and_a_whole_one_accepted():
    # when amounts come as JSON numbers
    # then a fraction (a binary float) is refused with what to send instead
    assert refusal(amount=12.5) == 'Send a number with a fraction as a string, such as "99.50".'
    # and whole numbers are exact, so they are welcome
    assert Prices.model_validate({"amount": 12}).amount == Decimal(12)
    assert Prices.model_validate({"amount": 12.0}).amount == Decimal(12)
    assert refusal(amount=True)


def test_whole_numbers_keep_to_the_documented_bounds():
    # given the integer bounds the document gives
    integer = branch("rate", "integer")
    assert (integer["minimum"], integer["maximum"]) == (1, 9_999_999_999)
    # then a whole number outside them is refused, inside accepted
    assert refusal(rate=0) == "The number is out of range."
    assert refusal(rate=10_000_000_000) == "The number is out of range."
    assert refusal(rating=6) == "The number is out of range."
    assert Prices.model_validate({"rate": 9_999_999_999}).rate == Decimal(9_999_999_999)


def test_the_above_zero_pattern_with_places_keeps_to_them():
    # a positive amount with two places: above zero, never more than two decimals
    pattern = decimal_pattern(minimum="above_zero", places=2)
    assert [bool(re.search(pattern, text)) for text in ["0.01", "0.1", "0.00", "0.001"]] == [
        True,
        True,
        False,
        False,
    ]


def test_a_choice_is_listed_inline_and_stays_a_plain_string():
    # when the document describes a choice field
    schema = Prices.model_json_schema()
    # then it lists the values in place, with no shared component to collide with another
    assert schema["properties"]["currency"]["enum"] == list(Currency.values)
    assert "$defs" not in schema
    # and a valid value comes through as a plain string, an unknown one is refused by name
    value = Prices.model_validate({"currency": "USD"}).currency
    assert (value, type(value)) == ("USD", str)
    assert refusal(currency="XXX").startswith('Choose one of: "CNY", "USD"')
