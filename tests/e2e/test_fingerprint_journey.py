"""The device fingerprint in a real browser: a person who signs in sends one hash of their
browser's stable traits for the session, with the address and the browser's own user agent;
the pages they open next send nothing more; a second session in the same browser sends the
same hash; visitors who are not signed in send nothing.

Served by the ASGI live server: on SQLite it handles one request at a time, so the
fingerprint posted in the background never races the other requests of the page, and the
header's websocket connects instead of filling the console with errors."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from jiedan.trust.models import DeviceFingerprint
from tests.e2e.asgi_server import asgi_live_server  # noqa: F401  (fixture)
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS
from tests.factories import PASSWORD, UserFactory

# The script is off in test settings (tests/e2e race it otherwise); these tests turn it on.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.in_process_server,
    pytest.mark.usefixtures("eager_tasks"),
]

SHA256_HEX = re.compile(r"[0-9a-f]{64}")
SCRIPT = "script[src*='trust/fingerprint']"
# Pages a signed-in person opens after the dashboard, and pages a visitor opens.
MORE_PAGES = ["/en/projects/", "/en/fees/", "/en/wallet/", "/en/dashboard/"]
PUBLIC_PAGES = ["/en/", "/en/projects/", "/en/fees/", "/en/accounts/login/"]


@pytest.fixture(autouse=True)
def _fingerprint_script_on(settings):
    settings.JIEDAN_TRUST_FINGERPRINT = True


@pytest.fixture
def fingerprint_path():
    with translation.override("en"):
        return reverse("trust:fingerprint")


class Browser:
    """One browser profile (one session), recording the posts to the fingerprint endpoint and
    every error its pages write to the console or throw."""

    def __init__(self, browser, server, fingerprint_path):
        self.context = browser.new_context(
            base_url=server.url, locale="en-US", viewport={"width": 1280, "height": 800}
        )
        self.context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        self.posts = []
        self.errors = []
        self.context.on(
            "request",
            lambda request: (
                self.posts.append(request) if request.url.endswith(fingerprint_path) else None
            ),
        )
        self.context.on(
            "console",
            lambda message: (
                self.errors.append(f"console: {message.text}") if message.type == "error" else None
            ),
        )
        self.context.on("weberror", lambda error: self.errors.append(f"error: {error.error}"))
        self.page = self.context.new_page()
        self.fingerprint_path = fingerprint_path

    def is_fingerprint(self, response) -> bool:
        return response.url.endswith(self.fingerprint_path)

    def sign_in(self, user) -> None:
        """Sign in and wait for the dashboard's fingerprint post to be answered."""
        page = self.page
        page.goto("/en/accounts/login/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_response(self.is_fingerprint) as posted:
            page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(re.compile(r"/en/dashboard/$"))
        response = posted.value
        assert response.request.method == "POST"
        assert (response.status, response.json()) == (200, {"ok": True})

    def session_key(self) -> str:
        cookies = {cookie["name"]: cookie["value"] for cookie in self.context.cookies()}
        return cookies[settings.SESSION_COOKIE_NAME]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_browser(browser, asgi_live_server, fingerprint_path):  # noqa: F811
    opened = []

    def make():
        opened.append(Browser(browser, asgi_live_server, fingerprint_path))
        return opened[-1]

    yield make
    for each in opened:
        each.close()


def test_one_fingerprint_per_session_with_address_and_user_agent(open_browser):
    # given a person and a fresh browser
    person = UserFactory()
    desk = open_browser()

    # when they sign in and land on their dashboard
    desk.sign_in(person)

    # then exactly one device is recorded for them: a SHA-256, from this session, with the
    # address the request came from and the browser's real user agent
    device = DeviceFingerprint.objects.get(user=person)
    assert SHA256_HEX.fullmatch(device.hash), device.hash
    assert device.session_key == desk.session_key()
    assert device.ip == "127.0.0.1"
    assert device.user_agent == desk.page.evaluate("navigator.userAgent")
    assert len(desk.posts) == 1

    # when they open more pages in the same session
    for path in MORE_PAGES:
        desk.page.goto(path)
        expect(desk.page.locator("main")).to_be_visible()
        # then the pages no longer carry the script
        expect(desk.page.locator(SCRIPT)).to_have_count(0)

    # then nothing more was posted and no row was added
    assert len(desk.posts) == 1
    assert DeviceFingerprint.objects.filter(user=person).count() == 1
    assert desk.errors == []


def test_a_second_session_in_the_same_browser_sends_the_same_hash(open_browser):
    # given a person signed in once, in one browser profile
    person = UserFactory()
    first = open_browser()
    first.sign_in(person)
    first_device = DeviceFingerprint.objects.get(user=person)

    # when they sign in again from a second profile of the same browser (another session)
    second = open_browser()
    second.sign_in(person)

    # then that session is recorded too, with the same hash: the traits are the browser's
    devices = DeviceFingerprint.objects.filter(user=person)
    assert devices.count() == 2
    second_device = devices.exclude(pk=first_device.pk).get()
    assert second_device.session_key == second.session_key() != first_device.session_key
    assert second_device.hash == first_device.hash
    assert (len(first.posts), len(second.posts)) == (1, 1)
    assert first.errors == second.errors == []


def test_visitors_who_are_not_signed_in_send_no_fingerprint(open_browser):
    # given a visitor who is not signed in
    visitor = open_browser()

    # when they open public pages
    for path in PUBLIC_PAGES:
        visitor.page.goto(path)
        expect(visitor.page.locator("main")).to_be_visible()
        # then the pages do not carry the script
        expect(visitor.page.locator(SCRIPT)).to_have_count(0)

    # then nothing was posted and no device was recorded
    assert visitor.posts == []
    assert not DeviceFingerprint.objects.exists()
    assert visitor.errors == []
