"""What search engines are told: robots.txt, the sitemap and the hreflang alternates."""

from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser
from xml.etree import ElementTree

import pytest
from django.contrib.sites.models import Site

from tests.web.conftest import alternates_of, page_text

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
PUBLIC_PATHS = [
    "",
    "fees/",
    "projects/",
    "services/",
    "skills/",
    "accounts/signup/",
    "accounts/login/",
]
LANGUAGES = ["zh-hans", "en"]


# --- robots.txt --------------------------------------------------------------------------------


def test_robots_txt_keeps_crawlers_out_of_private_areas(client):
    # when a crawler asks for robots.txt
    response = client.get("/robots.txt")
    # then it gets plain text
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    # which keeps it out of the back office and the API and points to the sitemap
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /api/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines


def test_robots_txt_allows_the_public_pages(client):
    # given robots.txt read the way a crawler reads it
    robots = RobotFileParser()
    robots.parse(client.get("/robots.txt").content.decode().splitlines())
    # then public pages may be crawled and private areas may not
    for path in ["/zh-hans/", "/en/", "/en/fees/", "/zh-hans/accounts/login/"]:
        assert robots.can_fetch("*", f"http://testserver{path}"), path
    for path in ["/admin/", "/admin/login/", "/api/v1/me", "/api/v1/docs"]:
        assert not robots.can_fetch("*", f"http://testserver{path}"), path


def test_robots_txt_names_the_host_it_was_asked_on(client):
    # when robots.txt is fetched on the public domain over HTTPS
    response = client.get("/robots.txt", HTTP_HOST="localhost", secure=True)
    # then the sitemap line uses that domain and scheme
    assert "Sitemap: https://localhost/sitemap.xml" in response.content.decode().splitlines()


# --- sitemap.xml -------------------------------------------------------------------------------


def _sitemap(client) -> ElementTree.Element:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    # our own response, not untrusted input
    return ElementTree.fromstring(response.content)  # noqa: S314


def test_sitemap_lists_every_public_page_in_both_languages(client, db):
    # when a crawler reads the sitemap
    root = _sitemap(client)
    # then it is a sitemap urlset
    assert root.tag == f"{{{NS['sm']}}}urlset"
    locations = [url.findtext("sm:loc", namespaces=NS) for url in root.findall("sm:url", NS)]
    # with every public page in every language, each exactly once, on the site's domain
    domain = Site.objects.get_current().domain
    assert {urlsplit(loc).netloc for loc in locations} == {domain}
    expected = sorted(f"/{language}/{path}" for language in LANGUAGES for path in PUBLIC_PATHS)
    assert sorted(urlsplit(loc).path for loc in locations) == expected


def test_sitemap_links_each_page_to_its_translations(client, db):
    # given the sitemap
    root = _sitemap(client)
    for url in root.findall("sm:url", NS):
        path = urlsplit(url.findtext("sm:loc", namespaces=NS)).path
        page = path.split("/", 2)[2]
        alternates = {
            link.get("hreflang"): urlsplit(link.get("href")).path
            for link in url.findall("xhtml:link", NS)
            if link.get("rel") == "alternate"
        }
        # then each entry names its Chinese, English and default version
        assert alternates == {
            "zh-hans": f"/zh-hans/{page}",
            "en": f"/en/{page}",
            "x-default": f"/{page}",
        }, path


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_sitemap_default_versions_send_visitors_to_their_language(client, db, path):
    # when a visitor follows the x-default address of a page
    english = client.get(f"/{path}", HTTP_ACCEPT_LANGUAGE="en-US")
    chinese = client.get(f"/{path}", HTTP_ACCEPT_LANGUAGE="zh-CN")
    # then they are redirected to the page in their language
    assert (english.status_code, english["Location"]) == (302, f"/en/{path}")
    assert (chinese.status_code, chinese["Location"]) == (302, f"/zh-hans/{path}")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_every_page_in_the_sitemap_answers(client, db, language, path):
    # when a crawler follows an address from the sitemap
    response = client.get(f"/{language}/{path}")
    # then it gets the page, not a redirect or an error
    assert response.status_code == 200


# --- hreflang on the pages ---------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_page_names_its_translations(client, db, language, path):
    # when a public page is opened in a language
    page = page_text(client.get(f"/{language}/{path}"))
    # then its head links the same page in every language, by absolute URL, plus the
    # unprefixed address that sends each visitor to their own language
    assert alternates_of(page) == {
        "zh-hans": f"http://testserver/zh-hans/{path}",
        "en": f"http://testserver/en/{path}",
        "x-default": f"http://testserver/{path}",
    }
    assert f'<link rel="canonical" href="http://testserver/{language}/{path}">' in page


def test_page_links_leave_the_query_string_out(client, db):
    # when a page is opened with a query string
    page = page_text(client.get("/en/accounts/login/?next=/en/dashboard/"))
    # then its canonical and alternate links name the page alone
    assert '<link rel="canonical" href="http://testserver/en/accounts/login/">' in page
    assert "next=" not in "".join(alternates_of(page).values())
