"""Answers while the database cannot be reached: 503 with Retry-After, not a 500.

A restart, a failover or a dropped connection makes a request fail with the driver's
``OperationalError`` or ``InterfaceError`` (a deadlock or a lock timeout too: the same answer
fits). Nothing was half done: a request's writes are transactions that the database rolled
back or never began, and the next request reconnects (``CONN_HEALTH_CHECKS``). So the answer
says "try again shortly": status 503 with ``Retry-After``, a page that needs no database for
people, the API's error shape (code ``unavailable``) for clients, whose money requests carry an
``Idempotency-Key`` that makes the retry safe.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def database_unreachable(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_UNREACHABLE)


def unavailable_response(request, error: BaseException) -> HttpResponse:
    """The 503 for ``request``: JSON under /api/, else a static page."""
    logger.warning("database unreachable, answered 503: %s", error)
    if request.path.startswith("/api/"):
        message = _("The service is briefly unavailable. Try again in a few seconds.")
        response = JsonResponse({"code": "unavailable", "message": message}, status=503)
    else:
        response = HttpResponse(render_to_string("ops/503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
