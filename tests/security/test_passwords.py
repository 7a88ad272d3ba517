"""Common passwords are refused at sign-up, including ones common in China."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiedan.accounts.models import User

pytestmark = pytest.mark.django_db


def _sign_up(password: str):
    client = Client()
    with translation.override("en"):
        return client.post(
            reverse("account_signup"),
            {"email": "new@example.com", "password1": password, "password2": password},
        )


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "woaini1314", "woaini1314520"])
def test_sign_up_refuses_a_common_password(password):
    response = _sign_up(password)
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


@pytest.mark.parametrize("password", ["zhang123456", "qq5201314", "wodemima"])
def test_the_chinese_list_adds_to_the_standard_one(password):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert "password_too_common" in [e.code for e in error.value.error_list]


def test_sign_up_accepts_a_strong_password():
    response = _sign_up("Jiedan-sturdy-河马-2024")
    assert response.status_code == 302
    assert User.objects.filter(email="new@example.com").exists()
