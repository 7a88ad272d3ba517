"""The wallet in a real browser, in English on a desktop and in Chinese on a phone: top up
through the sandbox checkout, see the balance, add a payout method, withdraw, watch the
withdrawal on its way and then paid at the sandbox bank, and find it on the statement.

Everything money-related is done through the browser: the services push live events after
commit, which must happen in the server's thread, not in this one."""

import re

import pytest
from playwright.sync_api import expect

from jiedan.ledger.audit import ledger_audit
from jiedan.payments.models import TopUp, Withdrawal
from tests.factories import PASSWORD, UserFactory

# The sandbox provider confirms payments from a background job.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_tasks"),
]

RELOADS = 20  # at half a second apart
JOURNEYS = [
    pytest.param("en", {"width": 1280, "height": 800}, id="english-desktop"),
    pytest.param("zh-hans", {"width": 360, "height": 740}, id="chinese-phone"),
]


def _sign_in(page, user, lang):
    page.goto(f"/{lang}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/{lang}/dashboard/$"))


def _open_wallet(page, lang):
    """Through the menu, as a person would (folded away on a phone)."""
    menu = page.locator("details.nav-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    page.locator(f".nav-list a[href='/{lang}/wallet/']").click()
    page.wait_for_url(re.compile(rf"/{lang}/wallet/$"))


def _fits(page, viewport):
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def _reload_until_processing(page, status) -> None:
    """A background job hands the withdrawal to the bank. In the test process it has run by
    the time the page loads; a running server's own worker may take a moment more, which
    the person sees by looking again."""
    for _ in range(RELOADS):
        if status.get_attribute("data-status") == "processing":
            return
        page.wait_for_timeout(500)
        page.reload()
    expect(status).to_have_attribute("data-status", "processing")


@pytest.mark.parametrize(("lang", "viewport"), JOURNEYS)
def test_top_up_withdraw_and_read_the_statement(page, lang, viewport, artifacts_dir):
    # given a signed-in person with an empty wallet
    page.set_viewport_size(viewport)
    person = UserFactory(display_name="Wang Fang")
    _sign_in(page, person, lang)
    _open_wallet(page, lang)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    available = page.locator("[data-currency=CNY] [data-balance=available]")
    expect(available).to_have_text("¥0.00")

    # when they top up ¥300, the live quote shows what they pay and what arrives
    page.goto(f"/{lang}/wallet/top-up/")
    page.fill("input[name=amount]", "300")
    quote = page.locator("#top-up-quote")
    expect(quote).to_contain_text("¥301.80")
    expect(quote).to_contain_text("¥300.00")
    page.locator("form.top-up-form button[type=submit]").click()

    # and pay at the sandbox checkout
    page.wait_for_url(re.compile(rf"/{lang}/wallet/sandbox/checkout/sbx_\w+/$"))
    expect(page.locator(".sandbox-checkout")).to_contain_text("¥301.80")
    page.locator("button[name=choice][value=pay]").click()

    # then they are back on the top-up, which is in their wallet
    top_up = TopUp.objects.get(user=person)
    page.wait_for_url(re.compile(rf"/{lang}/wallet/top-ups/{top_up.pk}/$"))
    expect(page.locator("#top-up-status [data-status]")).to_have_attribute(
        "data-status", "succeeded"
    )
    _open_wallet(page, lang)
    expect(available).to_have_text("¥300.00")
    _fits(page, viewport)

    # when they add a bank account as a payout method
    page.goto(f"/{lang}/wallet/payout-methods/")
    page.check("input[name=kind][value=bank]")
    page.fill("input[name=holder_name]", "王芳")
    page.fill("input[name=account]", "6222 0202 0011 2233")
    page.fill("input[name=bank_name]", "中国工商银行")
    page.locator("form.payout-method-form button[type=submit]").click()
    expect(page.locator(".payout-methods")).to_contain_text("•••• 2233")
    expect(page.locator("main")).not_to_contain_text("6222 0202")

    # and withdraw ¥100, seeing what will arrive after the fee
    page.goto(f"/{lang}/wallet/withdraw/")
    page.fill("input[name=amount]", "100")
    expect(page.locator("#withdraw-quote")).to_contain_text("¥98.00")
    expect(page.locator("#withdraw-quote")).to_contain_text("¥2.00")
    page.locator("form.withdraw-form button[type=submit]").click()

    # then the withdrawal is on its way and the money is no longer available
    page.wait_for_url(re.compile(rf"/{lang}/wallet/$"))
    withdrawal = Withdrawal.objects.get(user=person)
    row = page.locator(f"[data-withdrawal='{withdrawal.pk}']")
    _reload_until_processing(page, row.locator("[data-status]"))
    expect(available).to_have_text("¥200.00")
    expect(page.locator("[data-currency=CNY] [data-balance=withdrawing]")).to_contain_text(
        "¥100.00"
    )
    _fits(page, viewport)
    screenshot = artifacts_dir / f"wallet-{lang}-{viewport['width']}.png"
    screenshot.unlink(missing_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)

    # when the sandbox bank pays it out
    row.locator("a[href*='/sandbox/payouts/']").click()
    expect(page.locator(".sandbox-payout")).to_contain_text("¥98.00")
    page.locator("button[name=choice][value=pay]").click()
    expect(page.locator(".sandbox-payout")).to_have_attribute("data-status", "succeeded")

    # then the wallet shows it paid
    _open_wallet(page, lang)
    expect(row.locator("[data-status]")).to_have_attribute("data-status", "paid")
    expect(page.locator("[data-currency=CNY] [data-balance=withdrawing]")).to_contain_text("¥0.00")

    # and the statement lists the payout
    page.goto(f"/{lang}/wallet/statement/")
    paid = page.locator("tr[data-kind='withdrawal.paid']")
    expect(paid).to_have_count(1)
    expect(paid).to_contain_text("¥100.00")
    expect(page.locator("tr[data-kind='wallet.top_up']")).to_contain_text("+¥300.00")
    _fits(page, viewport)
    assert ledger_audit() == []
