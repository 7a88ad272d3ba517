"""Third-party sign-in (GitHub, Google, WeChat) is switched on by configuration alone."""

import json
import os
import subprocess
import sys

import pytest

LOGIN = "/en/accounts/login/"


def _providers_from_environment(**env) -> dict:
    """The SOCIALACCOUNT_PROVIDERS that the settings build from these environment variables."""
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.endswith(("_CLIENT_ID", "_SECRET"))}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env={**clean, "DJANGO_SETTINGS_MODULE": "jiedan.config.settings.test", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_no_provider_without_keys():
    assert _providers_from_environment() == {}


def test_each_key_pair_switches_on_its_provider():
    # when GitHub and WeChat keys are given
    providers = _providers_from_environment(
        GITHUB_CLIENT_ID="gh-id",
        GITHUB_SECRET="gh-secret",
        WEIXIN_CLIENT_ID="wx-id",
        WEIXIN_SECRET="wx",
    )
    # then exactly those providers are configured with their keys
    assert set(providers) == {"github", "weixin"}
    assert providers["github"]["APPS"] == [{"client_id": "gh-id", "secret": "gh-secret"}]


@pytest.mark.django_db
def test_login_page_offers_only_configured_providers(client, settings):
    # given only GitHub configured
    settings.SOCIALACCOUNT_PROVIDERS = {"github": {"APPS": [{"client_id": "x", "secret": "y"}]}}
    # when the login page is shown
    page = client.get(LOGIN).content.decode()
    # then it offers GitHub and not the others
    assert "/en/accounts/github/login/" in page
    assert "/accounts/google/login/" not in page
    assert "/accounts/weixin/login/" not in page


@pytest.mark.django_db
def test_login_page_offers_no_provider_by_default(client):
    page = client.get(LOGIN).content.decode()
    assert "/accounts/github/login/" not in page
