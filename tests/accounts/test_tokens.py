"""Personal access tokens: issue, revoke, purge (services and selectors)."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from jiedan.accounts import services
from jiedan.accounts.models import PersonalAccessToken
from jiedan.accounts.selectors import access_token_by_secret, access_tokens_of, token_digest
from jiedan.core.errors import InvalidInput, NotFound
from tests.accounts.helpers import token_is_active


def _rows_containing(text: str) -> list[str]:
    """Every text column of every model that contains ``text``, as ``app.Model.field``."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            is_text = isinstance(field, models.CharField | models.TextField)
            lookup = {f"{field.name}__contains": text}
            if is_text and model._default_manager.filter(**lookup).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


def test_create_returns_the_secret_once_and_stores_only_its_digest(user):
    # when a token is issued
    issued = services.access_token_create(user=user, name="my phone", scopes=["read"])
    # then the secret has the public prefix and a long random part
    secret = issued.secret
    assert secret.startswith(services.TOKEN_PREFIX)
    random_part = secret.removeprefix(services.TOKEN_PREFIX)
    assert len(random_part) >= 40
    # and the row holds its digest and a short prefix, never the secret itself
    row = PersonalAccessToken.objects.get(pk=issued.token.pk)
    assert row.digest == token_digest(secret)
    assert secret.startswith(row.prefix)
    assert len(row.prefix) == len(services.TOKEN_PREFIX) + 6
    stored_values = PersonalAccessToken.objects.filter(pk=row.pk).values().get()
    assert not any(random_part[6:] in str(value) for value in stored_values.values())
    # and no text column anywhere in the database contains the random part
    assert _rows_containing(random_part[6:]) == []


def test_each_token_gets_a_different_secret(user):
    # when two tokens are issued
    first = services.access_token_create(user=user, name="a", scopes=["read"])
    second = services.access_token_create(user=user, name="b", scopes=["read"])
    # then their secrets and digests differ
    assert first.secret != second.secret
    assert first.token.digest != second.token.digest


def test_the_secret_finds_its_token_and_nothing_else_does(user):
    # given a token
    issued = services.access_token_create(user=user, name="cli", scopes=["read"])
    # then its secret finds it, with its user; a near miss and the prefix find nothing
    found = access_token_by_secret(issued.secret)
    assert found == issued.token
    assert found.user == user
    assert access_token_by_secret(issued.secret[:-1]) is None
    assert access_token_by_secret(issued.token.prefix) is None


@pytest.mark.parametrize(
    ("scopes", "stored"),
    [
        (["read"], ["read"]),
        (["write"], ["write"]),
        (["write", "read"], ["read", "write"]),
        (["read", "read"], ["read"]),
    ],
)
def test_scopes_are_stored_in_canonical_order(user, scopes, stored):
    # when a token is issued with known scopes
    issued = services.access_token_create(user=user, name="t", scopes=scopes)
    # then they are stored once each, in a fixed order
    assert PersonalAccessToken.objects.get(pk=issued.token.pk).scopes == stored


@pytest.mark.parametrize("scopes", [[], ["admin"], ["read", "delete"], ["READ"]])
def test_unknown_or_missing_scopes_are_refused(user, scopes):
    # when a token is requested with no scope or an unknown one
    with pytest.raises(InvalidInput) as error:
        services.access_token_create(user=user, name="t", scopes=scopes)
    # then none is created
    assert error.value.code == "invalid_scope"
    assert not PersonalAccessToken.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_name_of_1_to_100_characters_is_required(user, name):
    # when a token is requested with an empty or overlong name
    with pytest.raises(InvalidInput) as error:
        services.access_token_create(user=user, name=name, scopes=["read"])
    # then none is created
    assert error.value.code == "invalid_name"
    assert not PersonalAccessToken.objects.exists()


def test_the_name_is_trimmed_and_may_be_100_characters(user):
    # when a token is named with surrounding spaces and exactly 100 characters
    issued = services.access_token_create(user=user, name=f"  {'名' * 100}  ", scopes=["read"])
    # then the trimmed name is stored
    assert PersonalAccessToken.objects.get(pk=issued.token.pk).name == "名" * 100


@pytest.mark.parametrize("days", [0, -1, 367, 10_000])
def test_expiry_outside_1_to_366_days_is_refused(user, days):
    # when a token is requested with an expiry out of range
    with pytest.raises(InvalidInput) as error:
        services.access_token_create(user=user, name="t", scopes=["read"], expires_in_days=days)
    # then none is created
    assert error.value.code == "invalid_expiry"
    assert not PersonalAccessToken.objects.exists()


@pytest.mark.parametrize("days", [1, 90, 366])
def test_expiry_inside_the_range_is_set_from_now(user, days):
    # when a token is requested to expire in a number of days
    before = timezone.now()
    issued = services.access_token_create(
        user=user, name="t", scopes=["read"], expires_in_days=days
    )
    after = timezone.now()
    # then it expires that many days from now
    expires_at = PersonalAccessToken.objects.get(pk=issued.token.pk).expires_at
    assert before + timedelta(days=days) <= expires_at <= after + timedelta(days=days)


def test_a_token_without_expiry_never_expires(user):
    # when a token is requested without expiry
    issued = services.access_token_create(user=user, name="t", scopes=["read"])
    # then it has no expiry date
    assert PersonalAccessToken.objects.get(pk=issued.token.pk).expires_at is None


