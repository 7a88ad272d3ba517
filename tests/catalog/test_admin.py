"""Back office: moderators can look at services (read-only); orders are never edited."""

import pytest

from jiedan.catalog.models import ServiceOrder
from jiedan.catalog.services import service_order_place
from tests.factories import UserFactory

from .conftest import signed_in

pytestmark = pytest.mark.django_db


def test_moderator_sees_services_read_only(moderator, service):
    client = signed_in(moderator)
    listing = client.get("/admin/catalog/service/?status__exact=published")
    assert listing.status_code == 200
    assert service.title in listing.content.decode()
    page = client.get(f"/admin/catalog/service/{service.pk}/change/")
    assert page.status_code == 200
    assert f"/services/{service.pk}/moderate/" in page.content.decode()
    response = client.post(f"/admin/catalog/service/{service.pk}/change/", {"title": "Edited"})
    assert response.status_code == 403
    service.refresh_from_db()
    assert service.title != "Edited"


def test_support_cannot_see_services(staff_factory, service):
    client = signed_in(staff_factory("support"))
    assert client.get("/admin/catalog/service/").status_code == 403


def test_orders_are_read_only_even_for_superusers(buyer, service):
    order = service_order_place(
        buyer=buyer, service_id=service.pk, tier_level="basic", extra_ids=[], idempotency_key="k"
    ).order
    admin = signed_in(UserFactory(is_staff=True, is_superuser=True))
    assert admin.get(f"/admin/catalog/serviceorder/{order.pk}/change/").status_code == 200
    admin.post(f"/admin/catalog/serviceorder/{order.pk}/delete/", {"post": "yes"})
    assert admin.get("/admin/catalog/serviceorder/add/").status_code == 403
    assert ServiceOrder.objects.filter(pk=order.pk).exists()
