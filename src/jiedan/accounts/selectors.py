"""Reads for accounts and access tokens."""

import hashlib

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import PersonalAccessToken, User


def token_digest(secret: str) -> str:
    """Tokens are high-entropy random strings, so a plain SHA-256 digest is a safe lookup key."""
    return hashlib.sha256(secret.encode()).hexdigest()


def access_token_by_secret(secret: str) -> PersonalAccessToken | None:
    """The usable token with this secret, with its user, or ``None``."""
    token = (
        PersonalAccessToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not token.is_usable():
        return None
    return token


def access_tokens_of(*, user: User) -> QuerySet[PersonalAccessToken]:
    """A user's live tokens (neither revoked nor expired), newest first."""
    not_expired = Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    return PersonalAccessToken.objects.filter(not_expired, user=user, revoked_at__isnull=True)
