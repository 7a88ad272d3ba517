"""Contests API: list and detail, create and publish drafts, multipart entries, rating, the
award, entry files, error shapes and ownership."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jiedan.contests.models import Contest, Entry, EntryFile, Status
from jiedan.escrow.selectors import escrow_balance
from tests.escrow.helpers import escrow_journals
from tests.factories import UserFactory, bearer
from tests.ledger.helpers import top_up

from .factories import CategoryFactory, ContestFactory, image_upload, judging_contest, open_contest

pytestmark = pytest.mark.django_db


def payload(category, **overrides) -> dict:
    values = {
        "title": "Poster for a lantern festival",
        "brief": "An A2 poster with lanterns, the date and the place, in Chinese and English.",
        "category_id": category.pk,
        "currency": "CNY",
        "prizes": ["1500", "500"],
        "entry_deadline": (timezone.now() + timedelta(days=5)).isoformat(),
        "entry_visibility": "sealed",
    }
    return {**values, **overrides}


def test_list_shape_filter_and_pagination(client):
    design = CategoryFactory()
    mine = open_contest(category=design)
    open_contest()
    ContestFactory(category=design)
    body = client.get("/api/v1/contests", {"category": design.slug}).json()
    assert (body["count"], body["pages"]) == (1, 1)
    item = body["results"][0]
    assert item["id"] == mine.pk
    assert item["prize_total"] == "1500.00"
    assert item["prizes"] == [{"place": 1, "amount": "1000.00"}, {"place": 2, "amount": "500.00"}]
    assert item["entry_count"] == 0
    paged = client.get("/api/v1/contests", {"page_size": 1}).json()
    assert (paged["count"], paged["pages"], len(paged["results"])) == (2, 2, 1)
    assert client.get("/api/v1/contests", {"page_size": 500}).status_code == 422


def test_create_publish_and_escrow(client, user):
    auth = bearer(user)
    response = client.post(
        "/api/v1/contests", payload(CategoryFactory()), content_type="application/json", **auth
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["prize_total"], body["entry_visibility"]) == (
        "draft",
        "2000.00",
        "sealed",
    )
    contest_id = body["id"]
    top_up(user, "2000.00")
    publish = f"/api/v1/contests/{contest_id}/publish"
    response = client.post(publish, HTTP_IDEMPOTENCY_KEY="publish-1", **auth)
    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert escrow_balance(reference=f"contest:{contest_id}") == 2000
    again = client.post(publish, HTTP_IDEMPOTENCY_KEY="publish-2", **auth)
    assert again.status_code == 409
    assert again.json()["code"] == "contest_not_draft"
    assert escrow_journals().count() == 1


def test_bad_input_has_the_error_shape_and_saves_nothing(client, user):
    auth = bearer(user)
    response = client.post(
        "/api/v1/contests",
        payload(CategoryFactory(), prizes=["100", "900"]),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **auth,
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "prizes_not_descending",
        "message": "A lower place cannot pay more than a higher one.",
    }
    assert not Contest.objects.exists()


def test_someone_elses_draft_is_404_and_nothing_changes(client, other_user):
    contest = ContestFactory(title="Original")
    auth = bearer(other_user)
    assert client.get(f"/api/v1/contests/{contest.pk}", **auth).status_code == 404
    response = client.post(
        f"/api/v1/contests/{contest.pk}/publish", HTTP_IDEMPOTENCY_KEY="publish-1", **auth
    )
    assert response.status_code == 404
    assert response.json()["code"] == "contest_not_found"
    response = client.put(
        f"/api/v1/contests/{contest.pk}",
        payload(contest.category, title="Hijacked"),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404
    contest.refresh_from_db()
    assert (contest.status, contest.title) == (Status.DRAFT, "Original")
    assert not escrow_journals().exists()


def test_submit_entry_multipart_and_see_it_as_the_author(client):
    contest = open_contest()
    author = UserFactory()
    response = client.post(
        f"/api/v1/contests/{contest.pk}/entries",
        {"title": "Red lantern", "note": "Two variants", "files": [image_upload(), image_upload()]},
        **bearer(author),
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["note"], body["status"]) == (
        "Red lantern",
        "Two variants",
        "submitted",
    )
    assert len(body["files"]) == 2
    file_out = body["files"][0]
    assert file_out["preview_url"] == f"/api/v1/contests/files/{file_out['id']}/preview"
    assert file_out["original_url"] == f"/api/v1/contests/files/{file_out['id']}/original"
    original = client.get(file_out["original_url"], **bearer(author))
    assert original.status_code == 200
    assert client.get(file_out["original_url"]).status_code == 401
    assert client.get(file_out["original_url"], **bearer(contest.client)).status_code == 404
    assert client.get(file_out["preview_url"]).status_code == 200


def test_bad_entry_file_is_422_and_nothing_is_stored(client):
    contest = open_contest()
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("logo.png", b"definitely not a picture")
    response = client.post(
        f"/api/v1/contests/{contest.pk}/entries",
        {"title": "Fake", "files": [fake]},
        **bearer(UserFactory()),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "file_type"
    assert not Entry.objects.exists() and not EntryFile.objects.exists()


def test_client_cannot_enter_own_contest(client):
    contest = open_contest()
    response = client.post(
        f"/api/v1/contests/{contest.pk}/entries",
        {"title": "Mine", "files": [image_upload()]},
        **bearer(contest.client),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "own_contest"
    assert not Entry.objects.exists()


def test_detail_hides_sealed_entries_from_others_and_private_fields(client):
    contest, (entry, _other) = judging_contest(entry_visibility="sealed")
    public = client.get(f"/api/v1/contests/{contest.pk}").json()
    assert (public["entries_sealed"], public["entries"], public["entry_count"]) == (True, [], 2)
    as_client = client.get(f"/api/v1/contests/{contest.pk}", **bearer(contest.client)).json()
    assert as_client["entries_sealed"] is False
    assert {item["id"] for item in as_client["entries"]} == set(
        contest.entries.values_list("pk", flat=True)
    )
    shown = next(item for item in as_client["entries"] if item["id"] == entry.pk)
    assert shown["note"] == "Two colour variants inside."
    assert shown["files"][0]["original_url"] is None


def test_rate_and_award_through_the_api(client):
    contest, (first, second) = judging_contest()
    auth = bearer(contest.client)
    rated = client.post(
        f"/api/v1/contests/entries/{first.pk}/rate",
        {"rating": 5},
        content_type="application/json",
        **auth,
    )
    assert rated.status_code == 200
    assert rated.json()["rating"] == 5
    bad = client.post(
        f"/api/v1/contests/entries/{first.pk}/rate",
        {"rating": 9},
        content_type="application/json",
        **auth,
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "bad_rating")
    stranger = client.post(
        f"/api/v1/contests/{contest.pk}/award",
        {"entry_ids": [first.pk, second.pk]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="award-1",
        **bearer(UserFactory()),
    )
    assert stranger.status_code == 404
    huge = client.post(
        f"/api/v1/contests/{contest.pk}/award",
        {"entry_ids": [10**25, second.pk]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="award-1",
        **auth,
    )
    assert (huge.status_code, huge.json()["code"]) == (422, "unknown_entry")
    assert escrow_balance(reference=contest.escrow_reference) == 1500
    response = client.post(
        f"/api/v1/contests/{contest.pk}/award",
        {"entry_ids": [first.pk, second.pk]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="award-2",
        **auth,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "awarded"
    places = {item["id"]: item["place"] for item in body["entries"]}
    assert places == {first.pk: 1, second.pk: 2}
    assert all(item["files"][0]["original_url"] for item in body["entries"])
    assert escrow_balance(reference=contest.escrow_reference) == 0


def test_writes_need_authentication(client):
    contest = open_contest()
    response = client.post(
        f"/api/v1/contests/{contest.pk}/award", {"entry_ids": []}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("field", "value"),
    [("judging_days", 0), ("judging_days", 31), ("currency", "XYZ"), ("entry_visibility", "open")],
)
def test_a_value_outside_the_documented_choices_and_bounds_is_refused(client, user, field, value):
    # when a contest is posted with a value the OpenAPI document rules out
    response = client.post(
        "/api/v1/contests",
        payload(CategoryFactory(), **{field: value}),
        content_type="application/json",
        **bearer(user),
    )
    # then it is a validation error on that field, and no contest is made
    assert response.status_code == 422
    assert [detail["loc"][-1] for detail in response.json()["details"]] == [field]
    assert not Contest.objects.exists()


def test_the_openapi_document_states_the_contest_rules(client):
    document = client.get("/api/v1/openapi.json").json()
    contest = document["components"]["schemas"]["ContestIn"]["properties"]
    assert (contest["judging_days"]["minimum"], contest["judging_days"]["maximum"]) == (1, 30)
    assert contest["entry_visibility"]["enum"] == ["previews", "sealed"]
    # an entry needs at least one file (none at all is "field required")
    entries = document["paths"]["/api/v1/contests/{contest_id}/entries"]["post"]
    form = entries["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["files"]["minItems"] == 1
