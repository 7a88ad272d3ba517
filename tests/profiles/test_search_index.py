"""Listed freelancers are in the search index (words, then their vector after commit), with
their headline, about text, skills in both languages, city and portfolio titles; a hidden
profile or a closed account is taken out."""

import io

import pytest
from django.core.management import call_command

from jiedan.matching.models import Embedding
from jiedan.profiles import services
from jiedan.profiles.models import SEARCH_KIND
from jiedan.search.models import SearchDocument
from jiedan.search.selectors import hybrid_ranked_ids
from tests.factories import UserFactory

from .helpers import details, item_details

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def _tokens(user) -> str:
    return SearchDocument.objects.get(kind=SEARCH_KIND, object_id=user.pk).tokens


def test_a_listed_profile_is_indexed_with_skills_and_portfolio(
    skills, django_capture_on_commit_callbacks
):
    user = UserFactory()
    skills[0].name_zh, skills[0].name_en = "品牌设计", "Branding"
    skills[0].save()
    with django_capture_on_commit_callbacks(execute=True):
        services.freelancer_profile_update(user=user, details=details())
        services.freelancer_skills_set(user=user, skill_ids=[skills[0].pk])
        services.portfolio_item_create(user=user, details=item_details(title="Bakery packaging"))
    tokens = _tokens(user).split()
    assert {"brand", "branding", "packaging", "杭州"} <= set(tokens)
    assert "品牌" in tokens or "品牌设计" in tokens
    assert Embedding.objects.filter(kind=SEARCH_KIND, object_id=user.pk).exists()
    assert hybrid_ranked_ids(kind=SEARCH_KIND, query="packaging") == [user.pk]


def test_hiding_the_profile_or_closing_the_account_takes_it_out(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.freelancer_profile_update(user=user, details=details())
    assert SearchDocument.objects.filter(kind=SEARCH_KIND, object_id=user.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.freelancer_profile_update(user=user, details=details(visibility="hidden"))
    assert not SearchDocument.objects.filter(kind=SEARCH_KIND, object_id=user.pk).exists()
    assert not Embedding.objects.filter(kind=SEARCH_KIND, object_id=user.pk).exists()
    # a closed account is left out by a rebuild
    with django_capture_on_commit_callbacks(execute=True):
        services.freelancer_profile_update(user=user, details=details())
    user.is_active = False
    user.save()
    call_command("search_rebuild", stdout=io.StringIO())
    assert not SearchDocument.objects.filter(kind=SEARCH_KIND, object_id=user.pk).exists()
