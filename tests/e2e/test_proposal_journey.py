"""A project and a proposal, in real browsers: a client posts a project in Chinese and publishes
it, a freelancer finds it by searching for words that are not its title and sends a proposal
with a screening answer and a two-step milestone plan, and the client reads it in the inbox and
shortlists it. A second, shorter visit sends a proposal from a phone."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jiedan.projects.models import Project
from jiedan.projects.models import Status as ProjectStatus
from jiedan.projects.services import project_search_sync
from jiedan.proposals.models import Proposal, Status
from tests.catalog.factories import CategoryFactory
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS
from tests.factories import PASSWORD, UserFactory
from tests.projects.factories import open_project

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "企业官网设计与开发"
DESCRIPTION = (
    "我们是一家做茶叶出口的公司，需要重新设计并开发企业官网。"
    "交付内容包括：首页、产品页、关于我们和联系页面的设计稿，响应式前端页面，"
    "以及可以自己更新产品的后台和源文件。"
)
QUESTION = "请提供一个您做过的企业网站案例链接。"
SEARCH = "官网开发"  # not the title, and not a substring of it
COVER_LETTER = (
    "您好！我有八年企业网站开发经验，做过多家外贸公司的中英文官网，"
    "可以按时交付设计稿、响应式页面和后台，并在上线后提供一个月的免费维护。"
)
ANSWER = "https://example.com/案例/茶叶公司官网"
MILESTONES = [
    ("首页与内页设计稿", "5000", "12"),
    ("前端开发、后台与上线", "7000", "30"),
]
PRICE, DAYS = "12000", "30"

PHONE = {"width": 390, "height": 844}
NO_HORIZONTAL_OVERFLOW_JS = "document.documentElement.scrollWidth <= window.innerWidth"


def _sign_in(page, user, language: str) -> None:
    """Sign in through the real login form and land on the dashboard."""
    page.goto(f"/{language}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/{language}/dashboard/$"))


@pytest.fixture
def second_context(browser, live_server):
    """Another person's browser: its own cookies, a Chinese browser locale."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


def _post_and_publish(page, category) -> Project:
    """The client fills in the posting form in Chinese, reviews the project and publishes it."""
    page.goto("/zh-hans/projects/new/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.fill("#id_title", TITLE)
    page.fill("#id_description", DESCRIPTION)
    page.select_option("#id_category", str(category.pk))
    page.select_option("#id_budget_type", "fixed")
    page.fill("#id_budget_min", "8000")
    page.fill("#id_budget_max", "15000")
    page.select_option("#id_currency", "CNY")
    page.select_option("#id_work_mode", "remote")
    page.select_option("#id_visibility", "public")
    page.fill("#id_screening_questions", QUESTION)
    page.locator("form.project-form button[type=submit]:not([formaction])").click()

    page.wait_for_url(re.compile(r"/zh-hans/projects/\d+/review/$"))
    project = Project.objects.get(title=TITLE)
    assert project.status == ProjectStatus.DRAFT
    assert project.screening_questions == [QUESTION]
    expect(page.locator("main h1").first).to_have_text(re.compile(r"\S"))
    expect(page.locator("main")).to_contain_text(TITLE)
    expect(page.locator("ul.missing")).to_have_count(0)
    # the description names its deliverables, so there is no hint about them
    expect(page.locator("ul.clarity li[data-code=no_deliverables]")).to_have_count(0)

    page.locator("main .actions form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/zh-hans/projects/{project.pk}/$"))
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator("main")).to_contain_text(QUESTION)
    return project


def _find_by_search(page, project: Project, decoy: Project) -> None:
    """The freelancer searches the list for words that are not the title and opens the card."""
    card_link = f"main a[href='/zh-hans/projects/{project.pk}/']"
    decoy_link = f"main a[href='/zh-hans/projects/{decoy.pk}/']"
    page.goto("/zh-hans/projects/")
    # without a query both open projects are listed, so the search below really narrows
    expect(page.locator(card_link)).to_have_count(1)
    expect(page.locator(decoy_link)).to_have_count(1)

    search = page.locator("main form[role=search] input[name=q]")
    search.fill(SEARCH)
    search.press("Enter")
    page.wait_for_url(re.compile(r"/zh-hans/projects/\?(.*&)?q="))
    expect(search).to_have_value(SEARCH)
    expect(page.locator(decoy_link)).to_have_count(0)
    expect(page.locator(card_link)).to_have_text(TITLE)
    page.locator(card_link).click()
    page.wait_for_url(re.compile(rf"/zh-hans/projects/{project.pk}/$"))


