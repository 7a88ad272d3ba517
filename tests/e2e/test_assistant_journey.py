"""The brief builder and the budget panel in a real browser: a client describes a company
website in Chinese, edits the proposed brief, opens the post form filled in from it, sees what
similar completed projects were paid, and the panel follows the title as it is retyped
(htmx), at desktop and phone widths."""

import re
import threading

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from jiedan.matching.assistants.services import deals_embed_missing
from tests.assistants.factories import completed_deal
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEED = "需要做个企业网站，有产品展示和在线留言"
PHONE = {"width": 390, "height": 844}
NO_HORIZONTAL_OVERFLOW_JS = "document.documentElement.scrollWidth <= window.innerWidth"


def _sign_in(page, user) -> None:
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/en/dashboard/$"))


def _website_deals() -> None:
    """The shipped taxonomy (a browser test's database starts empty) and five completed
    company websites paid 6,000 to 14,000, embedded."""
    call_command("taxonomy_load", stdout=None)
    for n, price in enumerate(["6000", "8000", "10000", "12000", "14000"]):
        completed_deal(
            title=f"企业网站开发 {n}",
            description="企业官网，包含产品展示、在线留言和后台管理。",
            price=price,
            category_slug="development",
        )
    deals_embed_missing()


def _outside_the_browser_loop(build) -> None:
    """Run ``build`` in its own thread: the services it calls push live events, which cannot
    run on the thread where Playwright keeps its event loop."""
    worker = threading.Thread(target=build)
    worker.start()
    worker.join()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_need_becomes_a_prefilled_project_with_a_live_budget(page, viewport, artifacts_dir):
    _outside_the_browser_loop(_website_deals)
    client = UserFactory()
    if viewport:
        page.set_viewport_size(viewport)
    _sign_in(page, client)
    # the client describes the need and gets a brief
    page.goto("/en/assist/brief/")
    page.fill("textarea[name=need]", NEED)
    page.get_by_role("button", name="Propose a brief").click()
    expect(page.locator('dd[data-brief="category"]')).to_have_text("Development & IT")
    expect(page.locator('dd[data-brief="budget"]')).to_contain_text("median ¥10,000.00")
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW_JS)
    width = "phone" if viewport else "desktop"
    page.screenshot(path=artifacts_dir / f"assistant-brief-en-{width}.png", full_page=True)
    # edits its title and uses it
    page.fill("form.brief-form input[name=title]", "企业官网：产品展示与在线留言")
    page.get_by_role("button", name="Use this brief").click()
    page.wait_for_url(re.compile(r"/en/projects/new/\?brief=1$"))
    # the post form starts from the brief, with the range of similar projects
    expect(page.locator("input[name=title]")).to_have_value("企业官网：产品展示与在线留言")
    expect(page.locator("textarea[name=description]")).to_contain_text("- 20% ")
    expect(page.locator("#budget-panel [data-price-range]")).to_contain_text("from 5 projects")
    # retyping the title and description as something else refreshes the panel
    page.fill("textarea[name=description]", "")
    page.fill("input[name=title]", "Wedding photography")
    expect(page.locator("#budget-panel [data-price-range-missing]")).to_be_visible()
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW_JS)
