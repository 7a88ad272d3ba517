"""Known devices in the back office: read-only, for staff holding ``accounts.security``."""

from django.contrib import admin

from jiedan.core.admin import ReadOnlyMixin

from .models import KnownDevice


@admin.register(KnownDevice)
class KnownDeviceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "user_agent", "ip", "first_seen_at", "last_seen_at"]
    list_select_related = ["user"]
    search_fields = ["=user__email"]
    exclude = ["fingerprint"]
