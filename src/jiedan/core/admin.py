"""Back-office building blocks shared by the apps' admin modules, and the read-only list of
idempotent API requests."""

from django.contrib import admin

from .models import IdempotentRequest


class ReadOnlyMixin:
    """For a ModelAdmin or inline that only shows records: nobody adds, changes or deletes
    them from the back office (changes go through the services, corrections as new rows)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Which API request each user's idempotency key stands for, and the answer kept for it."""

    list_display = ["created_at", "user", "key", "scope", "state", "status_code"]
    list_filter = ["state", "scope"]
    list_select_related = ["user"]
    search_fields = ["key", "user__email"]
    date_hierarchy = "created_at"
