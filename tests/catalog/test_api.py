"""Catalogue API: public list and detail, the owner's endpoints, orders with Idempotency-Key."""

import pytest
from django.test import Client

from jiedan.catalog.models import Service, ServiceOrder, Status
from tests.factories import UserFactory, bearer

from .factories import CategoryFactory, ExtraFactory, published_service

pytestmark = pytest.mark.django_db


def service_payload(category, **overrides):
    payload = {
        "title": "I will build your landing page",
        "description": "Responsive, fast, bilingual.",
        "category_id": category.pk,
        "currency": "CNY",
        "tiers": [
            {"level": "basic", "price": "800", "delivery_days": 5, "features": ["1 page"]},
            {"level": "standard", "price": "1500", "delivery_days": 7, "revisions": 2},
        ],
        "extras": [{"title": "Express", "price": "300", "days_saved": 2}],
        "faqs": [{"question": "Hosting?", "answer": "Not included."}],
    }
    return {**payload, **overrides}


def test_public_list_shape_and_filters(client):
    design = CategoryFactory()
    cheap = published_service(category=design, price="100", days=2)
    published_service(price="900", days=10)
    published_service(status=Status.DRAFT)
    response = client.get("/api/v1/services", {"category": design.slug, "max_days": 3})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["pages"]) == (1, 1, 1)
    item = body["results"][0]
    assert item["id"] == cheap.pk
    assert item["starting_price"] == "100.00"
    assert item["delivery_days"] == 2
    assert item["category"]["slug"] == design.slug
    assert item["owner"]["id"] == cheap.owner_id
    assert set(item) == {
        "id", "title", "owner", "category", "currency", "starting_price", "delivery_days",
        "published_at",
    }  # fmt: skip


def test_public_list_sorts_and_pages(client):
    prices = ["500", "100", "300"]
    for price in prices:
        published_service(price=price)
    body = client.get("/api/v1/services", {"sort": "price", "page_size": 2}).json()
    assert [r["starting_price"] for r in body["results"]] == ["100.00", "300.00"]
    assert body["pages"] == 2
    assert client.get("/api/v1/services", {"sort": "evil"}).status_code == 422
    assert client.get("/api/v1/services", {"page_size": 500}).status_code == 422


def test_public_detail(client, service):
    ExtraFactory(service=service)
    body = client.get(f"/api/v1/services/{service.pk}").json()
    assert [t["level"] for t in body["tiers"]] == ["basic", "standard", "premium"]
    assert body["tiers"][0]["price"] == "300.00"
    assert body["extras"][0]["title"] == "Express delivery"
    assert body["status"] == "published"


