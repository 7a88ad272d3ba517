"""Idempotency-Key on API POSTs: replays, reused keys, duplicates in flight, missing keys, keys
per user, retention, crashed and failed claims; on PostgreSQL, 100 simultaneous requests with
one key against a real money endpoint (publishing a piece-rate task holds its budget in escrow).
"""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.test.client import encode_multipart
from django.utils import timezone

from jiedan.core.errors import TryAgain
from jiedan.core.idempotency import request_fingerprint
from jiedan.core.models import IdempotencyState, IdempotentRequest
from jiedan.core.tasks import purge_idempotent_requests
from jiedan.ledger.audit import ledger_audit
from jiedan.piecework.models import PieceTask, Status
from tests.escrow.helpers import HELD, escrow_journals
from tests.factories import UserFactory, bearer
from tests.ledger.helpers import top_up, wallet
from tests.piecework.factories import PieceTaskFactory

from . import flaky_api
from .factories import IdempotentRequestFactory

pytestmark = pytest.mark.django_db


def funded_draft(client=None) -> PieceTask:
    """A draft piece-rate task (budget 10.00) whose client has 500.00 in the wallet."""
    task = PieceTaskFactory(funded=False, **({"client": client} if client else {}))
    top_up(task.client, "500.00")
    return task


def publish(task: PieceTask, key: str | None, *, auth: dict | None = None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return Client().post(
        f"/api/v1/tasks/{task.pk}/publish",
        {},
        content_type="application/json",
        **headers,
        **(auth or bearer(task.client)),
    )


def publish_fingerprint(task: PieceTask) -> str:
    """The fingerprint of ``publish(task, ...)``, worked out from an equal request."""
    request = RequestFactory().post(
        f"/api/v1/tasks/{task.pk}/publish", {}, content_type="application/json"
    )
    return request_fingerprint(request)


def test_a_replay_returns_the_first_answer_and_runs_the_endpoint_once():
    # given a funded draft published once with a key
    task = funded_draft()
    first = publish(task, "publish-1")
    assert first.status_code == 200, first.json()
    assert "Idempotent-Replayed" not in first
    # when the same request is sent again with the same key
    again = publish(task, "publish-1")
    # then it gets the first status and body, marked as a replay
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    # and the budget was held once, the task opened once
    assert escrow_journals(kind=HELD).count() == 1
    assert wallet(task.client).balance == Decimal("490.00")
    assert task.status_changes.count() == 1
    row = IdempotentRequest.objects.get()
    assert (row.state, row.status_code, row.scope) == (
        IdempotencyState.DONE,
        200,
        "jiedan.piecework.api.task_publish",
    )


def test_a_refusal_is_replayed_too():
    # given a draft whose client cannot pay for it
    task = PieceTaskFactory(funded=False)
    refused = publish(task, "publish-1")
    assert (refused.status_code, refused.json()["code"]) == (409, "wallet_insufficient")
    # when the client tops up and repeats the request with the same key
    top_up(task.client, "500.00")
    again = publish(task, "publish-1")
    # then the refusal is replayed and nothing moved; a new key publishes
    assert (again.status_code, again["Idempotent-Replayed"]) == (409, "true")
    assert not escrow_journals().exists()
    assert publish(task, "publish-2").status_code == 200
    assert escrow_journals(kind=HELD).count() == 1


def test_the_same_key_for_another_request_is_422_and_runs_nothing():
    # given a key used to publish one task
    user = UserFactory()
    first, second = funded_draft(user), funded_draft(user)
    auth = bearer(user)
    assert publish(first, "k", auth=auth).status_code == 200
    # when the same key is sent to publish another task
    response = publish(second, "k", auth=auth)
    # then it is refused and the second task stays a draft
    assert (response.status_code, response.json()["code"]) == (422, "idempotency_key_reused")
    second.refresh_from_db()
    assert second.status == Status.DRAFT
    assert escrow_journals(kind=HELD).count() == 1


def test_the_body_is_compared_as_json_not_as_text():
    # given an open task closed with a reason under a key
    task = funded_draft()
    assert publish(task, "publish").status_code == 200
    auth = {"HTTP_IDEMPOTENCY_KEY": "c", **bearer(task.client)}

    def close(body: str):
        path = f"/api/v1/tasks/{task.pk}/close"
        return Client().post(path, body, content_type="application/json", **auth)

    first = close('{"reason": "enough pieces"}')
    assert first.status_code == 200
    # when the same JSON arrives spaced differently, and then another reason
    same = close('{ "reason" : "enough pieces" }')
    other = close('{"reason": "changed my mind"}')
    # then the first is a replay and the second is refused
    assert (same.status_code, same["Idempotent-Replayed"]) == (200, "true")
    assert same.content == first.content
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert task.status_changes.filter(to_status=Status.CLOSED).get().reason == "enough pieces"


def test_a_multipart_body_is_known_by_its_fields_and_file_contents():
    def fingerprint(boundary: str, content: bytes) -> str:
        upload = SimpleUploadedFile("a.txt", content)
        body = encode_multipart(boundary, {"title": "x", "files": [upload]})
        request = RequestFactory().post(
            "/api/v1/x", body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        return request_fingerprint(request)

    assert fingerprint("one", b"same") == fingerprint("two", b"same")
    assert fingerprint("one", b"same") != fingerprint("one", b"other")


def test_a_duplicate_while_the_first_runs_is_409_and_runs_nothing():
    # given the first request with this key is still running
    task = funded_draft()
    IdempotentRequestFactory(user=task.client, key="k", fingerprint=publish_fingerprint(task))
    # when the duplicate arrives
    response = publish(task, "k")
    # then it is told to wait and nothing happened
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_request_in_progress"
    assert response["Retry-After"] == "2"  # soon: most requests finish within a second or two
    task.refresh_from_db()
    assert task.status == Status.DRAFT
    assert not escrow_journals().exists()
    assert IdempotentRequest.objects.get().state == IdempotencyState.IN_PROGRESS


def test_a_claim_left_by_a_crashed_request_is_taken_over():
    # given a claim still in progress two minutes after it was taken (its process died)
    task = funded_draft()
    stale = IdempotentRequestFactory(
        user=task.client,
        key="k",
        fingerprint=publish_fingerprint(task),
        created_at=timezone.now() - timedelta(minutes=2),
    )
    # when the client retries with the same key
    response = publish(task, "k")
    # then the request runs and its answer is kept under a new claim
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response
    assert escrow_journals(kind=HELD).count() == 1
    row = IdempotentRequest.objects.get()
    assert (row.state, row.status_code) == (IdempotencyState.DONE, 200)
    assert row.claim != stale.claim
    assert row.created_at > stale.created_at


@pytest.mark.parametrize(
    ("key", "code"),
    [
        (None, "idempotency_key_required"),
        ("  ", "idempotency_key_required"),
        ("x" * 101, "bad_idempotency_key"),
        ("tab\tkey", "bad_idempotency_key"),
    ],
)
def test_a_missing_or_bad_key_is_422_and_runs_nothing(key, code):
    task = funded_draft()
    response = publish(task, key)
    assert (response.status_code, response.json()["code"]) == (422, code)
    task.refresh_from_db()
    assert task.status == Status.DRAFT
    assert not escrow_journals().exists()
    assert not IdempotentRequest.objects.exists()


def test_keys_belong_to_their_user():
    # given one client used a key
    mine, theirs = funded_draft(), funded_draft()
    assert publish(mine, "same-key").status_code == 200
    # when another client uses the same key for their own task
    response = publish(theirs, "same-key")
    # then it runs for them: no replay, no "reused"
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response
    assert response.json()["id"] == theirs.pk
    assert escrow_journals(kind=HELD).count() == 2
    assert IdempotentRequest.objects.filter(key="same-key").count() == 2


def test_the_openapi_document_lists_the_required_header(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/tasks/{task_id}/publish",
        "/api/v1/tasks/pieces/{piece_id}/accept",
        "/api/v1/contests/{contest_id}/award",
        "/api/v1/services/{service_id}/orders",
    ):
        headers = [p for p in paths[path]["post"]["parameters"] if p["in"] == "header"]
        assert [(p["name"], p["required"]) for p in headers] == [("Idempotency-Key", True)], path


def test_purge_forgets_keys_after_the_retention_time():
    # given keys claimed 49 and 47 hours ago (kept 48 hours by default)
    now = timezone.now()
    old = IdempotentRequestFactory(created_at=now - timedelta(hours=49))
    recent = IdempotentRequestFactory(created_at=now - timedelta(hours=47))
    # when the periodic purge runs
    assert purge_idempotent_requests.apply().get() == 1
    # then only the old one is gone
    assert list(IdempotentRequest.objects.all()) == [recent]
    assert not IdempotentRequest.objects.filter(pk=old.pk).exists()


def test_purge_keeps_keys_at_least_a_day(settings):
    # given a retention set below the 24-hour floor
    settings.JIEDAN_IDEMPOTENCY_TTL_HOURS = 1
    now = timezone.now()
    kept = IdempotentRequestFactory(created_at=now - timedelta(hours=23))
    IdempotentRequestFactory(created_at=now - timedelta(hours=25))
    # when the purge runs, then a key younger than a day survives
    assert purge_idempotent_requests.apply().get() == 1
    assert list(IdempotentRequest.objects.all()) == [kept]


@pytest.fixture
def flaky():
    flaky_api.failures.clear()
    flaky_api.calls.clear()
    yield flaky_api
    flaky_api.failures.clear()
    flaky_api.calls.clear()


@pytest.mark.urls("tests.core.flaky_api")
def test_a_server_error_releases_the_claim(flaky):
    # given an endpoint that fails with a server error once
    auth = {"HTTP_IDEMPOTENCY_KEY": "k", **bearer(UserFactory())}
    flaky.failures.append(RuntimeError)
    failed = Client().post("/api/flaky", **auth)
    assert failed.status_code == 500
    assert not IdempotentRequest.objects.exists()
    # when the client retries with the same key, then it runs again and that answer is kept
    retried = Client().post("/api/flaky", **auth)
    assert (retried.status_code, retried.json()) == (200, {"calls": 2})
    replayed = Client().post("/api/flaky", **auth)
    assert (replayed.json(), replayed["Idempotent-Replayed"]) == ({"calls": 2}, "true")
    assert flaky.calls == ["k", "k"]


@pytest.mark.urls("tests.core.flaky_api")
def test_a_try_again_refusal_is_not_kept_so_the_same_key_runs_again(flaky):
    # given a first attempt refused with "try again" (Retry-After)
    auth = {**bearer(UserFactory()), "HTTP_IDEMPOTENCY_KEY": "k"}
    flaky.failures.append(TryAgain)
    refused = Client().post("/api/flaky", **auth)
    assert (refused.status_code, refused["Retry-After"]) == (409, "1")
    # when the client retries with the same key
    retried = Client().post("/api/flaky", **auth)
    # then the endpoint runs again and its answer is the one kept
    assert (retried.status_code, retried.json()) == (200, {"calls": 2})
    assert "Idempotent-Replayed" not in retried
    assert Client().post("/api/flaky", **auth)["Idempotent-Replayed"] == "true"
    assert flaky.calls == ["k", "k"]


@pytest.mark.urls("tests.core.flaky_api")
def test_an_exception_that_escapes_the_api_releases_the_claim(flaky):
    auth = {"HTTP_IDEMPOTENCY_KEY": "k", **bearer(UserFactory())}
    flaky.failures.append(LookupError)
    with pytest.raises(LookupError):
        Client().post("/api/flaky", **auth)
    assert not IdempotentRequest.objects.exists()
    assert Client().post("/api/flaky", **auth).json() == {"calls": 2}


@pytest.mark.urls("tests.core.flaky_api")
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="ends the request's own database session from the server side (PostgreSQL)",
)
def test_a_request_whose_connection_died_releases_its_claim_for_the_retry(flaky):
    # given an endpoint whose database session is ended mid-request (a restart, a failover)
    auth = {"HTTP_IDEMPOTENCY_KEY": "k", **bearer(UserFactory())}
    flaky.failures.append(flaky.connection_lost)
    failed = Client().post("/api/flaky", **auth)
    # then the answer asks for a retry, and the claim is gone (released on a new connection)
    assert (failed.status_code, failed.json()["code"]) == (503, "unavailable")
    assert failed["Retry-After"]
    assert not IdempotentRequest.objects.exists()
    # when the client retries at once with the same key, it runs (no 409 for a minute)
    retried = Client().post("/api/flaky", **auth)
    assert (retried.status_code, retried.json()) == (200, {"calls": 2})
    assert flaky.calls == ["k", "k"]


RACERS = 100
# Requests in flight at once: each holds a database connection, and PostgreSQL allows 100.
IN_FLIGHT = 40


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="simultaneous requests need real row locks and concurrent writers (PostgreSQL)",
)
def test_a_hundred_simultaneous_requests_with_one_key_hold_the_budget_once():
    # given a funded draft and one access token
    task = funded_draft()
    auth = bearer(task.client)
    barrier, slots = threading.Barrier(RACERS), threading.BoundedSemaphore(IN_FLIGHT)
    responses = [None] * RACERS

    def send(index):
        barrier.wait()
        with slots:
            try:
                responses[index] = publish(task, "race", auth=auth)
            finally:
                connections.close_all()

    # when 100 requests with the same key arrive together
    threads = [threading.Thread(target=send, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then exactly one ran; every other one got its answer again or was told to wait
    originals = [r for r in responses if r.status_code == 200 and "Idempotent-Replayed" not in r]
    assert len(originals) == 1, [r.status_code for r in responses]
    first = originals[0]
    for response in responses:
        if response.status_code == 200:
            assert response.content == first.content
        else:
            assert response.status_code == 409, response.content
            assert response.json()["code"] == "idempotency_request_in_progress"
    # and the budget was held in escrow exactly once
    assert escrow_journals(kind=HELD).count() == 1
    assert wallet(task.client).balance == Decimal("490.00")
    assert ledger_audit() == []
    task.refresh_from_db()
    assert task.status == Status.OPEN
    assert IdempotentRequest.objects.get().state == IdempotencyState.DONE


def test_the_back_office_shows_kept_requests_read_only():
    # given a kept request and a superuser
    row = IdempotentRequestFactory(state=IdempotencyState.DONE, status_code=200)
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    # then the list and the page open, and nothing can be added or deleted
    listing = admin.get("/admin/core/idempotentrequest/")
    assert listing.status_code == 200
    assert row.key in listing.content.decode()
    assert admin.get(f"/admin/core/idempotentrequest/{row.pk}/change/").status_code == 200
    assert admin.get("/admin/core/idempotentrequest/add/").status_code == 403
    admin.post(f"/admin/core/idempotentrequest/{row.pk}/delete/", {"post": "yes"})
    assert IdempotentRequest.objects.filter(pk=row.pk).exists()
