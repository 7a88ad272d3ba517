"""Public pages for visitors who are not signed in come from the cache: no query when kept,
the visitor's own CSRF token filled in, never for signed-in people, one entry per language,
query and htmx part, dropped at once when someone leaves public view."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiedan.privacy.services import privacy_settings_update
from jiedan.privacy.services.choices import PrivacyChoices
from jiedan.profiles.models import FreelancerProfile, Visibility
from jiedan.projects.services import project_search_sync
from tests.factories import UserFactory
from tests.projects.factories import open_project

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _pages_kept(settings):
    settings.JIEDAN_PUBLIC_PAGE_SECONDS = 30


def url(name: str, *args, language="en") -> str:
    with translation.override(language):
        return reverse(name, args=args)


def test_a_kept_page_costs_no_query_and_carries_each_visitors_own_token(
    django_assert_num_queries,
):
    # given a project page a first visitor opened
    project = open_project(title="Logo for a tea shop")
    page = url("projects:detail", project.pk)
    first = Client(enforce_csrf_checks=True).get(page)
    assert first.status_code == 200 and "Logo for a tea shop" in first.content.decode()
    # when a second visitor opens it
    visitor = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        second = visitor.get(page)
    # then they get the same page, with a token of their own that their cookie accepts
    body = second.content.decode()
    assert "Logo for a tea shop" in body
    token = TOKEN.search(body).group(1)
    assert token != TOKEN.search(first.content.decode()).group(1)
    switched = visitor.post(
        url("set_language"), {"language": "zh-hans", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302


def test_signed_in_people_always_get_a_page_made_for_them():
    project = open_project()
    page = url("projects:detail", project.pk)
    Client().get(page)
    member = Client()
    member.force_login(UserFactory())
    response = member.get(page)
    assert "Sign out" in response.content.decode()


def test_languages_and_queries_are_kept_apart(django_capture_on_commit_callbacks):
    project = open_project(title="Website for a bakery")
    with django_capture_on_commit_callbacks(execute=True):
        project_search_sync(project_id=project.pk)
    english = Client().get(url("projects:browse") + "?q=bakery").content.decode()
    chinese = Client().get(url("projects:browse", language="zh-hans") + "?q=bakery")
    other = Client().get(url("projects:browse") + "?q=nothing-like-it").content.decode()
    assert '<html lang="zh-hans"' in chinese.content.decode() and '<html lang="en"' in english
    assert "Website for a bakery" in english and "Website for a bakery" not in other


def test_hiding_a_profile_takes_it_out_of_the_kept_pages_at_once(
    django_capture_on_commit_callbacks,
):
    # given a public profile a visitor has seen
    profile = FreelancerProfile.objects.create(user=UserFactory(), visibility=Visibility.PUBLIC)
    page = url("profiles:freelancer_detail", profile.user_id)
    assert Client().get(page).status_code == 200
    # when its owner hides it
    with django_capture_on_commit_callbacks(execute=True):
        privacy_settings_update(
            user=profile.user, choices=PrivacyChoices(visibility=Visibility.HIDDEN)
        )
    # then the next visitor does not see it
    assert Client().get(page).status_code == 404


def test_a_page_visitors_may_not_see_is_never_kept():
    # given a profile only members may see, which a visitor was refused
    hidden = FreelancerProfile.objects.create(user=UserFactory(), visibility=Visibility.SIGNED_IN)
    page = url("profiles:freelancer_detail", hidden.user_id)
    assert Client().get(page).status_code == 404
    # when it becomes public, the next visitor sees it (the refusal was not kept)
    FreelancerProfile.objects.filter(pk=hidden.pk).update(visibility=Visibility.PUBLIC)
    assert Client().get(page).status_code == 200
