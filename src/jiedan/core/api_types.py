"""Input types for the JSON API whose OpenAPI description states exactly what they accept.

A decimal (an amount, a rate, a rating) arrives as a decimal string, ``"1200"`` or ``"99.50"``,
or as a whole JSON number. A JSON number with a fraction is refused: it is a binary float, which
may not be the decimal that was meant (money is never a float). The string is digits with at most
one point and an optional leading minus, no leading zeros, no exponent; the OpenAPI document gives
its pattern, so a client knows the rule before it sends, and the parser enforces the same pattern.
Ranges a pattern can state (above zero, at least zero, digits before and after the point) are in
it too; the business ranges (an amount at most a million) stay with the services.

A choice (a currency, a mode, a visibility) is one of a model's ``TextChoices``, listed inline in
the document and handed to the service as the plain string it was.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from pydantic_core import PydanticCustomError, core_schema

Minimum = Literal["zero", "above_zero"] | None


def _whole(digits: int | None) -> str:
    return "(0|[1-9][0-9]*)" if digits is None else f"(0|[1-9][0-9]{{0,{digits - 1}}})"


def _fraction(places: int | None) -> str:
    return r"(\.[0-9]+)?" if places is None else rf"(\.[0-9]{{1,{places}}})?"


def _up_to(count: int) -> str:
    return f"[0-9]{{0,{count}}}" if count else ""


def _above_zero(digits: int | None, places: int | None) -> str:
    """Whole part above zero, or zero and a fraction with a digit other than 0."""
    whole = "[1-9][0-9]*" if digits is None else f"[1-9][0-9]{{0,{digits - 1}}}"
    if places is None:
        small = r"0\.[0-9]*[1-9][0-9]*"
    else:  # the first digit other than 0 at place k, then up to places - k - 1 more
        tails = ["0" * k + "[1-9]" + _up_to(places - k - 1) for k in range(places)]
        small = r"0\.(" + "|".join(tails) + ")"
    return f"({whole}{_fraction(places)}|{small})"


def decimal_pattern(
    *, minimum: Minimum = None, whole_digits: int | None = None, places: int | None = None
) -> str:
    if minimum == "above_zero":
        body = _above_zero(whole_digits, places)
    else:
        sign = "-?" if minimum is None else ""
        body = f"{sign}{_whole(whole_digits)}{_fraction(places)}"
    return f"^{body}$"


@dataclass(frozen=True)
class DecimalInput:
    """The pydantic side of ``decimal_input``: one parser, one schema, the same rule."""

    pattern: str
    minimum: Minimum = None
    whole_digits: int | None = None
    maximum: int | None = None

    def __get_pydantic_core_schema__(self, source, handler):
        return core_schema.no_info_plain_validator_function(self.parse)

    def __get_pydantic_json_schema__(self, schema, handler) -> dict[str, Any]:
        number: dict[str, Any] = {"type": "integer"}
        if self.minimum == "zero":
            number["minimum"] = 0
        elif self.minimum == "above_zero":
            number["minimum"] = 1
        elif self.whole_digits is not None:
            number["minimum"] = 1 - 10**self.whole_digits
        if self.maximum is not None:
            number["maximum"] = self.maximum
        elif self.whole_digits is not None:
            number["maximum"] = 10**self.whole_digits - 1
        return {"anyOf": [number, {"type": "string", "pattern": self.pattern}]}

    def parse(self, value) -> Decimal:
        if isinstance(value, Decimal):  # from Python callers, already a decimal
            number = value
        elif isinstance(value, int) and not isinstance(value, bool):
            number = Decimal(value)
        elif isinstance(value, float) and value.is_integer():
            number = Decimal(int(value))
        elif isinstance(value, float):
            raise PydanticCustomError(
                "decimal_as_string",
                _('Send a number with a fraction as a string, such as "99.50".'),
            )
        elif isinstance(value, str) and re.fullmatch(self.pattern, value):
            number = Decimal(value)
        else:
            raise PydanticCustomError(
                "decimal_format",
                _('Write the number as digits with at most one point, such as "1200" or "99.50".'),
            )
        if not self._in_range(number):
            raise PydanticCustomError("decimal_range", _("The number is out of range."))
        return number

    def _in_range(self, number: Decimal) -> bool:
        if self.minimum == "zero" and number < 0:
            return False
        if self.minimum == "above_zero" and number <= 0:
            return False
        if self.maximum is not None and number > self.maximum:
            return False
        return self.whole_digits is None or abs(number) < 10**self.whole_digits


def decimal_input(
    *,
    minimum: Minimum = None,
    whole_digits: int | None = None,
    places: int | None = None,
    maximum: int | None = None,
    pattern: str | None = None,
) -> Any:
    """A ``Decimal`` input field type. A ``maximum`` needs its own ``pattern``, since a general
    bound cannot be put in one."""
    if maximum is not None and pattern is None:
        raise ValueError("give the pattern that keeps values at most the maximum")
    rule = pattern or decimal_pattern(minimum=minimum, whole_digits=whole_digits, places=places)
    return Annotated[Decimal, DecimalInput(rule, minimum, whole_digits, maximum)]


# Any sign; the services decide the range (most amounts must be above zero).
DecimalIn = decimal_input()
# Filters: at least zero.
NonNegativeDecimalIn = decimal_input(minimum="zero")
# A price or budget stored with two places and at most twelve digits.
PositiveAmountIn = decimal_input(minimum="above_zero", whole_digits=10, places=2)
# A star rating from 0 to 5.
RatingIn = decimal_input(minimum="zero", maximum=5, pattern=r"^([0-4](\.[0-9]+)?|5(\.0+)?)$")


@dataclass(frozen=True)
class ChoiceInput:
    """The pydantic side of ``choice_input``: the value stays a plain string."""

    choices: tuple[str, ...]

    def __get_pydantic_core_schema__(self, source, handler):
        return core_schema.no_info_plain_validator_function(self.parse)

    def __get_pydantic_json_schema__(self, schema, handler) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}

    def parse(self, value) -> str:
        if isinstance(value, str) and value in self.choices:
            return value
        listed = ", ".join(f'"{choice}"' for choice in self.choices)
        raise PydanticCustomError("choice", _("Choose one of: %(choices)s.") % {"choices": listed})


def choice_input(choices: type[TextChoices], *, blank: bool = False) -> Any:
    """A string input that must be one of a model's choices (or empty, with ``blank``). The
    OpenAPI document lists them inline, so two apps' ``Status`` or ``Kind`` never collide."""
    values = (*([""] if blank else []), *choices.values)
    return Annotated[str, ChoiceInput(values)]
