"""URLs for the idempotency tests: one opted-in endpoint that fails while told to, in an API
that turns ``RuntimeError`` into a 500 answer, domain errors into their usual answers, and lets
any other exception escape."""

from django.urls import path
from ninja import NinjaAPI

from jiedan.accounts.api_auth import DEFAULT_AUTH
from jiedan.config.api import on_domain_error
from jiedan.core.errors import DomainError
from jiedan.core.idempotency import idempotent

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


api.add_exception_handler(DomainError, on_domain_error)

urlpatterns = [path("api/", api.urls)]
