"""Factories for projects; categories and skills come from the catalogue's factories."""

from decimal import Decimal

import factory
from django.utils import timezone

from jiedan.projects.models import PUBLISH_PERIOD, Project, Status
from tests.catalog.factories import CategoryFactory, SkillFactory  # noqa: F401
from tests.factories import UserFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    """A complete draft: ready to publish."""

    class Meta:
        model = Project

    client = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Build a bilingual landing page {n}")
    description = "We need a responsive landing page with 3 pages and a contact form included."
    category = factory.SubFactory(CategoryFactory)
    budget_type = "fixed"
    budget_min = Decimal("1000.00")
    budget_max = Decimal("2000.00")
    currency = "CNY"
    status = Status.DRAFT


def open_project(**kwargs) -> Project:
    now = timezone.now()
    values = {"status": Status.OPEN, "published_at": now, "expires_at": now + PUBLISH_PERIOD}
    return ProjectFactory(**{**values, **kwargs})
