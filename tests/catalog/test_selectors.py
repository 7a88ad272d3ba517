"""Catalogue reads: what the public sees, filters on the basic tier, sorting and pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from jiedan.catalog import selectors
from jiedan.catalog.models import Status
from jiedan.catalog.selectors import ServiceFilters, Sort
from jiedan.core.errors import NotFound
from tests.factories import UserFactory

from .factories import CategoryFactory, published_service

pytestmark = pytest.mark.django_db


def ids(queryset):
    return [service.pk for service in queryset]


def test_only_published_services_of_active_accounts_are_listed():
    shown = published_service()
    for status in (Status.DRAFT, Status.PAUSED, Status.UNPUBLISHED):
        published_service(status=status)
    published_service(owner=UserFactory(is_active=False))
    assert ids(selectors.service_search(filters=ServiceFilters())) == [shown.pk]


def test_filters_on_category_price_currency_and_delivery():
    # given services in two categories, at several prices and speeds
    design, writing = CategoryFactory(), CategoryFactory()
    cheap = published_service(category=design, price="100", days=2)
    middle = published_service(category=design, price="500", days=7, tiers=3)
    dear = published_service(category=writing, price="2000", days=14)
    dollars = published_service(category=writing, price="80", days=3, currency="USD")

    def search(**kwargs):
        return set(ids(selectors.service_search(filters=ServiceFilters(**kwargs))))

    # then each filter narrows the list (prices and days are the basic tier's)
    assert search(category=design.slug) == {cheap.pk, middle.pk}
    assert search(min_price=Decimal("100"), max_price=Decimal("500")) == {cheap.pk, middle.pk}
    assert search(max_price=Decimal("600"), currency="CNY") == {cheap.pk, middle.pk}
    assert search(currency="USD") == {dollars.pk}
    assert search(max_days=3) == {cheap.pk, dollars.pk}
    assert search(category=writing.slug, min_price=Decimal("1000")) == {dear.pk}
    assert search(category="no-such-category") == set()


def test_sorting():
    now = timezone.now()
    older = published_service(price="500", days=2, published_at=now - timedelta(days=2))
    newer = published_service(price="100", days=9, published_at=now)
    middle = published_service(price="300", days=5, published_at=now - timedelta(days=1))

    def order(sort):
        return ids(selectors.service_search(filters=ServiceFilters(sort=sort)))

    assert order(Sort.NEWEST) == [newer.pk, middle.pk, older.pk]
    assert order(Sort.PRICE) == [newer.pk, middle.pk, older.pk]
    assert order(Sort.FASTEST) == [older.pk, middle.pk, newer.pk]
    assert order("nonsense") == order(Sort.NEWEST)


def test_starting_price_is_the_basic_tier_price():
    published_service(price="250", tiers=3)
    found = selectors.service_search(filters=ServiceFilters()).get()
    assert (found.starting_price, found.basic_delivery_days) == (Decimal("250.00"), 5)


def test_pagination():
    for _ in range(5):
        published_service()
    first = selectors.service_page(filters=ServiceFilters(), page=1, per_page=2)
    last = selectors.service_page(filters=ServiceFilters(), page=99, per_page=2)
    assert (first.paginator.count, first.paginator.num_pages, len(first)) == (5, 3, 2)
    assert (last.number, len(last)) == (3, 1)


def test_hidden_service_is_visible_only_to_owner_and_moderators(freelancer, moderator):
    paused = published_service(owner=freelancer, status=Status.PAUSED)
    draft = published_service(owner=freelancer, status=Status.DRAFT)
    # the owner sees both
    assert selectors.service_for_viewer(service_id=paused.pk, viewer=freelancer) == paused
    assert selectors.service_for_viewer(service_id=draft.pk, viewer=freelancer) == draft
    # a moderator sees the paused one, never a draft
    assert selectors.service_for_viewer(service_id=paused.pk, viewer=moderator) == paused
    with pytest.raises(NotFound):
        selectors.service_for_viewer(service_id=draft.pk, viewer=moderator)
    # anyone else sees neither
    for service in (paused, draft):
        with pytest.raises(NotFound):
            selectors.service_for_viewer(service_id=service.pk, viewer=UserFactory())
        with pytest.raises(NotFound):
            selectors.service_public_detail(service_id=service.pk)


def test_missing_for_publish_lists_each_gap(freelancer):
    service = published_service(owner=freelancer, status=Status.DRAFT, tiers=0, description="")
    service.category = None
    with translation.override("en"):
        missing = [str(m) for m in selectors.service_missing_for_publish(service=service)]
    assert missing == [
        "Add a description.",
        "Choose a category.",
        "Add a basic tier with a price and a delivery time.",
    ]
