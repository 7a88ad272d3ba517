"""URLs for the idempotency tests: one opted-in endpoint that fails while told to, in an API
that turns ``RuntimeError`` into a 500 answer, a lost database connection into the usual 503,
domain errors into their usual answers, and lets any other exception escape."""

from django.db import connection
from django.urls import path
from ninja import NinjaAPI

from jiedan.accounts.api_auth import DEFAULT_AUTH
from jiedan.config.api import on_database_unreachable, on_domain_error
from jiedan.core.errors import DomainError
from jiedan.core.idempotency import idempotent
from jiedan.ops.unavailable import DATABASE_UNREACHABLE

api = NinjaAPI(urls_namespace="idempotency-test", auth=DEFAULT_AUTH)
# What the next calls raise, in order; the endpoint answers normally once this is empty.
failures: list[type[Exception]] = []
calls: list[str] = []


@api.post("/flaky")
@idempotent
def flaky(request):
    calls.append(request.idempotency_key)
    if failures:
        raise failures.pop(0)("failing as told")
    return {"calls": len(calls)}


@api.exception_handler(RuntimeError)
def on_runtime_error(request, exc):
    return api.create_response(request, {"code": "server_error"}, status=500)


def connection_lost(message: str):
    """Ends this request's PostgreSQL session from the server's side, as a restart does (the
    query raises ``OperationalError``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    raise AssertionError("the session outlived its termination")


api.add_exception_handler(DomainError, on_domain_error)
for unreachable in DATABASE_UNREACHABLE:
    api.add_exception_handler(unreachable, on_database_unreachable)

urlpatterns = [path("api/", api.urls)]
