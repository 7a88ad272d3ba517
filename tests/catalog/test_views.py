"""Catalogue pages: browse, service page, checkout, owner pages, moderation — and that
nobody can touch someone else's service by changing an id."""

from decimal import Decimal

import pytest
from django.test import Client

from jiedan.catalog import services
from jiedan.catalog.models import Service, ServiceOrder, Status
from tests.factories import UserFactory

from .conftest import signed_in
from .factories import (
    CategoryFactory,
    ExtraFactory,
    FaqFactory,
    ServiceFactory,
    TierFactory,
    published_service,
)

pytestmark = pytest.mark.django_db


def editor_data(category, **overrides):
    data = {
        "title": "I will write your product descriptions",
        "description": "Clear, persuasive copy in Chinese or English.",
        "category": str(category.pk),
        "currency": "CNY",
        "tier-basic-name": "Starter",
        "tier-basic-price": "200",
        "tier-basic-delivery_days": "3",
        "tier-basic-revisions": "1",
        "tier-basic-features": "5 descriptions\nSEO keywords",
        "tier-standard-price": "400",
        "tier-standard-delivery_days": "5",
        "tier-premium-price": "",
        "extra-TOTAL_FORMS": "2",
        "extra-INITIAL_FORMS": "0",
        "extra-MIN_NUM_FORMS": "0",
        "extra-MAX_NUM_FORMS": "5",
        "extra-0-title": "Express",
        "extra-0-price": "80",
        "extra-0-days_saved": "1",
        "faq-TOTAL_FORMS": "2",
        "faq-INITIAL_FORMS": "0",
        "faq-MIN_NUM_FORMS": "0",
        "faq-MAX_NUM_FORMS": "10",
        "faq-0-question": "Which languages?",
        "faq-0-answer": "Chinese and English.",
    }
    data.update(overrides)
    return data


def state(service):
    """Everything an unauthorised request must leave alone."""
    service.refresh_from_db()
    return (
        service.title,
        service.status,
        sorted(service.tiers.values_list("level", "price")),
        service.status_changes.count(),
        ServiceOrder.objects.count(),
    )


# --- public pages ---------------------------------------------------------------------------


def test_browse_lists_published_services_with_starting_price(client, service):
    published_service(status=Status.DRAFT, title="Secret draft")
    response = client.get("/en/services/")
    assert response.status_code == 200
    html = response.content.decode()
    assert service.title in html
    assert "Starting at ¥300.00" in html
    assert "Secret draft" not in html


def test_browse_filters_and_keeps_them_in_page_links(client):
    design = CategoryFactory()
    for _ in range(14):
        published_service(category=design, price="100")
    published_service(price="100", title="Other category")
    response = client.get(f"/en/services/?category={design.slug}&sort=price")
    html = response.content.decode()
    assert "Other category" not in html
    assert "Services found: 14" in html
    assert f"category={design.slug}&amp;sort=price&amp;page=2" in html


def test_browse_ignores_bad_filter_values(client, service):
    response = client.get("/en/services/?min_price=abc&max_days=-3&sort=evil&page=zzz")
    assert response.status_code == 200
    assert service.title in response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_browse_query_count_is_bounded(client, django_assert_max_num_queries, language):
    for _ in range(24):
        published_service(tiers=3)
    with django_assert_max_num_queries(6):
        response = client.get(f"/{language}/services/")
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()


