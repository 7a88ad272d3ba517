"""The public pages, the dashboard, the language switcher and the static assets of the web shell."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

import jiedan
from tests.factories import UserFactory
from tests.web.conftest import CJK, description_of, html_lang_of, page_text, title_of

SRC = Path(jiedan.__file__).parent
PUBLIC_PAGES = ["", "fees/"]


# --- The bare domain ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("zh-CN,zh;q=0.9", "/zh-hans/"),
        ("zh-TW", "/zh-hans/"),
        ("en-US,en;q=0.9", "/en/"),
        ("en-GB", "/en/"),
        (None, "/zh-hans/"),
        ("fr-FR", "/zh-hans/"),
    ],
)
def test_root_redirects_to_the_browsers_language(client, accept_language, expected):
    # given a visitor whose browser prefers a language (or says nothing)
    extra = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    # when they open the bare domain
    response = client.get("/", **extra)
    # then they are sent to the home page in that language, Chinese by default
    assert response.status_code == 302
    assert response["Location"] == expected


def test_a_chosen_language_beats_the_browsers_preference(client):
    # given a visitor who picked English with the switcher but whose browser prefers Chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # when they open the bare domain
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    # then their choice wins
    assert response.status_code == 302
    assert response["Location"] == "/en/"


# --- Landing and fees pages --------------------------------------------------------------------


@pytest.mark.parametrize("path", PUBLIC_PAGES)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_public_page_renders_in_its_language(client, db, path, language):
    # when an anonymous visitor opens the page in a language
    page = page_text(client.get(f"/{language}/{path}"))
    # then the document declares that language and has a real title and description
    assert html_lang_of(page) == language
    assert len(title_of(page)) > 5
    assert len(description_of(page)) > 40


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_title_and_description_are_translated(client, db, path):
    # when the same page is opened in both languages
    zh = page_text(client.get(f"/zh-hans/{path}"))
    en = page_text(client.get(f"/en/{path}"))
    # then search engines see a different title and description for each
    assert title_of(zh) != title_of(en)
    assert description_of(zh) != description_of(en)
    # and the Chinese ones are written in Chinese, the English ones are not
    assert CJK.search(title_of(zh)), title_of(zh)
    assert CJK.search(description_of(zh)), description_of(zh)
    assert not CJK.search(title_of(en)), title_of(en)
    assert not CJK.search(description_of(en)), description_of(en)


@pytest.mark.parametrize(
    ("rate", "percent"),
    [("0.10", "10%"), ("0.15", "15%"), ("0.125", "12.5%")],
)
@pytest.mark.parametrize("path", ["/en/", "/en/fees/", "/zh-hans/", "/zh-hans/fees/"])
def test_commission_shown_is_the_configured_rate(client, db, settings, path, rate, percent):
    # given the platform commission configured at some rate
    settings.JIEDAN_COMMISSION_RATE = Decimal(rate)
    # when the page is opened
    page = page_text(client.get(path))
    # then the page states exactly that percentage, in the text and the description
    assert percent in page
    assert percent in description_of(page)
    others = {"10%", "15%", "12.5%"} - {percent}
    assert not [other for other in others if other in page]


@pytest.mark.parametrize("path", ["/en/", "/en/fees/"])
def test_public_pages_cost_no_query_for_visitors(client, db, django_assert_max_num_queries, path):
    # when an anonymous visitor opens a public page
    with django_assert_max_num_queries(0):
        response = client.get(path)
    # then it rendered without touching the database
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/en/", "/en/fees/"])
def test_public_pages_query_count_for_a_signed_in_user(
    signed_in, user, django_assert_max_num_queries, path
):
    # given a signed-in user whose session allauth already tracks
    client = signed_in(user)
    # when they open a public page (session, user, allauth's session tracking)
    with django_assert_max_num_queries(7):
        response = client.get(path)
    # then it renders for them, pointing them to their dashboard from the landing page
    assert response.status_code == 200
    if path == "/en/":
        assert 'href="/en/dashboard/"' in response.content.decode()


# --- Dashboard ---------------------------------------------------------------------------------


def test_dashboard_requires_sign_in(client, db):
    # when an anonymous visitor opens the dashboard
    response = client.get("/en/dashboard/")
    # then they are sent to the sign-in page, coming back afterwards
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/dashboard/"


@pytest.mark.parametrize(
    ("mode", "template", "heading"),
    [
        ("client", "web/dashboard_client.html", "Client dashboard"),
        ("freelancer", "web/dashboard_freelancer.html", "Freelancer dashboard"),
    ],
)
def test_dashboard_follows_the_users_mode(
    signed_in, db, django_assert_max_num_queries, mode, template, heading
):
    # given a signed-in user working in a mode
    user = UserFactory(mode=mode, display_name="Li Lei")
    client = signed_in(user)
    # when they open their dashboard (session, user, session tracking, e-mail, MFA)
    with django_assert_max_num_queries(9):
        response = client.get("/en/dashboard/")
    # then it is laid out for that mode and greets them by name
    page = page_text(response)
    assert template in [t.name for t in response.templates]
    other = {"client", "freelancer"} - {mode}
    assert f"web/dashboard_{other.pop()}.html" not in [t.name for t in response.templates]
    assert heading in title_of(page)
    assert "Welcome, Li Lei" in page


def _checklist_items(page: str) -> dict[str, bool]:
    """``{label: done}`` for each item of the dashboard checklist."""
    checklist = re.search(r'<ul class="checklist">(.*?)</ul>', page, re.S)
    assert checklist, "the dashboard has no checklist"
    items = re.findall(r'<li class="(done|)">(.*?)</li>', checklist.group(1), re.S)
    label = re.compile(r"<[^>]+>|\(done\)|[✔○]")
    return {label.sub("", body).strip(): cls == "done" for cls, body in items}


def test_checklist_marks_a_verified_email_done(signed_in, db):
    # given a user whose e-mail address is verified
    client = signed_in(UserFactory(verified=True))
    # when they open their dashboard
    page = page_text(client.get("/en/dashboard/"))
    # then confirming the address is ticked off, not offered as a link
    items = _checklist_items(page)
    assert items["Confirm your e-mail address"] is True
    assert items["Protect your account with two-factor authentication"] is False
    assert 'href="/en/accounts/email/"' not in page.split('class="checklist"')[1]


def test_checklist_links_an_unverified_email_to_its_settings(signed_in, db):
    # given a user who has not confirmed their address and has no display name
    client = signed_in(UserFactory(verified=False, display_name=""))
    # when they open their dashboard
    page = page_text(client.get("/en/dashboard/"))
    # then both steps are still open and link to where they are done
    items = _checklist_items(page)
    assert items["Confirm your e-mail address"] is False
    assert items["Choose the name others will see"] is False
    checklist = page.split('class="checklist"')[1]
    assert 'href="/en/accounts/email/"' in checklist
    assert 'href="/en/account/settings/"' in checklist


# --- Language switcher -------------------------------------------------------------------------


def _switcher(page: str) -> tuple[str, dict[str, str], list[str]]:
    """The switcher form's action, hidden fields and language options."""
    form = re.search(
        r'<form class="language-switcher" action="([^"]+)" method="post">(.*?)</form>', page, re.S
    )
    assert form, "the page has no language switcher"
    action, body = form.groups()
    hidden = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', body))
    options = re.findall(r'<option value="([^"]+)"', body)
    return action, hidden, options


