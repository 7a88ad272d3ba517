"""Pricing suggestion: what similar completed projects were paid.

For a text (a project's title and description, or a need typed in the brief builder), a
currency and optionally a category:

1. candidates by SQL: the deals (``deals.deals``) in that currency, of that category's
   projects when one is given;
2. ranked by meaning against the text alone (``selectors.semantic_ranked``), keeping the
   nearest ``MAX_COMPARABLES`` that are at least as similar as the encoder's
   ``related_above``;
3. with fewer than ``JIEDAN_PRICING_MIN_COMPARABLES`` of them (default 5) there is no
   suggestion — a range from three projects would be a guess dressed as data;
4. otherwise the price quartiles (p25, median, p75) and the duration quantiles (p10, p25,
   median, p75, in whole days), and how many deals they come from.

Quantiles interpolate linearly between the closest ranks (the usual "type 7" definition).
Prices are rounded to two significant figures of the median (a median of 1,480 rounds every
figure to hundreds), half up, so the range reads as the estimate it is. Fixed-price work
only: hourly projects are not covered.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from jiedan.core.money import money_quantize
from jiedan.taxonomy.models import Category

from ..encoders import text_encoder
from ..selectors import semantic_ranked
from .deals import DEAL_KIND, DealFacts, deal_facts, deal_ids

MAX_COMPARABLES = 30
TEXT_MAX_CHARS = 2000  # what a price is asked for: a title and description, or a need
P10, P25, P50, P75 = Decimal("0.10"), Decimal("0.25"), Decimal("0.50"), Decimal("0.75")


@dataclass(frozen=True)
class PriceSuggestion:
    currency: str
    count: int  # how many comparable deals
    low: Decimal  # p25
    median: Decimal
    high: Decimal  # p75
    days_p10: int | None = None
    days_low: int | None = None
    days_median: int | None = None
    days_high: int | None = None


def min_comparables() -> int:
    return settings.JIEDAN_PRICING_MIN_COMPARABLES


def quantile(values: list[Decimal], q: Decimal) -> Decimal:
    """The ``q`` quantile of ``values`` (not empty), interpolating between closest ranks."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    below = int(position)
    fraction = position - below
    if fraction == 0:
        return ordered[below]
    return ordered[below] + (ordered[below + 1] - ordered[below]) * fraction


def rounding_step(median: Decimal) -> Decimal:
    """Two significant figures of the median: 1,480 → 100; 85 → 1; never below 1."""
    digits = max(median.adjusted() + 1, 1)  # digits before the decimal point
    return Decimal(1).scaleb(max(digits - 2, 0))


def price_rounded(value: Decimal, *, step: Decimal, currency: str) -> Decimal:
    return money_quantize((value / step).to_integral_value(ROUND_HALF_UP) * step, currency)


def _whole_days(value: Decimal) -> int:
    return int(value.to_integral_value(ROUND_HALF_UP))


def suggestion_from(facts: list[DealFacts], *, currency: str) -> PriceSuggestion:
    """The quantiles of the deals' prices and durations."""
    prices = [fact.price for fact in facts]
    median = quantile(prices, P50)
    step = rounding_step(median)
    days = [Decimal(fact.days) for fact in facts if fact.days is not None]
    durations = {}
    if days:
        durations = {
            "days_p10": _whole_days(quantile(days, P10)),
            "days_low": _whole_days(quantile(days, P25)),
            "days_median": _whole_days(quantile(days, P50)),
            "days_high": _whole_days(quantile(days, P75)),
        }
    return PriceSuggestion(
        currency=currency,
        count=len(facts),
        low=price_rounded(quantile(prices, P25), step=step, currency=currency),
        median=price_rounded(median, step=step, currency=currency),
        high=price_rounded(quantile(prices, P75), step=step, currency=currency),
        **durations,
    )


def comparables(*, text: str, currency: str, category: Category | None = None) -> list[DealFacts]:
    """The deals nearest in meaning to ``text`` (best first), at most ``MAX_COMPARABLES``."""
    if not (text or "").strip():
        return []
    candidates = deal_ids(currency=currency, category_id=category.pk if category else None)
    if len(candidates) < min_comparables():
        return []
    floor = text_encoder().related_above
    ranked = semantic_ranked(
        kind=DEAL_KIND, query=text, candidate_ids=candidates, limit=MAX_COMPARABLES
    )
    nearest = [pk for pk, score in ranked if score >= floor]
    if len(nearest) < min_comparables():
        return []
    order = {pk: rank for rank, pk in enumerate(nearest)}
    facts = deal_facts(contract_ids=nearest)
    return sorted(facts, key=lambda fact: order[fact.contract_id])


def pricing_suggestion(
    *, text: str, currency: str, category: Category | None = None
) -> PriceSuggestion | None:
    """The price range of comparable deals, or None when there are too few."""
    facts = comparables(text=text, currency=currency, category=category)
    if len(facts) < min_comparables():
        return None
    return suggestion_from(facts, currency=currency)
