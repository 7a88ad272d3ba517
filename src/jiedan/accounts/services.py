"""Writes for accounts: mode switch, settings, personal access tokens, API sign-in."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from axes.helpers import get_client_ip_address
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from jiedan.core.ratelimit import ratelimit_hit

from .models import AccessTokenScope, PersonalAccessToken, User, normalize_email
from .selectors import access_tokens_of, token_digest

TOKEN_PREFIX = "jdpat_"  # noqa: S105 (a public marker, not a secret)
MAX_ACTIVE_TOKENS = 20


@dataclass(frozen=True)
class IssuedToken:
    """A freshly created token: ``secret`` is shown to the owner once and never stored."""

    token: PersonalAccessToken
    secret: str


@transaction.atomic
def user_mode_switch(*, user: User, mode: str) -> User:
    """Switch which side (client or freelancer) the person is working on right now."""
    if mode not in User.Mode.values:
        raise InvalidInput(_("Unknown mode."), code="unknown_mode")
    User.objects.filter(pk=user.pk).update(mode=mode)
    user.mode = mode
    return user


@transaction.atomic
def user_email_change(*, user_id: int, email: str, request) -> User:
    """Move an account to a new e-mail address (a staff correction).

    The old address stops working at once for sign-in and password resets; the new one
    starts unverified and gets a confirmation message, so nobody can take over an account by
    having its address changed to theirs.
    """
    user = User.objects.select_for_update().get(pk=user_id)
    email = normalize_email(email)
    taken = User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
    if taken or EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists():
        raise Conflict(_("Another account uses this e-mail address."), code="email_taken")
    user.email = email
    user.save(update_fields=["email"])
    EmailAddress.objects.filter(user=user).delete()
    address = EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    transaction.on_commit(lambda: address.send_confirmation(request))
    return user


@transaction.atomic
def user_settings_update(*, user: User, display_name: str, language: str) -> User:
    """Update the name others see and the language the site and e-mails use."""
    if language and language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Unsupported language."), code="unsupported_language")
    user.display_name = display_name.strip()
    user.language = language
    user.full_clean(validate_unique=False, exclude=["password"])
    user.save(update_fields=["display_name", "language"])
    return user


def _clean_scopes(scopes: list[str]) -> list[str]:
    unknown = set(scopes) - set(AccessTokenScope.values)
    if unknown or not scopes:
        raise InvalidInput(_("Choose at least one known scope: read, write."), code="invalid_scope")
    return [s for s in AccessTokenScope.values if s in scopes]


@transaction.atomic
def access_token_create(
    *, user: User, name: str, scopes: list[str], expires_in_days: int | None = None
) -> IssuedToken:
    """Issue a personal access token. At most ``MAX_ACTIVE_TOKENS`` may be active at once."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("Give the token a name of 1 to 100 characters."), code="invalid_name")
    if expires_in_days is not None and not 1 <= expires_in_days <= 366:
        raise InvalidInput(_("Expiry must be between 1 and 366 days."), code="invalid_expiry")
    User.objects.select_for_update().get(pk=user.pk)
    if access_tokens_of(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise InvalidInput(
            _("You have too many active tokens. Revoke one first."), code="too_many_tokens"
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(secret),
        scopes=_clean_scopes(scopes),
        expires_at=timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def access_token_revoke(*, user: User, token_id: int) -> PersonalAccessToken:
    """Revoke one of the user's own tokens; revoking twice is harmless."""
    token = PersonalAccessToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound(_("No such token."), code="token_not_found")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def access_tokens_revoke_all(*, user: User) -> int:
    """Revoke every live token of the user (after a password change or reset); returns how many."""
    return PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def access_token_touch(*, token: PersonalAccessToken) -> None:
    """Record use, at most once a minute per token, so reads stay cheap."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def _second_factor_ok(user: User, code: str) -> bool:
    for authenticator in Authenticator.objects.filter(user=user):
        if authenticator.type == Authenticator.Type.TOTP and TOTP(authenticator).validate_code(
            code
        ):
            return True
        if authenticator.type == Authenticator.Type.RECOVERY_CODES and RecoveryCodes(
            authenticator
        ).validate_code(code):
            return True
    return False


def api_sign_in(
    *,
    request,
    email: str,
    password: str,
    otp: str | None,
    token_name: str,
    scopes: list[str],
    expires_in_days: int | None,
) -> IssuedToken:
    """Exchange e-mail, password (and a second factor when enabled) for an access token.

    Rate-limited per client address and per e-mail, and second-factor codes per account;
    wrong passwords and wrong codes count towards the same lockout as the web login
    (django-axes), and a success clears this address's failures. Not atomic on purpose: the
    failure records must survive the error that follows them. The e-mail must be verified.
    """
    ip = get_client_ip_address(request) or ""
    ratelimit_hit(scope="api.sign_in.ip", key=ip, rate=settings.API_TOKEN_RATE_LIMIT)
    ratelimit_hit(scope="api.sign_in.email", key=email.lower(), rate=settings.API_TOKEN_RATE_LIMIT)
    user = authenticate(request=request, email=email, password=password)
    if user is None:
        raise NotAuthenticated(
            _("The e-mail address or password is wrong."), code="bad_credentials"
        )
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise PermissionDenied(_("Confirm your e-mail address first."), code="email_unverified")
    if Authenticator.objects.filter(user=user).exists():
        if not otp:
            raise NotAuthenticated(
                _("Enter the code from your authenticator app."), code="second_factor_required"
            )
        # Per account, whatever the address: guessing codes from many addresses stays slow.
        ratelimit_hit(
            scope="api.sign_in.second_factor",
            key=str(user.pk),
            rate=settings.API_SECOND_FACTOR_RATE_LIMIT,
        )
        if not _second_factor_ok(user, otp.strip()):
            # Counted like a wrong password, so guessing codes ends in the same lockout.
            user_login_failed.send(sender=__name__, credentials={"email": email}, request=request)
            raise NotAuthenticated(_("The authentication code is wrong."), code="bad_second_factor")
    axes_reset(ip=ip, username=user.email)
    return access_token_create(
        user=user, name=token_name, scopes=scopes, expires_in_days=expires_in_days
    )


def access_tokens_purge_expired(*, older_than_days: int = 30) -> int:
    """Delete tokens that stopped working more than ``older_than_days`` ago; returns how many."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    expired = PersonalAccessToken.objects.filter(expires_at__lt=cutoff)
    revoked = PersonalAccessToken.objects.filter(revoked_at__lt=cutoff)
    deleted, _counts = (expired | revoked).delete()
    return deleted
