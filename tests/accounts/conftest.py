"""Fixtures for the accounts tests: API clients, tokens and signed-in browsers."""

import pytest
from django.test import Client

from jiedan.accounts import services


@pytest.fixture
def issue_token(db):
    """Issue a token through the service, as the web page and the API do."""

    def issue(user, scopes=("read",), name="test token", expires_in_days=None):
        return services.access_token_create(
            user=user, name=name, scopes=list(scopes), expires_in_days=expires_in_days
        )

    return issue


@pytest.fixture
def read_token(user, issue_token):
    return issue_token(user, scopes=["read"], name="read only")


@pytest.fixture
def write_token(user, issue_token):
    return issue_token(user, scopes=["read", "write"], name="read and write")


@pytest.fixture
def session_client(user):
    """A browser signed in as ``user`` (CSRF not enforced, like Django's default test client)."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def csrf_client(user):
    """A browser signed in as ``user`` that enforces CSRF, with its CSRF token at hand."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get("/en/account/tokens/")
    assert response.status_code == 200
    client.csrf_token = client.cookies["csrftoken"].value
    return client