def test_at_most_max_active_tokens(user, other_user, issue_token):
    # given a user with the maximum number of active tokens
    for n in range(services.MAX_ACTIVE_TOKENS):
        issue_token(user, name=f"token {n}")
    # when one more is requested
    with pytest.raises(InvalidInput) as error:
        issue_token(user, name="one too many")
    # then it is refused and the count is unchanged
    assert error.value.code == "too_many_tokens"
    assert PersonalAccessToken.objects.filter(user=user).count() == services.MAX_ACTIVE_TOKENS
    # and someone else's limit is their own
    issue_token(other_user, name="theirs")
    assert PersonalAccessToken.objects.filter(user=other_user).count() == 1


def test_revoking_a_token_frees_a_place(user, issue_token):
    # given a user at the limit
    tokens = [issue_token(user, name=f"token {n}") for n in range(services.MAX_ACTIVE_TOKENS)]
    # when one is revoked
    services.access_token_revoke(user=user, token_id=tokens[0].token.pk)
    # then a new one can be issued
    issue_token(user, name="replacement")
    assert access_tokens_of(user=user).count() == services.MAX_ACTIVE_TOKENS


def test_expired_tokens_do_not_count_towards_the_limit(user, issue_token):
    # given a user whose tokens have all expired
    for n in range(services.MAX_ACTIVE_TOKENS):
        issue_token(user, name=f"token {n}", expires_in_days=1)
    PersonalAccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # when a new token is requested
    issued = issue_token(user, name="fresh")
    # then it is issued
    assert issued.token.is_usable()


def test_revoke_own_token(user, read_token):
    # when the owner revokes their token
    revoked = services.access_token_revoke(user=user, token_id=read_token.token.pk)
    # then it is revoked and its secret no longer authenticates
    assert revoked.revoked_at is not None
    assert not token_is_active(read_token.token)
    assert access_token_by_secret(read_token.secret) is None


def test_revoke_is_idempotent(user, read_token):
    # given a revoked token
    first = services.access_token_revoke(user=user, token_id=read_token.token.pk)
    # when it is revoked again
    second = services.access_token_revoke(user=user, token_id=read_token.token.pk)
    # then nothing fails and the first revocation time stays
    assert second.revoked_at == first.revoked_at
    assert PersonalAccessToken.objects.get(pk=read_token.token.pk).revoked_at == first.revoked_at


def test_revoking_another_users_token_is_not_found_and_leaves_it_active(other_user, read_token):
    # when someone else tries to revoke the token
    with pytest.raises(NotFound) as error:
        services.access_token_revoke(user=other_user, token_id=read_token.token.pk)
    # then they learn nothing about it and it keeps working
    assert error.value.code == "token_not_found"
    assert token_is_active(read_token.token)
    assert access_token_by_secret(read_token.secret) is not None


def test_revoking_a_missing_token_is_not_found(user):
    with pytest.raises(NotFound):
        services.access_token_revoke(user=user, token_id=987654)


def test_expired_token_does_not_authenticate(user, issue_token):
    # given a token whose expiry has passed
    issued = issue_token(user, expires_in_days=1)
    PersonalAccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # then its secret finds nothing
    assert access_token_by_secret(issued.secret) is None


def test_token_of_a_deactivated_account_does_not_authenticate(user, read_token):
    # given the owner's account is deactivated
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    # then the token finds nothing
    assert access_token_by_secret(read_token.secret) is None


def test_touch_records_use_at_most_once_a_minute(read_token):
    # given a token never used
    token = read_token.token
    assert token.last_used_at is None
    # when it is used
    services.access_token_touch(token=token)
    first = PersonalAccessToken.objects.get(pk=token.pk).last_used_at
    # then the time is recorded, and a second use right after does not rewrite it
    assert first is not None
    services.access_token_touch(token=token)
    assert PersonalAccessToken.objects.get(pk=token.pk).last_used_at == first


def test_purge_deletes_only_tokens_dead_for_longer_than_the_grace_period(user, issue_token):
    # given tokens in every state
    now = timezone.now()
    states = {
        "live": {},
        "never expires": {},
        "expired long ago": {"expires_at": now - timedelta(days=31)},
        "revoked long ago": {"revoked_at": now - timedelta(days=31)},
        "expired recently": {"expires_at": now - timedelta(days=29)},
        "revoked recently": {"revoked_at": now - timedelta(days=29)},
        "expires later": {"expires_at": now + timedelta(days=10)},
    }
    for name, fields in states.items():
        issued = issue_token(user, name=name)
        PersonalAccessToken.objects.filter(pk=issued.token.pk).update(**fields)
    # when expired tokens are purged
    deleted = services.access_tokens_purge_expired(older_than_days=30)
    # then exactly the two long-dead ones are gone
    assert deleted == 2
    remaining = set(PersonalAccessToken.objects.values_list("name", flat=True))
    assert remaining == set(states) - {"expired long ago", "revoked long ago"}


def test_purge_with_nothing_to_delete_returns_zero(read_token):
    assert services.access_tokens_purge_expired() == 0
    assert PersonalAccessToken.objects.filter(pk=read_token.token.pk).exists()


def test_purge_task_runs_the_purge(user, issue_token):
    # given a token revoked long ago
    from jiedan.accounts.tasks import purge_expired_access_tokens

    issued = issue_token(user)
    PersonalAccessToken.objects.filter(pk=issued.token.pk).update(
        revoked_at=timezone.now() - timedelta(days=60)
    )
    # when the periodic task runs
    assert purge_expired_access_tokens() == 1
    # then the token is gone
    assert not PersonalAccessToken.objects.exists()
