"""The demo data fills the site in both languages, and loading it twice adds nothing."""

import pytest
from django.core.management import call_command
from django.test import Client

from jiedan.catalog.models import Service, ServiceTier, Status
from jiedan.profiles.models import ClientProfile, FreelancerProfile, ProfileSkill

pytestmark = pytest.mark.django_db


def _counts():
    return [
        model.objects.count()
        for model in (FreelancerProfile, ProfileSkill, ClientProfile, Service, ServiceTier)
    ]


def test_demo_has_profiles_and_published_three_tier_services(capsys):
    # when the demo data is loaded twice
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    # then it is there once
    assert _counts() == first
    assert Service.objects.filter(status=Status.PUBLISHED).count() == 3
    assert all(service.tiers.count() == 3 for service in Service.objects.all())
    assert FreelancerProfile.objects.exclude(headline="").count() == 3
    assert ProfileSkill.objects.count() >= 8
    assert ClientProfile.objects.count() == 2
    # and the browse page shows the services in Chinese and English
    page = Client().get("/zh-hans/services/").content.decode()
    assert "原创 Logo 设计" in page and "Translate your website" in page
