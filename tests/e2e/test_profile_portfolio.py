"""A freelancer builds a profile with a portfolio image in a real browser, on a phone, and a
visitor sees the watermarked preview but no contact details."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from jiedan.profiles.models import PortfolioFile
from jiedan.taxonomy.models import Category, Skill
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _png_bytes() -> bytes:
    image = Image.new("RGB", (1400, 900), (40, 110, 170))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _sign_in(page, email):
    page.goto("/en/accounts/login/")
    page.fill("main input[name=login]", email)
    page.fill("main input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url("/en/dashboard/")


def test_freelancer_builds_a_profile_with_a_portfolio_image(page, live_server, artifacts_dir):
    # given a freelancer and a few skills, on a phone
    category = Category.objects.create(slug="design", name_zh="设计", name_en="Design")
    for slug, zh, en in [
        ("logo", "Logo设计", "Logo design"),
        ("brand", "品牌设计", "Brand identity"),
    ]:
        Skill.objects.create(slug=slug, category=category, name_zh=zh, name_en=en)
    freelancer = UserFactory(display_name="Li Ming", mode="freelancer")
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, freelancer.email)

    # when they fill in the details, skills and private contacts
    page.goto("/en/profile/edit/")
    expect(page.locator("#completeness-heading")).to_contain_text("0%")
    details = page.locator("#details form")
    details.locator("input[name=headline]").fill("Brand designer for tea shops")
    details.locator("textarea[name=bio]").fill("I design brands for small food businesses. " * 4)
    details.locator("input[name=hourly_rate]").fill("180")
    details.locator("input[name=city]").fill("杭州")
    details.locator("input[name=languages][value=zh]").check()
    details.locator("button[type=submit]").click()
    expect(page.locator(".notice-success")).to_be_visible()
    skill_ids = [str(pk) for pk in Skill.objects.order_by("pk").values_list("pk", flat=True)]
    page.locator("#skills select[name=skills]").select_option(skill_ids)
    page.locator("#skills form.stack button[type=submit]").click()
    page.locator("#contacts input[name=phone]").fill("13800138000")
    page.locator("#contacts button[type=submit]").click()

    # and add a portfolio item with an image
    page.goto("/en/profile/portfolio/new/")
    page.fill("main input[name=title]", "Tea shop rebrand")
    page.fill("main textarea[name=result]", "Orders up by a third.")
    page.locator("main form button[type=submit]").first.click()
    page.locator("input[name=file]").set_input_files(
        {"name": "rebrand.png", "mimeType": "image/png", "buffer": _png_bytes()}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".portfolio-files img")).to_be_visible()

    # then the editor shows the progress
    page.goto("/en/profile/edit/")
    expect(page.locator("#completeness-heading")).not_to_contain_text(" 0%")

    # and a visitor on a phone sees the work and the preview, but no phone number
    visitor = page.context.browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}
    )
    public = visitor.new_page()
    public.goto(f"/en/freelancers/{freelancer.pk}/")
    expect(public.locator("h1")).to_have_text("Li Ming")
    expect(public.get_by_text("Tea shop rebrand")).to_be_visible()
    preview = public.locator(".portfolio-item img").first
    expect(preview).to_be_visible()
    assert "portfolio-previews/" in preview.get_attribute("src")
    assert "13800138000" not in public.content()
    assert public.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    public.screenshot(path=str(artifacts_dir / "profile-en-360.png"), full_page=True)
    visitor.close()
    record = PortfolioFile.objects.get()
    assert record.kind == PortfolioFile.Kind.IMAGE and record.preview
