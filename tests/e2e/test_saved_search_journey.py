"""Saved searches in real browsers: a freelancer searches in Chinese and saves the search with
e-mail at once; a client then posts and publishes a matching project in their own browser; the
freelancer finds the alert on the dashboard and on the saved search's page, and the e-mail."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from jiedan.config.celery import app
from jiedan.savedsearches.models import SavedSearch
from tests.catalog.factories import CategoryFactory
from tests.e2e.test_proposal_journey import TITLE, _post_and_publish, _sign_in, second_context
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEARCH = "官网开发"  # the client's title is 企业官网设计与开发
__all__ = ["second_context"]  # the client's own browser, a fixture


@pytest.fixture
def eager_tasks():
    """The alert job runs where it is sent, as it does without a broker."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.mark.in_process_server
def test_freelancer_saves_a_chinese_search_and_is_alerted_of_a_new_project(
    page, second_context, eager_tasks
):
    freelancer = UserFactory(mode="freelancer", display_name="李明", language="zh-hans")
    _sign_in(page, freelancer, "zh-hans")

    # when the freelancer searches in Chinese and saves the search, e-mailed at once
    page.goto("/zh-hans/projects/")
    search = page.locator("main form[role=search] input[name=q]")
    search.fill(SEARCH)
    search.press("Enter")
    page.wait_for_url(re.compile(r"/zh-hans/projects/\?(.*&)?q="))
    save = page.locator("section.save-search form")
    save.locator("select[name=email_alerts]").select_option("instant")
    save.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/zh-hans/searches/$"))

    # then it is listed under the search words, with nothing matched yet
    card = page.locator("article.saved-search")
    expect(card).to_have_count(1)
    expect(card.locator("h2 a")).to_have_text(SEARCH)
    expect(card.locator("[data-new-count]")).to_have_count(0)
    saved = SavedSearch.objects.get(owner=freelancer)
    assert saved.criteria == {"q": SEARCH} and saved.email_alerts == "instant"

    # when a client, in their own browser, posts and publishes a project that matches
    client_page = second_context.new_page()
    _sign_in(client_page, UserFactory(display_name="周女士"), "zh-hans")
    project = _post_and_publish(client_page, CategoryFactory(name_zh="网页设计"))

    # then the dashboard and the list show one new alert
    page.goto("/zh-hans/dashboard/")
    expect(page.locator("main a[href='/zh-hans/searches/'] .status-badge")).to_have_text(
        "1 个新项目"
    )
    page.goto("/zh-hans/searches/")
    expect(card.locator("[data-new-count]")).to_have_attribute("data-new-count", "1")

    # and the saved search's page lists the project, marked new, and links to it
    card.locator("h2 a").click()
    page.wait_for_url(re.compile(rf"/zh-hans/searches/{saved.pk}/$"))
    alert = page.locator("article.saved-search-alert")
    expect(alert).to_have_count(1)
    expect(alert).to_have_class(re.compile("unread"))
    alert.locator(f"a[href='/zh-hans/projects/{project.pk}/']").click()
    page.wait_for_url(re.compile(rf"/zh-hans/projects/{project.pk}/$"))
    expect(page.locator("main h1")).to_have_text(TITLE)

    # and the e-mail went out at once, in Chinese
    (message,) = [m for m in mail.outbox if freelancer.email in m.to]
    assert "新项目" in message.subject and TITLE in message.body
