"""Each request carries an id (the proxy's when well-formed), leaves one access record and is
counted in the metrics under its route's name, never its path; ``/metrics`` answers only the
scraper's token; log records can be written as one JSON object per line."""

import json
import logging

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, Client
from prometheus_client import REGISTRY

from jiedan.ops.context import request_id
from jiedan.ops.logs import JsonLogFormatter, RequestIdFilter
from tests.projects.factories import open_project

pytestmark = pytest.mark.django_db


def _count(route: str, status: str = "2xx", method: str = "GET") -> float:
    labels = {"method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("jiedan_http_requests_total", labels) or 0.0


def test_a_request_gets_an_id_and_keeps_a_well_formed_one_from_the_proxy():
    client = Client()
    made = client.get("/healthz")["X-Request-ID"]
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="edge-1234abcd")["X-Request-ID"]
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x\nlevel=ERROR forged")["X-Request-ID"]
    assert len(made) == 32 and kept == "edge-1234abcd"
    assert forged != "x\nlevel=ERROR forged" and len(forged) == 32


def test_each_request_leaves_one_access_record_with_its_route(caplog, user):
    # given a signed-in person and an open project
    project = open_project()
    client = Client()
    client.force_login(user)
    # when they open the project's page
    with caplog.at_level(logging.INFO, logger="jiedan.request"):
        response = client.get(f"/en/projects/{project.pk}/")
    # then one access record tells the route (not the id), the status, time and person
    (record,) = [r for r in caplog.records if r.name == "jiedan.request"]
    assert response.status_code == 200
    assert (record.method, record.route, record.status) == ("GET", "projects:detail", 200)
    assert record.path == f"/en/projects/{project.pk}/"
    assert record.user_id == user.pk and record.duration_ms >= 0
    assert record.getMessage() == f"GET /en/projects/{project.pk}/ 200"


def test_requests_are_counted_by_route_and_status_class():
    before_ok, before_missing = _count("healthz"), _count("not-found", "4xx")
    Client().get("/healthz")
    Client().get("/en/no-such-page/")
    assert _count("healthz") == before_ok + 1
    assert _count("not-found", "4xx") == before_missing + 1


def test_requests_served_asynchronously_are_observed_too():
    before = _count("healthz")
    response = async_to_sync(AsyncClient().get)("/healthz")
    assert response.status_code == 200 and len(response["X-Request-ID"]) == 32
    assert _count("healthz") == before + 1


@pytest.mark.parametrize("token", [None, "Bearer wrong", "secret-scrape-token"])
def test_metrics_are_hidden_without_the_scrapers_token(settings, token):
    settings.METRICS_TOKEN = "secret-scrape-token"
    headers = {"HTTP_AUTHORIZATION": token} if token else {}
    assert Client().get("/metrics", **headers).status_code == 404


def test_metrics_show_the_counts_to_the_scraper(settings):
    settings.METRICS_TOKEN = "secret-scrape-token"
    Client().get("/healthz")
    response = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer secret-scrape-token")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert 'jiedan_http_requests_total{method="GET",route="healthz",status="2xx"}' in body
    assert "jiedan_http_request_seconds_bucket" in body


def test_no_token_configured_means_no_metrics(settings):
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_a_log_record_is_one_json_object_with_the_request_id():
    # given a record written while a request is being served, with extra fields
    record = logging.LogRecord(
        "jiedan.escrow", logging.WARNING, __file__, 1, "held %s", ("5",), None
    )
    record.contract_id = 7
    token = request_id.set("req-abcdef12")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    # when it is formatted as JSON
    line = JsonLogFormatter().format(record)
    # then it is one line holding the fields a collector indexes
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "WARNING" and data["logger"] == "jiedan.escrow"
    assert data["message"] == "held 5" and data["request_id"] == "req-abcdef12"
    assert data["contract_id"] == 7 and "time" in data
