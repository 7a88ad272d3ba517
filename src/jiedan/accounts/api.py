"""Accounts API: who am I, mode switch, personal access tokens, token sign-in."""

from allauth.mfa.utils import is_mfa_enabled
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from jiedan.core.errors import PermissionDenied

from . import roles, services
from .api_auth import session_auth
from .schemas import MeOut, ModeIn, SignInIn, TokenCreateIn, TokenIssuedOut, TokenOut
from .selectors import access_tokens_of

router = Router(tags=["accounts"])


def _me(user) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "mode": user.mode,
        "language": user.language,
        "is_staff": user.is_staff,
        "roles": sorted(roles.roles_of(user)),
        "mfa_enabled": is_mfa_enabled(user),
    }


def _issued(issued: services.IssuedToken) -> dict:
    return {**TokenOut.model_validate(issued.token).model_dump(), "token": issued.secret}


@router.get("/me", response=MeOut)
def me(request):
    return _me(request.user)


@router.post("/me/mode", response=MeOut)
def me_mode(request, payload: ModeIn):
    return _me(services.user_mode_switch(user=request.user, mode=payload.mode))


@router.get("/tokens", response=list[TokenOut])
def token_list(request):
    return access_tokens_of(user=request.user)


@router.post("/tokens", response={201: TokenIssuedOut}, auth=session_auth)
def token_create(request, payload: TokenCreateIn):
    """Create a token from a signed-in browser session. Tokens cannot mint tokens."""
    issued = services.access_token_create(user=request.user, **payload.dict())
    return Status(201, _issued(issued))


@router.delete("/tokens/{token_id}", response={204: None})
def token_revoke(request, token_id: int):
    if getattr(request, "access_token", None) and request.access_token.pk != token_id:
        raise PermissionDenied(_("A token may revoke only itself."), code="token_revoke_other")
    services.access_token_revoke(user=request.user, token_id=token_id)
    return HttpResponse(status=204)


@router.post("/auth/token", response={201: TokenIssuedOut}, auth=None)
def sign_in(request, payload: SignInIn):
    """Exchange e-mail, password and (when enabled) a TOTP or recovery code for a token."""
    fields = payload.dict()
    issued = services.api_sign_in(request=request, token_name=fields.pop("name"), **fields)
    return Status(201, _issued(issued))
