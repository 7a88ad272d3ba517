"""POST /api/v1/auth/token: e-mail, password and second factor in, access token out."""

import json
import time

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from axes.models import AccessAttempt
from django.test import Client

from jiedan.accounts.models import PersonalAccessToken
from tests.accounts.helpers import API, bearer
from tests.factories import UserFactory


def _sign_in(client, email, password, remote_addr="10.0.0.1", **fields):
    payload = {"email": email, "password": password, "name": "my laptop", **fields}
    return client.post(
        f"{API}/auth/token",
        data=json.dumps(payload),
        content_type="application/json",
        REMOTE_ADDR=remote_addr,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    return body


@pytest.fixture
def totp_user(user):
    """A verified user with an authenticator app and recovery codes."""
    secret = pyotp.random_base32()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    user.totp = pyotp.TOTP(secret)
    return user


def test_verified_user_gets_a_token_that_works(client, user, password):
    # when a verified user signs in with the right password
    response = _sign_in(client, user.email, password, scopes=["read", "write"])
    # then a token is issued: secret once, with its prefix
    assert response.status_code == 201
    body = response.json()
    token = PersonalAccessToken.objects.get(user=user)
    assert body["id"] == token.pk
    assert body["name"] == "my laptop"
    assert body["scopes"] == ["read", "write"]
    assert body["prefix"] == token.prefix
    assert body["token"].startswith(body["prefix"])
    assert body["expires_at"] is not None
    # and it works with /me
    me = Client().get(f"{API}/me", **bearer(body["token"]))
    assert me.status_code == 200
    assert me.json()["email"] == user.email


def test_email_case_does_not_matter(client, user, password):
    response = _sign_in(client, user.email.upper(), password)
    assert response.status_code == 201
    assert PersonalAccessToken.objects.filter(user=user).count() == 1


def test_sign_in_does_not_need_csrf(user, password):
    # given a client that would enforce CSRF, with no cookies at all
    api_client = Client(enforce_csrf_checks=True)
    # then signing in still works (it is not a browser session)
    assert _sign_in(api_client, user.email, password).status_code == 201


def test_wrong_password_is_401_and_issues_nothing(client, user):
    response = _sign_in(client, user.email, "not the password")
    body = _assert_error(response, 401, "bad_credentials")
    assert body["message"] == "The e-mail address or password is wrong."
    assert not PersonalAccessToken.objects.exists()


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, db, password):
    response = _sign_in(client, "nobody@example.com", password)
    body = _assert_error(response, 401, "bad_credentials")
    assert body["message"] == "The e-mail address or password is wrong."
    assert not PersonalAccessToken.objects.exists()


def test_deactivated_account_cannot_sign_in(client, user, password):
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    _assert_error(_sign_in(client, user.email, password), 401, "bad_credentials")
    assert not PersonalAccessToken.objects.exists()


@pytest.mark.parametrize("with_unverified_address", [True, False])
def test_unverified_email_is_403_and_issues_nothing(client, db, password, with_unverified_address):
    # given an account whose address was never confirmed
    user = UserFactory(verified=False)
    if with_unverified_address:
        EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    # when it signs in with the right password
    response = _sign_in(client, user.email, password)
    # then it is told to confirm first and gets no token
    _assert_error(response, 403, "email_unverified")
    assert not PersonalAccessToken.objects.exists()


def test_validation_error_on_the_payload(client, user, password):
    response = _sign_in(client, user.email, password, expires_in_days=0)
    body = _assert_error(response, 422, "validation_error")
    assert any("expires_in_days" in detail["loc"] for detail in body["details"])
    assert not PersonalAccessToken.objects.exists()


def test_domain_validation_after_a_correct_password(client, user, password):
    response = _sign_in(client, user.email, password, scopes=["everything"])
    _assert_error(response, 422, "invalid_scope")
    assert not PersonalAccessToken.objects.exists()


# --- second factor --------------------------------------------------------------------------


