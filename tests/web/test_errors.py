"""Error pages: HTML for people, JSON for the API."""

import json

import pytest
from django.urls import get_resolver

from jiedan.web import views
from tests.web.conftest import CJK, html_lang_of, title_of


@pytest.mark.parametrize(
    ("path", "language", "heading"),
    [("/en/nope/", "en", "Page not found"), ("/zh-hans/nope/", "zh-hans", None)],
)
def test_unknown_page_shows_the_sites_404(client, db, path, language, heading):
    # when a visitor opens an address that does not exist
    response = client.get(path)
    # then they get the site's own 404 page, in their language, with a way back home
    assert response.status_code == 404
    assert "web/404.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert html_lang_of(page) == language
    assert f'href="/{language}/"' in page
    if heading:
        assert heading in title_of(page)
    else:
        assert CJK.search(title_of(page))


def test_unknown_page_without_prefix_is_a_404_not_a_redirect(client, db):
    # when an address exists in no language
    response = client.get("/nope/", HTTP_ACCEPT_LANGUAGE="en")
    # then it is not bounced to /en/nope/ first
    assert response.status_code == 404


def test_unknown_api_endpoint_is_a_json_404(client, db):
    # when an API client calls an endpoint that does not exist
    response = client.get("/api/v1/nope", HTTP_ACCEPT_LANGUAGE="en")
    # then it gets the API's error shape, not an HTML page
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "not_found", "message": "Not found."}


def test_server_error_on_the_api_is_json(rf):
    # given a request to the API that failed with an unhandled exception
    request = rf.get("/api/v1/me")
    # when the 500 handler answers it
    response = views.server_error(request)
    # then the API client gets the error shape it can parse
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["code"] == "server_error"
    assert isinstance(body["message"], str)
    assert body["message"]


def test_server_error_on_a_page_is_html(rf):
    # given a page request that failed with an unhandled exception
    request = rf.get("/en/dashboard/")
    # when the 500 handler answers it
    response = views.server_error(request)
    # then the visitor gets a standalone page in both languages, with a way back
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Something went wrong" in page
    assert CJK.search(page)
    assert 'href="/"' in page


def test_django_uses_these_handlers():
    # when Django looks up what to do on a 404 and a 500
    resolver = get_resolver()
    # then it calls the site's handlers, not its plain defaults
    assert resolver.resolve_error_handler(404) is views.page_not_found
    assert resolver.resolve_error_handler(500) is views.server_error
