"""Web sign-in lockout (django-axes): a clear 429 page, never a server error."""

import json

from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client

from tests.accounts.helpers import API

LOGIN = "/en/accounts/login/"
LOCKED_MESSAGE = "Too many failed sign-in attempts."


def _login(client, email, password, language="en"):
    return client.post(f"/{language}/accounts/login/", {"login": email, "password": password})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page_locks_out_with_a_clear_429_page(client, user):
    # given the configured limits (axes and allauth's own)
    limit = django_settings.AXES_FAILURE_LIMIT
    # when the wrong password is sent until axes locks the account
    answers = [_login(client, user.email, "wrong") for _ in range(limit)]
    # then earlier failures re-show the form and the last one is the lockout page
    assert [a.status_code for a in answers[:-1]] == [200] * (limit - 1)
    locked = answers[-1]
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    page = locked.content.decode()
    assert LOCKED_MESSAGE in page
    assert "/en/accounts/password/reset/" in page
    assert not _signed_in(client)


def test_after_lockout_the_right_password_gets_the_lockout_page(client, settings, user, password):
    # given allauth's own per-address limit is out of the way so axes answers alone
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "100/m/ip"}
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        _login(client, user.email, "wrong")
    # when the right password is sent
    response = _login(client, user.email, password)
    # then the account stays locked: 429, the message, not signed in
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()
    assert not _signed_in(client)


def test_with_default_limits_the_right_password_is_still_refused_after_lockout(
    client, user, password
):
    # given an account locked with the default limits
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong")
    # when the right password is sent
    response = _login(client, user.email, password)
    # then the lockout page answers (allauth's own limit sits above axes' by design)
    assert response.status_code == 429
    assert not _signed_in(client)
    assert LOCKED_MESSAGE in response.content.decode()


def test_lockout_page_is_in_chinese_on_the_chinese_site(client, settings, user):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        response = _login(client, user.email, "wrong", language="zh-hans")
    assert response.status_code == 429
    page = response.content.decode()
    assert "账户暂时锁定" in page
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"登录失败次数过多。为了你的安全，该账户已锁定 {minutes} 分钟。" in page


def test_lockout_counts_by_account_in_any_letter_case(client, settings, user, password):
    # given failures with the address typed in different cases
    settings.AXES_FAILURE_LIMIT = 3
    for email in (user.email, user.email.upper(), user.email.title()):
        response = _login(client, email, "wrong")
    # then they add up to one lockout
    assert response.status_code == 429
    assert AccessAttempt.objects.filter(username=user.email).count() == 1


def test_a_locked_account_does_not_lock_others(client, settings, user, other_user, password):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        _login(client, user.email, "wrong")
    response = _login(Client(), other_user.email, password)
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=other_user.email).exists()


def test_successful_login_resets_the_failure_count(client, settings, user, password):
    # given failures one short of the limit, then a successful sign-in
    settings.AXES_FAILURE_LIMIT = 3
    _login(client, user.email, "wrong")
    _login(client, user.email, "wrong")
    assert _login(client, user.email, password).status_code == 302
    client.logout()
    # when the password is wrong once more
    response = _login(client, user.email, "wrong")
    # then it is an ordinary failure, not a lockout
    assert response.status_code == 200


def test_api_failures_lock_the_web_login_too(client, settings, user, password):
    # given failed API sign-ins up to the limit
    settings.API_TOKEN_RATE_LIMIT = "100/60"
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(
            f"{API}/auth/token",
            data=json.dumps({"email": user.email, "password": "wrong", "name": "x"}),
            content_type="application/json",
        )
    # when the person signs in on the web with the right password
    response = _login(client, user.email, password)
    # then the web login is locked as well
    assert response.status_code == 429
    assert not _signed_in(client)
