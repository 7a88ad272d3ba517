"""Small helpers shared by the accounts tests."""

from jiedan.accounts.models import PersonalAccessToken, User

API = "/api/v1"


def bearer(secret: str) -> dict:
    """Request headers that authenticate with a personal access token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def mode_of(user: User) -> str:
    return User.objects.values_list("mode", flat=True).get(pk=user.pk)


def token_is_active(token: PersonalAccessToken) -> bool:
    return PersonalAccessToken.objects.get(pk=token.pk).is_usable()
