"""API authentication: the browser's session (with CSRF) or a personal access token."""

from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from jiedan.core.errors import PermissionDenied
from jiedan.trust.hooks import SUSPENDED_OPEN_API, is_suspended, suspension_message

from .models import AccessTokenScope
from .selectors import access_token_by_secret
from .services import access_token_touch

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class AccessTokenAuth(HttpBearer):
    """``Authorization: Bearer jdpat_…``. Read scope covers safe methods; others need write.
    A suspended person's token opens only the account status and appeals (as their browser
    session does, ``trust.middleware``)."""

    openapi_description = (
        "Personal access token (create one under account settings or POST /auth/token)."
    )

    def authenticate(self, request, token):
        access_token = access_token_by_secret(token)
        if access_token is None:
            return None
        needed = AccessTokenScope.READ if request.method in SAFE_METHODS else AccessTokenScope.WRITE
        if needed not in access_token.scopes:
            raise PermissionDenied(
                _("This token lacks the “%(scope)s” scope.") % {"scope": needed},
                code="insufficient_scope",
            )
        if is_suspended(access_token.user) and not request.path_info.startswith(SUSPENDED_OPEN_API):
            raise PermissionDenied(suspension_message(), code="account_suspended")
        access_token_touch(token=access_token)
        request.user = access_token.user
        request.access_token = access_token
        return access_token.user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token."""

    def __call__(self, request):
        # Without a signed-in session there is nothing for CSRF to protect: answer "not
        # authenticated" (401) rather than a CSRF failure (403), so an API client whose token
        # expired or was revoked knows to sign in again.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            request.access_token = None
        return user


token_auth = AccessTokenAuth()
session_auth = BrowserSessionAuth()
DEFAULT_AUTH = [token_auth, session_auth]


def anonymous_allowed(request):
    """Last in an auth list: lets the request through as whoever it is (maybe nobody)."""
    return request.user


OPTIONAL_AUTH = [token_auth, session_auth, anonymous_allowed]
