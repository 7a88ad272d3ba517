"""Every request: an id (kept from the proxy's ``X-Request-ID`` or made here, sent back in
the response and written on each log record), one access-log record and the metrics."""

import logging
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from . import metrics
from .context import request_id, request_id_from

access_log = logging.getLogger("jiedan.request")


class RequestObservationMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self._acall(request)
        token, started = self._begin(request)
        try:
            response = self.get_response(request)
            self._end(request, response, started)
            return response
        finally:
            request_id.reset(token)

    async def _acall(self, request):
        token, started = self._begin(request)
        try:
            response = await self.get_response(request)
            self._end(request, response, started)
            return response
        finally:
            request_id.reset(token)

    @staticmethod
    def _begin(request):
        request.request_id = request_id_from(request.headers.get("X-Request-ID"))
        return request_id.set(request.request_id), time.perf_counter()

    @staticmethod
    def _end(request, response, started: float) -> None:
        seconds = time.perf_counter() - started
        route = _route(request, response.status_code)
        response.headers["X-Request-ID"] = request.request_id
        metrics.observe(
            method=request.method, route=route, status=response.status_code, seconds=seconds
        )
        user = getattr(request, "user", None)
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )


def _route(request, status: int) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name:
        return match.view_name
    return metrics.NOT_FOUND_ROUTE if status == 404 else metrics.UNNAMED_ROUTE
