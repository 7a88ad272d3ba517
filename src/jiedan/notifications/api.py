"""Notifications API under /api/v1/notifications: the caller's notifications (newest first,
by cursor), the unread count, marking one or all read, and the per-category preferences.
Another person's notification is 404 and nothing changes. New notifications also arrive on
the events websocket as ``notification.new``."""

from ninja import Query, Router

from . import selectors, services
from .schemas import (
    NotificationOut,
    NotificationPageOut,
    NotificationQuery,
    PreferencesIn,
    PreferencesOut,
    ReadAllOut,
    UnreadCountOut,
)

router = Router(tags=["notifications"])


def _preferences_out(preferences: dict) -> dict:
    return {
        "preferences": [
            {"category": category, "in_app": in_app, "email": email}
            for category, (in_app, email) in preferences.items()
        ]
    }


@router.get("", response=NotificationPageOut)
def notification_list(request, query: Query[NotificationQuery]):
    """20 a page; pass ``next_cursor`` as ``before`` for the next. Reading marks nothing."""
    page, next_cursor = selectors.notification_page(user_id=request.user.pk, before=query.before)
    return {
        "results": [selectors.notification_view(item) for item in page],
        "next_cursor": next_cursor,
    }


@router.get("/unread-count", response=UnreadCountOut)
def notification_unread_count(request):
    return {"count": selectors.unread_count(user_id=request.user.pk)}


@router.post("/read-all", response=ReadAllOut)
def notification_read_all(request):
    return {"marked": services.notifications_mark_all_read(user=request.user)}


@router.get("/preferences", response=PreferencesOut)
def preference_list(request):
    """Every category with its in-app switch and e-mail mode (instant, daily, weekly, off)."""
    return _preferences_out(selectors.preferences_of(user_id=request.user.pk))


@router.put("/preferences", response=PreferencesOut)
def preference_update(request, payload: PreferencesIn):
    """Change the categories listed; the others keep their setting."""
    changes = {item.category: (item.in_app, item.email) for item in payload.preferences}
    return _preferences_out(services.preferences_update(user=request.user, changes=changes))


@router.post("/{notification_id}/read", response=NotificationOut)
def notification_read(request, notification_id: int):
    """Mark one read; 404 ``notification_not_found`` for another person's."""
    notification = services.notification_mark_read(
        user=request.user, notification_id=notification_id
    )
    return selectors.notification_view(notification)
