"""The notification centre (newest first, cursor pages, unread highlighted), opening one
(marks it read and follows its link) and marking all read, and the preferences page under the
account settings. Someone else's notification is a 404 and nothing changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.core.errors import DomainError, NotFound

from . import selectors, services
from .kinds import Category, EmailMode


def _cursor(request) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None


@login_required
def notification_list(request):
    page, next_cursor = selectors.notification_page(
        user_id=request.user.pk, before=_cursor(request)
    )
    items = [selectors.notification_view(notification) for notification in page]
    return render(request, "notifications/list.html", {"items": items, "next_cursor": next_cursor})


@login_required
def notification_open(request, notification_id: int):
    try:
        notification = services.notification_mark_read(
            user=request.user, notification_id=notification_id
        )
    except NotFound as error:
        raise Http404(error.message) from error
    link = selectors.notification_view(notification)["url"]
    return redirect(link or "notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:list")


def _preference_rows(preferences: dict) -> list[dict]:
    return [
        {
            "category": category,
            "label": label,
            "in_app": preferences[category][0],
            "email": preferences[category][1],
        }
        for category, label in Category.choices
    ]


@login_required
def preference_edit(request):
    """Each category: shown in the app or not, and e-mailed at once, daily, weekly or never."""
    if request.method == "POST":
        changes = {
            category: (
                request.POST.get(f"{category}-in_app") == "on",
                request.POST.get(f"{category}-email", ""),
            )
            for category in Category.values
        }
        try:
            services.preferences_update(user=request.user, changes=changes)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    rows = _preference_rows(selectors.preferences_of(user_id=request.user.pk))
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "email_modes": EmailMode.choices},
    )