@pytest.mark.parametrize("browser", [None, "zh-CN,zh;q=0.9", "en-US,en;q=0.9"])
@pytest.mark.parametrize(
    ("page_url", "language", "expected"),
    [
        ("/en/fees/", "zh-hans", "/zh-hans/fees/"),
        ("/zh-hans/fees/", "en", "/en/fees/"),
        ("/en/", "zh-hans", "/zh-hans/"),
        ("/zh-hans/accounts/login/", "en", "/en/accounts/login/"),
    ],
)
def test_language_switcher_keeps_the_page(db, browser, page_url, language, expected):
    # given a visitor reading a page, whatever language their browser prefers, with CSRF
    # enforced as in a real browser
    headers = {"HTTP_ACCEPT_LANGUAGE": browser} if browser else {}
    client = Client(enforce_csrf_checks=True, **headers)
    action, hidden, options = _switcher(page_text(client.get(page_url)))
    assert action == "/i18n/setlang/"
    assert hidden["next"] == page_url
    assert options == ["zh-hans", "en"]
    # when they choose the other language in the switcher
    response = client.post(action, {**hidden, "language": language})
    # then they land on the same page in that language, and the choice is remembered
    assert response.status_code == 302
    assert response["Location"] == expected
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    assert client.get("/")["Location"] == f"/{language}/"


