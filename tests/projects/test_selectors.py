"""Clarity warnings and what is missing before publishing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jiedan.projects.models import Status
from jiedan.projects.selectors import project_clarity

from .factories import CategoryFactory, ProjectFactory, open_project

pytestmark = pytest.mark.django_db


def codes(project) -> set[str]:
    return {warning.code for warning in project_clarity(project)}


def similar(category, count, midpoint="1500", **kwargs):
    for _ in range(count):
        open_project(
            category=category,
            budget_min=Decimal(midpoint) - 100,
            budget_max=Decimal(midpoint) + 100,
            **kwargs,
        )


def test_clear_project_has_no_warnings():
    project = ProjectFactory(deadline=timezone.localdate() + timedelta(days=10))
    assert project_clarity(project) == []


@pytest.mark.parametrize(
    "description",
    [
        "我们需要一个官网，包括首页和关于我们页面。",
        "Please deliver a short explainer video for our product launch.",
        "Write the user documentation for our API.",
    ],
)
def test_deliverable_words_in_either_language(description):
    project = ProjectFactory(description=description, deadline=timezone.localdate())
    assert "no_deliverables" not in codes(project)


def test_warns_when_no_deliverables_and_no_deadline():
    project = ProjectFactory(title="Help", description="Something cool for us, quickly, thanks.")
    assert codes(project) == {"no_deliverables", "no_deadline"}
    assert all(str(warning.message) for warning in project_clarity(project))


def test_budget_far_below_or_above_similar_projects():
    category = CategoryFactory()
    similar(category, 4, midpoint="3000")
    similar(category, 1, midpoint="3000", status=Status.AWARDED)
    cheap = ProjectFactory(category=category, budget_min=Decimal("100"), budget_max=Decimal("200"))
    dear = ProjectFactory(category=category, budget_min=Decimal("9500"), budget_max=Decimal("9700"))
    fair = ProjectFactory(category=category, budget_min=Decimal("2000"), budget_max=Decimal("4000"))
    assert "budget_low" in codes(cheap)
    assert "budget_high" in codes(dear)
    assert not codes(fair) & {"budget_low", "budget_high"}


def test_budget_not_compared_with_fewer_than_five_or_other_kinds():
    category = CategoryFactory()
    similar(category, 4, midpoint="3000")
    similar(category, 3, midpoint="3000", budget_type="hourly")
    similar(category, 3, midpoint="3000", currency="USD")
    similar(category, 3, midpoint="3000", status=Status.CLOSED)
    similar(CategoryFactory(), 5, midpoint="3000")
    cheap = ProjectFactory(category=category, budget_min=Decimal("100"), budget_max=Decimal("200"))
    assert not codes(cheap) & {"budget_low", "budget_high"}
