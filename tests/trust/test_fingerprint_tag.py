"""Signed-in pages carry the fingerprint script once per session, when it is switched on."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("enabled", [True, False])
def test_the_script_follows_the_setting(settings, enabled):
    settings.JIEDAN_TRUST_FINGERPRINT = enabled
    browser = Client()
    browser.force_login(UserFactory())
    with translation.override("en"):
        page = browser.get(reverse("web:dashboard")).content.decode()
    assert ("trust/fingerprint" in page) is enabled
