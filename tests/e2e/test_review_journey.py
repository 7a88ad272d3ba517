"""Two-way reviews in real browsers: after a paid contract completes, the client reviews the
freelancer in English on a desktop (stars are radio groups; the review stays sealed), the
freelancer, on a phone in Chinese, sees only that the client reviewed, writes theirs and then
reads both; the review shows on the freelancer's public profile."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from playwright.sync_api import expect

from jiedan.profiles.services import freelancer_profile_update
from jiedan.reviews.models import Review
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS
from tests.factories import PASSWORD
from tests.profiles.helpers import details as profile_details
from tests.reviews.factories import completed_contract

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
FITS_JS = "document.documentElement.scrollWidth <= window.innerWidth"
CLIENT_TEXT = "Clear communication and a lovely logo, delivered early."
FREELANCER_TEXT = "需求清楚，付款及时，很愉快的合作。"


def _off_the_browser_thread(build):
    """Run ``build`` where no event loop is parked: the services it calls push live events
    after commit, which they cannot do from the browser's thread."""

    def run():
        try:
            return build()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _sign_in(page, user, lang: str) -> None:
    page.goto(f"/{lang}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/{lang}/dashboard/$"))


def _rate_every_group(page, stars: int) -> None:
    """Click the label of ``stars`` in each star group, as a person would."""
    groups = page.locator("fieldset.stars-field")
    for index in range(groups.count()):
        groups.nth(index).locator("label.star-option").nth(stars - 1).click()


@pytest.fixture
def freelancer_page(browser, live_server):
    """The freelancer's own browser: a phone, in Chinese."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_both_parties_review_and_the_review_shows_on_the_profile(page, freelancer_page):
    # given a completed, paid contract and a public freelancer profile
    def build():
        contract = completed_contract()
        freelancer_profile_update(user=contract.freelancer, details=profile_details())
        return contract

    contract = _off_the_browser_thread(build)
    client_name = contract.client.get_short_name()
    freelancer_name = contract.freelancer.get_short_name()

    # the client reviews the freelancer from the contract page
    _sign_in(page, contract.client, "en")
    page.goto(f"/en/contracts/{contract.pk}/")
    page.get_by_role("link", name=f"Review {freelancer_name}").click()
    page.wait_for_url(re.compile(rf"/en/reviews/contract/{contract.pk}/write/$"))
    expect(page.locator("fieldset.stars-field")).to_have_count(5)
    expect(page.get_by_role("radio", name="4 stars").first).to_be_visible()
    _rate_every_group(page, 5)
    page.fill("#id_text", CLIENT_TEXT)
    page.select_option("#id_private_rating", "9")
    page.get_by_role("button", name="Submit the review").click()
    page.wait_for_url(re.compile(rf"/en/contracts/{contract.pk}/$"))
    expect(page.locator('[data-review-state="sealed"]')).to_be_visible()

    # the freelancer, on a phone in Chinese, sees only that the client reviewed
    _sign_in(freelancer_page, contract.freelancer, "zh-hans")
    freelancer_page.goto(f"/zh-hans/contracts/{contract.pk}/")
    expect(freelancer_page.locator('[data-review-state="open"]')).to_contain_text(client_name)
    expect(freelancer_page.locator("main")).not_to_contain_text(CLIENT_TEXT)
    freelancer_page.locator(f"a[href='/zh-hans/reviews/contract/{contract.pk}/write/']").click()
    expect(freelancer_page.locator("fieldset.stars-field")).to_have_count(4)
    assert freelancer_page.evaluate(FITS_JS)
    _rate_every_group(freelancer_page, 4)
    freelancer_page.fill("#id_text", FREELANCER_TEXT)
    freelancer_page.locator("form.review-form button[type=submit]").click()
    freelancer_page.wait_for_url(re.compile(rf"/zh-hans/contracts/{contract.pk}/$"))

    # both are revealed: each reads the other's review
    expect(freelancer_page.locator(".contract-reviews")).to_contain_text(CLIENT_TEXT)
    assert freelancer_page.evaluate(FITS_JS)
    page.reload()
    expect(page.locator(".contract-reviews")).to_contain_text(FREELANCER_TEXT)
    assert Review.objects.filter(revealed_at__isnull=False).count() == 2

    # and the client's review is on the freelancer's public profile, for anyone
    freelancer_page.context.clear_cookies()
    freelancer_page.goto(f"/zh-hans/freelancers/{contract.freelancer_id}/")
    reviews = freelancer_page.locator(".profile-reviews")
    expect(reviews).to_contain_text(CLIENT_TEXT)
    expect(reviews).to_contain_text(contract.title)
    expect(reviews.locator(".stars").first).to_have_attribute("aria-label", re.compile("5"))
    assert freelancer_page.evaluate(FITS_JS)
