"""Messages in two real browsers over the ASGI server: the client (English, desktop) and the
freelancer (Chinese, phone) open the conversation about a proposal; the freelancer sends a
message by the plain form, and it appears live on the client's open page, with the safety
warning because it shares a WeChat id before any contract; the client's page marks it read,
and the freelancer's page shows "read" live. Files sent the same way appear live too, and the
header's notification and message badges follow on the client's other tab."""

import re
import threading

import pytest
from django.db import connections
from playwright.sync_api import expect

from jiedan.messaging.models import Message, SafetyFlag
from tests.e2e.asgi_server import asgi_live_server  # noqa: F401  (fixture)
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS
from tests.factories import PASSWORD
from tests.messaging.factories import PDF, parties, png, proposal_conversation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
FITS_JS = "document.documentElement.scrollWidth <= window.innerWidth"
SOCKET_OPEN_JS = "window.jiedanLive && window.jiedanLive.readyState === WebSocket.OPEN"


def _off_the_browser_thread(build):
    """Run ``build`` in a plain thread: Playwright parks an event loop on this one, and the
    services push live events after commit, which cannot happen inside a running loop."""
    result = {}

    def run():
        try:
            result["value"] = build()
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    return result["value"]


def _context(browser, server, **options):
    context = browser.new_context(base_url=server.url, **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


def _sign_in(page, user, lang: str) -> None:
    page.goto(f"/{lang}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/{lang}/dashboard/$"))


def test_a_message_appears_live_in_the_other_browser(browser, asgi_live_server):  # noqa: F811
    # given a proposal conversation between a client and a freelancer
    conversation = _off_the_browser_thread(proposal_conversation)
    client, freelancer = parties(conversation)
    client_context = _context(
        browser, asgi_live_server, locale="en-US", viewport={"width": 1280, "height": 800}
    )
    freelancer_context = _context(browser, asgi_live_server, locale="zh-CN", viewport=PHONE)
    try:
        client_page = client_context.new_page()
        _sign_in(client_page, client, "en")
        client_page.goto("/en/messages/")
        client_page.locator(f"li[data-conversation='{conversation.pk}'] a").click()
        client_page.wait_for_url(re.compile(rf"/en/messages/{conversation.pk}/$"))
        client_page.wait_for_function(SOCKET_OPEN_JS)

        freelancer_page = freelancer_context.new_page()
        _sign_in(freelancer_page, freelancer, "zh-hans")
        freelancer_page.goto(f"/zh-hans/proposals/{conversation.subject_id}/")
        freelancer_page.locator("a.message-link").click()
        freelancer_page.wait_for_url(re.compile(rf"/zh-hans/messages/{conversation.pk}/$"))
        freelancer_page.wait_for_function(SOCKET_OPEN_JS)

        # when the freelancer sends a message with the plain form
        freelancer_page.fill("#message-body", "你好！方便的话加我微信 zhang_san88 详聊")
        freelancer_page.locator("#send-form button[type=submit]").click()
        freelancer_page.wait_for_url(re.compile(rf"/zh-hans/messages/{conversation.pk}/$"))
        freelancer_page.wait_for_function(SOCKET_OPEN_JS)

        # then it appears on the client's open page without a reload, with the warning
        message = Message.objects.get()
        live = client_page.locator(f"#message-{message.pk}")
        expect(live).to_contain_text("加我微信 zhang_san88")
        expect(live.locator(".safety-warning")).to_contain_text("Be careful")
        assert SafetyFlag.objects.filter(message=message).exists()
        # and the freelancer's page turns "sent" into "read" live
        expect(
            freelancer_page.locator(f"#message-{message.pk} .read-state[data-read='yes']")
        ).to_be_visible()

        # and the phone-sized page fits its screen
        assert freelancer_page.evaluate(FITS_JS)

        # when the client answers, it appears live for the freelancer too
        client_page.fill("#message-body", "Let's keep talking here, thanks.")
        client_page.locator("#send-form button[type=submit]").click()
        expect(freelancer_page.locator("#messages")).to_contain_text(
            "Let's keep talking here, thanks."
        )
    finally:
        client_context.close()
        freelancer_context.close()


def test_a_file_arrives_live_and_the_header_badges_follow(
    browser,
    asgi_live_server,  # noqa: F811
    tmp_path,
):
    # given a proposal conversation; the client waits on the dashboard, with no unread
    # message and one notification (the proposal)
    conversation = _off_the_browser_thread(proposal_conversation)
    client, freelancer = parties(conversation)
    client_context = _context(
        browser, asgi_live_server, locale="en-US", viewport={"width": 1280, "height": 800}
    )
    freelancer_context = _context(browser, asgi_live_server, locale="zh-CN", viewport=PHONE)
    mockup, brief = tmp_path / "mockup.png", tmp_path / "brief.pdf"
    mockup.write_bytes(png().read())
    brief.write_bytes(PDF)
    try:
        dashboard = client_context.new_page()
        _sign_in(dashboard, client, "en")
        dashboard.wait_for_function(SOCKET_OPEN_JS)
        bell = dashboard.locator(".notification-bell [data-unread-count]")
        unread_messages = dashboard.locator(".messages-link [data-unread-messages]")
        expect(bell).to_have_text("1")
        expect(unread_messages).to_be_hidden()

        freelancer_page = freelancer_context.new_page()
        _sign_in(freelancer_page, freelancer, "zh-hans")
        freelancer_page.goto(f"/zh-hans/messages/{conversation.pk}/")

        # when the freelancer sends an image with a note
        freelancer_page.fill("#message-body", "初稿见附件")
        freelancer_page.set_input_files("#message-files", str(mockup))
        freelancer_page.locator("#send-form button[type=submit]").click()
        freelancer_page.wait_for_url(re.compile(rf"/zh-hans/messages/{conversation.pk}/$"))

        # then both badges on the client's dashboard count it, live
        expect(bell).to_have_text("2")
        expect(unread_messages).to_have_text("1")

        # when the client opens the conversation in another tab
        conversation_page = client_context.new_page()
        conversation_page.goto(f"/en/messages/{conversation.pk}/")
        conversation_page.wait_for_function(SOCKET_OPEN_JS)
        first = conversation_page.locator("#messages li[data-id]").last
        expect(first).to_contain_text("初稿见附件")
        expect(first.locator("img[alt='mockup.png']")).to_be_visible()
        # then the dashboard tab sees the message read in both badges, live
        expect(unread_messages).to_be_hidden()
        expect(bell).to_have_text("1")

        # when the freelancer sends a PDF while the client's conversation is open
        freelancer_page.set_input_files("#message-files", str(brief))
        freelancer_page.locator("#send-form button[type=submit]").click()

        # then it appears there without a reload, as a download link
        expect(conversation_page.locator("#messages a", has_text="brief.pdf")).to_be_visible()
        expect(conversation_page.locator("#messages li[data-id]")).to_have_count(2)
        # and, read as it arrived, it leaves the dashboard's message badge clear
        expect(unread_messages).to_be_hidden()
    finally:
        client_context.close()
        freelancer_context.close()
