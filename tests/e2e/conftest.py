"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

``make test`` installs chromium and the CJK fonts (``make test-deps``); without chromium these
tests fail loudly instead of being skipped, so a green run always means the browser really ran.

With ``JIEDAN_E2E_SERVER`` set (``make test-prod-local``), the journeys drive that running
server instead: the production process layout, with its own worker processes and Celery
worker. The test process then writes its fixtures straight into the server's database (used
as it is, no test database; emptied after each test) and shares its Redis and secrets. The
journeys that read what the server did inside its own process (the e-mails it sent, a
setting changed for the test) are marked ``in_process_server`` and skipped there.
"""

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import override_settings

from .asgi_server import EXTERNAL_SERVER

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts" / "e2e"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
DEFAULT_TIMEOUT_MS = 10_000


@pytest.fixture(scope="package")
def browser():
    """One chromium for the browser tests, closed when they are done.

    Playwright's sync API parks an asyncio loop on this thread while it is open, so Django
    would refuse the ORM calls the tests make (fixtures, assertions) as coming from "an async
    context". That is allowed only while the browser is open, never for the rest of the suite.
    """
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail(
            "chromium is not installed, so the browser tests cannot run. "
            "Run `make test` (or `make test-deps`) to install chromium and fonts-noto-cjk.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def context(browser, live_server):
    """A fresh browser profile per test: no cookies, no storage, English browser locale."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def artifacts_dir():
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


if EXTERNAL_SERVER:

    @pytest.fixture(scope="session")
    def django_db_setup():
        """The running server's database, as it is."""

    @pytest.fixture
    def live_server(transactional_db):
        # pytest-django turns the live server's settings on and off around each test; a
        # running server has its own, so there are none to change here
        return SimpleNamespace(
            url=EXTERNAL_SERVER, _live_server_modified_settings=override_settings()
        )


def pytest_collection_modifyitems(config, items):
    if not EXTERNAL_SERVER:
        return
    skip = pytest.mark.skip(reason="looks inside the server's process (its outbox, its settings)")
    for item in items:
        if item.get_closest_marker("in_process_server"):
            item.add_marker(skip)
