"""Public pages, dashboards, health probes and error pages."""

import sys
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from jiedan.ledger.fees import fee_schedule, release_split, top_up_quote, withdrawal_quote
from jiedan.ops.unavailable import database_unreachable, unavailable_response
from jiedan.savedsearches.selectors import new_alert_count

from .selectors import account_checklist, service_status


def landing(request):
    return render(request, "web/landing.html")


def fees(request):
    """The public fee page: every fee from the one schedule, with worked examples."""
    context = {
        "schedule": fee_schedule(),
        "release": release_split("1000", "CNY"),
        "top_up": top_up_quote("1000", "CNY"),
        "withdrawal": withdrawal_quote("500", "CNY"),
    }
    return render(request, "web/fees.html", context)


@login_required
def dashboard(request):
    """The home of a signed-in person, laid out for the mode they are working in."""
    user = request.user
    checklist = account_checklist(user=user)
    template = f"web/dashboard_{user.mode}.html"
    context = {"checklist": checklist, "new_search_alerts": new_alert_count(owner=user)}
    return render(request, template, context)


def set_language(request):
    """Django's ``set_language``, translating ``next`` from the language of its own prefix.

    Django resolves ``next`` in the language active for /i18n/setlang/ (cookie, else browser),
    so a Chinese browser switching /en/fees/ to Chinese would stay on /en/fees/.
    """
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    try:
        page_language = translation.get_language_from_path(urlsplit(next_url).path)
    except ValueError:  # not a URL at all; Django's view then falls back to a safe page
        page_language = None
    if page_language:
        with translation.override(page_language):
            return django_set_language(request)
    return django_set_language(request)


@require_GET
@never_cache
def healthz(request):
    """Liveness: the process answers. Touches nothing else."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request):
    """Readiness: 503 when the database does not answer. Without Redis the site still serves
    pages (live updates pause, background jobs wait in the database), so an unreachable Redis
    reads "degraded" and keeps the instance in rotation."""
    checks = service_status()
    if not checks["database"]:
        status = "unavailable"
    else:
        status = "ok" if all(checks.values()) else "degraded"
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "unavailable" else 200
    )


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /*/account/",
        "Disallow: /*/accounts/",
        "Disallow: /*/dashboard/",
        f"Sitemap: {request.scheme}://{request.get_host()}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": _("Not found.")}, status=404)
    return render(request, "web/404.html", status=404)


def server_error(request):
    """The 500 handler, called while Django handles the failure; a database that cannot be
    reached is temporary and answers 503 with Retry-After instead."""
    error = sys.exc_info()[1]
    if database_unreachable(error):
        return unavailable_response(request, error)
    if request.path.startswith("/api/"):
        message = _("Something went wrong on our side.")
        return JsonResponse({"code": "server_error", "message": message}, status=500)
    return render(request, "web/500.html", status=500)