def test_second_factor_required_when_enabled(client, totp_user, password):
    # when a user with TOTP signs in with the password only
    response = _sign_in(client, totp_user.email, password)
    # then the code is asked for and no token is issued
    _assert_error(response, 401, "second_factor_required")
    assert not PersonalAccessToken.objects.exists()


def test_correct_totp_code_issues_a_token(client, totp_user, password):
    response = _sign_in(client, totp_user.email, password, otp=totp_user.totp.now())
    assert response.status_code == 201
    assert PersonalAccessToken.objects.filter(user=totp_user).count() == 1


def test_wrong_totp_code_is_401(client, totp_user, password):
    # given a code valid in no time step around now
    now = time.time()
    valid = {totp_user.totp.at(now + 30 * step) for step in (-2, -1, 0, 1, 2)}
    wrong = next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)
    # when it is sent
    response = _sign_in(client, totp_user.email, password, otp=wrong)
    # then it is refused
    _assert_error(response, 401, "bad_second_factor")
    assert not PersonalAccessToken.objects.exists()


def test_correct_code_with_a_wrong_password_is_still_refused(client, totp_user):
    response = _sign_in(client, totp_user.email, "wrong password", otp=totp_user.totp.now())
    _assert_error(response, 401, "bad_credentials")
    assert not PersonalAccessToken.objects.exists()


def test_a_totp_code_works_only_once(client, totp_user, password):
    # given a code used to sign in
    code = totp_user.totp.now()
    assert _sign_in(client, totp_user.email, password, otp=code).status_code == 201
    # when the same code is replayed
    response = _sign_in(client, totp_user.email, password, otp=code)
    # then it is refused
    _assert_error(response, 401, "bad_second_factor")
    assert PersonalAccessToken.objects.count() == 1


def test_recovery_code_works_once(client, totp_user, password):
    # given one of the user's recovery codes
    authenticator = Authenticator.objects.get(
        user=totp_user, type=Authenticator.Type.RECOVERY_CODES
    )
    code = RecoveryCodes(authenticator).get_unused_codes()[0]
    # when it is used instead of a TOTP code
    first = _sign_in(client, totp_user.email, password, otp=code)
    # then a token is issued and the code is spent
    assert first.status_code == 201
    authenticator.refresh_from_db()
    assert code not in RecoveryCodes(authenticator).get_unused_codes()
    second = _sign_in(client, totp_user.email, password, otp=code)
    _assert_error(second, 401, "bad_second_factor")
    assert PersonalAccessToken.objects.count() == 1


# --- rate limit -----------------------------------------------------------------------------


def test_rate_limited_per_address(client, db, settings, password):
    # given a low limit and three accounts
    settings.API_TOKEN_RATE_LIMIT = "2/86400"  # one long window: no boundary mid-test
    users = UserFactory.create_batch(3)
    # when one address signs in three times, each time as someone else
    responses = [_sign_in(client, u.email, password, remote_addr="10.0.0.7") for u in users]
    # then the third is refused with Retry-After and issues nothing
    assert [r.status_code for r in responses[:2]] == [201, 201]
    body = _assert_error(responses[2], 429, "rate_limited")
    assert body["message"] == "Too many attempts. Wait a moment and try again."
    assert 1 <= int(responses[2]["Retry-After"]) <= 86401
    assert PersonalAccessToken.objects.count() == 2
    assert not PersonalAccessToken.objects.filter(user=users[2]).exists()


def test_rate_limited_per_email(client, settings, user, password):
    # given a low limit
    settings.API_TOKEN_RATE_LIMIT = "2/86400"  # one long window: no boundary mid-test
    # when one account signs in from three addresses (in varying case)
    emails = [user.email, user.email.upper(), user.email]
    responses = [
        _sign_in(client, email, password, remote_addr=f"10.0.1.{n}")
        for n, email in enumerate(emails)
    ]
    # then the third is refused even with the right password
    assert [r.status_code for r in responses] == [201, 201, 429]
    assert responses[2]["Retry-After"]
    assert PersonalAccessToken.objects.count() == 2


