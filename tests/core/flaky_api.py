"""URLs for the idempotency tests: one opted-in endpoint that fails while told to, in an API
that turns ``RuntimeError`` into a 500 answer and lets any other exception escape."""

from django.urls import path
from ninja import NinjaAPI

from jiedan.accounts.api_auth import DEFAULT_AUTH
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


urlpatterns = [path("api/", api.urls)]
