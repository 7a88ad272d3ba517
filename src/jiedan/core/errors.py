"""Typed domain errors. Each carries an HTTP status and a machine-readable code.

Domain code raises these; the API maps them to ``{"code": ..., "message": ...}`` in one place
(``jiedan.config.api``), and web views turn them into form errors or messages.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of every expected, user-explainable failure."""

    status = 400
    code = "bad_request"
    default_message = _("The request could not be processed.")

    def __init__(self, message=None, *, code: str | None = None):
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        super().__init__(str(self.message))


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    default_message = _("Sign in or send a valid access token.")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("This conflicts with the current state.")


class TryAgain(Conflict):
    """A refusal that is not final: the same request can succeed in a moment (its answer
    carries ``Retry-After``, and an idempotent replay does not keep it)."""

    code = "try_again"
    default_message = _("The request could not be completed now. Try again in a moment.")
    retry_after = 1


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"
    default_message = _("Some of the input is not valid.")


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    default_message = _("Too many attempts. Wait a moment and try again.")

    def __init__(self, message=None, *, retry_after: int = 60, code: str | None = None):
        self.retry_after = retry_after
        super().__init__(message, code=code)
