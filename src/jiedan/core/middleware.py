"""Text with the NUL character (U+0000) is refused at the door of the JSON API.

PostgreSQL text cannot hold it, so a NUL that reached a query or a row would be a server error,
and no real text contains one. Django's forms refuse it on the web pages; for the API this checks
the path, the query string, form fields and JSON bodies before any view runs (some views read
their form or body themselves) and answers 422 ``nul_character``, naming where it was.
"""

import json

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
NUL = "\x00"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _in_pairs(pairs, place: str) -> list[str] | None:
    for key, values in pairs:
        if NUL in key or any(isinstance(value, str) and NUL in value for value in values):
            return [place, key.replace(NUL, "")]
    return None


def _in_json(value, location: list[str]) -> list[str] | None:
    if isinstance(value, str):
        return location if NUL in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((str(index), item) for index, item in enumerate(value))
    else:
        return None
    for key, item in items:
        if NUL in key:
            return location
        if found := _in_json(item, [*location, key]):
            return found
    return None


def _keep_body_readable(request) -> None:
    """Read the raw body before the form, so that a view can still read it (a JSON operation
    sent a form answers 400, not a server error); not for uploads above the memory limit."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or int(request.META.get("CONTENT_LENGTH") or 0) <= limit:
        request.body  # noqa: B018 (read for its side effect: Django keeps the bytes)


def nul_location(request) -> list[str] | None:
    """Where the request carries a NUL (``["query", "q"]``), or None."""
    if NUL in request.path_info:
        return ["path"]
    if found := _in_pairs(request.GET.lists(), "query"):
        return found
    try:
        if request.content_type in FORM_TYPES:
            _keep_body_readable(request)
            return _in_pairs(request.POST.lists(), "form")
        # In JSON a NUL can only come escaped, so most bodies are never parsed twice.
        if b"\\u0000" not in request.body:
            return None
        return _in_json(json.loads(request.body), ["body"])
    except (ValueError, SuspiciousOperation, MultiPartParserError):
        return None  # unreadable or too big: the view answers for that, as without this check


class ApiNulRefusalMiddleware(MiddlewareMixin):
    def process_request(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return None
        location = nul_location(request)
        if location is None:
            return None
        message = _("Text must not contain the NUL character (U+0000).")
        body = {
            "code": "nul_character",
            "message": message,
            "details": [{"loc": location, "msg": message}],
        }
        return JsonResponse(body, status=422)