def test_detail_compares_tiers_and_shows_extras_faq_and_profile_link(client, service):
    ExtraFactory(service=service, title="Express delivery")
    FaqFactory(service=service, question="Do you sign an NDA?")
    response = client.get(f"/en/services/{service.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="tier-card card"') == 3
    assert "¥300.00" in html and "¥500.00" in html and "¥700.00" in html
    assert "Express delivery" in html
    assert "Do you sign an NDA?" in html
    assert f'href="/en/freelancers/{service.owner_id}/"' in html
    assert 'name="tier"' in html


def test_detail_query_count_is_bounded(client, service, django_assert_max_num_queries):
    ExtraFactory.create_batch(3, service=service)
    FaqFactory.create_batch(3, service=service)
    with django_assert_max_num_queries(7):
        response = client.get(f"/zh-hans/services/{service.pk}/")
    assert response.status_code == 200


def test_hidden_service_is_404_for_others(client, freelancer):
    for status in (Status.DRAFT, Status.PAUSED, Status.UNPUBLISHED):
        hidden = published_service(owner=freelancer, status=status)
        assert client.get(f"/en/services/{hidden.pk}/").status_code == 404
        assert signed_in(UserFactory()).get(f"/en/services/{hidden.pk}/").status_code == 404


# --- ordering -------------------------------------------------------------------------------


def test_checkout_shows_quote_and_places_order_once(buyer_client, buyer, service):
    express = ExtraFactory(service=service, price=Decimal("100"), days_saved=2)
    # when the buyer picks the standard tier with the express extra
    quote = buyer_client.get(
        f"/en/services/{service.pk}/order/", {"tier": "standard", "extras": [express.pk]}
    )
    # then the checkout page shows the total and says no money moves yet
    html = quote.content.decode()
    assert "¥600.00" in html
    assert "No money moves yet" in html
    # when they place the order, twice with the same form (double click)
    post = {
        "tier": "standard",
        "extras": [express.pk],
        "expected_total": "600.00",
        "idempotency_key": "form-key-1",
    }
    first = buyer_client.post(f"/en/services/{service.pk}/order/", post)
    second = buyer_client.post(f"/en/services/{service.pk}/order/", post)
    # then one order exists, offered as one contract, and both go to that contract
    order = ServiceOrder.objects.get()
    assert first.url == second.url == f"/en/contracts/{order.contract_id}/"
    assert (order.buyer, order.total) == (buyer, Decimal("600.00"))
    page = buyer_client.get(first.url).content.decode()
    assert "¥600.00" in page
    order_page = buyer_client.get(f"/en/services/orders/{order.pk}/").content.decode()
    assert f"/en/contracts/{order.contract_id}/" in order_page


def test_checkout_needs_sign_in(client, service):
    response = client.get(f"/en/services/{service.pk}/order/", {"tier": "basic"})
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    response = client.post(
        f"/en/services/{service.pk}/order/",
        {"tier": "basic", "expected_total": "300", "idempotency_key": "k"},
    )
    assert response.status_code == 302
    assert not ServiceOrder.objects.exists()


def test_owner_cannot_order_own_service(freelancer_client, service):
    page = freelancer_client.get(f"/en/services/{service.pk}/order/", {"tier": "basic"})
    assert "you cannot order it" in page.content.decode()
    freelancer_client.post(
        f"/en/services/{service.pk}/order/",
        {"tier": "basic", "expected_total": "300", "idempotency_key": "k"},
    )
    assert not ServiceOrder.objects.exists()


def test_changed_price_stops_the_order(buyer_client, service):
    response = buyer_client.post(
        f"/en/services/{service.pk}/order/",
        {"tier": "basic", "expected_total": "250.00", "idempotency_key": "k"},
        follow=True,
    )
    assert "The price changed" in response.content.decode()
    assert not ServiceOrder.objects.exists()


def test_order_page_is_404_for_strangers_and_cancel_leaves_it(buyer, service):
    order = services.service_order_place(
        buyer=buyer, service_id=service.pk, tier_level="basic", extra_ids=[], idempotency_key="k"
    ).order
    stranger = signed_in(UserFactory())
    assert stranger.get(f"/en/services/orders/{order.pk}/").status_code == 404
    assert stranger.post(f"/en/services/orders/{order.pk}/cancel/").status_code == 404
    order.refresh_from_db()
    assert order.status == "placed"
    # the seller sees it and may cancel it
    seller = signed_in(service.owner)
    assert seller.get(f"/en/services/orders/{order.pk}/").status_code == 200
    seller.post(f"/en/services/orders/{order.pk}/cancel/", {"reason": "Fully booked"})
    order.refresh_from_db()
    assert order.status == "cancelled"


# --- owner pages ----------------------------------------------------------------------------


def test_owner_creates_service_with_the_form(freelancer_client, freelancer, category):
    # when the freelancer fills in the editor
    response = freelancer_client.post("/en/services/new/", editor_data(category))
    # then a draft exists with two tiers, an extra and a question
    service = Service.objects.get()
    assert response.status_code == 302
    assert response.url == f"/en/services/{service.pk}/edit/"
    assert (service.owner, service.status) == (freelancer, Status.DRAFT)
    assert [(t.level, t.name, t.price) for t in service.tier_list] == [
        ("basic", "Starter", Decimal("200.00")),
        ("standard", "", Decimal("400.00")),
    ]
    assert service.tier_list[0].features == ["5 descriptions", "SEO keywords"]
    assert service.extras.get().title == "Express"
    assert service.faqs.get().answer == "Chinese and English."


def test_editor_shows_rule_errors_and_saves_nothing(freelancer_client, category):
    # a standard tier cheaper than the basic one
    data = editor_data(category, **{"tier-standard-price": "100"})
    response = freelancer_client.post("/en/services/new/", data)
    assert response.status_code == 200
    assert "cannot cost less" in response.content.decode()
    assert not Service.objects.exists()


def test_editor_requires_price_and_days_for_a_filled_tier(freelancer_client, category):
    data = editor_data(category, **{"tier-premium-name": "VIP"})
    response = freelancer_client.post("/en/services/new/", data)
    assert "Needed for this tier." in response.content.decode()
    assert not Service.objects.exists()


def test_edit_form_is_prefilled_and_saves(freelancer_client, service, category):
    page = freelancer_client.get(f"/en/services/{service.pk}/edit/").content.decode()
    assert f'value="{service.title}"' in page
    data = editor_data(category, title="Renamed service")
    freelancer_client.post(f"/en/services/{service.pk}/edit/", data)
    service.refresh_from_db()
    assert service.title == "Renamed service"


def test_my_services_lists_status_and_moderation_reason(freelancer_client, freelancer, moderator):
    service = published_service(owner=freelancer)
    services.service_unpublish(moderator=moderator, service_id=service.pk, reason="Stock photos")
    html = freelancer_client.get("/en/services/mine/").content.decode()
    assert service.title in html
    assert "Unpublished by a moderator" in html
    assert "Stock photos" in html
    detail = freelancer_client.get(f"/en/services/{service.pk}/").content.decode()
    assert "Stock photos" in detail


def test_owner_publishes_and_pauses_with_post(freelancer_client, freelancer):
    service = ServiceFactory(owner=freelancer)
    TierFactory(service=service)
    assert freelancer_client.get(f"/en/services/{service.pk}/publish/").status_code == 405
    freelancer_client.post(f"/en/services/{service.pk}/publish/")
    service.refresh_from_db()
    assert service.status == Status.PUBLISHED
    freelancer_client.post(f"/en/services/{service.pk}/pause/")
    service.refresh_from_db()
    assert service.status == Status.PAUSED


def test_publishing_incomplete_service_shows_what_is_missing(freelancer_client, freelancer):
    service = ServiceFactory(owner=freelancer, category=None)
    response = freelancer_client.post(f"/en/services/{service.pk}/publish/", follow=True)
    assert "Choose a category." in response.content.decode()
    service.refresh_from_db()
    assert service.status == Status.DRAFT


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/en/services/{pk}/edit/"),
        ("post", "/en/services/{pk}/edit/"),
        ("post", "/en/services/{pk}/publish/"),
        ("post", "/en/services/{pk}/pause/"),
    ],
)
def test_another_user_gets_404_and_nothing_changes(service, category, method, path):
    # given someone else's published service
    before = state(service)
    stranger = signed_in(UserFactory())
    # when a stranger uses its id on an owner page
    data = editor_data(category, title="Hijacked") if method == "post" else None
    response = getattr(stranger, method)(path.format(pk=service.pk), data)
    # then it is not found and nothing changed
    assert response.status_code == 404
    assert state(service) == before


