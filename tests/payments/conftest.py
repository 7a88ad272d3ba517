"""Fixtures for the payments tests: people with money, a payout method, an authenticator app."""

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from .factories import bank_method, top_up_paid


@pytest.fixture
def funded(user):
    """``user`` with ¥500.00 in the wallet, topped up the real way."""
    top_up_paid(user, "500.00", key="funded")
    return user


@pytest.fixture
def method(user):
    return bank_method(user)


@pytest.fixture
def totp(user):
    """``user`` with an authenticator app; the fixture is the app (``totp.now()``)."""
    secret = pyotp.random_base32()
    TOTP.activate(user, secret)
    return pyotp.TOTP(secret)


@pytest.fixture
def signed_in(user):
    client = Client()
    client.force_login(user)
    return client
