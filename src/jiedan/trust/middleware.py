"""A suspended person stays signed in but can only read their account status, appeal and
sign out: every other page redirects to ``/trust/account/`` (which explains why), and API
calls made with the browser session answer 403 ``account_suspended`` (calls made with an
access token are refused the same way by the token sign-in, ``accounts.api_auth``)."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from .models import Action
from .selectors import SUSPENDED_OPEN_API, request_actions, suspension_message

ALLOWED = frozenset(
    {"trust:account", "trust:appeal", "account_logout", "set_language", "javascript-catalog"}
)


class SuspensionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and Action.SUSPEND in request_actions(request)
        ):
            return self._refuse(request) or self.get_response(request)
        return self.get_response(request)

    def _refuse(self, request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.view_name in ALLOWED or request.path_info.startswith(SUSPENDED_OPEN_API):
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"code": "account_suspended", "message": suspension_message()}, status=403
            )
        return redirect("trust:account")
