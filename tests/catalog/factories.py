"""Factories for the catalogue: categories and skills of our own, services with tiers."""

from decimal import Decimal

import factory
from django.utils import timezone

from jiedan.catalog.models import (
    Level,
    Service,
    ServiceExtra,
    ServiceFaq,
    ServiceTier,
    Status,
)
from jiedan.taxonomy.models import Category, Skill
from tests.factories import UserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"test-category-{n}")
    name_zh = factory.Sequence(lambda n: f"测试类别{n}")
    name_en = factory.Sequence(lambda n: f"Test category {n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    slug = factory.Sequence(lambda n: f"test-skill-{n}")
    category = factory.SubFactory(CategoryFactory)
    name_zh = factory.Sequence(lambda n: f"测试技能{n}")
    name_en = factory.Sequence(lambda n: f"Test skill {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    """A draft with a title, description and category but no tiers (add ``TierFactory``)."""

    class Meta:
        model = Service

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"I will design logo number {n}")
    description = "A clean, modern logo with source files."
    category = factory.SubFactory(CategoryFactory)
    currency = "CNY"
    status = Status.DRAFT


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceTier

    service = factory.SubFactory(ServiceFactory)
    level = Level.BASIC
    name = ""
    summary = "One concept"
    price = Decimal("300.00")
    delivery_days = 5
    revisions = 1
    features = factory.LazyFunction(lambda: ["Logo file", "Source file"])


class ExtraFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceExtra

    service = factory.SubFactory(ServiceFactory)
    title = "Express delivery"
    price = Decimal("100.00")
    days_saved = 2
    extra_revisions = 0


class FaqFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceFaq

    service = factory.SubFactory(ServiceFactory)
    question = "Do you provide vector files?"
    answer = "Yes, SVG and AI."


def published_service(*, owner=None, price="300.00", days=5, category=None, tiers=1, **kwargs):
    """A published service with ``tiers`` tiers (basic first), prices rising by 200 each."""
    values = {"status": Status.PUBLISHED, "published_at": timezone.now(), **kwargs}
    if owner is not None:
        values["owner"] = owner
    if category is not None:
        values["category"] = category
    service = ServiceFactory(**values)
    for index, level in enumerate([Level.BASIC, Level.STANDARD, Level.PREMIUM][:tiers]):
        TierFactory(
            service=service,
            level=level,
            price=Decimal(price) + 200 * index,
            delivery_days=days + index,
            revisions=1 + index,
        )
    return service