def test_hidden_service_detail_is_404(client, freelancer):
    paused = published_service(owner=freelancer, status=Status.PAUSED)
    response = client.get(f"/api/v1/services/{paused.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "service_not_found"


def test_owner_creates_updates_publishes_and_pauses(freelancer, category):
    client, auth = Client(), bearer(freelancer)
    # create
    response = client.post(
        "/api/v1/services", service_payload(category), content_type="application/json", **auth
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    service_id = body["id"]
    assert body["status"] == "draft"
    assert [t["level"] for t in body["tiers"]] == ["basic", "standard"]
    # update
    response = client.put(
        f"/api/v1/services/{service_id}",
        service_payload(category, title="Renamed"),
        content_type="application/json",
        **auth,
    )
    assert response.json()["title"] == "Renamed"
    # publish, pause
    assert client.post(f"/api/v1/services/{service_id}/publish", **auth).json()["status"] == (
        "published"
    )
    assert client.post(f"/api/v1/services/{service_id}/pause", **auth).json()["status"] == "paused"
    mine = client.get("/api/v1/services/mine", **auth).json()
    assert [s["id"] for s in mine] == [service_id]


def test_rule_errors_have_the_error_shape(freelancer, category):
    client, auth = Client(), bearer(freelancer)
    bad = service_payload(
        category, tiers=[{"level": "standard", "price": "100", "delivery_days": 3}]
    )
    response = client.post("/api/v1/services", bad, content_type="application/json", **auth)
    assert response.status_code == 422
    assert response.json()["code"] == "tier_order"
    assert not Service.objects.exists()


def test_illegal_move_is_409(freelancer):
    draft = published_service(owner=freelancer, status=Status.DRAFT)
    response = Client().post(f"/api/v1/services/{draft.pk}/pause", **bearer(freelancer))
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"


def test_owner_endpoints_need_auth_and_ownership(service, category):
    before = (service.title, service.status)
    assert Client().post("/api/v1/services", {}, content_type="application/json").status_code == (
        401
    )
    client, auth = Client(), bearer(UserFactory())
    for method, path, payload in [
        ("put", f"/api/v1/services/{service.pk}", service_payload(category, title="Hijacked")),
        ("post", f"/api/v1/services/{service.pk}/pause", None),
        ("post", f"/api/v1/services/{service.pk}/publish", None),
        ("get", f"/api/v1/services/mine/{service.pk}", None),
    ]:
        kwargs = {"content_type": "application/json"} if payload else {}
        response = getattr(client, method)(path, payload, **kwargs, **auth)
        assert response.status_code == 404, path
        assert response.json()["code"] == "service_not_found"
    service.refresh_from_db()
    assert (service.title, service.status) == before


def test_order_with_idempotency_key(buyer, service):
    client, auth = Client(), bearer(buyer)
    extra = ExtraFactory(service=service)
    url = f"/api/v1/services/{service.pk}/orders"
    payload = {"tier": "premium", "extras": [extra.pk]}
    # when the buyer orders twice with the same key
    first = client.post(
        url, payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-1", **auth
    )
    second = client.post(
        url, payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-1", **auth
    )
    # then the first is created, the second replays it
    assert first.status_code == 201, first.json()
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert first.json() == second.json()
    body = first.json()
    assert body["total"] == "800.00"
    assert body["tier_level"] == "premium"
    assert body["extras"][0]["price"] == "100.00"
    assert body["status"] == "placed"
    assert body["contract_id"] is None
    assert ServiceOrder.objects.count() == 1
    # the same key for another order is refused
    other = client.post(
        url, {"tier": "basic"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-1",
        **auth,
    )  # fmt: skip
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert ServiceOrder.objects.count() == 1


def test_order_without_idempotency_key_is_422(buyer, service):
    response = Client().post(
        f"/api/v1/services/{service.pk}/orders",
        {"tier": "basic"},
        content_type="application/json",
        **bearer(buyer),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_required"
    assert not ServiceOrder.objects.exists()


@pytest.mark.parametrize(
    ("who", "status", "expected", "code"),
    [
        ("owner", Status.PUBLISHED, 403, "own_service"),
        ("buyer", Status.PAUSED, 409, "service_not_orderable"),
        ("anonymous", Status.PUBLISHED, 401, "not_authenticated"),
    ],
)
def test_refused_orders(freelancer, buyer, who, status, expected, code):
    service = published_service(owner=freelancer, status=status)
    auth = {"owner": bearer(freelancer), "buyer": bearer(buyer), "anonymous": {}}[who]
    response = Client().post(
        f"/api/v1/services/{service.pk}/orders",
        {"tier": "basic"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
        **auth,
    )
    assert response.status_code == expected
    assert response.json()["code"] == code
    assert not ServiceOrder.objects.exists()


def test_moderator_unpublishes_through_the_api(moderator, buyer, service):
    url = f"/api/v1/services/{service.pk}/unpublish"
    payload = {"reason": "Spam"}
    denied = Client().post(url, payload, content_type="application/json", **bearer(buyer))
    assert denied.status_code == 403
    service.refresh_from_db()
    assert service.status == Status.PUBLISHED
    response = Client().post(url, payload, content_type="application/json", **bearer(moderator))
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["moderation_reason"]) == (
        "unpublished",
        "Spam",
    )


@pytest.mark.parametrize(("query", "status"), [("100", 200), ("0", 200), ("-1", 422), ("1e2", 422)])
def test_the_price_filters_take_decimals_from_zero_up(client, query, status):
    assert client.get("/api/v1/services", {"min_price": query}).status_code == status
    assert client.get("/api/v1/services", {"max_price": query}).status_code == status


@pytest.mark.parametrize(
    ("field", "value"),
    [("currency", "BTC"), ("tiers", [{"level": "basic", "price": 800.5, "delivery_days": 5}])],
)
def test_a_service_outside_the_documented_rules_is_refused_and_not_saved(
    client, user, field, value
):
    # when a freelancer posts a service with an unknown currency or a fractional number price
    response = client.post(
        "/api/v1/services",
        service_payload(CategoryFactory(), **{field: value}),
        content_type="application/json",
        **bearer(user),
    )
    # then it is a validation error on that field, and nothing is saved
    assert response.status_code == 422
    assert response.json()["details"][0]["loc"][2] == field
    assert not Service.objects.exists()


def test_the_openapi_document_lists_the_tier_levels(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["ServiceIn"]["properties"]["tiers"]["maxItems"] == 3
    assert schemas["TierIn"]["properties"]["level"]["enum"] == ["basic", "standard", "premium"]


def test_an_unknown_tier_level_is_refused_and_nothing_is_saved(client, user):
    tiers = [{"level": "deluxe", "price": "800", "delivery_days": 5}]
    response = client.post(
        "/api/v1/services",
        service_payload(CategoryFactory(), tiers=tiers),
        content_type="application/json",
        **bearer(user),
    )
    assert response.status_code == 422
    assert response.json()["details"][0]["loc"][2:] == ["tiers", "0", "level"]
    assert not Service.objects.exists()
