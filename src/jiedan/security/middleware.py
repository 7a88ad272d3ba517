"""Staff must use two-factor authentication before any back-office page.

A staff account (superusers included) without an authenticator app that opens a page under
the back office is sent to set one up first, with a message saying why. Sign-in and
sign-out of the back office are left alone. ``JIEDAN_STAFF_MFA_REQUIRED`` turns the rule off
(the test settings do, so tests outside ``tests/security`` need not enrol every staff member).
"""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

OPEN_ADMIN_VIEWS = ("admin:login", "admin:logout")


def staff_must_enrol(user) -> bool:
    """A signed-in staff account without two-factor authentication, while the rule is on."""
    return (
        settings.JIEDAN_STAFF_MFA_REQUIRED
        and user.is_authenticated
        and user.is_staff
        and not is_mfa_enabled(user)
    )


class StaffMFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._guarded(request.path) and staff_must_enrol(request.user):
            messages.warning(
                request,
                _(
                    "Staff accounts need two-factor authentication. "
                    "Set it up to open the back office."
                ),
            )
            with translation.override(request.user.language or translation.get_language()):
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _guarded(path: str) -> bool:
        try:
            if not path.startswith(reverse("admin:index")):
                return False
            return path not in {reverse(name) for name in OPEN_ADMIN_VIEWS}
        except NoReverseMatch:  # a site without the back office
            return False
