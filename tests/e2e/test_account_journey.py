"""A newcomer's whole first visit, in a real browser: sign up, confirm the e-mail, sign in,
turn on two-factor authentication, switch to Chinese and look at the dashboard on a phone."""

import re
import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from jiedan.accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "newcomer@example.com"
PASSWORD = "a long and unusual passphrase 42"
CJK = re.compile(r"[\u4e00-\u9fff]")
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")

# Draws two characters with the page's own font and compares the pixels. Without a CJK font
# both come out as the same "tofu" box; with one they differ and neither is blank.
GLYPHS_DIFFER_JS = """
([first, second]) => {
  const style = getComputedStyle(document.body);
  const draw = (character) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 64;
    const ctx = canvas.getContext("2d");
    ctx.font = `${style.fontWeight} 48px ${style.fontFamily}`;
    ctx.fillStyle = "#000";
    ctx.textBaseline = "top";
    ctx.fillText(character, 8, 8);
    return ctx.getImageData(0, 0, 64, 64).data;
  };
  const a = draw(first), b = draw(second);
  let inked = 0, different = 0;
  for (let i = 3; i < a.length; i += 4) {
    if (a[i] > 0) inked++;
    if (a[i] !== b[i]) different++;
  }
  return { inked, different };
}
"""


def _submit(page):
    """Press the main form's submit button (the header has forms of its own)."""
    page.locator("main form button[type=submit]").first.click()


def _current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now, avoiding the last second of a 30 s window
    (allauth accepts only the current window)."""
    totp = pyotp.TOTP(secret)
    if totp.interval - time.time() % totp.interval < 2:
        time.sleep(2)
    return totp.now()


@pytest.mark.in_process_server
def test_sign_up_confirm_enable_two_factor_and_switch_to_chinese(page, mailoutbox, artifacts_dir):
    # given a visitor on the English sign-up page
    page.goto("/en/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # when they sign up with a new e-mail address and password
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    _submit(page)

    # then they are told to check their mail, and a confirmation e-mail is waiting
    page.wait_for_url(re.compile(r"/en/accounts/confirm-email/$"))
    assert User.objects.filter(email=EMAIL).exists()
    assert [message.to for message in mailoutbox] == [[EMAIL]]
    link = CONFIRM_LINK.search(mailoutbox[0].body)
    assert link, "the confirmation e-mail carries no confirmation link"

    # when they follow the link and press the confirm button
    page.goto(link.group(0))
    _submit(page)

    # then the address is verified and they are sent to sign in
    page.wait_for_url(re.compile(r"/en/accounts/login/"))
    assert User.objects.get(email=EMAIL).emailaddress_set.get().verified

    # when they sign in
    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    _submit(page)

    # then they land on their dashboard
    page.wait_for_url(re.compile(r"/en/dashboard/$"))

    # when they open the two-factor page and start activating an authenticator app
    page.goto("/en/accounts/2fa/")
    page.locator("main a[href$='/accounts/2fa/totp/activate/']").click()

    # then allauth first asks for their password again (it guards every 2FA change)
    page.wait_for_url(re.compile(r"/en/accounts/reauthenticate/"))
    page.fill("input[name=password]", PASSWORD)
    _submit(page)
    page.wait_for_url(re.compile(r"/en/accounts/2fa/totp/activate/$"))

    # when they enter the code their app computes from the secret shown on the page
    secret = page.input_value("#authenticator_secret")
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    page.fill("input[name=code]", _current_totp_code(secret))
    _submit(page)

    # then TOTP is active and recovery codes were generated for them
    page.wait_for_url(re.compile(r"/en/accounts/2fa/recovery-codes/$"))
    user = User.objects.get(email=EMAIL)
    kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    page.goto("/en/accounts/2fa/")
    expect(page.locator("main")).to_contain_text(
        "Authentication using an authenticator app is active."
    )

    # when they switch the header's language menu to Simplified Chinese (it submits itself)
    page.select_option("form.language-switcher select[name=language]", "zh-hans")

    # then the same page comes back in Chinese under /zh-hans/
    page.wait_for_url(re.compile(r"/zh-hans/accounts/2fa/$"))
    assert page.evaluate("location.pathname").startswith("/zh-hans/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("main h1")).to_have_text(CJK)
    assert CJK.search(page.inner_text("body"))

    # when they open their dashboard from the menu
    page.locator("nav a[href='/zh-hans/dashboard/']").click()
    page.wait_for_url(re.compile(r"/zh-hans/dashboard/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert CJK.search(page.inner_text("body"))

    # then Chinese renders with a real CJK font: two different characters, two different glyphs
    glyphs = page.evaluate(GLYPHS_DIFFER_JS, ["接", "单"])
    assert glyphs["inked"] > 50, f"the glyph for 接 is blank: {glyphs}"
    assert glyphs["different"] > 50, f"接 and 单 render identically (tofu?): {glyphs}"

    # when the dashboard is shown on a phone-sized screen
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    screenshot = artifacts_dir / "dashboard-zh-hans-360.png"
    screenshot.unlink(missing_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)

    # then a full-page screenshot is kept for people to look at
    assert screenshot.is_file()
    assert screenshot.stat().st_size > 0
