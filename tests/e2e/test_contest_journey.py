"""A contest in a real browser: a client starts one and publishes it (the prize goes into
escrow), a freelancer on a phone enters with an image, the deadline passes, and the client
rates the entry and awards it; the winner's original is then the client's to download."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from jiedan.contests import services
from jiedan.contests.models import Contest, Status
from jiedan.escrow.selectors import escrow_balance
from tests.catalog.factories import CategoryFactory
from tests.factories import PASSWORD, UserFactory
from tests.ledger.helpers import top_up

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Logo for a tea house by the lake"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 500), (180, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def _sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/en/dashboard/$"))


def test_client_runs_a_contest_and_awards_a_freelancers_entry(page, artifacts_dir):
    # given a client with the prize money in the wallet, a freelancer and a category
    client_user = UserFactory(display_name="Chen Mei")
    freelancer = UserFactory(mode="freelancer", display_name="Lin Wei")
    category = CategoryFactory(name_en="Logo design", name_zh="标志设计")
    top_up(client_user, "1500.00")

    # when the client starts a contest with two prizes and publishes it
    _sign_in(page, client_user)
    page.goto("/en/contests/new/")
    page.fill("input[name=title]", TITLE)
    page.fill(
        "textarea[name=brief]",
        "A round logo with a teacup and the name 湖畔茶馆, for signs and cups.",
    )
    page.select_option("select[name=category]", str(category.pk))
    page.fill("input[name=prize_1]", "1200")
    page.fill("input[name=prize_2]", "300")
    deadline = timezone.localtime(timezone.now() + timedelta(days=3))
    page.fill("input[name=entry_deadline]", deadline.strftime("%Y-%m-%dT%H:%M"))
    page.locator("form.contest-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/contests/\d+/publish/$"))
    expect(page.locator(".contest-escrow")).to_contain_text("Publishing holds ¥1,500.00 in escrow.")
    page.get_by_role("button", name="Publish and hold ¥1,500.00").click()
    contest = Contest.objects.get(title=TITLE)
    page.wait_for_url(re.compile(rf"/en/contests/{contest.pk}/$"))
    expect(page.locator(".contest-guarantee")).to_contain_text("held in escrow")
    assert escrow_balance(reference=contest.escrow_reference) == 1500

    # and a freelancer on a phone finds it and enters with an image
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, freelancer)
    page.goto("/en/contests/")
    page.locator(".contest-card a", has_text=TITLE).click()
    page.fill("form.contest-entry-form input[name=title]", "Teacup moon")
    page.set_input_files(
        "form.contest-entry-form input[name=files]",
        files=[{"name": "teacup.png", "mimeType": "image/png", "buffer": _png()}],
    )
    page.locator("form.contest-entry-form button[type=submit]").click()
    expect(page.locator("[role=status]")).to_contain_text("Your entry is submitted.")
    entry = contest.entries.get()
    expect(page.locator(f"[data-entry='{entry.pk}'] img")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot = artifacts_dir / "contest-entry-en-360.png"
    screenshot.unlink(missing_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)

    # then, once the deadline passes, the client judges and awards
    services.contests_close_entries(now=contest.entry_deadline)
    page.set_viewport_size({"width": 1280, "height": 800})
    _sign_in(page, client_user)
    page.goto(f"/en/contests/{contest.pk}/judge/")
    page.select_option(f"#rating-{entry.pk}", "5")
    page.locator(f"[data-entry='{entry.pk}'] form.contest-rate button").click()
    expect(page.locator("[role=status]")).to_contain_text("Rating saved.")
    page.select_option("select[name=place_1]", str(entry.pk))
    page.get_by_role("button", name="Award and pay the winners").click()
    page.wait_for_url(re.compile(rf"/en/contests/{contest.pk}/$"))
    expect(page.locator(f"[data-entry='{entry.pk}']")).to_contain_text("Place 1")
    with page.expect_download() as download:
        page.locator(f"[data-entry='{entry.pk}'] a", has_text="Download original").click()
    assert download.value.suggested_filename == "teacup.png"
    contest.refresh_from_db()
    assert contest.status == Status.AWARDED
    assert escrow_balance(reference=contest.escrow_reference) == 0
