from django.contrib import admin

from jiedan.audit.admin_access import AccessLoggedAdmin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    """Support sees what kind of thing a person was told and when (read-only, without the
    text), to answer "I never heard about it". Opening one asks why and is logged."""

    access_subject_user = "recipient"

    list_display = ("id", "recipient", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("category", "email_mode")
    search_fields = ("recipient__email", "kind")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "actor")
    exclude = ("data",)  # may quote message content: metadata only
    readonly_fields = [field.name for field in Notification._meta.fields if field.name != "data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "category", "in_app", "email")
    list_filter = ("category", "email")
    search_fields = ("user__email",)
    raw_id_fields = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
