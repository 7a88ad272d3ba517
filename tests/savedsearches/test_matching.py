"""One project checked against filters gives the same answer as the project list: the rule
that decides alerts is the rule of the search results."""

from decimal import Decimal

import pytest
from django.utils import timezone

from jiedan.projects import services
from jiedan.projects.selectors import (
    criteria_filters,
    filters_criteria,
    project_facts,
    project_filters,
    project_list,
    project_matches,
    project_matches_text,
)
from tests.projects.factories import CategoryFactory, ProjectFactory, SkillFactory, open_project
from tests.projects.test_browse_filters import local_project, rated, verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def market():
    """A dozen open projects that differ in every filtered property."""
    design, writing = CategoryFactory(slug="alert-design"), CategoryFactory(slug="alert-writing")
    logo, copy = SkillFactory(slug="alert-logo", category=design), SkillFactory(slug="alert-copy")
    projects = [
        open_project(title="企业网站设计 company website", category=design),
        open_project(title="Logo for a tea shop 茶叶店标志", category=design, budget_type="hourly"),
        open_project(
            title="翻译产品手册",
            category=writing,
            currency="USD",
            budget_min=Decimal("50"),
            budget_max=Decimal("90"),
        ),
        open_project(title="Blog posts", category=writing, budget_max=Decimal("9000")),
        local_project("杭州", 20, title="杭州现场摄影", category=design),
        local_project("北京", 0, title="Beijing event staff", category=writing),
        local_project("上海", 100, title="上海 shop fitting", budget_type="hourly"),
        open_project(title="No budget yet", budget_min=None, budget_max=None, category=None),
    ]
    projects[1].skills.set([logo])
    projects[3].skills.set([copy, logo])
    verified(projects[0].client)
    verified(projects[4].client)
    rated(projects[0].client, "4.80")
    rated(projects[2].client, "3.10")
    rated(projects[5].client, "4.20")
    for project in projects:
        services.project_search_sync(project_id=project.pk)
    return projects


ASKED = [
    {},
    {"query": "网站"},
    {"query": "logo"},
    {"query": "杭州 摄影"},
    {"query": "nothing-like-this"},
    {"category": "alert-design"},
    {"category": "alert-writing", "budget_type": "fixed"},
    {"skills": ["alert-logo"]},
    {"skills": ["alert-copy", "alert-logo"], "category": "alert-writing"},
    {"budget_type": "hourly"},
    {"currency": "CNY", "budget_min": "1500"},
    {"currency": "CNY", "budget_max": "1000"},
    {"currency": "USD"},
    {"currency": "CNY", "budget_min": "2500", "budget_max": "3000"},
    {"work_mode": "remote"},
    {"work_mode": "local"},
    {"near": "杭州"},
    {"near": "上海", "distance_km": 100},
    {"near": "天津", "distance_km": 150},
    {"client_verified": True},
    {"client_rating_min": "4"},
    {"client_rating_min": "0"},
    {"client_verified": True, "client_rating_min": "4.5", "query": "website"},
    {"posted_within": "24h"},
]


@pytest.mark.parametrize("asked", ASKED, ids=[str(index) for index in range(len(ASKED))])
def test_a_project_matches_exactly_when_the_list_shows_it(market, asked):
    now = timezone.now()
    filters = project_filters(**asked)
    listed = set(project_list(filters=filters, now=now).values_list("pk", flat=True))
    matched = set()
    for project in market:
        text = bool(filters.query) and project_matches_text(
            project_id=project.pk, query=filters.query
        )
        facts = project_facts(project_id=project.pk)
        if project_matches(filters=filters, facts=facts, now=now, text_matches=text):
            matched.add(project.pk)
    assert matched == listed


def test_only_open_public_projects_have_facts():
    draft = ProjectFactory()
    invite_only = open_project(visibility="invite_only")
    closed = open_project(status="closed")
    listed = open_project()
    assert project_facts(project_id=draft.pk) is None
    assert project_facts(project_id=invite_only.pk) is None
    assert project_facts(project_id=closed.pk) is None
    assert project_facts(project_id=listed.pk).project_id == listed.pk


def test_criteria_are_canonical_and_read_back_to_the_same_filters():
    asked = {
        "query": " 网站 ",
        "skills": ["web", "logo", "web"],
        "currency": "CNY",
        "budget_min": "1000",
        "near": "Hangzhou",
        "distance_km": 50,
        "client_verified": True,
        "sort": "newest",
        "posted_within": "7d",
    }
    criteria = filters_criteria(project_filters(**asked))
    assert criteria == {
        "q": "网站",
        "skills": ["logo", "web"],
        "currency": "CNY",
        "budget_min": "1000.00",
        "near": "杭州",
        "distance_km": 50,
        "client_verified": True,
    }
    assert filters_criteria(criteria_filters(criteria)) == criteria
    # the same search asked another way gives the same criteria
    again = {**asked, "near": "杭州市", "skills": ["logo", "web"], "budget_min": "1000.00"}
    assert filters_criteria(project_filters(**again)) == criteria


@pytest.mark.parametrize("words, matches", [("标志", True), ("tea shop", True), ("网站", False)])
def test_text_match_asks_the_index_for_one_project(market, words, matches):
    logo = market[1]
    assert project_matches_text(project_id=logo.pk, query=words) is matches
