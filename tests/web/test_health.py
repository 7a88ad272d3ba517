"""Liveness and readiness probes, against the real database and the real Redis."""

import pytest

LOCAL_REDIS = "redis://127.0.0.1:6379/13"
NOTHING_LISTENS = "redis://127.0.0.1:1/0"


def _assert_not_cached(response):
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control
    assert "no-store" in cache_control


def test_healthz_answers_without_touching_the_database(client, db, django_assert_num_queries):
    # when the orchestrator probes liveness
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    # then the process says it is alive, and nobody caches the answer
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    _assert_not_cached(response)


def test_healthz_is_not_under_a_language_prefix(client):
    # when the probe is sent by a client that prefers English
    response = client.get("/healthz", HTTP_ACCEPT_LANGUAGE="en")
    # then it is answered in place, not redirected to /en/healthz
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_only_answer_get(client, db, path):
    # when something posts to a probe
    response = client.post(path)
    # then it is refused
    assert response.status_code == 405


def test_readyz_without_redis_checks_the_database(client, db, settings):
    # given a deployment without Redis (the embedded setup)
    settings.REDIS_URL = ""
    # when the orchestrator probes readiness
    response = client.get("/readyz")
    # then the database is checked and answers
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True}}
    _assert_not_cached(response)


def test_readyz_with_a_working_redis(client, db, settings):
    # given Redis configured and running
    settings.REDIS_URL = LOCAL_REDIS
    # when the orchestrator probes readiness
    response = client.get("/readyz")
    # then both services are reported up
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "redis": True}}
    _assert_not_cached(response)


def test_readyz_reports_an_unreachable_redis(client, db, settings):
    # given Redis configured at an address where nothing listens
    settings.REDIS_URL = NOTHING_LISTENS
    # when the orchestrator probes readiness
    response = client.get("/readyz")
    # then the instance stays in rotation (pages work without Redis) and says it is degraded
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "checks": {"database": True, "redis": False}}
    _assert_not_cached(response)