def _send_proposal(page, project: Project) -> Proposal:
    """From the project page: fill the proposal form with an answer and a milestone plan."""
    expect(page.locator("main h1")).to_have_text(TITLE)
    page.locator(f"main a[href='/zh-hans/proposals/new/{project.pk}/']").click()
    page.wait_for_url(re.compile(rf"/zh-hans/proposals/new/{project.pk}/$"))

    form = page.locator("form.proposal-form")
    # the screening question is asked with the client's own words
    expect(form.locator("label[for=id_answer_0]")).to_have_text(QUESTION)
    form.locator("#id_cover_letter").fill(COVER_LETTER)
    form.locator("#id_amount").fill(PRICE)
    form.locator("#id_delivery_days").fill(DAYS)
    form.locator("#id_answer_0").fill(ANSWER)
    plan = form.locator("details:has(.milestone-rows)")
    plan.locator("summary").click()
    expect(plan).to_have_attribute("open", "")
    for row, (title, amount, days) in enumerate(MILESTONES, start=1):
        plan.locator(f"#id_milestone_{row}_title").fill(title)
        plan.locator(f"#id_milestone_{row}_amount").fill(amount)
        plan.locator(f"#id_milestone_{row}_days").fill(days)
    form.locator(".actions button[type=submit]").click()

    page.wait_for_url(re.compile(r"/zh-hans/proposals/\d+/$"))
    proposal = Proposal.objects.get(project=project)
    assert page.url.endswith(f"/zh-hans/proposals/{proposal.pk}/")
    return proposal


