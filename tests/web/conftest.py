"""Helpers for reading the pages the web shell renders."""

import html
import re

import pytest

CJK = re.compile(r"[\u4e00-\u9fff]")


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def title_of(page: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page, re.S)
    assert match, "the page has no <title>"
    return " ".join(html.unescape(match.group(1)).split())


def description_of(page: str) -> str:
    match = re.search(r'<meta name="description" content="([^"]*)">', page)
    assert match, 'the page has no <meta name="description">'
    return html.unescape(match.group(1)).strip()


def html_lang_of(page: str) -> str:
    match = re.search(r'<html lang="([^"]*)"', page)
    assert match, "the page has no <html lang>"
    return match.group(1)


def alternates_of(page: str) -> dict[str, str]:
    """``{hreflang: href}`` of the page's ``<link rel="alternate" hreflang=...>`` tags."""
    links = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page)
    return {code: html.unescape(href) for code, href in links}


@pytest.fixture
def signed_in(client):
    """Sign ``user`` in on the test client and make one request, so allauth has recorded the
    session and later requests show the steady-state cost of a page."""

    def sign_in(user):
        client.force_login(user)
        assert client.get("/en/fees/").status_code == 200
        return client

    return sign_in
