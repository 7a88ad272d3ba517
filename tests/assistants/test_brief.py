"""Brief builder: a need in Chinese or English becomes a structured brief — category,
skills, checklist, milestones, budget and timeline — with figures only from the platform's
own deals, and a provider seam whose output is checked."""

from decimal import Decimal

import pytest
from django.utils import translation

from jiedan.matching.assistants.brief import (
    BriefDraft,
    BriefProvider,
    brief_propose,
    need_features,
    need_title,
)

from .factories import completed_deal, embedded

pytestmark = pytest.mark.django_db

WEBSITE_ZH = "需要做个企业网站，有产品展示和在线留言"
WEBSITE_EN = "I need a company website with a product catalogue and a contact form"


class CannedProvider(BriefProvider):
    """A provider of the documented interface, as a model-backed one would be: it names a
    skill that does not exist, a skill of another category and a split that does not add up."""

    def draft(self, *, need: str, language: str) -> BriefDraft:
        return BriefDraft(
            title="Tea shop logo",
            category_slug="design",
            skill_slugs=["logo-design", "no-such-skill", "website-development"],
            deliverables=["Three concepts", " ", "Vector files"],
            milestones=[("Concepts", 40), ("Final", 40)],
            days=12,
        )


def test_title_and_features_come_from_the_need():
    assert need_title(WEBSITE_ZH) == "企业网站"
    assert need_features(WEBSITE_ZH) == ["产品展示", "在线留言"]
    assert need_title(WEBSITE_EN) == ("Company website with a product catalogue and a contact form")
    assert need_features(WEBSITE_EN) == ["Product catalogue", "Contact form"]
    assert need_title("") == "" and need_features("") == []


def test_a_chinese_need_gives_a_website_brief():
    # when a client describes a company website in Chinese
    with translation.override("zh-hans"):
        brief = brief_propose(need=WEBSITE_ZH, currency="CNY")
    # then it is web development, with the website checklist and the features asked for
    assert brief.category.slug == "development"
    assert [skill.slug for skill in brief.skills] == ["website-development"]
    assert brief.title == "企业网站"
    assert any("产品展示" in item for item in brief.deliverables[:2])
    assert any("在线留言" in item for item in brief.deliverables[:2])
    assert "响应式网站，适配手机" in brief.deliverables
    assert [(m.title, m.percent) for m in brief.milestones] == [
        ("需求与设计确认", 20),
        ("开发完成", 50),
        ("测试、上线与交接", 30),
    ]
    # and with no comparable deals: no budget, the category's usual timeline
    assert brief.pricing is None and brief.budget is None
    assert all(m.amount is None for m in brief.milestones)
    assert (brief.days_low, brief.days_typical, brief.days_high) == (14, 30, 60)
    assert not brief.timeline_from_deals
    assert brief.expected_duration == "1_3m"


def test_an_english_need_gives_the_english_checklist():
    with translation.override("en"):
        brief = brief_propose(need=WEBSITE_EN, currency="USD")
    assert brief.category.slug == "development"
    assert "website-development" in [skill.slug for skill in brief.skills]
    assert "A responsive site that works on phones" in brief.deliverables
    assert brief.milestones[0].title == "Requirements and design"
    assert brief.currency == "USD"


def test_a_need_in_no_known_words_gets_the_generic_brief():
    with translation.override("en"):
        brief = brief_propose(need="Something quite unusual, hard to say", currency="CNY")
    assert brief.category is None and brief.skills == []
    assert "The final result in the agreed format" in brief.deliverables
    assert [m.percent for m in brief.milestones] == [50, 50]


def test_a_known_budget_is_split_over_the_milestones():
    with translation.override("en"):
        brief = brief_propose(need=WEBSITE_EN, currency="CNY", budget=Decimal("10000"))
    assert [m.amount for m in brief.milestones] == [
        Decimal("2000.00"),
        Decimal("5000.00"),
        Decimal("3000.00"),
    ]
    # a cent left over by rounding goes to the last milestone
    with translation.override("en"):
        logo = brief_propose(need="Logo design", currency="CNY", budget=Decimal("100.01"))
    assert [m.amount for m in logo.milestones] == [
        Decimal("30.00"),
        Decimal("30.00"),
        Decimal("40.01"),
    ]


def test_comparable_deals_give_the_budget_and_the_timeline(django_capture_on_commit_callbacks):
    # given five completed company websites, paid 6,000 to 14,000 in 20 to 40 days
    for n, (price, days) in enumerate(
        [("6000", 20), ("8000", 25), ("10000", 30), ("12000", 35), ("14000", 40)]
    ):
        completed_deal(
            title=f"企业网站开发 {n}",
            description="企业官网，包含产品展示、在线留言和后台管理。",
            price=price,
            days=days,
            category_slug="development",
        )
    embedded(django_capture_on_commit_callbacks)
    # when the need is a company website
    with translation.override("zh-hans"):
        brief = brief_propose(need=WEBSITE_ZH, currency="CNY")
    # then the budget range and timeline are those deals' quartiles
    assert brief.pricing is not None and brief.pricing.count == 5
    assert (brief.pricing.low, brief.pricing.median, brief.pricing.high) == (
        Decimal("8000.00"),
        Decimal("10000.00"),
        Decimal("12000.00"),
    )
    assert brief.budget == Decimal("10000.00")
    assert [m.amount for m in brief.milestones] == [
        Decimal("2000.00"),
        Decimal("5000.00"),
        Decimal("3000.00"),
    ]
    assert (brief.days_low, brief.days_typical, brief.days_high) == (25, 30, 35)
    assert brief.timeline_from_deals


def test_a_provider_drafts_and_the_platform_checks_it(settings):
    # given another provider named in the settings
    settings.JIEDAN_BRIEF_PROVIDER = "tests.assistants.test_brief.CannedProvider"
    with translation.override("en"):
        brief = brief_propose(need="A logo for my tea shop", currency="CNY")
    # then its category and known skill of that category are kept, the rest dropped
    assert brief.title == "Tea shop logo"
    assert brief.category.slug == "design"
    assert [skill.slug for skill in brief.skills] == ["logo-design"]
    assert brief.deliverables == ["Three concepts", "Vector files"]
    # a split that does not add up to 100 falls back to the category's
    assert [m.percent for m in brief.milestones] == [30, 30, 40]
    # its duration replaces the category's typical one
    assert (brief.days_low, brief.days_typical, brief.days_high) == (3, 12, 21)


def test_the_default_provider_is_the_rules_one(settings):
    assert settings.JIEDAN_BRIEF_PROVIDER == "jiedan.matching.assistants.brief.RulesBriefProvider"
