"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

``make test`` installs chromium and the CJK fonts (``make test-deps``); without chromium these
tests fail loudly instead of being skipped, so a green run always means the browser really ran.
"""

import os
import shutil
from pathlib import Path

import pytest

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
