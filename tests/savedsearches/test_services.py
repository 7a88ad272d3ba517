"""Saving, changing and deleting searches: the rules, and that bad input changes nothing."""

import pytest

from jiedan.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from jiedan.projects.selectors import project_filters
from jiedan.savedsearches import services
from jiedan.savedsearches.models import MAX_SAVED_SEARCHES, SavedSearch
from tests.factories import UserFactory
from tests.projects.factories import CategoryFactory

from .helpers import save

pytestmark = pytest.mark.django_db


def test_a_search_is_saved_with_its_criteria_and_named_after_its_words(user):
    search = save(user, query="企业网站", work_mode="remote", sort="newest", posted_within="7d")
    assert search.name == "企业网站"
    assert search.criteria == {"q": "企业网站", "work_mode": "remote"}
    assert (search.work_mode, search.category_slug, search.budget_type) == ("remote", "", "")
    assert search.email_alerts == "daily"


def test_without_words_the_name_is_the_categorys():
    category = CategoryFactory(name_zh="平面设计", name_en="Graphic design")
    search = save(UserFactory(language="en"), category=category.slug)
    assert search.name in ("平面设计", "Graphic design")
    assert search.category_slug == category.slug


def test_a_search_without_any_criterion_is_refused(user):
    with pytest.raises(InvalidInput) as error:
        save(user, sort="newest", posted_within="24h")
    assert error.value.code == "saved_search_empty"
    assert not SavedSearch.objects.exists()


def test_the_same_criteria_cannot_be_saved_twice_even_written_differently(user):
    save(user, query="logo", near="杭州")
    with pytest.raises(Conflict) as error:
        save(user, query=" logo ", near="Hangzhou", name="again")
    assert error.value.code == "saved_search_exists"
    assert SavedSearch.objects.count() == 1
    save(UserFactory(), query="logo", near="杭州")  # someone else may


def test_at_most_twenty_searches_each(user):
    for number in range(MAX_SAVED_SEARCHES):
        save(user, query=f"word{number}")
    with pytest.raises(Conflict) as error:
        save(user, query="one too many")
    assert error.value.code == "saved_search_limit"
    assert SavedSearch.objects.filter(owner=user).count() == MAX_SAVED_SEARCHES


@pytest.mark.parametrize(
    "name, email_alerts, code",
    [("x" * 81, "daily", "name_too_long"), ("ok", "hourly", "bad_email_alerts")],
)
def test_bad_name_or_e_mail_choice_is_refused(user, name, email_alerts, code):
    with pytest.raises(InvalidInput) as error:
        save(user, query="logo", name=name, email_alerts=email_alerts)
    assert error.value.code == code
    assert not SavedSearch.objects.exists()


def test_anonymous_cannot_save():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        services.saved_search_create(owner=AnonymousUser(), filters=project_filters(query="x"))


def test_owner_renames_and_changes_e_mail(user):
    search = save(user, query="logo")
    services.saved_search_update(
        owner=user, saved_search_id=search.pk, name="  标志设计  ", email_alerts="instant"
    )
    search.refresh_from_db()
    assert (search.name, search.email_alerts) == ("标志设计", "instant")
    services.saved_search_update(owner=user, saved_search_id=search.pk, name="")
    search.refresh_from_db()
    assert search.name == "logo"  # an empty name falls back to the words
    assert search.email_alerts == "instant"


def test_someone_else_cannot_change_or_delete_a_search(user, other_user):
    search = save(user, query="logo", name="mine")
    with pytest.raises(NotFound):
        services.saved_search_update(owner=other_user, saved_search_id=search.pk, name="theirs")
    with pytest.raises(NotFound):
        services.saved_search_delete(owner=other_user, saved_search_id=search.pk)
    search.refresh_from_db()
    assert search.name == "mine"


def test_delete_removes_the_search(user):
    search = save(user, query="logo")
    services.saved_search_delete(owner=user, saved_search_id=search.pk)
    assert not SavedSearch.objects.exists()
