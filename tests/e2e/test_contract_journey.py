"""A contract in real browsers, from hire to payment: a freelancer sends a proposal, the client
hires it and writes the offer (splitting the total 50/50 with the template picker and reading
what the freelancer receives after the fee), the freelancer accepts it on a phone, in Chinese;
the client tops the wallet up through the sandbox checkout and funds the first milestone; the
freelancer submits work with a file, the client asks for changes, the freelancer resubmits,
and the client approves. The wallets then show the right numbers, in English and in Chinese.

Every action goes through the browser: the services push live events after commit, which must
happen in the server's thread, not in this one."""

import io
import re
from decimal import Decimal

import pytest
from PIL import Image
from playwright.sync_api import expect

from jiedan.contracts.models import Contract, MilestoneStatus, Status
from jiedan.ledger.audit import ledger_audit
from jiedan.proposals.models import Proposal
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS
from tests.factories import PASSWORD, UserFactory
from tests.projects.factories import open_project

# The sandbox provider confirms payments from a background job.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_tasks"),
]

PHONE = {"width": 390, "height": 844}
FITS_JS = "document.documentElement.scrollWidth <= window.innerWidth"
PROJECT = "Bilingual website for a tea exporter"


def _png(colour) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), colour).save(buffer, format="PNG")
    return {"name": "homepage.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def _sign_in(page, user, lang: str) -> None:
    page.goto(f"/{lang}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/{lang}/dashboard/$"))


@pytest.fixture
def freelancer_context(browser, live_server):
    """The freelancer's own browser: a phone, in Chinese."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


def _propose(page, project) -> Proposal:
    page.goto(f"/zh-hans/proposals/new/{project.pk}/")
    page.fill(
        "#id_cover_letter",
        "我做过十几个中英文企业网站，熟悉外贸公司的需求，可以在三周内交付设计稿、响应式页面和源代码。",
    )
    page.fill("#id_amount", "1000")
    page.fill("#id_delivery_days", "21")
    page.locator("form.proposal-form .actions button[type=submit]").click()
    page.wait_for_url(re.compile(r"/zh-hans/proposals/\d+/$"))
    return Proposal.objects.get(project=project)


def _hire_and_offer(page, proposal) -> Contract:
    """The client hires the proposal, then writes the offer: two titled milestones whose
    amounts the 50/50 template fills from the total."""
    page.goto(f"/en/proposals/{proposal.pk}/")
    page.locator("form.hire-form button[type=submit]").click()
    page.locator(f"a[href='/en/contracts/offer/{proposal.pk}/']").click()
    page.wait_for_url(re.compile(rf"/en/contracts/offer/{proposal.pk}/$"))
    form = page.locator("form.offer-form")
    # the offer starts from the proposal: its price as one milestone
    expect(form.locator("#id_milestone_1_amount")).to_have_value("1000.00")
    expect(page.locator(".offer-summary [data-summary=net]")).to_have_text(
        "The freelancer receives ¥900.00 after the 10% service fee."
    )
    form.locator("#id_deliverables").fill("Figma design\nResponsive website\nSource code")
    form.locator("#id_milestone_1_title").fill("Design")
    form.locator("#id_milestone_2_title").fill("Build and launch")
    form.locator("#id_split").select_option("50-50")
    form.locator("#id_split_total").fill("1000")
    form.get_by_role("button", name="Fill the amounts").click()
    expect(form.locator("#id_milestone_1_amount")).to_have_value("500.00")
    expect(form.locator("#id_milestone_2_amount")).to_have_value("500.00")
    expect(form.locator("#id_milestone_2_title")).to_have_value("Build and launch")
    summary = page.locator(".offer-summary")
    expect(summary.locator("[data-summary=total]")).to_contain_text("¥1,000.00")
    expect(summary.locator("li")).to_have_count(2)
    expect(summary.locator("li").first).to_contain_text("the freelancer receives ¥450.00")
    form.get_by_role("button", name="Send the offer").click()
    page.wait_for_url(re.compile(r"/en/contracts/\d+/$"))
    return Contract.objects.get()


def _accept_on_a_phone(page, contract) -> None:
    """From the dashboard's count of waiting offers to the accepted contract."""
    page.goto("/zh-hans/dashboard/")
    page.locator(".dashboard-contracts [data-waiting=offers] a").click()
    page.wait_for_url(re.compile(r"/zh-hans/contracts/\?status=offered$"))
    page.locator(f"a[href='/zh-hans/contracts/{contract.pk}/']").click()
    page.wait_for_url(re.compile(rf"/zh-hans/contracts/{contract.pk}/$"))
    expect(page.locator(".contract-terms .deliverables li")).to_have_count(3)
    expect(page.locator(".contract-terms")).to_contain_text(contract.terms.digest[:12])
    assert page.evaluate(FITS_JS)
    page.locator("form.accept-form button[type=submit]").click()
    expect(page.locator(".contract-detail")).to_have_attribute("data-status", "active")
    expect(page.locator(".milestone")).to_have_count(2)
    assert page.evaluate(FITS_JS)


def _top_up_from_the_shortfall(page, contract) -> None:
    """The client sees the wallet is short, follows the top-up link and pays ¥1,000 at the
    sandbox checkout."""
    page.goto(f"/en/contracts/{contract.pk}/")
    first = page.locator(".milestone").first
    expect(first.locator(".fund-form")).to_contain_text("Your wallet has ¥0.00.")
    expect(first.locator(".shortfall")).to_have_text("Top up ¥500.00 more to fund this milestone.")
    first.get_by_role("link", name="Top up your wallet").click()
    page.wait_for_url(re.compile(r"/en/wallet/top-up/$"))
    page.fill("input[name=amount]", "1000")
    page.locator("form.top-up-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/wallet/sandbox/checkout/sbx_\w+/$"))
    page.locator("button[name=choice][value=pay]").click()
    page.wait_for_url(re.compile(r"/en/wallet/top-ups/\d+/$"))
    expect(page.locator("#top-up-status [data-status]")).to_have_attribute(
        "data-status", "succeeded"
    )


