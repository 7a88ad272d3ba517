"""The fee schedule, in one place: what the platform and the payment provider take, and the
arithmetic of every split. Settings (all shown on the public fee page):

- ``JIEDAN_COMMISSION_RATE`` (default 10 %): taken from each payment released to a freelancer.
- ``JIEDAN_PROCESSING_FEE_RATE`` (default 0.6 %): the payment provider's charge on a top-up,
  passed on to the client at cost and added on top of the amount credited.
- ``JIEDAN_WITHDRAWAL_FEE`` (default 2.00) and ``JIEDAN_WITHDRAWAL_MINIMUM`` (default 50.00),
  in the currency withdrawn: a flat fee per withdrawal, which must be at least the minimum.

Rounding: a fee is rounded half up to the currency's smallest unit and the other side gets
the exact rest, so the parts always add up to the whole. Splits by shares (a dispute decided
60/40) round each part down and leave the remainder, never more than a cent per part, for the
platform's rounding account.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import InvalidInput
from jiedan.core.money import MINOR_UNIT_DIGITS, money_display, money_positive, money_quantize


@dataclass(frozen=True)
class FeeSchedule:
    commission_rate: Decimal
    processing_rate: Decimal
    withdrawal_fee: Decimal
    withdrawal_minimum: Decimal

    @property
    def commission_percent(self) -> str:
        return _percent(self.commission_rate)

    @property
    def processing_percent(self) -> str:
        return _percent(self.processing_rate)


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}"


def fee_schedule() -> FeeSchedule:
    """The schedule from the settings; a rate outside [0, 1) or a negative amount is a
    configuration error, raised at once rather than charged."""
    schedule = FeeSchedule(
        commission_rate=Decimal(settings.JIEDAN_COMMISSION_RATE),
        processing_rate=Decimal(settings.JIEDAN_PROCESSING_FEE_RATE),
        withdrawal_fee=Decimal(settings.JIEDAN_WITHDRAWAL_FEE),
        withdrawal_minimum=Decimal(settings.JIEDAN_WITHDRAWAL_MINIMUM),
    )
    for rate in (schedule.commission_rate, schedule.processing_rate):
        if not 0 <= rate < 1:
            raise ImproperlyConfigured(f"fee rates must be from 0 to below 1, not {rate}")
    if schedule.withdrawal_fee < 0 or schedule.withdrawal_minimum < schedule.withdrawal_fee:
        raise ImproperlyConfigured("the withdrawal fee must be 0 or more, and the minimum above it")
    return schedule


def _rate_of(amount: Decimal, rate: Decimal, currency: str) -> Decimal:
    return money_quantize(amount * rate, currency)


@dataclass(frozen=True)
class Release:
    """A payment released to a freelancer: ``gross`` = ``net`` + ``commission``."""

    gross: Decimal
    commission: Decimal
    net: Decimal
    currency: str


def release_split(amount, currency: str) -> Release:
    """What the freelancer receives from ``amount`` and what the platform keeps."""
    gross = money_positive(amount, currency, maximum=Decimal("999999999999"))
    commission = _rate_of(gross, fee_schedule().commission_rate, currency)
    return Release(gross=gross, commission=commission, net=gross - commission, currency=currency)


@dataclass(frozen=True)
class TopUp:
    """Money added to a wallet: the client pays ``charged`` = ``credited`` + ``processing``."""

    credited: Decimal
    processing: Decimal
    charged: Decimal
    currency: str


def top_up_quote(amount, currency: str) -> TopUp:
    credited = money_positive(amount, currency, maximum=Decimal("1000000"))
    processing = _rate_of(credited, fee_schedule().processing_rate, currency)
    return TopUp(
        credited=credited, processing=processing, charged=credited + processing, currency=currency
    )


@dataclass(frozen=True)
class Withdrawal:
    """Money taken out of a wallet: ``amount`` leaves it, ``paid_out`` reaches the bank."""

    amount: Decimal
    fee: Decimal
    paid_out: Decimal
    currency: str


def withdrawal_quote(amount, currency: str) -> Withdrawal:
    """The flat fee is in the currency withdrawn; below the minimum is ``InvalidInput``."""
    schedule = fee_schedule()
    value = money_positive(amount, currency, maximum=Decimal("1000000"))
    minimum = money_quantize(schedule.withdrawal_minimum, currency)
    if value < minimum:
        raise InvalidInput(
            _("The smallest withdrawal is %(minimum)s.")
            % {"minimum": money_display(minimum, currency)},
            code="withdrawal_below_minimum",
        )
    fee = money_quantize(schedule.withdrawal_fee, currency)
    return Withdrawal(amount=value, fee=fee, paid_out=value - fee, currency=currency)


def shares_split(
    amount: Decimal, currency: str, weights: list[int]
) -> tuple[list[Decimal], Decimal]:
    """``amount`` divided in proportion to ``weights`` (whole numbers, not all zero): each part
    rounded down to the smallest unit, and the remainder, which the caller books to the
    rounding account. ``sum(parts) + remainder == amount``."""
    if not weights or any(weight < 0 for weight in weights) or sum(weights) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    unit = Decimal(1).scaleb(-MINOR_UNIT_DIGITS[currency])
    total = sum(weights)
    parts = [(amount * weight / total).quantize(unit, rounding=ROUND_DOWN) for weight in weights]
    return parts, amount - sum(parts)