def test_language_switcher_refuses_a_post_without_csrf_token(db):
    # given a browser that never loaded the form
    client = Client(enforce_csrf_checks=True)
    # when something posts a language change on its behalf
    response = client.post("/i18n/setlang/", {"next": "/en/", "language": "en"})
    # then nothing changes
    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_language_switcher_does_not_redirect_off_site(db):
    # when the switcher is posted with a foreign next URL
    response = Client().post(
        "/i18n/setlang/", {"next": "https://evil.example.org/en/", "language": "en"}
    )
    # then the visitor stays on this site
    assert response.status_code == 302
    assert response["Location"] == "/"


# --- Static assets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "asset", ["web/site.css", "web/site.js", "web/htmx.min.js", "web/favicon.svg"]
)
def test_assets_of_the_base_template_exist(asset):
    # the files base.html links are shipped with the app
    found = finders.find(asset)
    assert found, asset
    assert Path(found).stat().st_size > 0


def test_every_static_url_on_the_landing_page_is_served(client, db):
    # given the static URLs the rendered landing page references
    page = page_text(client.get("/en/"))
    urls = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', page))
    assert len(urls) >= 4, urls
    for url in sorted(urls):
        # then each is a file of the project and the site serves it
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


def _loaded_assets(text: str) -> list[str]:
    """URLs a document loads as scripts, stylesheets, icons... (links to pages left out)."""
    urls = []
    for tag in re.finditer(r"<(script|link)\b([^>]*)>", text, re.IGNORECASE):
        name, attributes = tag.group(1).lower(), tag.group(2)
        rel = re.search(r"\brel\s*=\s*[\"']?([^\"'\s>]+)", attributes, re.IGNORECASE)
        if name == "link" and rel and rel.group(1).lower() in {"alternate", "canonical"}:
            continue
        url = re.search(r"\b(?:src|href)\s*=\s*[\"']?([^\"'\s>]+)", attributes, re.IGNORECASE)
        if url:
            urls.append(url.group(1))
    return urls


def _is_external(url: str) -> bool:
    return bool(re.match(r"(?:https?:)?//", url, re.IGNORECASE))


def test_no_template_loads_scripts_or_styles_from_another_site():
    # given every template in the source tree
    templates = sorted(SRC.rglob("*.html"))
    assert SRC / "web" / "templates" / "web" / "base.html" in templates
    # (the scan does catch a CDN, so an empty result means something)
    sample = '<script defer src="https://cdn.example.org/x.js"></script><link href=//x.org/a.css>'
    assert [_is_external(url) for url in _loaded_assets(sample)] == [True, True]
    # then none of them pulls a script or stylesheet from another origin
    offenders = [
        f"{path.relative_to(SRC)}: {url}"
        for path in templates
        for url in _loaded_assets(path.read_text(encoding="utf-8"))
        if _is_external(url)
    ]
    assert offenders == []


@pytest.mark.parametrize("path", ["/en/", "/zh-hans/fees/", "/en/accounts/login/"])
def test_rendered_pages_load_nothing_from_another_site(client, db, path):
    # when a public page is rendered
    assets = _loaded_assets(page_text(client.get(path)))
    # then every script, stylesheet and icon it loads comes from this site's static files
    assert len(assets) >= 4
    assert [url for url in assets if not url.startswith(settings.STATIC_URL)] == []