def test_limits_of_one_address_do_not_affect_another(client, db, settings, password):
    settings.API_TOKEN_RATE_LIMIT = "1/86400"
    first, second = UserFactory.create_batch(2)
    assert _sign_in(client, first.email, password, remote_addr="10.0.2.1").status_code == 201
    assert _sign_in(client, second.email, password, remote_addr="10.0.2.2").status_code == 201


# --- lockout (django-axes) ------------------------------------------------------------------


def test_lockout_after_failure_limit_even_with_the_right_password(client, settings, user, password):
    # given the rate limit is out of the way and the lockout limit is known
    settings.API_TOKEN_RATE_LIMIT = "100/60"
    limit = settings.AXES_FAILURE_LIMIT
    # when the password is wrong one time less than the limit
    for _ in range(limit - 1):
        _assert_error(_sign_in(client, user.email, "wrong"), 401, "bad_credentials")
    # and wrong once more
    locking = _sign_in(client, user.email, "wrong")
    # then the account is locked, answered as JSON
    body = _assert_error(locking, 429, "locked_out")
    assert set(body) == {"code", "message"}
    assert "locked" in body["message"]
    # and even the right password is refused afterwards, with no token issued
    after = _sign_in(client, user.email, password)
    _assert_error(after, 429, "locked_out")
    assert not PersonalAccessToken.objects.exists()
    assert AccessAttempt.objects.filter(username=user.email).exists()


def test_lockout_message_follows_accept_language(client, settings, user):
    settings.API_TOKEN_RATE_LIMIT = "100/60"
    settings.AXES_FAILURE_LIMIT = 2
    payload = {"email": user.email, "password": "wrong", "name": "x"}
    answers = [
        client.post(
            f"{API}/auth/token",
            data=json.dumps(payload),
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        for language in ("en", "en", "zh-hans")
    ]
    assert [a.status_code for a in answers] == [401, 429, 429]
    assert answers[1].json()["code"] == answers[2].json()["code"] == "locked_out"
    assert answers[1].json()["message"] != answers[2].json()["message"]


def test_lockout_is_per_account(client, settings, user, other_user, password):
    # given one account locked from an address
    settings.API_TOKEN_RATE_LIMIT = "100/60"
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        _sign_in(client, user.email, "wrong")
    # then another account can still sign in from there
    assert _sign_in(client, other_user.email, password).status_code == 201


def _wrong_code(totp_user) -> str:
    now = time.time()
    valid = {totp_user.totp.at(now + 30 * step) for step in (-2, -1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def test_guessing_second_factor_codes_ends_in_lockout(client, settings, totp_user, password):
    # given the rate limit is out of the way
    settings.API_TOKEN_RATE_LIMIT = "100/60"
    settings.AXES_FAILURE_LIMIT = 3
    # when wrong codes are sent with the right password until the limit
    for _ in range(2):
        _assert_error(
            _sign_in(client, totp_user.email, password, otp=_wrong_code(totp_user)),
            401,
            "bad_second_factor",
        )
    locking = _sign_in(client, totp_user.email, password, otp=_wrong_code(totp_user))
    # then the account is locked, and even a correct code is refused afterwards
    _assert_error(locking, 429, "locked_out")
    after = _sign_in(client, totp_user.email, password, otp=totp_user.totp.now())
    _assert_error(after, 429, "locked_out")
    assert not PersonalAccessToken.objects.exists()


def test_successful_sign_in_clears_earlier_failures(client, settings, user, password):
    # given two failures with a limit of three
    settings.API_TOKEN_RATE_LIMIT = "100/60"
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        _assert_error(_sign_in(client, user.email, "wrong"), 401, "bad_credentials")
    # when the right password is sent, and then a wrong one once more
    assert _sign_in(client, user.email, password).status_code == 201
    again = _sign_in(client, user.email, "wrong")
    # then the failure count started afresh: no lockout
    _assert_error(again, 401, "bad_credentials")
    assert _sign_in(client, user.email, password).status_code == 201
