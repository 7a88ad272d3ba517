"""Find freelancers: level and rating on each result, filters by minimum rating and level, best
rated first; one joined snapshot per row, so a page costs a fixed number of queries."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from jiedan.profiles import services as profiles
from jiedan.profiles.models import FreelancerProfile
from jiedan.reputation.models import FreelancerReputation
from jiedan.reputation.services import reputation_refresh
from jiedan.taxonomy.models import Skill
from tests.factories import UserFactory
from tests.profiles.helpers import details

from .factories import completed_contract, review_of_freelancer

pytestmark = pytest.mark.django_db


def freelancer(name, *, level="new", rating=None, count=0, headline="", visibility="public"):
    """A public profile with a reputation snapshot as the job would have stored it."""
    user = UserFactory(display_name=name)
    profile = FreelancerProfile.objects.create(user=user, headline=headline, visibility=visibility)
    FreelancerReputation.objects.create(
        user=user, level=level, rating=rating, rating_count=count, computed_at=timezone.now()
    )
    return profile


@pytest.fixture
def market():
    return {
        "top": freelancer("Top Tang", level="top_rated", rating=Decimal("4.90"), count=12),
        "rising": freelancer("Rising Ren", level="rising", rating=Decimal("4.60"), count=4),
        "low": freelancer("Low Lu", rating=Decimal("3.20"), count=2),
        "unrated": freelancer("New Niu"),
    }


def _search(language="en", **params):
    with translation.override(language):
        return Client().get(reverse("profiles:freelancer_browse"), params)


def _names(response) -> list[str]:
    return [profile.user.display_name for profile in response.context["page"].object_list]


def test_results_show_level_and_rating_best_rated_first(market, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = _search()
    page = response.content.decode()
    assert response.status_code == 200
    assert _names(response) == ["Top Tang", "Rising Ren", "Low Lu", "New Niu"]
    assert 'data-level="top_rated"' in page and "Top rated" in page
    assert "★ 4.90 (12 ratings)" in page and "★ 4.60 (4 ratings)" in page


def test_queries_do_not_grow_with_the_results(market, django_assert_max_num_queries):
    for n in range(15):
        freelancer(f"Extra {n}", rating=Decimal("4.00"), count=1)
    with django_assert_max_num_queries(8):
        assert len(_names(_search())) == 19


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"rating_min": "4.5"}, ["Top Tang", "Rising Ren"]),
        ({"rating_min": "3"}, ["Top Tang", "Rising Ren", "Low Lu"]),
        ({"level": "rising"}, ["Top Tang", "Rising Ren"]),
        ({"level": "top_rated"}, ["Top Tang"]),
        ({"rating_min": "9"}, ["Top Tang", "Rising Ren", "Low Lu", "New Niu"]),  # ignored
        ({"sort": "newest"}, ["New Niu", "Low Lu", "Rising Ren", "Top Tang"]),
    ],
)
def test_filters_and_sort(market, params, expected):
    assert _names(_search(**params)) == expected


def test_hidden_profiles_are_not_found(market):
    freelancer("Hidden Hu", level="top_rated", rating=Decimal("5.00"), count=3, visibility="hidden")
    assert "Hidden Hu" not in _names(_search())


def test_a_need_in_words_finds_profiles_best_match_first(
    market, django_capture_on_commit_callbacks, eager_tasks
):
    # given two profiles in the search index: a logo designer and a translator
    logo, translator = UserFactory(display_name="Logo Li"), UserFactory(display_name="Yi Yang")
    with django_capture_on_commit_callbacks(execute=True):
        for user, headline, skill in (
            (logo, "Logo design for tea shops", "logo-design"),
            (translator, "Contract translation, Chinese and English", "legal-translation"),
        ):
            profiles.freelancer_profile_update(
                user=user, details=details(headline=headline, bio=headline)
            )
            profiles.freelancer_skills_set(user=user, skill_ids=[Skill.objects.get(slug=skill).pk])
    reputation_refresh(user_ids=[logo.pk, translator.pk])
    # then a need in either language finds the logo designer, with their level
    for query in ("logo design", "想做个标志设计"):
        response = _search(q=query)
        assert _names(response)[0] == "Logo Li"
        assert "Yi Yang" not in _names(response)
    assert 'data-level="new"' in _search(q="logo").content.decode()
    # and the reputation filters still apply to the matches
    assert _names(_search(q="logo design", rating_min="1")) == []


def test_figures_come_from_the_job():
    # given a freelancer whose snapshot the job computed from real work
    user = UserFactory(display_name="Real Ruan")
    FreelancerProfile.objects.create(user=user)
    for rating in (5, 4, 5):
        review_of_freelancer(completed_contract(freelancer=user), rating)
    reputation_refresh(user_ids=[user.pk])
    # then the search shows its level and rating
    page = _search(level="rising").content.decode()
    assert "Real Ruan" in page and "★ 4.67 (3 ratings)" in page


def test_chinese_page(market):
    response = _search("zh-hans")
    assert response.status_code == 200
    assert response.request["PATH_INFO"].startswith("/zh-hans/freelancers/")
    assert len(_names(response)) == 4


def test_api_lists_with_the_same_filters(market):
    response = Client().get("/api/v1/profiles/freelancers", {"level": "rising"})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 2
    assert [(r["name"], r["level"], r["rating"]) for r in body["results"]] == [
        ("Top Tang", "top_rated", "4.90"),
        ("Rising Ren", "rising", "4.60"),
    ]


def test_api_refuses_a_rating_out_of_range(market):
    response = Client().get("/api/v1/profiles/freelancers", {"rating_min": "6"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
