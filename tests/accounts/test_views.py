"""Account pages: settings, mode switch, personal access tokens."""

import pytest
from django.contrib.messages import get_messages

from jiedan.accounts.models import PersonalAccessToken, User
from jiedan.accounts.selectors import token_digest
from tests.accounts.helpers import mode_of, token_is_active

SETTINGS = "/en/account/settings/"
MODE = "/en/account/mode/"
TOKENS = "/en/account/tokens/"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- anonymous ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", SETTINGS),
        ("post", SETTINGS),
        ("post", MODE),
        ("get", TOKENS),
        ("post", TOKENS),
        ("post", "/en/account/tokens/1/revoke/"),
    ],
)
def test_anonymous_is_sent_to_sign_in(client, db, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


def test_anonymous_post_changes_nothing(client, user, issue_token):
    issued = issue_token(user)
    client.post(MODE, {"mode": "freelancer"})
    client.post(TOKENS, {"name": "sneaky", "scopes": ["read"]})
    client.post(f"/en/account/tokens/{issued.token.pk}/revoke/")
    assert mode_of(user) == "client"
    assert PersonalAccessToken.objects.count() == 1
    assert token_is_active(issued.token)


# --- settings -------------------------------------------------------------------------------


def test_settings_page_shows_current_values(session_client, user):
    user.display_name = "Emma Clarke"
    user.language = "en"
    user.save()
    response = session_client.get(SETTINGS)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["display_name"].value() == "Emma Clarke"
    assert form["language"].value() == "en"
    assert user.email in response.content.decode()


def test_settings_save_name_and_language_and_set_the_language_cookie(session_client, user):
    # when the person saves a name and Chinese
    response = session_client.post(SETTINGS, {"display_name": "李明", "language": "zh-hans"})
    # then they are saved, the page comes back in Chinese and the browser remembers it
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/account/settings/"
    assert response.cookies["django_language"].value == "zh-hans"
    user.refresh_from_db()
    assert (user.display_name, user.language) == ("李明", "zh-hans")
    assert _messages(response)


def test_settings_clear_language_follows_the_browser(session_client, user):
    # given Chinese was chosen earlier, so the browser holds the language cookie
    session_client.post(SETTINGS, {"display_name": "Li", "language": "zh-hans"})
    assert session_client.cookies["django_language"].value == "zh-hans"
    # when the person goes back to "follow my browser"
    response = session_client.post(SETTINGS, {"display_name": "Li", "language": ""})
    # then the choice is cleared and the cookie forgotten
    assert response.status_code == 302
    assert response["Location"] == SETTINGS
    assert session_client.cookies["django_language"].value == ""
    assert response.cookies["django_language"]["max-age"] == 0
    user.refresh_from_db()
    assert user.language == ""
    # and the browser's language decides again
    home = session_client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert home["Location"].startswith("/en/")


def test_settings_unsupported_language_is_refused(session_client, user):
    # given saved settings
    user.display_name = "Emma"
    user.language = "en"
    user.save()
    # when an unsupported language is posted
    response = session_client.post(SETTINGS, {"display_name": "Other", "language": "fr"})
    # then the form shows an error and nothing changes
    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert "django_language" not in response.cookies
    user.refresh_from_db()
    assert (user.display_name, user.language) == ("Emma", "en")


def test_settings_too_long_name_is_refused(session_client, user):
    before = user.display_name
    response = session_client.post(SETTINGS, {"display_name": "x" * 81, "language": "en"})
    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    assert User.objects.get(pk=user.pk).display_name == before


# --- mode switch ----------------------------------------------------------------------------


def test_mode_switch_flips_mode_and_goes_to_the_dashboard(session_client, user):
    # when a client switches to freelancer
    response = session_client.post(MODE, {"mode": "freelancer"})
    # then the mode is switched and they land on the dashboard with a message
    assert response.status_code == 302
    assert response["Location"] == "/en/dashboard/"
    assert mode_of(user) == "freelancer"
    assert _messages(response) == ["Switched to Freelancer mode."]
    # and the dashboard is the freelancer one
    dashboard = session_client.get(response["Location"])
    assert "web/dashboard_freelancer.html" in [t.name for t in dashboard.templates]


def test_mode_switch_back_to_client(session_client, user):
    session_client.post(MODE, {"mode": "freelancer"})
    session_client.post(MODE, {"mode": "client"})
    assert mode_of(user) == "client"


def test_mode_switch_with_an_unknown_mode_changes_nothing_and_says_so(session_client, user):
    # when
    response = session_client.post(MODE, {"mode": "admin"})
    # then
    assert response.status_code == 302
    assert mode_of(user) == "client"
    assert _messages(response) == ["Unknown mode."]


def test_mode_switch_by_get_is_not_allowed(session_client, user):
    response = session_client.get(MODE, {"mode": "freelancer"})
    assert response.status_code == 405
    assert mode_of(user) == "client"


def test_mode_switch_needs_csrf(csrf_client, user):
    response = csrf_client.post(MODE, {"mode": "freelancer"})
    assert response.status_code == 403
    assert mode_of(user) == "client"


# --- access tokens --------------------------------------------------------------------------


def test_token_page_creates_a_token_and_shows_the_secret_once(session_client, user):
    # when the person creates a token
    response = session_client.post(
        TOKENS, {"name": "my phone", "scopes": ["read", "write"], "expires_in_days": "30"}
    )
    # then the page shows its secret, which matches the stored digest
    assert response.status_code == 200
    issued = response.context["issued"]
    assert issued is not None
    assert issued.secret in response.content.decode()
    token = PersonalAccessToken.objects.get(user=user)
    assert token.digest == token_digest(issued.secret)
    assert token.name == "my phone"
    assert token.scopes == ["read", "write"]
    assert token.expires_at is not None
    # and the form is fresh for another token
    assert response.context["form"]["name"].value() in (None, "")
    # when the page is opened again
    again = session_client.get(TOKENS)
    # then the token is listed but its secret is gone
    assert "my phone" in again.content.decode()
    assert token.prefix in again.content.decode()
    assert issued.secret not in again.content.decode()


def test_token_page_never_expiring_token(session_client, user):
    response = session_client.post(
        TOKENS, {"name": "cron", "scopes": ["read"], "expires_in_days": ""}
    )
    assert response.status_code == 200
    assert PersonalAccessToken.objects.get(user=user).expires_at is None


def test_token_page_refuses_a_form_without_scope(session_client, user):
    response = session_client.post(TOKENS, {"name": "x"})
    assert response.status_code == 200
    assert "scopes" in response.context["form"].errors
    assert response.context["issued"] is None
    assert not PersonalAccessToken.objects.exists()


def test_token_page_shows_the_limit_as_a_form_error(session_client, user, issue_token):
    from jiedan.accounts.services import MAX_ACTIVE_TOKENS

    for n in range(MAX_ACTIVE_TOKENS):
        issue_token(user, name=f"t{n}")
    response = session_client.post(
        TOKENS, {"name": "one more", "scopes": ["read"]}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "You have too many active tokens. Revoke one first."
    ]
    assert PersonalAccessToken.objects.count() == MAX_ACTIVE_TOKENS


def test_token_page_lists_only_own_tokens(session_client, user, other_user, issue_token):
    issue_token(user, name="mine")
    issue_token(other_user, name="theirs")
    response = session_client.get(TOKENS)
    assert [t.name for t in response.context["tokens"]] == ["mine"]
    assert "theirs" not in response.content.decode()


def test_revoke_own_token_on_the_web(session_client, user, issue_token):
    issued = issue_token(user, name="laptop")
    response = session_client.post(f"/en/account/tokens/{issued.token.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == TOKENS
    assert not token_is_active(issued.token)
    assert _messages(response) == ["Token “laptop” is revoked."]


def test_revoke_another_users_token_on_the_web_is_refused(session_client, other_user, issue_token):
    # given someone else's token
    theirs = issue_token(other_user, name="theirs")
    # when the signed-in user posts its revocation
    response = session_client.post(f"/en/account/tokens/{theirs.token.pk}/revoke/")
    # then they are told it does not exist and the token keeps working
    assert response.status_code == 302
    assert _messages(response) == ["No such token."]
    assert token_is_active(theirs.token)


def test_revoke_by_get_is_not_allowed(session_client, user, issue_token):
    issued = issue_token(user)
    response = session_client.get(f"/en/account/tokens/{issued.token.pk}/revoke/")
    assert response.status_code == 405
    assert token_is_active(issued.token)
