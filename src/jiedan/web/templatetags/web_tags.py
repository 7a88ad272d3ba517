from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from jiedan.core.money import money_display

register = template.Library()


@register.simple_tag(takes_context=True)
def language_alternates(context) -> dict:
    """Absolute URLs of the current page: ``canonical`` (this language, no query string),
    ``alternates`` as ``(language code, URL)`` for every language, and ``x_default`` (the
    unprefixed address, which redirects each visitor to their own language)."""
    request = context["request"]
    page = request.build_absolute_uri(request.path)
    current = get_language()
    prefix = f"/{current}/"
    x_default = (
        request.build_absolute_uri("/" + request.path[len(prefix) :])
        if request.path.startswith(prefix)
        else page
    )
    return {
        "canonical": page,
        "alternates": [(code, translate_url(page, code)) for code, _name in settings.LANGUAGES],
        "x_default": x_default,
    }


@register.filter
def money(amount, currency: str) -> str:
    """``{{ amount|money:currency }}`` → ``¥1,234.50``, through the one money formatter."""
    if amount in (None, ""):
        return ""
    return money_display(amount, currency)


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template, or None when the key is missing."""
    return mapping.get(key) if mapping else None
