from django import template
from django.conf import settings
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[tuple[str, str]]:
    """``(language code, absolute URL)`` of the current page in every language."""
    request = context["request"]
    url = request.build_absolute_uri()
    return [(code, translate_url(url, code)) for code, _name in settings.LANGUAGES]
