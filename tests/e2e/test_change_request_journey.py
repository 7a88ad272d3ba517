"""A change request in real browsers: on a running contract the client proposes adding a
milestone (the page starts from the current terms and summarises what changes before sending),
the freelancer, on a phone in Chinese, reads it on the contract page and accepts it, and the
client funds the new milestone into escrow."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from playwright.sync_api import expect

from jiedan.contracts.models import ChangeStatus, MilestoneStatus
from jiedan.ledger.audit import ledger_audit
from tests.contracts.factories import active_contract, milestones
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS
from tests.factories import PASSWORD, UserFactory
from tests.ledger.helpers import top_up

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
FITS_JS = "document.documentElement.scrollWidth <= window.innerWidth"


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


@pytest.fixture
def freelancer_page(browser, live_server):
    """The freelancer's own browser: a phone, in Chinese."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_client_adds_a_milestone_the_freelancer_accepts_and_the_client_funds_it(
    page, freelancer_page
):
    # given a running two-milestone contract and a client with money in the wallet
    client_user = UserFactory(display_name="Chen Mei")
    freelancer = UserFactory(mode="freelancer", display_name="Lin Wei", language="zh-hans")
    contract = _off_the_browser_thread(
        lambda: active_contract(client=client_user, freelancer=freelancer)
    )
    top_up(client_user, "500.00")

    # when the client proposes adding a blog page, reviewing what changes first
    _sign_in(page, client_user, "en")
    page.goto(f"/en/contracts/{contract.pk}/")
    page.get_by_role("link", name="Propose a change").click()
    page.wait_for_url(re.compile(rf"/en/contracts/{contract.pk}/changes/new/$"))
    form = page.locator("form.change-form")
    expect(form.locator("#id_milestone_1_title")).to_have_value("Design")
    form.locator("#id_reason").fill("We also need a blog page.")
    form.locator("#id_milestone_3_title").fill("Blog page")
    form.locator("#id_milestone_3_amount").fill("250")
    form.locator(".actions").get_by_role("button", name="Update the summary").click()
    summary = page.locator(".change-summary")
    expect(summary.locator("[data-diff=added]")).to_contain_text("Blog page")
    expect(summary.locator("[data-diff=total]")).to_contain_text("¥1,250.00")
    form.get_by_role("button", name="Send the change request").click()
    page.wait_for_url(re.compile(rf"/en/contracts/{contract.pk}/$"))
    expect(page.locator(".change-request")).to_contain_text("We also need a blog page.")
    expect(page.locator(".milestone")).to_have_count(2)

    # then the freelancer reads it on a phone, in Chinese, and accepts it
    _sign_in(freelancer_page, freelancer, "zh-hans")
    freelancer_page.goto(f"/zh-hans/contracts/{contract.pk}/")
    request = freelancer_page.locator(".change-request")
    expect(request.locator("[data-diff=added]")).to_contain_text("Blog page")
    assert freelancer_page.evaluate(FITS_JS)
    request.locator("form[action$='/accept/'] button").click()
    expect(freelancer_page.locator(".milestone")).to_have_count(3)
    expect(freelancer_page.locator(".change-request")).to_have_count(0)
    expect(freelancer_page.locator(".change-row[data-status=accepted]")).to_have_count(1)
    assert freelancer_page.evaluate(FITS_JS)

    # and the client funds the new milestone into escrow
    new = milestones(contract)[-1]
    assert (new.title, new.status) == ("Blog page", MilestoneStatus.UNFUNDED)
    page.goto(f"/en/contracts/{contract.pk}/")
    page.locator(f"#milestone-{new.pk} .fund-form button").click()
    expect(page.locator(f"#milestone-{new.pk}")).to_have_attribute("data-status", "funded")
    new.refresh_from_db()
    assert new.status == MilestoneStatus.FUNDED
    assert contract.change_requests.get().status == ChangeStatus.ACCEPTED
    assert ledger_audit() == []
