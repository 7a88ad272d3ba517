"""The sitemap lists what anyone may see: published services and public profiles, no more."""

import pytest
from django.test import Client

from jiedan.catalog.models import Status
from jiedan.profiles.models import FreelancerProfile, Visibility
from tests.catalog.factories import ServiceFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sitemap_lists_published_services_and_public_profiles_only(django_assert_max_num_queries):
    # given services and profiles in every state
    published = ServiceFactory(status=Status.PUBLISHED)
    draft = ServiceFactory(status=Status.DRAFT)
    public = FreelancerProfile.objects.create(user=UserFactory(), visibility=Visibility.PUBLIC)
    members_only = FreelancerProfile.objects.create(
        user=UserFactory(), visibility=Visibility.SIGNED_IN
    )
    hidden = FreelancerProfile.objects.create(user=UserFactory(), visibility=Visibility.HIDDEN)
    # when a crawler reads the sitemap
    with django_assert_max_num_queries(6):
        body = Client().get("/sitemap.xml").content.decode()
    # then only what anyone may see is listed, in both languages
    assert f"/en/services/{published.pk}/" in body
    assert f"/zh-hans/services/{published.pk}/" in body
    assert f"/services/{draft.pk}/" not in body
    assert f"/en/freelancers/{public.user_id}/" in body
    assert f"/freelancers/{members_only.user_id}/" not in body
    assert f"/freelancers/{hidden.user_id}/" not in body
