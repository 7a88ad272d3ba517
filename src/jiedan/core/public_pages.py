"""Public pages served from the cache to visitors who are not signed in.

A project, a list of search results, a freelancer's profile: for a visitor who is not signed
in, each is the same page for everyone in one language. ``@public_page`` keeps such a page
in the shared cache for ``JIEDAN_PUBLIC_PAGE_SECONDS`` (production: 30; elsewhere 0, off),
and serves it from there to the next visitors, without running the view.

Rules
- Only GET and HEAD requests of visitors whose cookies are at most the CSRF and language ones:
  a session cookie (signed in, or a message waiting) always gets a page made for it.
- Only 200 answers that set no cookie of their own. A page that is not found, or not visible
  to visitors, is never kept.
- The key is the scheme and host (pages carry absolute links), the full path with its query
  string, the active language and htmx's headers (so a view that answers htmx with a part of
  the page never serves it as the whole, nor the reverse).
- The one thing in a page that belongs to its visitor, the CSRF token (in forms and in
  htmx's headers), is kept as a placeholder and filled in with the visitor's own token when
  served, which also sets their CSRF cookie, exactly as rendering the page would.
- A page may be up to that many seconds old; visitors cannot act without signing in, and
  signed-in people always get a fresh page. Where a person takes something out of public view
  (a profile hidden, an account deleted), ``public_pages_forget`` drops every kept page at
  once.
- Redis unreachable: the cache misses (``ops.cache``) and every page is rendered.
"""

import functools
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

GENERATION_KEY = "public-pages:generation"
PLACEHOLDER = "\x00csrf\x00"  # never in a rendered page (text with NUL is refused everywhere)
# Where templates put the token: a form's hidden field and htmx's request headers.
TOKEN_PLACES = re.compile(
    r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{32,64})(")'
)
HTMX_HEADERS = ("HX-Request", "HX-Boosted", "HX-Target")


def public_page(view):
    """Serve ``view``'s page from the cache to visitors who are not signed in (module rules)."""

    @functools.wraps(view)
    def cached_or_rendered(request, *args, **kwargs):
        seconds = settings.JIEDAN_PUBLIC_PAGE_SECONDS
        if not seconds or not _anonymous_reader(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        kept = cache.get(key)
        if kept is not None:
            return _served(request, *kept)
        response = view(request, *args, **kwargs)
        if _keepable(response):
            page = TOKEN_PLACES.sub(rf"\g<1>{PLACEHOLDER}\g<3>", response.content.decode())
            cache.set(key, (page, response["Content-Type"]), seconds)
        return response

    return cached_or_rendered


def public_pages_forget() -> None:
    """Drop every kept page (their keys name a generation that is no longer current)."""
    cache.add(GENERATION_KEY, 0, None)
    cache.incr(GENERATION_KEY)


def _anonymous_reader(request) -> bool:
    allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    return (
        request.method in ("GET", "HEAD")
        and set(request.COOKIES) <= allowed
        and not request.user.is_authenticated
    )


def _key(request) -> str:
    htmx = "|".join(request.headers.get(name, "") for name in HTMX_HEADERS)
    page = request.build_absolute_uri(request.get_full_path())
    place = f"{translation.get_language()}|{page}|{htmx}"
    generation = cache.get(GENERATION_KEY, 0)
    return f"public-page:{generation}:{hashlib.sha256(place.encode()).hexdigest()}"


def _keepable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


def _served(request, page: str, content_type: str) -> HttpResponse:
    return HttpResponse(page.replace(PLACEHOLDER, get_token(request)), content_type=content_type)
