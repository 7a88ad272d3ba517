"""Reads of notifications and preferences: bounded queries, no writes."""

from django.db.models import QuerySet

from .kinds import DEFAULTS, Category, kind_link, kind_text
from .models import Notification, NotificationPreference

PAGE_SIZE = 20


def preferences_of(*, user_id: int) -> dict[str, tuple[bool, str]]:
    """Every category's (in-app on, e-mail mode) for the user: their choice or the default."""
    chosen = {
        row.category: (row.in_app, row.email)
        for row in NotificationPreference.objects.filter(user_id=user_id)
    }
    return {category: chosen.get(category, DEFAULTS[category]) for category in Category.values}


def preference_of(*, user_id: int, category: str) -> tuple[bool, str]:
    row = (
        NotificationPreference.objects.filter(user_id=user_id, category=category)
        .values_list("in_app", "email")
        .first()
    )
    return tuple(row) if row else DEFAULTS[category]


def shown_to(*, user_id: int) -> QuerySet[Notification]:
    """The user's notifications shown in the app, newest first."""
    return Notification.objects.filter(recipient_id=user_id, in_app=True).order_by("-id")


def unread(*, user_id: int) -> QuerySet[Notification]:
    return shown_to(user_id=user_id).filter(read_at__isnull=True)


def unread_count(*, user_id: int) -> int:
    return unread(user_id=user_id).count()


def notification_page(*, user_id: int, before: int | None = None, size: int = PAGE_SIZE):
    """One page of the user's notifications older than the id ``before`` (cursor), and the
    cursor of the next page (None on the last)."""
    rows = shown_to(user_id=user_id)
    if before:
        rows = rows.filter(id__lt=before)
    page = list(rows[: size + 1])
    more = len(page) > size
    page = page[:size]
    return page, (page[-1].pk if more else None)


def notification_view(notification: Notification) -> dict:
    """What a list shows of a notification, in the active language (no queries)."""
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "category": notification.category,
        "text": kind_text(notification.kind, notification.data),
        "url": kind_link(notification.kind, notification.data),
        "data": notification.data,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
        "unread": notification.read_at is None,
    }
