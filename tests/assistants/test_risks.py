"""Risk warnings: each rule fires on the terms that often end in disputes and stays quiet on
sound ones; figures from comparable deals sharpen the deadline and price rules."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from jiedan.matching.assistants.pricing import PriceSuggestion
from jiedan.matching.assistants.risks import TermsFacts, scope_size, terms_risks

TODAY = date(2026, 3, 2)
SCOPE = "A bilingual company website: home, products, about us and a contact form."


def facts(**overrides) -> TermsFacts:
    """Sound terms: a clear scope, deliverables, two milestones of 3,000 CNY, 30 days."""
    values = {
        "scope": SCOPE,
        "deliverables": ("Figma design", "Responsive site", "Source code"),
        "deadline": TODAY + timedelta(days=30),
        "milestone_amounts": (Decimal("3000"), Decimal("3000")),
        "currency": "CNY",
        "today": TODAY,
    }
    return TermsFacts(**{**values, **overrides})


def prices(median="6000", days_p10=14) -> PriceSuggestion:
    return PriceSuggestion(
        currency="CNY",
        count=12,
        low=Decimal("4000"),
        median=Decimal(median),
        high=Decimal("9000"),
        days_p10=days_p10,
        days_low=20,
        days_median=30,
        days_high=45,
    )


def codes(warnings) -> list[str]:
    return [warning.code for warning in warnings]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_sound_terms_raise_no_warning():
    assert terms_risks(facts()) == []
    assert terms_risks(facts(), comparables=prices()) == []


def test_no_deliverables_and_a_thin_scope_are_flagged():
    warnings = terms_risks(facts(deliverables=(), scope="A website."))
    assert codes(warnings) == ["no_deliverables", "scope_thin"]
    assert "No deliverables are listed" in warnings[0].message


def test_chinese_characters_count_double_for_the_scope():
    # 18 characters counted twice and 2 commas
    assert scope_size("企业官网，五个页面，含产品展示和在线留言") == 38
    assert scope_size("a b") == 2
    assert codes(terms_risks(facts(scope="企业官网，五个页面，含产品展示、新闻和在线留言"))) == []
    assert codes(terms_risks(facts(scope="做个网站"))) == ["scope_thin"]


def test_one_large_milestone_is_flagged_by_currency():
    # one milestone of 6,000 CNY, above the 5,000 limit
    one = facts(milestone_amounts=(Decimal("6000"),))
    [warning] = terms_risks(one)
    assert warning.code == "single_large_milestone"
    assert "¥6,000.00" in warning.message and "¥5,000.00" in warning.message
    # at the limit, split in two, or in another currency's terms it is not
    assert terms_risks(facts(milestone_amounts=(Decimal("5000"),))) == []
    assert terms_risks(facts(currency="USD", milestone_amounts=(Decimal("800"),))) == []
    assert codes(terms_risks(facts(currency="USD", milestone_amounts=(Decimal("801"),)))) == [
        "single_large_milestone"
    ]
    assert terms_risks(facts(kind="hourly", milestone_amounts=(Decimal("9000"),))) == []


def test_a_deadline_sooner_than_comparables_p10_is_flagged():
    soon = facts(deadline=TODAY + timedelta(days=10))
    [warning] = terms_risks(soon, comparables=prices(days_p10=14))
    assert warning.code == "deadline_too_soon"
    assert "10 days away" in warning.message and "14 days or more" in warning.message
    assert terms_risks(facts(deadline=TODAY + timedelta(days=14)), comparables=prices()) == []
    # without comparables, a 6,000 budget in 10 days is fine
    assert terms_risks(soon) == []


def test_a_large_budget_due_within_a_week_is_flagged():
    # 6,000 in total (over the 5,000 limit) due in 3 days
    rushed = facts(deadline=TODAY + timedelta(days=3))
    assert codes(terms_risks(rushed)) == ["deadline_too_soon"]
    assert terms_risks(facts(deadline=TODAY + timedelta(days=7))) == []
    small = facts(deadline=TODAY + timedelta(days=3), milestone_amounts=(Decimal("800"),))
    assert terms_risks(small) == []


def test_a_price_under_half_the_comparables_median_is_flagged():
    cheap = facts(milestone_amounts=(Decimal("1000"), Decimal("1900")))
    [warning] = terms_risks(cheap, comparables=prices(median="6000"))
    assert warning.code == "price_far_below"
    assert "¥2,900.00" in warning.message and "median ¥6,000.00" in warning.message
    assert "12 projects" in warning.message
    half = facts(milestone_amounts=(Decimal("1500"), Decimal("1500")))
    assert terms_risks(half, comparables=prices(median="6000")) == []
    assert terms_risks(cheap) == []


def test_every_rule_can_fire_at_once_in_a_fixed_order():
    worst = facts(
        scope="Logo",
        deliverables=(),
        deadline=TODAY + timedelta(days=2),
        milestone_amounts=(Decimal("5500"),),
    )
    assert codes(terms_risks(worst, comparables=prices(median="20000"))) == [
        "no_deliverables",
        "scope_thin",
        "single_large_milestone",
        "deadline_too_soon",
        "price_far_below",
    ]
