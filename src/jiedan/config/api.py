"""The JSON API at /api/v1/: routers from each app, one error shape for every failure.

Every error body is ``{"code": "...", "message": "..."}`` (validation errors add ``details``),
with the HTTP status that fits, and the message in the caller's language. The OpenAPI document
says so for every operation: each one lists the error statuses it can answer with, and an
operation open to anonymous callers says that its sign-in is optional.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.parser import Parser

from jiedan.accounts.api import router as accounts_router
from jiedan.accounts.api_auth import DEFAULT_AUTH, anonymous_allowed
from jiedan.catalog.api import router as catalog_router
from jiedan.contests.api import router as contests_router
from jiedan.contracts.api import router as contracts_router
from jiedan.core.errors import DomainError
from jiedan.disputes.api import router as disputes_router
from jiedan.matching.api import router as assist_router
from jiedan.matching.recommendation_api import router as recommendations_router
from jiedan.messaging.api import router as messaging_router
from jiedan.notifications.api import router as notifications_router
from jiedan.ops.unavailable import DATABASE_UNREACHABLE, unavailable_response
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


class ErrorDetailOut(Schema):
    loc: list[str] = Field(description="Where the input is wrong: body, query, path… then names")
    msg: str


class ErrorOut(Schema):
    code: str = Field(description="Machine-readable, e.g. validation_error, not_found, try_again")
    message: str = Field(description="For people, in the caller's language")
    details: list[ErrorDetailOut] | None = Field(
        None, description="Where the input is wrong, for validation_error and nul_character"
    )


# The statuses any operation may answer with, from the handlers below and the domain errors
# (``jiedan.core.errors``) its services raise.
ERROR_STATUSES = {
    400: "The request could not be read or processed (code bad_request)",
    401: "Not signed in (code not_authenticated), or the credentials are wrong",
    403: "Not allowed: a missing permission or token scope, or a failed CSRF check",
    404: "Not found, or not visible to the caller",
    409: "Conflicts with the current state; code try_again comes with Retry-After",
    422: "Input not valid: validation_error with details, or a domain code",
    429: "Too many attempts; retry after the seconds in Retry-After",
    503: "The database is briefly unreachable (code unavailable); retry after Retry-After",
}
ERROR_REF = REF_TEMPLATE.format(model="ErrorOut")
_error_schema = ErrorOut.model_json_schema(ref_template=REF_TEMPLATE)
ERROR_DEFINITIONS = {**_error_schema.pop("$defs"), "ErrorOut": _error_schema}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer"},
    }
}


class JiedanOpenAPISchema(OpenAPISchema):
    """ninja's OpenAPI document, plus what ninja cannot know: the error answers (one shared
    ``ErrorOut`` shape) and optional sign-in where anonymous callers are let through."""

    def operation_security(self, operation):
        security = super().operation_security(operation)
        if security and anonymous_allowed in operation.auth_callbacks:
            security.append({})  # OpenAPI's way to say "or no credentials at all"
        return security

    def request_body(self, operation):
        """An optional JSON body is the object or nothing: not ``null`` (see the parser)."""
        body = super().request_body(operation)
        content = body.get("content", {}).get("application/json")
        if content and not body["required"]:
            alternatives = content["schema"].get("anyOf", [])
            objects = [part for part in alternatives if part != {"type": "null"}]
            if len(alternatives) == 2 and len(objects) == 1:
                content["schema"] = objects[0]
        return body

    def responses(self, operation):
        result = super().responses(operation)
        self.add_schema_definitions(ERROR_DEFINITIONS)
        for status, description in ERROR_STATUSES.items():
            result.setdefault(
                status,
                {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
                    **({"headers": RETRY_AFTER} if status in (409, 429, 503) else {}),
                },
            )
        return result


class BodyNotAnObject(ValueError):
    pass


class ObjectBodyParser(Parser):
    """A JSON body is an object; an optional one is left out, never ``null``. ninja would
    otherwise read a schema's fields as attributes of whatever came: ``"abc"`` would be a
    project titled with ``"abc".title()``, and ``null`` would put every privacy setting back
    to its default."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise BodyNotAnObject(type(data).__name__)
        return data


class JiedanAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return JiedanOpenAPISchema(self, path_prefix)


api = JiedanAPI(
    title="Jiedan API",
    version="1",
    description="Jiedan (接单) marketplace API. Errors are always {code, message}.",
    urls_namespace="api-v1",
    auth=DEFAULT_AUTH,
    docs_url="/docs",
    parser=ObjectBodyParser(),
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
    if exc.status_code == 400 and isinstance(exc.__cause__, BodyNotAnObject):
        message = _("The request body must be a JSON object.")
        return error_response(request, 400, "bad_request", message)
    if exc.status_code == 400:
        message = _("The request body could not be read. Send valid JSON.")
        return error_response(request, 400, "bad_request", message)
    codes = {403: "permission_denied", 404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, "error")
    return error_response(request, exc.status_code, code, exc.message)


def on_database_unreachable(request, exc):
    """A restart or a dropped connection: 503 with Retry-After (``jiedan.ops.unavailable``)."""
    return unavailable_response(request, exc)


for _unreachable in DATABASE_UNREACHABLE:
    api.add_exception_handler(_unreachable, on_database_unreachable)


@api.exception_handler(Exception)
def on_unexpected_error(request, exc):
    logger.exception("Unhandled API error", exc_info=exc)
    return error_response(request, 500, "server_error", _("Something went wrong on our side."))
