"""The JSON API at /api/v1/: routers from each app, one error shape for every failure.

Every error body is ``{"code": "...", "message": "..."}`` (validation errors add ``details``),
with the HTTP status that fits, and the message in the caller's language.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from jiedan.accounts.api import router as accounts_router
from jiedan.accounts.api_auth import DEFAULT_AUTH
from jiedan.catalog.api import router as catalog_router
from jiedan.contests.api import router as contests_router
from jiedan.contracts.api import router as contracts_router
from jiedan.core.errors import DomainError
from jiedan.disputes.api import router as disputes_router
from jiedan.matching.api import router as assist_router
from jiedan.matching.recommendation_api import router as recommendations_router
from jiedan.messaging.api import router as messaging_router
from jiedan.notifications.api import router as notifications_router
from jiedan.payments.api import router as payments_router
from jiedan.piecework.api import router as piecework_router
from jiedan.privacy.api import router as privacy_router
from jiedan.profiles.api import router as profiles_router
from jiedan.projects.api import router as projects_router
from jiedan.proposals.api import router as proposals_router
from jiedan.reputation.api import router as reputation_router
from jiedan.reviews.api import router as reviews_router
from jiedan.savedsearches.api import router as savedsearches_router
from jiedan.taxonomy.api import router as taxonomy_router
from jiedan.trust.api import router as trust_router
from jiedan.verification.api import router as verification_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Jiedan API",
    version="1",
    description="Jiedan (接单) marketplace API. Errors are always {code, message}.",
    urls_namespace="api-v1",
    auth=DEFAULT_AUTH,
    docs_url="/docs",
)
api.add_router("/", accounts_router)
api.add_router("/taxonomy", taxonomy_router)
api.add_router("/profiles", profiles_router)
api.add_router("/services", catalog_router)
api.add_router("/projects", projects_router)
api.add_router("/contests", contests_router)
api.add_router("/proposals", proposals_router)
api.add_router("/tasks", piecework_router)
api.add_router("/saved-searches", savedsearches_router)
api.add_router("/verification", verification_router)
api.add_router("/contracts", contracts_router)
api.add_router("/wallet", payments_router)
api.add_router("/messages", messaging_router)
api.add_router("/notifications", notifications_router)
api.add_router("/reviews", reviews_router)
api.add_router("/disputes", disputes_router)
api.add_router("/reputation", reputation_router)
api.add_router("/assist", assist_router)
api.add_router("/recommendations", recommendations_router)
api.add_router("/trust", trust_router)
api.add_router("/privacy", privacy_router)


def error_response(request, status: int, code: str, message, **extra):
    return api.create_response(
        request, {"code": code, "message": str(message), **extra}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    response = error_response(request, exc.status, exc.code, exc.message)
    if retry_after := getattr(exc, "retry_after", None):
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    details = [
        {"loc": [str(part) for part in err.get("loc", ())], "msg": err.get("msg", "")}
        for err in exc.errors
    ]
    return error_response(
        request, 422, "validation_error", _("Some of the input is not valid."), details=details
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return error_response(
        request, 401, "not_authenticated", _("Sign in or send a valid access token.")
    )


@api.exception_handler(AuthorizationError)
def on_authorization_error(request, exc):
    return error_response(
        request, 403, "permission_denied", _("You do not have permission to do this.")
    )


@api.exception_handler(DjangoPermissionDenied)
def on_permission_denied(request, exc):
    return error_response(
        request, 403, "permission_denied", _("You do not have permission to do this.")
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    """ninja's own errors, such as an unreadable body (400) or a failed CSRF check (403)."""
    if exc.status_code == 403 and "csrf" in str(exc.message).lower():
        message = _("The CSRF token is missing or wrong. Reload the page and try again.")
        return error_response(request, 403, "csrf_failed", message)
    if exc.status_code == 400:
        message = _("The request body could not be read. Send valid JSON.")
        return error_response(request, 400, "bad_request", message)
    codes = {403: "permission_denied", 404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, "error")
    return error_response(request, exc.status_code, code, exc.message)


@api.exception_handler(Exception)
def on_unexpected_error(request, exc):
    logger.exception("Unhandled API error", exc_info=exc)
    return error_response(request, 500, "server_error", _("Something went wrong on our side."))
