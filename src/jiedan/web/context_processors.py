from django.utils.functional import SimpleLazyObject

from jiedan.ledger.fees import fee_schedule

from .selectors import header_counts as header_counts_of


def site(request):
    """Values every page template needs, such as the commission rate shown in the footer."""
    return {"commission_percent": fee_schedule().commission_percent}


def header_counts(request):
    """``header_counts``: the signed-in person's unread notifications (bell) and messages, read
    together in one query, and only when a template shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"header_counts": SimpleLazyObject(lambda: header_counts_of(user_id=user.pk))}