def test_client_posts_in_chinese_freelancer_finds_and_proposes_client_shortlists(
    page, second_context
):
    # given a client, a freelancer, a category, and an open project about something else
    client = UserFactory(display_name="周女士")
    freelancer = UserFactory(mode="freelancer", display_name="李明")
    category = CategoryFactory(name_zh="网页设计", name_en="Web design")
    decoy = open_project(title="茶叶包装插画", description="为三款茶叶礼盒绘制插画，需要源文件。")
    project_search_sync(project_id=decoy.pk)

    # when the client signs in and posts the project in Chinese, reviews and publishes it
    _sign_in(page, client, "zh-hans")
    project = _post_and_publish(page, category)

    # and the freelancer, in their own browser, searches for part of it and opens its card
    freelancer_page = second_context.new_page()
    _sign_in(freelancer_page, freelancer, "zh-hans")
    _find_by_search(freelancer_page, project, decoy)

    # and sends a proposal with a screening answer and a two-step milestone plan
    proposal = _send_proposal(freelancer_page, project)

    # then it is stored as sent, with the answer and a plan adding up to the price
    assert proposal.freelancer_id == freelancer.pk
    assert proposal.status == Status.SUBMITTED
    assert proposal.viewed_at is None
    assert proposal.cover_letter == COVER_LETTER
    assert (proposal.amount, proposal.delivery_days) == (Decimal(PRICE), int(DAYS))
    assert proposal.answers == [{"question": QUESTION, "answer": ANSWER}]
    steps = list(proposal.milestones.order_by("position"))
    assert [(s.title, s.amount, s.due_in_days) for s in steps] == [
        (title, Decimal(amount), int(days)) for title, amount, days in MILESTONES
    ]
    assert sum(step.amount for step in steps) == proposal.amount

    # and the freelancer sees it on their proposal page
    sent = freelancer_page.locator("article.proposal-detail")
    expect(sent).to_have_attribute("data-status", "submitted")
    expect(sent).to_contain_text(COVER_LETTER)
    expect(sent).to_contain_text(ANSWER)
    expect(sent.locator("ol.milestones li")).to_have_count(2)
    for index, (title, _amount, _days) in enumerate(MILESTONES):
        expect(sent.locator("ol.milestones li").nth(index)).to_contain_text(title)

    # when the client opens the project's proposal inbox from the project page
    page.goto(f"/zh-hans/projects/{project.pk}/")
    page.locator(f"main a[href='/zh-hans/proposals/inbox/{project.pk}/']").click()
    page.wait_for_url(re.compile(rf"/zh-hans/proposals/inbox/{project.pk}/$"))

    # then the proposal is listed, marked new
    rows = page.locator("article.inbox-row")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_have_class(re.compile(r"\bunread\b"))
    expect(row).to_have_attribute("data-status", "submitted")
    expect(row.locator("h2 .status-badge:not([class*=' status-'])")).to_have_count(1)
    expect(row.locator("h2 a")).to_have_text("李明")
    expect(row).to_contain_text(COVER_LETTER[:40])

    # when the client opens it
    row.locator(f"h2 a[href='/zh-hans/proposals/{proposal.pk}/']").click()
    page.wait_for_url(re.compile(rf"/zh-hans/proposals/{proposal.pk}/$"))

    # then it is marked read
    proposal.refresh_from_db()
    assert proposal.viewed_at is not None
    assert proposal.status == Status.SUBMITTED
    detail = page.locator("article.proposal-detail")
    expect(detail).to_have_attribute("data-status", "submitted")
    expect(detail).to_contain_text(ANSWER)

    # when the client shortlists it
    page.locator(f"form[action='/zh-hans/proposals/{proposal.pk}/shortlist/'] button").click()

    # then it is shortlisted, and the shortlist button gives way to the remove button
    page.wait_for_url(re.compile(rf"/zh-hans/proposals/{proposal.pk}/$"))
    expect(detail).to_have_attribute("data-status", "shortlisted")
    expect(
        page.locator(f"form[action='/zh-hans/proposals/{proposal.pk}/unshortlist/']")
    ).to_have_count(1)
    expect(
        page.locator(f"form[action='/zh-hans/proposals/{proposal.pk}/shortlist/']")
    ).to_have_count(0)
    proposal.refresh_from_db()
    assert proposal.status == Status.SHORTLISTED
    assert proposal.viewed_at is not None
    assert list(proposal.status_changes.values_list("from_status", "to_status")) == [
        (Status.SUBMITTED, Status.SHORTLISTED)
    ]

    # and the inbox's shortlist view lists it, read
    page.locator(f"main a[href='/zh-hans/proposals/inbox/{project.pk}/']").first.click()
    page.wait_for_url(re.compile(rf"/zh-hans/proposals/inbox/{project.pk}/$"))
    page.locator("nav.subnav a[href*='view=shortlisted']").click()
    page.wait_for_url(re.compile(r"[?&]view=shortlisted"))
    expect(page.locator("nav.subnav a[aria-current=page]")).to_have_attribute(
        "href", re.compile(r"view=shortlisted")
    )
    shortlisted = page.locator("article.inbox-row")
    expect(shortlisted).to_have_count(1)
    expect(shortlisted.first).to_have_attribute("data-status", "shortlisted")
    expect(shortlisted.first).not_to_have_class(re.compile(r"\bunread\b"))
    expect(shortlisted.first.locator("h2 a")).to_have_attribute(
        "href", f"/zh-hans/proposals/{proposal.pk}/"
    )


def test_freelancer_sends_a_proposal_from_a_phone_without_sideways_scrolling(page):
    # given an open project and a freelancer on a phone, reading English
    project = open_project(title="Translate a product brochure into English")
    freelancer = UserFactory(mode="freelancer")
    page.set_viewport_size(PHONE)
    _sign_in(page, freelancer, "en")

    # when they open the project and follow its proposal button
    page.goto(f"/en/projects/{project.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(project.title)
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW_JS)
    page.get_by_role("link", name="Send a proposal").click()
    page.wait_for_url(re.compile(rf"/en/proposals/new/{project.pk}/$"))
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW_JS)

    # and send a simple proposal
    page.get_by_label("Cover letter").fill(
        "I translate marketing material every week and will keep your brochure's tone."
    )
    page.get_by_label("Your price").fill("1500")
    page.get_by_label("Delivery time (days)").fill("7")
    page.get_by_role("button", name="Send proposal").click()

    # then it is sent and shown on their proposal page, which fits the phone too
    page.wait_for_url(re.compile(r"/en/proposals/\d+/$"))
    proposal = Proposal.objects.get(project=project, freelancer=freelancer)
    assert page.url.endswith(f"/en/proposals/{proposal.pk}/")
    assert proposal.status == Status.SUBMITTED
    assert (proposal.amount, proposal.delivery_days) == (Decimal("1500"), 7)
    expect(page.locator("[role=status]")).to_contain_text("Your proposal is sent.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your proposal")
    expect(page.locator("article.proposal-detail")).to_have_attribute("data-status", "submitted")
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW_JS)
