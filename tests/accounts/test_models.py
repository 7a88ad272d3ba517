from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from jiedan.accounts.models import PersonalAccessToken, User
from tests.factories import UserFactory


def test_email_is_stored_lower_case_and_trimmed(db):
    # when an account is created with a mixed-case address
    user = User.objects.create_user(" Li.Ming@Example.COM ", "pw-123456789")
    # then it is stored lower-case, without the spaces
    user.refresh_from_db()
    assert user.email == "li.ming@example.com"


def test_email_is_lower_cased_again_on_every_save(db):
    # given an account
    user = UserFactory(email="someone@example.com")
    # when its address is edited in mixed case
    user.email = "SomeOne.Else@Example.com"
    user.save()
    # then the stored address is lower-case
    assert User.objects.values_list("email", flat=True).get(pk=user.pk) == (
        "someone.else@example.com"
    )


def test_a_second_account_with_the_same_email_in_other_case_is_refused(db):
    # given an account
    User.objects.create_user("wang@example.com", "pw-123456789")
    # when another one is created with the same address in upper case
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("WANG@EXAMPLE.COM", "pw-123456789")
    # then there is still only one
    assert User.objects.filter(email__iexact="wang@example.com").count() == 1


def test_database_constraint_is_case_insensitive_even_when_save_is_bypassed(db):
    # given a mixed-case address written without save() (bulk_create skips normalisation)
    User.objects.bulk_create([User(email="Chen@Example.com", password="!")])
    # when a lower-case twin is saved
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("chen@example.com", "pw-123456789")
    # then the constraint kept the table to one account for that address
    assert User.objects.filter(email__iexact="chen@example.com").count() == 1


def test_natural_key_lookup_ignores_case(db):
    # given an account
    user = UserFactory(email="emma@example.com")
    # when it is looked up the way Django's login does, in another case
    found = User.objects.get_by_natural_key("Emma@EXAMPLE.com")
    # then it is found
    assert found == user


def test_create_user_requires_an_email(db):
    # when an account is created without an address
    with pytest.raises(ValueError):
        User.objects.create_user("", "pw-123456789")
    # then nothing is stored
    assert not User.objects.exists()


def test_create_user_makes_an_ordinary_account(db):
    # when an account is created
    user = User.objects.create_user("plain@example.com", "pw-123456789")
    # then it is neither staff nor superuser, works as a client and has a usable password
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert user.mode == User.Mode.CLIENT
    assert user.language == ""
    assert user.check_password("pw-123456789")


def test_create_superuser(db):
    # when a superuser is created, even if the caller asks otherwise
    user = User.objects.create_superuser(
        "Root@Example.com", "pw-123456789", is_staff=False, is_superuser=False
    )
    # then it is staff and superuser, with a lower-case address and the given password
    user.refresh_from_db()
    assert user.is_staff is True
    assert user.is_superuser is True
    assert user.email == "root@example.com"
    assert user.check_password("pw-123456789")


def test_mode_defaults_to_client(db):
    # when an account is created without a mode
    user = UserFactory()
    # then it starts on the client side
    user.refresh_from_db()
    assert user.mode == "client"


def test_names_fall_back_to_the_email(db):
    # given an account without a display name
    user = UserFactory(email="zhao.lu@example.com", display_name="")
    # then the address stands in for the name
    assert str(user) == "zhao.lu@example.com"
    assert user.get_full_name() == "zhao.lu@example.com"
    assert user.get_short_name() == "zhao.lu"
    # and once named, the name is used
    user.display_name = "赵律"
    assert str(user) == "赵律"
    assert user.get_short_name() == "赵律"


@pytest.mark.parametrize(
    ("expires_in", "revoked", "usable"),
    [
        (None, False, True),
        (timedelta(days=1), False, True),
        (timedelta(days=-1), False, False),
        (None, True, False),
        (timedelta(days=1), True, False),
    ],
)
def test_token_is_usable_only_when_neither_revoked_nor_expired(user, expires_in, revoked, usable):
    # given a token in some state
    now = timezone.now()
    token = PersonalAccessToken(
        user=user,
        name="t",
        expires_at=now + expires_in if expires_in else None,
        revoked_at=now if revoked else None,
    )
    # then it is usable only when live
    assert token.is_usable(now) is usable
