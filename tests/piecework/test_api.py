"""Piece-rate API: list and detail, drafts and publishing, submitting pieces (JSON and
multipart), reviewing, closing, errors and ownership."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jiedan.escrow.selectors import escrow_balance
from jiedan.piecework import services
from jiedan.piecework.models import Piece, PieceStatus, PieceTask, Status
from tests.catalog.factories import CategoryFactory
from tests.escrow.helpers import RELEASED, escrow_journals, payee
from tests.factories import UserFactory, bearer
from tests.ledger.helpers import top_up

from .factories import PieceTaskFactory, open_task, png_upload

pytestmark = pytest.mark.django_db


def payload(category, **overrides) -> dict:
    values = {
        "title": "Label 50 street photos",
        "instructions": "Mark every shop sign in the photo.",
        "acceptance_criteria": "Every sign has a box.",
        "category_id": category.pk,
        "unit_price": "1.20",
        "currency": "CNY",
        "pieces_wanted": 50,
        "max_per_freelancer": 10,
        "deadline": (timezone.now() + timedelta(days=5)).isoformat(),
    }
    return {**values, **overrides}


def post_json(client, path, data=None, **headers):
    return client.post(path, data or {}, content_type="application/json", **headers)


def test_list_shape_filter_and_pagination(client):
    labelling = CategoryFactory()
    task = open_task(category=labelling, pieces_wanted=3, max_per_freelancer=None)
    services.piece_submit(author=UserFactory(), task_id=task.pk, text="one")
    open_task()
    PieceTaskFactory(category=labelling)
    response = client.get("/api/v1/tasks", {"category": labelling.slug})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["pages"]) == (1, 1, 1)
    item = body["results"][0]
    assert (item["id"], item["unit_price"], item["slots_left"]) == (task.pk, "2.50", 2)
    assert item["category"]["slug"] == labelling.slug
    paged = client.get("/api/v1/tasks", {"page_size": 1}).json()
    assert (paged["count"], paged["pages"], len(paged["results"])) == (2, 2, 1)
    assert client.get("/api/v1/tasks", {"page_size": 500}).status_code == 422


def test_detail_public_hidden_and_own(client, user):
    task = open_task()
    body = client.get(f"/api/v1/tasks/{task.pk}").json()
    assert (body["instructions"], body["budget"], body["auto_accept_days"]) == (
        task.instructions,
        "10.00",
        3,
    )
    draft = PieceTaskFactory(client=user)
    response = client.get(f"/api/v1/tasks/{draft.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "task_not_found"
    assert client.get(f"/api/v1/tasks/{draft.pk}", **bearer(user)).status_code == 200


def test_create_update_publish_holds_escrow(client, user):
    category = CategoryFactory()
    auth = bearer(user)
    response = post_json(client, "/api/v1/tasks", payload(category), **auth)
    assert response.status_code == 201
    task_id = response.json()["id"]
    assert response.json()["status"] == "draft"
    response = client.put(
        f"/api/v1/tasks/{task_id}",
        payload(category, pieces_wanted=40),
        content_type="application/json",
        **auth,
    )
    assert response.json()["budget"] == "48.00"
    top_up(user, "48.00")
    response = post_json(
        client, f"/api/v1/tasks/{task_id}/publish", HTTP_IDEMPOTENCY_KEY="publish-1", **auth
    )
    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert escrow_balance(reference=f"piecework:{task_id}") == Decimal("48.00")


def test_a_deadline_without_a_time_zone_is_read_in_the_platform_time_zone(client, user):
    naive = (timezone.localtime() + timedelta(days=3)).replace(tzinfo=None).isoformat()
    response = post_json(
        client, "/api/v1/tasks", payload(CategoryFactory(), deadline=naive), **bearer(user)
    )
    assert response.status_code == 201
    past = (timezone.localtime() - timedelta(days=1)).replace(tzinfo=None).isoformat()
    response = post_json(
        client, "/api/v1/tasks", payload(CategoryFactory(), deadline=past), **bearer(user)
    )
    assert (response.status_code, response.json()["code"]) == (422, "deadline_past")
    assert PieceTask.objects.count() == 1


def test_bad_input_is_422_and_saves_nothing(client, user):
    response = post_json(
        client, "/api/v1/tasks", payload(CategoryFactory(), unit_price="-1"), **bearer(user)
    )
    assert response.status_code == 422
    assert response.json()["code"] == "amount_out_of_range"
    assert not PieceTask.objects.exists()


def test_someone_elses_task_is_404_and_nothing_changes(client, user):
    draft = PieceTaskFactory()
    auth = {"HTTP_IDEMPOTENCY_KEY": "k1", **bearer(user)}
    response = post_json(client, f"/api/v1/tasks/{draft.pk}/publish", **auth)
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not escrow_journals().exists()
    task = open_task()
    auth["HTTP_IDEMPOTENCY_KEY"] = "k2"
    assert post_json(client, f"/api/v1/tasks/{task.pk}/close", **auth).status_code == 404
    task.refresh_from_db()
    assert task.status == Status.OPEN


def test_submit_text_as_json_and_review(client):
    task = open_task()
    author = UserFactory()
    response = post_json(
        client, f"/api/v1/tasks/{task.pk}/pieces", {"text": "Red shirt"}, **bearer(author)
    )
    assert response.status_code == 201
    piece = response.json()
    assert (piece["status"], piece["text"], piece["file_url"]) == ("pending", "Red shirt", None)
    owner = bearer(task.client)
    path = f"/api/v1/tasks/pieces/{piece['id']}/accept"
    response = post_json(client, path, HTTP_IDEMPOTENCY_KEY="accept-1", **owner)
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert payee(escrow_journals(kind=RELEASED).get()) == author
    again = post_json(client, path, HTTP_IDEMPOTENCY_KEY="accept-2", **owner)
    assert (again.status_code, again.json()["code"]) == (409, "piece_reviewed")
    assert escrow_journals(kind=RELEASED).count() == 1


def test_submit_a_file_as_multipart_and_download_it(client):
    task = open_task()
    author = UserFactory()
    response = client.post(
        f"/api/v1/tasks/{task.pk}/pieces",
        {"text": "see file", "file": png_upload()},
        **bearer(author),
    )
    assert response.status_code == 201
    file_url = response.json()["file_url"]
    download = client.get(file_url, **bearer(task.client))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Cache-Control"] == "private, no-store"
    assert client.get(file_url, **bearer(author)).status_code == 200
    assert client.get(file_url, **bearer(UserFactory())).status_code == 404


def test_submit_errors(client):
    task = open_task()
    author = bearer(UserFactory())
    path = f"/api/v1/tasks/{task.pk}/pieces"
    bad_body = client.post(path, "not json", content_type="application/json", **author)
    assert (bad_body.status_code, bad_body.json()["code"]) == (422, "bad_piece_body")
    empty = post_json(client, path, {"text": " "}, **author)
    assert (empty.status_code, empty.json()["code"]) == (422, "piece_empty")
    own = post_json(client, path, {"text": "mine"}, **bearer(task.client))
    assert (own.status_code, own.json()["code"]) == (403, "own_task")
    assert post_json(client, path, {"text": "anonymous"}).status_code == 401
    hidden = PieceTaskFactory()
    missing = post_json(client, f"/api/v1/tasks/{hidden.pk}/pieces", {"text": "x"}, **author)
    assert missing.status_code == 404
    assert not Piece.objects.exists()


def test_reject_needs_a_reason_and_strangers_get_404(client):
    task = open_task()
    piece = services.piece_submit(author=UserFactory(), task_id=task.pk, text="blurry")
    path = f"/api/v1/tasks/pieces/{piece.pk}/reject"
    no_reason = post_json(client, path, {"reason": ""}, **bearer(task.client))
    assert (no_reason.status_code, no_reason.json()["code"]) == (422, "reason_required")
    stranger = post_json(client, path, {"reason": "no"}, **bearer(UserFactory()))
    assert stranger.status_code == 404
    piece.refresh_from_db()
    assert piece.status == PieceStatus.PENDING
    done = post_json(client, path, {"reason": "Too blurry"}, **bearer(task.client))
    assert done.json()["rejection_reason"] == "Too blurry"


def test_piece_list_for_client_and_author(client):
    task = open_task(max_per_freelancer=None)
    author = UserFactory()
    services.piece_submit(author=author, task_id=task.pk, text="mine")
    services.piece_submit(author=UserFactory(), task_id=task.pk, text="theirs")
    everything = client.get(f"/api/v1/tasks/{task.pk}/pieces", **bearer(task.client)).json()
    assert [p["text"] for p in everything] == ["mine", "theirs"]
    own = client.get(f"/api/v1/tasks/{task.pk}/pieces", **bearer(author)).json()
    assert [p["text"] for p in own] == ["mine"]
    pending = client.get(
        f"/api/v1/tasks/{task.pk}/pieces", {"status": "accepted"}, **bearer(task.client)
    ).json()
    assert pending == []


def test_close_and_cancel_settle_escrow(client):
    closing = open_task()
    response = post_json(
        client,
        f"/api/v1/tasks/{closing.pk}/close",
        {"reason": "done"},
        HTTP_IDEMPOTENCY_KEY="close-1",
        **bearer(closing.client),
    )
    assert response.status_code == 200
    assert response.json()["settled_at"] is not None
    assert escrow_balance(reference=closing.escrow_reference) == 0
    cancelling = open_task()
    response = post_json(
        client,
        f"/api/v1/tasks/{cancelling.pk}/cancel",
        HTTP_IDEMPOTENCY_KEY="cancel-1",
        **bearer(cancelling.client),
    )
    assert response.json()["status"] == "cancelled"
    assert escrow_balance(reference=cancelling.escrow_reference) == 0


def test_openapi_documents_the_task_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/tasks/{task_id}/pieces" in paths
    body = paths["/api/v1/tasks/{task_id}/pieces"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("pieces_wanted", 0), ("pieces_wanted", 10_001), ("currency", "XYZ"), ("unit_price", 1.2)],
)
def test_a_task_outside_the_documented_rules_is_refused_and_not_saved(user, client, field, value):
    # when a client posts a task with a value the OpenAPI document rules out
    response = post_json(
        client, "/api/v1/tasks", payload(CategoryFactory(), **{field: value}), **bearer(user)
    )
    # then it is a validation error on that field, and no task is saved
    assert response.status_code == 422
    assert response.json()["details"][0]["loc"][2] == field
    assert not PieceTask.objects.exists()
