"""Fixtures for the security tests: staff enrolled in two-factor authentication (the back
office requires it here, as in production) and signed-in clients."""

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from tests.factories import StaffFactory


@pytest.fixture(autouse=True)
def _staff_mfa_required(settings):
    settings.JIEDAN_STAFF_MFA_REQUIRED = True


def enrolled(user):
    """``user`` with an authenticator app turned on."""
    TOTP.activate(user, pyotp.random_base32())
    return user


def staff(*roles: str):
    return enrolled(StaffFactory(roles=list(roles)))


def browser(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client