def test_owner_pages_need_sign_in(client, service):
    for path in ("/en/services/mine/", "/en/services/new/", f"/en/services/{service.pk}/edit/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


# --- moderation -----------------------------------------------------------------------------


def test_moderator_unpublishes_with_a_reason(moderator, service):
    client = signed_in(moderator)
    assert client.get("/en/services/moderation/").status_code == 200
    page = client.get(f"/en/services/{service.pk}/moderate/")
    assert page.status_code == 200
    response = client.post(f"/en/services/{service.pk}/moderate/", {"reason": "Misleading"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.status, service.moderation_reason) == (Status.UNPUBLISHED, "Misleading")
    change = service.status_changes.get()
    assert (change.actor, change.reason) == (moderator, "Misleading")


def test_non_moderators_cannot_moderate(service, staff_factory):
    before = state(service)
    for user in (service.owner, UserFactory(), staff_factory("support")):
        client = signed_in(user)
        assert client.get("/en/services/moderation/").status_code == 403
        response = client.post(f"/en/services/{service.pk}/moderate/", {"reason": "x"})
        assert response.status_code == 403
    assert state(service) == before


def test_moderation_page_needs_sign_in(service):
    response = Client().post(f"/en/services/{service.pk}/moderate/", {"reason": "x"})
    assert response.status_code == 302
    assert state(service)[1] == Status.PUBLISHED
