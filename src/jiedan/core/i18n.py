"""Helpers for bilingual content stored in the database (``*_zh`` and ``*_en`` columns)."""

from django.utils.translation import get_language


def prefers_chinese() -> bool:
    return (get_language() or "").startswith("zh")


def localized(zh: str, en: str) -> str:
    """The text in the active language, falling back to the other one when it is empty."""
    first, second = (zh, en) if prefers_chinese() else (en, zh)
    return first or second
