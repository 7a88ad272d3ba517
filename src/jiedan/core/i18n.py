"""Helpers for bilingual text: content stored in ``*_zh`` and ``*_en`` columns, and lazy
interpolation of translated strings defined at import time."""

from django.utils.functional import lazy
from django.utils.translation import get_language


def prefers_chinese() -> bool:
    return (get_language() or "").startswith("zh")


def localized(zh: str, en: str) -> str:
    """The text in the active language, falling back to the other one when it is empty."""
    first, second = (zh, en) if prefers_chinese() else (en, zh)
    return first or second


def _interpolated(text, values: dict) -> str:
    return str(text) % values


# ``gettext_lazy("… %(n)s") % {...}`` is translated at once, in whatever language is active at
# import time; this keeps it lazy, for labels and help texts defined on classes.
lazy_interpolated = lazy(_interpolated, str)
