"""Back office for privacy, read-only: what each person chose to share, their export
requests (status and size; the archives themselves are for their owner only) and the
identifier replacements still waiting after an account deletion (never the identifiers)."""

from django.contrib import admin

from jiedan.core.admin import ReadOnlyMixin

from .models import DataExport, IdentifierScrub, PrivacySettings


@admin.register(PrivacySettings)
class PrivacySettingsAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "user",
        "allow_recommendations",
        "share_phone",
        "share_wechat_id",
        "share_qq",
        "share_contact_email",
        "updated_at",
    ]
    list_filter = ["allow_recommendations"]
    list_select_related = ["user"]
    search_fields = ["user__email"]


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["requested_at", "user", "status", "size", "ready_at", "expires_at"]
    list_filter = ["status"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    exclude = ["archive"]


@admin.register(IdentifierScrub)
class IdentifierScrubAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "user"]
    list_select_related = ["user"]
    exclude = ["identifiers"]
