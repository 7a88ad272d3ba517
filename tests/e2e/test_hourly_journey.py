"""An hourly contract in real browsers: the client offers hourly terms for a hired proposal on
an hourly project (reading what they pay an hour and at most a week, and what the freelancer
receives), the freelancer accepts on a phone in Chinese and logs time by hand; the week closes
(the periodic job's service, at the week's end), the client reads the statement with its memo
and approves it, and the wallets show the right numbers.

The services push live events after commit; called from this thread (where Playwright parks its
event loop) they could not, so the few set-up and job calls run in a thread of their own."""

import re
import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from jiedan.contracts.models import Contract, Kind, StatementStatus, Status, WeeklyStatement
from jiedan.contracts.services.hourly import platform_today, week_ends_at, week_of
from jiedan.contracts.services.statements import statements_close_and_bill
from jiedan.ledger.audit import ledger_audit
from jiedan.proposals.services import proposal_hire
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS
from tests.factories import PASSWORD, UserFactory
from tests.ledger.helpers import top_up
from tests.projects.factories import open_project
from tests.proposals.factories import proposal_on

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_tasks"),
]

PHONE = {"width": 390, "height": 844}
FITS_JS = "document.documentElement.scrollWidth <= window.innerWidth"


def _off_thread(call):
    """Run ``call`` in its own thread (and database connection); returns what it returned."""
    result = {}

    def run():
        try:
            result["value"] = call()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result["value"]


def _sign_in(page, user, lang: str) -> None:
    page.goto(f"/{lang}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/{lang}/dashboard/$"))


@pytest.fixture
def freelancer_context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


def _hired(client, freelancer):
    project = open_project(
        client=client,
        title="Maintain our online tea shop",
        budget_type="hourly",
        budget_min=Decimal("100.00"),
        budget_max=Decimal("200.00"),
    )
    proposal = proposal_on(project, freelancer=freelancer, amount=Decimal("150.00"))
    return proposal_hire(client=client, proposal_id=proposal.pk)


def _offer_hourly(page, proposal) -> Contract:
    page.goto(f"/en/contracts/offer/{proposal.pk}/")
    form = page.locator("form.offer-form")
    expect(form.locator("#id_kind")).to_have_value("hourly")
    expect(form.locator("#id_hourly_rate")).to_have_value("150.00")
    form.locator("#id_weekly_limit").fill("10")
    form.get_by_role("button", name="Update the summary").last.click()
    summary = page.locator(".offer-summary")
    expect(summary.locator("[data-summary=hourly]")).to_have_text(
        "The client pays ¥150.00 an hour for the time logged, at most 10 hours (¥1,500.00) a "
        "week, billed weekly."
    )
    expect(summary.locator("[data-summary=net]")).to_have_text(
        "The freelancer receives ¥135.00 an hour after the 10% service fee."
    )
    form.get_by_role("button", name="Send the offer").click()
    page.wait_for_url(re.compile(r"/en/contracts/\d+/$"))
    return Contract.objects.get()


def _accept_and_log_time(phone, contract) -> None:
    phone.goto(f"/zh-hans/contracts/{contract.pk}/")
    expect(phone.locator(".contract-terms [data-terms=hourly]")).to_contain_text("¥150.00")
    phone.locator("form.accept-form button[type=submit]").click()
    expect(phone.locator(".contract-detail")).to_have_attribute("data-status", "active")
    week = phone.locator(".hourly-week")
    expect(week).to_have_attribute("data-left", "600")
    phone.locator("details.entry-add summary").click()
    form = phone.locator("form.entry-form")
    form.locator("input[name=entry-hours]").fill("2")
    form.locator("input[name=entry-minutes]").fill("30")
    form.locator("input[name=entry-memo]").fill("上架二十款新茶，更新商品图片")
    form.locator("button[type=submit]").click()
    expect(week).to_have_attribute("data-minutes", "150")
    expect(week).to_have_attribute("data-left", "450")
    assert phone.evaluate(FITS_JS)


def _wallet(page, lang: str):
    page.goto(f"/{lang}/wallet/")
    return page.locator(".wallet-summary[data-currency=CNY]")


def test_offer_hourly_log_time_close_the_week_and_approve(page, freelancer_context):
    # given a client who hired a freelancer's proposal on an hourly project
    client = UserFactory(display_name="Zhou Min")
    freelancer = UserFactory(mode="freelancer", display_name="李明")
    proposal = _off_thread(lambda: _hired(client, freelancer))
    phone = freelancer_context.new_page()
    _sign_in(page, client, "en")
    _sign_in(phone, freelancer, "zh-hans")

    # when the client offers hourly terms and the freelancer accepts and logs 2 h 30 min
    contract = _offer_hourly(page, proposal)
    assert (contract.kind, contract.status) == (Kind.HOURLY, Status.OFFERED)
    _accept_and_log_time(phone, contract)

    # and the week closes (the job, run at the week's end) with the client's wallet topped up
    _off_thread(lambda: top_up(client, "1000.00"))
    week_end = week_ends_at(week_of(platform_today(timezone.now())))
    run = _off_thread(lambda: statements_close_and_bill(now=week_end))
    assert run.closed == 1

    # then the client sees the statement with its entry and memo, and approves it
    page.goto(f"/en/contracts/{contract.pk}/")
    statement = page.locator(".statement")
    expect(statement).to_have_attribute("data-status", "review")
    expect(statement.locator(".statement-amount")).to_have_text(
        "2 h 30 min at ¥150.00 an hour: ¥375.00"
    )
    expect(statement.locator(".time-entry")).to_contain_text("上架二十款新茶")
    statement.get_by_role("button", name="Approve and pay ¥375.00").click()
    expect(page.locator(".statement")).to_have_attribute("data-status", "billed")
    assert WeeklyStatement.objects.get().status == StatementStatus.BILLED
    assert ledger_audit() == []

    # and the wallets say so: the client paid ¥375, the freelancer has ¥337.50 pending
    mine = _wallet(page, "en")
    expect(mine.locator("[data-balance=available]")).to_have_text("¥625.00")
    expect(mine.locator("[data-balance=in_escrow]")).to_contain_text("¥0.00")
    earned = _wallet(phone, "zh-hans")
    expect(earned.locator("[data-balance=pending]")).to_contain_text("¥337.50")
