"""Phone-sized layout and keyboard basics, in both languages."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
LANGUAGES = ["en", "zh-hans"]

HORIZONTAL_OVERFLOW_JS = "document.documentElement.scrollWidth - window.innerWidth"

# Visible form controls that no <label> points at (hidden inputs are not controls people see).
UNLABELLED_CONTROLS_JS = """
() => [...document.querySelectorAll("input, select, textarea")]
  .filter((el) => el.type !== "hidden" && el.checkVisibility())
  .filter((el) => el.labels.length === 0)
  .map((el) => el.outerHTML)
"""


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_landing_page_fits_a_phone_and_its_menu_opens(phone, language):
    # given the landing page on a 360 px wide phone
    phone.goto(f"/{language}/")
    expect(phone.locator("html")).to_have_attribute("lang", language)

    # then nothing sticks out sideways
    assert phone.evaluate(HORIZONTAL_OVERFLOW_JS) <= 0

    # and the main menu starts folded away, its links hidden
    menu = phone.locator("details.nav-menu")
    links = menu.locator("nav a")
    expect(menu).not_to_have_attribute("open", "")
    assert links.count() > 0
    expect(links.first).to_be_hidden()

    # when the visitor taps the menu button
    menu.locator("summary").click()

    # then the menu opens, every link shows, and the page still fits the screen
    expect(menu).to_have_attribute("open", "")
    for link in links.all():
        expect(link).to_be_visible()
    assert phone.evaluate(HORIZONTAL_OVERFLOW_JS) <= 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_skip_link_is_the_first_thing_the_keyboard_reaches(phone, language):
    # given the landing page, nothing focused yet
    phone.goto(f"/{language}/")

    # when a keyboard user presses Tab once
    phone.keyboard.press("Tab")

    # then the skip link has focus and is shown on screen
    focused = phone.locator(":focus")
    expect(focused).to_have_count(1)
    assert focused.evaluate("el => el.matches('a.skip-link')"), focused.evaluate(
        "el => el.outerHTML"
    )
    expect(focused).to_have_attribute("href", "#main")
    expect(focused).to_be_in_viewport()


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_switcher_needs_no_button_when_javascript_runs(phone, language):
    # given any page with scripts running (the select submits itself on change)
    phone.goto(f"/{language}/")
    expect(phone.locator("html")).to_have_class("js")

    # then the no-JavaScript fallback button of the language switcher is hidden
    expect(phone.locator("form.language-switcher button[type=submit]")).to_be_hidden()


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_page_on_a_phone_labels_every_input(phone, language):
    # given the sign-in page on a 360 px wide phone
    phone.goto(f"/{language}/accounts/login/")
    expect(phone.locator("main input[name=login]")).to_be_visible()

    # then it fits the screen and every visible input has a label
    assert phone.evaluate(HORIZONTAL_OVERFLOW_JS) <= 0
    assert phone.evaluate(UNLABELLED_CONTROLS_JS) == []


SIGNED_IN_PAGES = [
    "dashboard/",
    "account/settings/",
    "account/tokens/",
    "accounts/email/",
    "accounts/password/change/",
    "accounts/2fa/",
    "accounts/sessions/",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_account_pages_fit_a_phone(phone, user, password, language):
    # given a signed-in member on a 360 px wide phone
    phone.goto(f"/{language}/accounts/login/")
    phone.fill("main input[name=login]", user.email)
    phone.fill("main input[name=password]", password)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(f"**/{language}/dashboard/")

    # when they visit each of their account pages
    overflowing = {}
    for path in SIGNED_IN_PAGES:
        response = phone.goto(f"/{language}/{path}")
        assert response.ok, f"{path}: HTTP {response.status}"
        overflow = phone.evaluate(HORIZONTAL_OVERFLOW_JS)
        if overflow > 0:
            overflowing[path] = overflow

    # then none of them is wider than the screen (wide tables scroll inside their box)
    assert overflowing == {}
