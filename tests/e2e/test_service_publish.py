"""A freelancer offers a service in a real browser: sign in, describe it in three packages,
publish it, and find it in the public catalogue, where a phone shows the packages as cards
stacked one above the other."""

import re

import pytest
from playwright.sync_api import expect

from jiedan.catalog.models import Service, Status
from tests.catalog.factories import CategoryFactory
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "I will design a bilingual logo for your shop"
TIERS = [
    ("basic", "Sketch", "300", "5", "One concept\nPNG file"),
    ("standard", "Brand", "600", "4", "Three concepts\nVector files"),
    ("premium", "Studio", "1200", "3", "Five concepts\nBrand guide"),
]


def _submit(page):
    """Press the main form's submit button (the header has forms of its own)."""
    page.locator("main form button[type=submit]").last.click()


def test_freelancer_publishes_a_three_tier_service_that_buyers_can_compare(page, artifacts_dir):
    # given a freelancer and a category
    freelancer = UserFactory(mode="freelancer", display_name="Lin Wei")
    category = CategoryFactory(name_en="Logo design", name_zh="标志设计")

    # when they sign in through the login form
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", freelancer.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/en/dashboard/$"))

    # and describe a service with three packages
    page.goto("/en/services/new/")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=description]", "Logos that read well in Chinese and English.")
    page.select_option("select[name=category]", str(category.pk))
    for level, name, price, days, features in TIERS:
        page.fill(f"input[name=tier-{level}-name]", name)
        page.fill(f"input[name=tier-{level}-price]", price)
        page.fill(f"input[name=tier-{level}-delivery_days]", days)
        page.fill(f"input[name=tier-{level}-revisions]", "2")
        page.fill(f"textarea[name=tier-{level}-features]", features)
    page.fill("input[name=extra-0-title]", "Express delivery")
    page.fill("input[name=extra-0-price]", "150")
    page.fill("input[name=extra-0-days_saved]", "2")
    page.fill("input[name=faq-0-question]", "Do I own the logo?")
    page.fill("textarea[name=faq-0-answer]", "Yes, all rights are yours.")
    page.locator("form.service-editor button[type=submit]").click()

    # then it is saved as a draft with three tiers
    page.wait_for_url(re.compile(r"/en/services/\d+/edit/$"))
    service = Service.objects.get(title=TITLE)
    assert service.status == Status.DRAFT
    assert [tier.level for tier in service.tier_list] == ["basic", "standard", "premium"]

    # when they publish it
    page.locator("main .notice form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/services/mine/$"))
    expect(page.locator("[role=status]")).to_contain_text("Your service is published.")
    service.refresh_from_db()
    assert service.status == Status.PUBLISHED

    # then a visitor on a phone finds it in the public catalogue
    page.context.clear_cookies()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/en/services/")
    card = page.locator(".service-card", has_text=TITLE)
    expect(card).to_contain_text("Starting at ¥300.00")
    card.locator("a", has_text=TITLE).click()
    page.wait_for_url(re.compile(rf"/en/services/{service.pk}/$"))

    # and compares the three packages, stacked as cards that fit the screen
    tiers = page.locator(".tier-card")
    expect(tiers).to_have_count(3)
    for index, (_level, name, price, _days, _features) in enumerate(TIERS):
        expect(tiers.nth(index)).to_contain_text(name)
        expect(tiers.nth(index)).to_contain_text(f"¥{int(price):,}.00")
    boxes = [tiers.nth(i).bounding_box() for i in range(3)]
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= 360 for box in boxes), boxes
    assert boxes[0]["y"] + boxes[0]["height"] <= boxes[1]["y"], boxes
    assert boxes[1]["y"] + boxes[1]["height"] <= boxes[2]["y"], boxes
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.locator("main")).to_contain_text("Express delivery")
    expect(page.locator("main")).to_contain_text("Do I own the logo?")
    profile = page.locator(f"main a[href='/en/freelancers/{freelancer.pk}/']")
    expect(profile).to_have_text("Lin Wei")

    screenshot = artifacts_dir / "service-tiers-en-360.png"
    screenshot.unlink(missing_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 0

    # and on a wide screen the same packages sit side by side
    page.set_viewport_size({"width": 1280, "height": 800})
    wide = [tiers.nth(i).bounding_box() for i in range(3)]
    assert wide[0]["y"] == wide[1]["y"] == wide[2]["y"], wide
