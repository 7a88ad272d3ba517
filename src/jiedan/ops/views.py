"""``/metrics`` for the Prometheus scraper: only with the ``METRICS_TOKEN`` bearer token
(a missing or wrong token gets 404, as if there were nothing; no token set: always 404)."""

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .metrics import exposition


@require_GET
@never_cache
def metrics_view(request):
    expected = settings.METRICS_TOKEN
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    authorised = scheme == "Bearer" and hmac.compare_digest(given.encode(), expected.encode())
    if not expected or not authorised:
        raise Http404
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)
