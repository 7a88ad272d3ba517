"""Staff must use two-factor authentication before any back-office page.

A staff account (superusers included) without an authenticator app holds no staff role at
all (``accounts.roles.roles_of``), so every staff page, API call and service refuses it. One
that opens a page of the back office or another staff page (the review queue, identity
review, dispute assignment) is sent to set up an authenticator first, with a message saying
why. Sign-in and sign-out of the back office are left alone. ``JIEDAN_STAFF_MFA_REQUIRED``
turns the rule off (the test settings do, so tests outside ``tests/security`` need not enrol
every staff member).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from jiedan.accounts.roles import staff_mfa_missing

OPEN_ADMIN_VIEWS = ("admin:login", "admin:logout")
# Staff pages outside the back office (members' own pages of these apps stay open).
STAFF_VIEWS = frozenset(
    {
        "trust:queue",
        "trust:queue_refresh",
        "trust:queue_item",
        "trust:queue_claim",
        "trust:queue_release",
        "trust:queue_decide",
        "trust:person",
        "trust:enforcement_lift",
        "trust:rules",
        "verification:staff_review",
        "verification:staff_document_access",
        "verification:staff_decide",
        "verification:staff_document",
        "disputes:assign",
    }
)


class StaffMFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if staff_mfa_missing(request.user) and self._guarded(request):
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
    def _guarded(request) -> bool:
        try:
            if resolve(request.path_info).view_name in STAFF_VIEWS:
                return True
        except Resolver404:
            return False
        path = request.path  # with the script prefix, as reverse() gives it
        try:
            back_office = path.startswith(reverse("admin:index"))
            return back_office and path not in {reverse(name) for name in OPEN_ADMIN_VIEWS}
        except NoReverseMatch:  # a site without the back office
            return False
