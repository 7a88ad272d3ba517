"""A dispute in real browsers, from opening to a mediator's decision: on a contract whose
milestone of ¥800 was submitted, the client opens a dispute asking to pay the freelancer only
¥200; the freelancer, on a phone in Chinese, offers ¥600; the client declines it and asks for
a mediator; an admin assigns one from the queue; the mediator reads the case file and decides
¥500 with a written reason. The client's wallet then shows ¥300 back, the freelancer's wallet
¥450 pending (¥500 less the 10% service fee), and the books balance.

The evidence time is set to nothing here, so the mediator may decide at once; every step after
the setup goes through the browser."""

import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from playwright.sync_api import expect

from jiedan.disputes.models import Dispute
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.selectors import wallet_summary
from tests.contracts.factories import active_contract, submitted_milestone
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS
from tests.factories import PASSWORD, StaffFactory, UserFactory

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


def _browser_page(browser, live_server, *, locale="en-US", viewport=None):
    context = browser.new_context(
        base_url=live_server.url,
        locale=locale,
        viewport=viewport or {"width": 1280, "height": 800},
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def pages(browser, live_server):
    """The freelancer on a phone in Chinese; the admin and the mediator at their desks."""
    opened = [
        _browser_page(browser, live_server, locale="zh-CN", viewport=PHONE),
        _browser_page(browser, live_server),
        _browser_page(browser, live_server),
    ]
    yield [page for _context, page in opened]
    for context, _page in opened:
        context.close()


@pytest.mark.in_process_server
def test_a_dispute_opened_an_offer_declined_and_a_mediator_decision_paid_out(page, pages, settings):
    settings.JIEDAN_DISPUTE_EVIDENCE_DAYS = 0
    freelancer_page, admin_page, mediator_page = pages
    # given a contract whose ¥800 milestone the freelancer submitted
    client_user = UserFactory(display_name="Chen Mei")
    freelancer = UserFactory(mode="freelancer", display_name="Lin Wei", language="zh-hans")
    # (the role groups come from a migration; an earlier browser test may have flushed them)
    for role in ("admin", "mediator"):
        Group.objects.get_or_create(name=role)
    admin = StaffFactory(roles=["admin"], display_name="Admin Zhao")
    mediator = StaffFactory(roles=["mediator"], display_name="Mediator Sun")
    milestone = _off_the_browser_thread(
        lambda: submitted_milestone(
            active_contract(
                plan=(("Logo and brand book", "800.00"),),
                client=client_user,
                freelancer=freelancer,
            )
        )
    )
    contract = milestone.contract

    # when the client opens a dispute from the contract page, asking to pay only ¥200
    _sign_in(page, client_user, "en")
    page.goto(f"/en/contracts/{contract.pk}/")
    page.locator(f"#milestone-{milestone.pk}").get_by_role("link", name="Open a dispute").click()
    page.wait_for_url(re.compile(rf"/en/disputes/open/milestone/{milestone.pk}/$"))
    expect(page.locator(".dispute-rules")).to_contain_text("Mediation costs you nothing")
    form = page.locator("form.open-dispute-form")
    form.locator("#id_reason").select_option("quality")
    form.locator("#id_details").fill("The logo is a stock image and the brand book is missing.")
    form.locator("input[name=desired_outcome][value=split]").check()
    form.locator("#id_desired_freelancer_amount").fill("200")
    form.get_by_role("button", name="Open the dispute").click()
    page.wait_for_url(re.compile(r"/en/disputes/\d+/$"))
    dispute = Dispute.objects.get()
    detail = page.locator(".dispute-detail")
    expect(detail).to_have_attribute("data-status", "negotiation")
    expect(page.locator("[data-limit=silence]")).to_contain_text("settled as Chen Mei asked")
    assert wallet_summary(owner=client_user, currency="CNY").in_escrow == Decimal("800.00")

    # and the freelancer, on a phone in Chinese, finds it on the contract page and offers ¥600
    _sign_in(freelancer_page, freelancer, "zh-hans")
    freelancer_page.goto(f"/zh-hans/contracts/{contract.pk}/")
    expect(
        freelancer_page.locator(f"#milestone-{milestone.pk} [data-disputed=yes]")
    ).to_be_visible()
    freelancer_page.locator(f"#disputes a[href='/zh-hans/disputes/{dispute.pk}/']").click()
    freelancer_page.wait_for_url(re.compile(rf"/zh-hans/disputes/{dispute.pk}/$"))
    offer_form = freelancer_page.locator("form.offer-form")
    offer_form.locator("input[name=offer-outcome][value=split]").check()
    offer_form.locator("#id_offer-freelancer_amount").fill("600")
    offer_form.locator("#id_offer-note").fill("品牌手册下周交付。")
    offer_form.locator("button[type=submit]").click()
    expect(freelancer_page.locator(".offer[data-status=open]")).to_have_count(1)
    assert freelancer_page.evaluate(FITS_JS)

    # the client declines it with a note, then asks for a mediator
    page.reload()
    offer = page.locator(".offer[data-status=open]")
    expect(offer).to_contain_text("¥600.00 to the freelancer")
    offer.locator("details.decline summary").click()
    offer.locator("textarea").fill("The brand book was due last week.")
    offer.get_by_role("button", name="Decline the offer").click()
    expect(page.locator(".offer[data-status=declined]")).to_have_count(1)
    page.get_by_role("button", name="Ask for a mediator now").click()
    expect(detail).to_have_attribute("data-status", "mediation")
    expect(page.locator("[data-limit=queue]")).to_be_visible()

    # when an admin assigns the mediator from the queue
    _sign_in(admin_page, admin, "en")
    admin_page.goto("/en/disputes/")
    row = admin_page.locator(f".queue-row[data-dispute='{dispute.pk}']")
    expect(row).to_have_attribute("data-assigned", "no")
    expect(admin_page.locator("main")).not_to_contain_text("stock image")
    row.locator("select[name=mediator]").select_option(str(mediator.pk))
    row.get_by_role("button", name="Assign").click()
    expect(row).to_have_attribute("data-assigned", "yes")

    # and the mediator reads the case file and decides ¥500 with a reason
    _sign_in(mediator_page, mediator, "en")
    mediator_page.goto("/en/disputes/")
    mediator_page.locator(f".disputes-mediated a[href='/en/disputes/{dispute.pk}/']").click()
    mediator_page.wait_for_url(re.compile(rf"/en/disputes/{dispute.pk}/$"))
    case = mediator_page.locator(".case-file")
    expect(case).to_contain_text(contract.terms.digest)
    expect(case.locator(".delivery")).to_have_count(1)
    expect(mediator_page.locator(".dispute-history")).to_contain_text("declined an offer")
    decision = mediator_page.locator("form.decision-form")
    decision.locator("#id_decision-freelancer_amount").fill("500")
    decision.locator("#id_decision-reason").fill(
        "The logo was delivered; the brand book was not. Five eighths are due."
    )
    decision.get_by_role("button", name="Decide and pay out").click()
    expect(mediator_page.locator(".dispute-detail")).to_have_attribute("data-status", "decided")

    # then both parties see the outcome, and their wallets the money
    page.reload()
    expect(page.locator(".dispute-outcome")).to_contain_text("¥500.00 paid to the freelancer")
    expect(page.locator(".decision-reason")).to_contain_text("Five eighths are due.")
    page.goto("/en/wallet/")
    expect(page.locator("[data-currency=CNY] [data-balance=available]")).to_have_text("¥300.00")
    expect(page.locator("[data-currency=CNY] [data-balance=in_escrow]")).to_contain_text("¥0.00")
    freelancer_page.goto("/zh-hans/wallet/")
    expect(freelancer_page.locator("[data-currency=CNY] [data-balance=pending]")).to_contain_text(
        "¥450.00"
    )
    assert freelancer_page.evaluate(FITS_JS)
    dispute.refresh_from_db()
    assert (dispute.status, dispute.freelancer_amount, dispute.client_amount) == (
        "decided",
        Decimal("500.00"),
        Decimal("300.00"),
    )
    assert ledger_audit() == []
