"""Absolute links for messages sent without a request (e-mails from background jobs)."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def absolute_url(view_name: str, *, args=(), language: str | None = None) -> str:
    """``SITE_URL`` plus the path of ``view_name``, with the language prefix of ``language``
    (the active language if None)."""
    with translation.override(language or translation.get_language()):
        path = reverse(view_name, args=args)
    return settings.SITE_URL + path
