"""Back-office and sign-in hardening: every staff sign-in passes two-factor authentication,
nobody edits e-mail addresses behind the account's back, codes cannot be guessed from many
addresses, and a new password ends old tokens."""

import json

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.test import Client

from jiedan.accounts import services
from jiedan.accounts.models import PersonalAccessToken, User
from tests.accounts.helpers import API
from tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_admin_login_goes_through_the_sites_login_with_its_second_factor():
    # given a staff member with an authenticator app
    staff = StaffFactory(roles=["support"])
    TOTP.activate(staff, pyotp.random_base32())
    client = Client()
    # when they try the back office's own login form
    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD}
    )
    # then they are sent to the site's login and are not signed in
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get("/admin/").status_code == 302
    # and the site's login asks for the second factor before letting them in
    step = client.post("/en/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert "/accounts/2fa/authenticate/" in step["Location"]
    assert client.get("/admin/").status_code == 302


def test_admin_role_cannot_edit_anyones_email_address_record():
    # given a superuser and an admin-role staff member
    boss = UserFactory(is_staff=True, is_superuser=True)
    admin_ = StaffFactory(roles=["admin"])
    address = EmailAddress.objects.get(user=boss)
    client = Client()
    client.force_login(admin_)
    # when the admin edits the superuser's address record
    response = client.post(
        f"/admin/account/emailaddress/{address.pk}/change/",
        {"user": boss.pk, "email": "evil@attacker.test", "verified": "on", "primary": "on"},
    )
    # then it is refused and the address is unchanged
    assert response.status_code == 403
    address.refresh_from_db()
    assert address.email == boss.email


def test_correcting_an_email_moves_sign_in_and_resets_to_the_new_unverified_address(
    django_capture_on_commit_callbacks,
):
    # given a customer and an admin
    customer = UserFactory(email="old@example.com")
    admin_ = StaffFactory(roles=["admin"])
    client = Client()
    client.force_login(admin_)
    data = {
        "email": "new@example.com",
        "display_name": customer.display_name,
        "mode": customer.mode,
        "language": "",
        "is_active": "on",
    }
    # when the admin corrects the address
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/accounts/user/{customer.pk}/change/", data)
    # then the account moves to the new address, unverified, with a confirmation sent
    assert response.status_code == 302
    assert User.objects.get(pk=customer.pk).email == "new@example.com"
    assert list(EmailAddress.objects.filter(user=customer).values_list("email", "verified")) == [
        ("new@example.com", False)
    ]
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    # and the old address no longer gets a token or a reset link
    mail.outbox.clear()
    token = Client().post(
        f"{API}/auth/token",
        json.dumps({"email": "old@example.com", "password": PASSWORD, "name": "x"}),
        content_type="application/json",
    )
    assert token.status_code == 401
    Client().post("/en/accounts/password/reset/", {"email": "old@example.com"})
    assert not any("/password/reset/key/" in m.body for m in mail.outbox)


def test_email_change_to_an_address_in_use_is_refused():
    taken = UserFactory(email="taken@example.com")
    customer = UserFactory(email="mine@example.com")
    from jiedan.core.errors import Conflict

    with pytest.raises(Conflict):
        services.user_email_change(user_id=customer.pk, email="TAKEN@example.com", request=None)
    assert User.objects.get(pk=customer.pk).email == "mine@example.com"
    assert EmailAddress.objects.get(user=taken).email == "taken@example.com"


def test_second_factor_guesses_are_limited_per_account_across_addresses(settings, user):
    # given an account with an authenticator app, and a low per-account limit
    secret = pyotp.random_base32()
    TOTP.activate(user, secret)
    settings.API_SECOND_FACTOR_RATE_LIMIT = "3/900"
    settings.API_TOKEN_RATE_LIMIT = "100/60"
    settings.AXES_FAILURE_LIMIT = 100

    def attempt(address, code):
        return Client().post(
            f"{API}/auth/token",
            json.dumps({"email": user.email, "password": PASSWORD, "name": "x", "otp": code}),
            content_type="application/json",
            REMOTE_ADDR=address,
        )

    # when wrong codes come from a different address each time
    answers = [attempt(f"10.0.0.{n}", "000000").json()["code"] for n in range(1, 5)]
    # then the fourth try is rate-limited, and so is a correct code right after
    assert answers[3] == "rate_limited"
    assert attempt("10.0.0.9", pyotp.TOTP(secret).now()).status_code == 429
    assert not PersonalAccessToken.objects.exists()


def test_a_new_password_revokes_every_access_token(user):
    # given two live tokens
    first = services.access_token_create(user=user, name="phone", scopes=["read"])
    second = services.access_token_create(user=user, name="cli", scopes=["read", "write"])
    client = Client()
    client.force_login(user)
    # when the password is changed
    response = client.post(
        "/en/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "Fresh-pass-2026!", "password2": "Fresh-pass-2026!"},
    )
    # then neither token authenticates any more
    assert response.status_code == 302
    for issued in (first, second):
        me = Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
        assert me.status_code == 401