def _submit(page, contract, milestone, message: str, colour) -> None:
    page.goto(f"/zh-hans/contracts/{contract.pk}/")
    form = page.locator(f"#milestone-{milestone.pk} form.submit-form")
    form.locator("textarea").fill(message)
    form.locator("input[type=file]").set_input_files([_png(colour)])
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#milestone-{milestone.pk}")).to_have_attribute("data-status", "submitted")
    assert page.evaluate(FITS_JS)


def _wallet(page, lang: str):
    """The person's CNY balances on the wallet page."""
    page.goto(f"/{lang}/wallet/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    return page.locator(".wallet-summary[data-currency=CNY]")


def _screenshot(page, artifacts_dir, name: str) -> None:
    path = artifacts_dir / f"contract-{name}.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=True)


def test_hire_offer_accept_fund_deliver_revise_and_approve(page, freelancer_context, artifacts_dir):
    # given a client's open project and a freelancer
    client = UserFactory(display_name="Zhou Min")
    freelancer = UserFactory(mode="freelancer", display_name="李明")
    project = open_project(client=client, title=PROJECT)
    phone = freelancer_context.new_page()
    _sign_in(phone, freelancer, "zh-hans")
    _sign_in(page, client, "en")

    # when the freelancer proposes, and the client hires them and writes the offer
    proposal = _propose(phone, project)
    contract = _hire_and_offer(page, proposal)
    # then the offer waits for the freelancer, on the exact terms of the summary
    assert (contract.status, contract.terms.total) == (Status.OFFERED, Decimal("1000.00"))
    assert contract.terms.milestones[0] == {"title": "Design", "amount": "500.00", "due_date": None}
    expect(page.locator(".offer-actions")).to_contain_text("Waiting for 李明 to accept them.")

    # when the freelancer accepts it on their phone, in Chinese
    _accept_on_a_phone(phone, contract)
    contract.refresh_from_db()
    assert contract.status == Status.ACTIVE
    design, build = contract.milestones.order_by("position")

    # and the client tops up and funds the first milestone
    _top_up_from_the_shortfall(page, contract)
    page.goto(f"/en/contracts/{contract.pk}/")
    first = page.locator(f"#milestone-{design.pk}")
    expect(first.locator(".fund-form")).to_contain_text("Your wallet has ¥1,000.00.")
    first.get_by_role("button", name="Fund ¥500.00 into escrow").click()
    expect(first).to_have_attribute("data-status", "funded")
    expect(page.locator("[data-held]")).to_contain_text("¥500.00")

    # and the freelancer submits the design with a file
    _submit(phone, contract, design, "首页和内页设计稿，见附件。", (30, 90, 160))

    # then the client sees it, with its file and when it is approved automatically
    page.goto(f"/en/contracts/{contract.pk}/")
    expect(first.locator(".delivery")).to_have_count(1)
    expect(first.locator(".auto-approve")).to_contain_text("Approved automatically on")
    with page.expect_download() as download:
        first.locator(".delivery-files a").first.click()
    assert download.value.suggested_filename == "homepage.png"

    # when the client asks for changes and the freelancer resubmits
    first.locator(".changes-form textarea").fill("Please use the darker green from our logo.")
    first.get_by_role("button", name="Request changes").click()
    expect(first).to_have_attribute("data-status", "changes")
    _submit(phone, contract, design, "已改为深绿色。", (20, 90, 40))
    expect(phone.locator(f"#milestone-{design.pk} .delivery")).to_have_count(2)
    expect(phone.locator(f"#milestone-{design.pk} .change-note")).to_contain_text("darker green")
    _screenshot(phone, artifacts_dir, "freelancer-zh-hans-phone")

    # and the client approves the second version
    page.goto(f"/en/contracts/{contract.pk}/")
    expect(first.locator(".delivery")).to_have_count(2)
    expect(first.locator(".approve-form")).to_contain_text(
        "the freelancer receives ¥450.00 after the 10% service fee."
    )
    first.get_by_role("button", name="Approve and pay").click()
    expect(first).to_have_attribute("data-status", "released")
    _screenshot(page, artifacts_dir, "client-en-desktop")

    # then the milestone is paid, the second one still waits, and the books balance
    design.refresh_from_db()
    build.refresh_from_db()
    assert (design.status, design.released_amount) == (MilestoneStatus.RELEASED, Decimal("500"))
    assert build.status == MilestoneStatus.UNFUNDED
    assert design.deliveries.count() == 2
    assert ledger_audit() == []

    # and the wallets say so, in English and in Chinese: the client has ¥500 left and nothing
    # in escrow, the freelancer ¥450 pending (¥500 less the 10% commission)
    for lang in ("en", "zh-hans"):
        mine = _wallet(page, lang)
        expect(mine.locator("[data-balance=available]")).to_have_text("¥500.00")
        expect(mine.locator("[data-balance=in_escrow]")).to_contain_text("¥0.00")
        earned = _wallet(phone, lang)
        expect(earned.locator("[data-balance=pending]")).to_contain_text("¥450.00")
        expect(earned.locator("[data-balance=available]")).to_have_text("¥0.00")
        assert phone.evaluate(FITS_JS)
