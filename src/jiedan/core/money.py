"""Money: ``Decimal`` amounts with an ISO 4217 currency, quantized per currency in one place.

Never a float. Integer minor units appear only at a payment-gateway boundary.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import InvalidInput


class Currency(models.TextChoices):
    CNY = "CNY", _("Chinese yuan (CNY)")
    USD = "USD", _("US dollar (USD)")
    EUR = "EUR", _("Euro (EUR)")
    HKD = "HKD", _("Hong Kong dollar (HKD)")
    GBP = "GBP", _("Pound sterling (GBP)")
    JPY = "JPY", _("Japanese yen (JPY)")


MINOR_UNIT_DIGITS = {"CNY": 2, "USD": 2, "EUR": 2, "HKD": 2, "GBP": 2, "JPY": 0}
SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "GBP": "£", "JPY": "JP¥"}
DEFAULT_CURRENCY = Currency.CNY
AMOUNT_MAX_DIGITS = 14
AMOUNT_DECIMAL_PLACES = 2


def money_quantize(amount, currency: str) -> Decimal:
    """Round half up to the currency's minor unit; raises ``InvalidInput`` on bad input."""
    if currency not in MINOR_UNIT_DIGITS:
        raise InvalidInput(_("Unsupported currency."), code="unsupported_currency")
    if isinstance(amount, float):
        raise TypeError("money amounts are never floats")
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise InvalidInput(_("Enter an amount."), code="invalid_amount") from error
    if not value.is_finite() or value.adjusted() >= AMOUNT_MAX_DIGITS - AMOUNT_DECIMAL_PLACES:
        raise InvalidInput(_("Enter an amount."), code="invalid_amount")
    exponent = Decimal(1).scaleb(-MINOR_UNIT_DIGITS[currency])
    return value.quantize(exponent, rounding=ROUND_HALF_UP)


def money_positive(amount, currency: str, *, maximum: Decimal = Decimal("1000000")) -> Decimal:
    """A quantized amount that must be above zero and at most ``maximum``."""
    value = money_quantize(amount, currency)
    if value <= 0 or value > maximum:
        raise InvalidInput(
            _("Enter an amount above 0 and at most %(maximum)s.") % {"maximum": maximum},
            code="amount_out_of_range",
        )
    return value


def money_display(amount: Decimal, currency: str) -> str:
    """``¥1,234.50`` — for people; APIs send the Decimal and the currency separately."""
    value = money_quantize(amount, currency)
    return f"{SYMBOLS.get(currency, currency + ' ')}{value:,}"


def amount_field(verbose_name, **kwargs) -> models.DecimalField:
    """The one database shape for money amounts."""
    return models.DecimalField(
        verbose_name,
        max_digits=AMOUNT_MAX_DIGITS,
        decimal_places=AMOUNT_DECIMAL_PLACES,
        **kwargs,
    )


def currency_field(verbose_name=None, **kwargs) -> models.CharField:
    kwargs.setdefault("default", DEFAULT_CURRENCY)
    return models.CharField(
        verbose_name or _("currency"), max_length=3, choices=Currency.choices, **kwargs
    )
