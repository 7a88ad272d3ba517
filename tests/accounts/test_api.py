"""The JSON API under /api/v1/: who am I, mode, tokens, and the error shape."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jiedan.accounts import services
from jiedan.accounts.models import PersonalAccessToken
from tests.accounts.helpers import API, bearer, mode_of, token_is_active
from tests.factories import UserFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _post(client, path, data=None, **extra):
    return client.post(
        f"{API}{path}", data=json.dumps(data or {}), content_type="application/json", **extra
    )


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


# --- GET /me --------------------------------------------------------------------------------


def test_me_with_a_token(client, user, read_token, django_assert_max_num_queries):
    # when the owner of a read token asks who they are
    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/me", **bearer(read_token.secret))
    # then they get their own account
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "mode": "client",
        "language": "",
        "is_staff": False,
        "roles": [],
        "mfa_enabled": False,
    }


def test_me_with_a_session(session_client, user, django_assert_max_num_queries):
    # given a browser whose session is already tracked (the first request records it)
    session_client.get(f"{API}/me")
    # when it asks who it is (session, user, allauth's session tracking, MFA state)
    with django_assert_max_num_queries(8):
        response = session_client.get(f"{API}/me")
    # then it gets the signed-in account
    assert response.status_code == 200
    assert response.json()["id"] == user.pk
    assert response.json()["email"] == user.email


def test_me_shows_staff_roles(client, staff_factory, issue_token):
    # given a staff member with two roles
    staff = staff_factory("support", "finance")
    issued = issue_token(staff)
    # when they ask who they are
    response = client.get(f"{API}/me", **bearer(issued.secret))
    # then their roles are listed, sorted
    assert response.json()["is_staff"] is True
    assert response.json()["roles"] == ["finance", "support"]


def test_me_records_when_the_token_was_last_used(client, read_token):
    # given an unused token
    assert read_token.token.last_used_at is None
    # when it is used
    client.get(f"{API}/me", **bearer(read_token.secret))
    # then its last use is recorded
    assert PersonalAccessToken.objects.get(pk=read_token.token.pk).last_used_at is not None


def test_me_without_authentication_is_401_with_the_error_shape(client):
    # when nobody is signed in and no token is sent
    response = client.get(f"{API}/me", **EN)
    # then the answer is 401 with just code and message
    body = _assert_error(response, 401, "not_authenticated")
    assert set(body) == {"code", "message"}
    assert body["message"] == "Sign in or send a valid access token."


@pytest.mark.parametrize(
    "header",
    [
        "Bearer jdpat_not-a-real-token",
        "Bearer ",
        "Token whatever",
        "jdpat_without_scheme",
    ],
)
def test_me_with_a_bad_authorization_header_is_401(client, db, header):
    response = client.get(f"{API}/me", HTTP_AUTHORIZATION=header)
    _assert_error(response, 401, "not_authenticated")


def test_me_with_a_revoked_token_is_401(client, user, read_token):
    # given a revoked token
    services.access_token_revoke(user=user, token_id=read_token.token.pk)
    # when it is used
    response = client.get(f"{API}/me", **bearer(read_token.secret))
    # then it authenticates nothing
    _assert_error(response, 401, "not_authenticated")


def test_me_with_an_expired_token_is_401(client, user, issue_token):
    # given an expired token
    issued = issue_token(user, expires_in_days=1)
    PersonalAccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # when it is used
    response = client.get(f"{API}/me", **bearer(issued.secret))
    # then it authenticates nothing and its last use is not recorded
    _assert_error(response, 401, "not_authenticated")
    assert PersonalAccessToken.objects.get(pk=issued.token.pk).last_used_at is None


def test_token_of_a_deactivated_account_is_401(client, user, read_token):
    # given the owner was deactivated
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    # then the token no longer works
    _assert_error(client.get(f"{API}/me", **bearer(read_token.secret)), 401, "not_authenticated")


# --- POST /me/mode --------------------------------------------------------------------------


def test_read_token_can_read_but_not_switch_mode(client, user, read_token):
    # given a read-only token that can read
    assert client.get(f"{API}/me", **bearer(read_token.secret)).status_code == 200
    # when it tries to switch the mode
    response = _post(client, "/me/mode", {"mode": "freelancer"}, **bearer(read_token.secret), **EN)
    # then it is refused for lack of scope and the mode is unchanged
    body = _assert_error(response, 403, "insufficient_scope")
    assert "write" in body["message"]
    assert mode_of(user) == "client"


def test_write_token_switches_mode(client, user, write_token):
    # when a write token switches to freelancer
    response = _post(client, "/me/mode", {"mode": "freelancer"}, **bearer(write_token.secret))
    # then the mode is switched and returned
    assert response.status_code == 200
    assert response.json()["mode"] == "freelancer"
    assert mode_of(user) == "freelancer"


def test_write_only_token_cannot_read(client, user, issue_token):
    # given a token with only the write scope
    issued = issue_token(user, scopes=["write"])
    # when it reads
    response = client.get(f"{API}/me", **bearer(issued.secret))
    # then it lacks the read scope
    _assert_error(response, 403, "insufficient_scope")


def test_session_switches_mode_with_csrf(csrf_client, user):
    # when the signed-in browser switches mode with its CSRF token
    response = _post(
        csrf_client, "/me/mode", {"mode": "freelancer"}, HTTP_X_CSRFTOKEN=csrf_client.csrf_token
    )
    # then the mode is switched
    assert response.status_code == 200
    assert mode_of(user) == "freelancer"


def test_session_mode_switch_without_csrf_is_refused(csrf_client, user):
    # when the signed-in browser posts without the CSRF token
    response = _post(csrf_client, "/me/mode", {"mode": "freelancer"}, **EN)
    # then it is refused with the error shape and a message saying what to do
    body = _assert_error(response, 403, "csrf_failed")
    assert "Reload the page" in body["message"]
    assert mode_of(user) == "client"


def test_unknown_mode_is_422_naming_the_choices_and_changes_nothing(client, user, write_token):
    # when the mode is not one of the documented choices
    response = _post(client, "/me/mode", {"mode": "boss"}, **bearer(write_token.secret), **EN)
    # then the validation error names the field and the choices, and nothing changes
    body = _assert_error(response, 422, "validation_error")
    assert body["details"] == [
        {"loc": ["body", "payload", "mode"], "msg": 'Choose one of: "client", "freelancer".'}
    ]
    assert mode_of(user) == "client"


def test_the_openapi_document_lists_the_modes(client):
    schema = client.get(f"{API}/openapi.json").json()["components"]["schemas"]["ModeIn"]
    assert schema["properties"]["mode"]["enum"] == ["client", "freelancer"]


def test_missing_mode_is_a_validation_error_with_details(client, user, write_token):
    # when the body lacks the mode
    response = _post(client, "/me/mode", {}, **bearer(write_token.secret), **EN)
    # then the answer is 422 with details naming the field
    body = _assert_error(response, 422, "validation_error")
    assert body["message"] == "Some of the input is not valid."
    assert any(detail["loc"][-1] == "mode" for detail in body["details"])
    assert all(set(detail) == {"loc", "msg"} for detail in body["details"])
    assert mode_of(user) == "client"


def test_malformed_json_is_a_bad_request_in_the_callers_language(client, user, write_token):
    # when the body is not JSON, asked in Chinese
    response = client.post(
        f"{API}/me/mode",
        data="{not json",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        **bearer(write_token.secret),
    )
    # then it is a 400 with a translated message, and nothing changes
    body = _assert_error(response, 400, "bad_request")
    assert body["message"] == "无法读取请求内容，请发送有效的 JSON。"
    assert mode_of(user) == "client"


def test_anonymous_mode_switch_is_401(client, user):
    response = _post(client, "/me/mode", {"mode": "freelancer"})
    _assert_error(response, 401, "not_authenticated")


def test_expired_token_on_a_write_is_401_even_for_a_csrf_checking_server(user, issue_token):
    # given an API client (no cookies, no CSRF token) with a token that has since expired
    issued = issue_token(user, scopes=["read", "write"], expires_in_days=1)
    PersonalAccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    api_client = Client(enforce_csrf_checks=True)
    # when it writes
    response = _post(api_client, "/me/mode", {"mode": "freelancer"}, **bearer(issued.secret))
    # then it is told to authenticate again (not a CSRF failure) and nothing changes
    _assert_error(response, 401, "not_authenticated")
    assert mode_of(user) == "client"


# --- GET /tokens ----------------------------------------------------------------------------


def test_token_list_shows_own_unrevoked_tokens_without_secrets(
    client, user, other_user, issue_token, django_assert_max_num_queries
):
    # given tokens of two users, one of them revoked and one expired
    mine = [issue_token(user, name=f"mine {n}") for n in range(5)]
    services.access_token_revoke(user=user, token_id=mine[0].token.pk)
    expired = issue_token(user, name="expired")
    PersonalAccessToken.objects.filter(pk=expired.token.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    theirs = issue_token(other_user, name="theirs")
    # when the list is read with one of the user's tokens
    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/tokens", **bearer(mine[1].secret))
    # then it shows the user's four live tokens, newest first, and no secret
    assert response.status_code == 200
    listed = response.json()
    assert [t["id"] for t in listed] == [t.token.pk for t in reversed(mine[1:])]
    assert theirs.token.pk not in {t["id"] for t in listed}
    assert expired.token.pk not in {t["id"] for t in listed}
    assert all("token" not in t and "digest" not in t for t in listed)
    assert not any(issued.secret in response.content.decode() for issued in mine)
    assert set(listed[0]) == {
        "id",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
    }


def test_token_list_query_count_does_not_grow_with_tokens(
    session_client, user, issue_token, django_assert_max_num_queries
):
    # given many tokens
    for n in range(services.MAX_ACTIVE_TOKENS):
        issue_token(user, name=f"t{n}")
    session_client.get(f"{API}/me")  # the first request records the session
    # then listing them takes a bounded number of queries, one of them for the tokens
    with django_assert_max_num_queries(8):
        response = session_client.get(f"{API}/tokens")
    assert len(response.json()) == services.MAX_ACTIVE_TOKENS


# --- POST /tokens ---------------------------------------------------------------------------


def test_create_token_with_session_and_csrf(csrf_client, user):
    # when the signed-in browser creates a token with its CSRF token
    response = _post(
        csrf_client,
        "/tokens",
        {"name": "deploy script", "scopes": ["read", "write"], "expires_in_days": 30},
        HTTP_X_CSRFTOKEN=csrf_client.csrf_token,
    )
    # then the secret comes back once, with the stored fields
    assert response.status_code == 201
    body = response.json()
    token = PersonalAccessToken.objects.get(user=user)
    assert body["id"] == token.pk
    assert body["name"] == "deploy script"
    assert body["scopes"] == ["read", "write"]
    assert body["token"].startswith(body["prefix"])
    assert body["prefix"] == token.prefix
    # and the new token works
    assert Client().get(f"{API}/me", **bearer(body["token"])).json()["id"] == user.pk


def test_create_token_defaults_to_read_for_90_days(session_client, user):
    response = _post(session_client, "/tokens", {"name": "phone"})
    assert response.status_code == 201
    token = PersonalAccessToken.objects.get(user=user)
    assert token.scopes == ["read"]
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)


def test_create_token_without_csrf_is_403_and_creates_nothing(csrf_client, user):
    # when the signed-in browser posts without the CSRF token
    response = _post(csrf_client, "/tokens", {"name": "phone", "scopes": ["read"]})
    # then it is refused with the error shape and no token exists
    _assert_error(response, 403, "csrf_failed")
    assert not PersonalAccessToken.objects.exists()


def test_create_token_with_a_token_is_401_and_creates_nothing(client, user, write_token):
    # when a token tries to mint another token
    response = _post(
        client, "/tokens", {"name": "child", "scopes": ["read"]}, **bearer(write_token.secret)
    )
    # then it is not accepted as authentication and no second token exists
    _assert_error(response, 401, "not_authenticated")
    assert PersonalAccessToken.objects.count() == 1


def test_create_token_anonymously_is_401(client, db):
    response = _post(client, "/tokens", {"name": "x", "scopes": ["read"]})
    _assert_error(response, 401, "not_authenticated")
    assert not PersonalAccessToken.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ok", "expires_in_days": 0}, "expires_in_days"),
        ({"name": "ok", "expires_in_days": 367}, "expires_in_days"),
        ({"name": "ok", "scopes": "read"}, "scopes"),
        ({"scopes": ["read"]}, "name"),
    ],
)
def test_create_token_validation_errors_are_422_with_details(session_client, payload, field):
    response = _post(session_client, "/tokens", payload)
    body = _assert_error(response, 422, "validation_error")
    assert any(field in detail["loc"] for detail in body["details"])
    assert not PersonalAccessToken.objects.exists()


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"name": "ok", "scopes": []}, "invalid_scope"),
        ({"name": "ok", "scopes": ["admin"]}, "invalid_scope"),
        ({"name": "   "}, "invalid_name"),
    ],
)
def test_create_token_domain_errors_are_422(session_client, payload, code):
    response = _post(session_client, "/tokens", payload)
    _assert_error(response, 422, code)
    assert not PersonalAccessToken.objects.exists()


def test_create_token_over_the_limit_is_422(session_client, user, issue_token):
    for n in range(services.MAX_ACTIVE_TOKENS):
        issue_token(user, name=f"t{n}")
    response = _post(session_client, "/tokens", {"name": "one more"})
    _assert_error(response, 422, "too_many_tokens")
    assert PersonalAccessToken.objects.count() == services.MAX_ACTIVE_TOKENS


# --- DELETE /tokens/{id} --------------------------------------------------------------------


def test_a_token_revokes_itself(client, write_token):
    # when a token revokes itself
    response = client.delete(f"{API}/tokens/{write_token.token.pk}", **bearer(write_token.secret))
    # then the answer is 204 without a body and the token stops working
    assert response.status_code == 204
    assert response.content == b""
    assert not token_is_active(write_token.token)
    _assert_error(client.get(f"{API}/me", **bearer(write_token.secret)), 401, "not_authenticated")


def test_a_token_may_not_revoke_another_token_of_the_same_user(client, user, issue_token):
    # given two write tokens of one user
    first = issue_token(user, scopes=["read", "write"], name="first")
    second = issue_token(user, scopes=["read", "write"], name="second")
    # when the first tries to revoke the second
    response = client.delete(f"{API}/tokens/{second.token.pk}", **bearer(first.secret))
    # then it is refused and both stay active
    _assert_error(response, 403, "token_revoke_other")
    assert token_is_active(first.token)
    assert token_is_active(second.token)


def test_a_read_token_cannot_revoke_itself(client, read_token):
    response = client.delete(f"{API}/tokens/{read_token.token.pk}", **bearer(read_token.secret))
    _assert_error(response, 403, "insufficient_scope")
    assert token_is_active(read_token.token)


def test_session_revokes_any_own_token(csrf_client, user, issue_token):
    # given a token of the signed-in user
    issued = issue_token(user)
    # when the browser revokes it with its CSRF token
    response = csrf_client.delete(
        f"{API}/tokens/{issued.token.pk}", HTTP_X_CSRFTOKEN=csrf_client.csrf_token
    )
    # then it is revoked
    assert response.status_code == 204
    assert not token_is_active(issued.token)


def test_session_revoke_without_csrf_is_refused(csrf_client, user, issue_token):
    issued = issue_token(user)
    response = csrf_client.delete(f"{API}/tokens/{issued.token.pk}")
    _assert_error(response, 403, "csrf_failed")
    assert token_is_active(issued.token)


def test_session_cannot_revoke_another_users_token(session_client, other_user, issue_token):
    # given someone else's token
    theirs = issue_token(other_user)
    # when the signed-in user tries to revoke it
    response = session_client.delete(f"{API}/tokens/{theirs.token.pk}")
    # then it does not exist for them and stays active
    _assert_error(response, 404, "token_not_found")
    assert token_is_active(theirs.token)


def test_revoking_twice_is_harmless(session_client, user, issue_token):
    issued = issue_token(user)
    assert session_client.delete(f"{API}/tokens/{issued.token.pk}").status_code == 204
    assert session_client.delete(f"{API}/tokens/{issued.token.pk}").status_code == 204
    assert not token_is_active(issued.token)


# --- errors outside the endpoints, and languages ----------------------------------------------


@pytest.mark.parametrize("path", [f"{API}/does-not-exist", f"{API}/tokens/abc/x", "/api/nope"])
def test_unknown_api_path_is_a_json_404(client, db, path):
    response = client.get(path, **EN)
    body = _assert_error(response, 404, "not_found")
    assert body["message"] == "Not found."


def test_wrong_method_is_not_a_server_error(client, read_token):
    response = client.put(f"{API}/me", **bearer(read_token.secret))
    assert response.status_code == 405


def test_messages_follow_accept_language(client, db):
    # when the same unauthenticated request is made in English and in Chinese
    english = client.get(f"{API}/me", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.get(f"{API}/me", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    # then the code is the same and the message is translated
    assert english["code"] == chinese["code"] == "not_authenticated"
    assert english["message"] == "Sign in or send a valid access token."
    assert chinese["message"] == "请登录或提供有效的访问令牌。"


def test_domain_error_messages_follow_accept_language(client, user, read_token):
    # when a read token tries to write, in both languages
    english = _post(
        client, "/me/mode", {"mode": "freelancer"}, **bearer(read_token.secret), **EN
    ).json()
    chinese = _post(
        client,
        "/me/mode",
        {"mode": "freelancer"},
        **bearer(read_token.secret),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).json()
    # then the messages differ and the Chinese one is in Chinese
    assert english["code"] == chinese["code"] == "insufficient_scope"
    assert english["message"] == "This token lacks the “write” scope."
    assert chinese["message"] == "此令牌缺少“write”权限范围。"


def test_validation_and_404_messages_follow_accept_language(client, write_token):
    invalid = _post(
        client, "/me/mode", {}, **bearer(write_token.secret), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).json()
    missing = client.get(f"{API}/does-not-exist", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert invalid["message"] == "部分输入无效。"
    assert missing["message"] == "未找到。"


def test_each_session_sees_only_its_own_account(session_client, user):
    # given a second browser signed in as someone else
    someone = UserFactory()
    other_browser = Client()
    other_browser.force_login(someone)
    # then /me answers for whoever is signed in in each
    assert session_client.get(f"{API}/me").json()["id"] == user.pk
    assert other_browser.get(f"{API}/me").json()["id"] == someone.pk
