from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread_notifications(request):
    """``unread_notifications``: the signed-in person's unread count for the header bell, read
    (one query) only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user_id=user.pk))}
