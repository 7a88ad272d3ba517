"""Back office: read-only views of the trust records (decisions are made on the review queue
pages, which audit them)."""

from django.contrib import admin

from jiedan.core.admin import ReadOnlyMixin

from .models import (
    Appeal,
    DeviceFingerprint,
    Enforcement,
    ProjectReport,
    QueueEvent,
    QueueItem,
    RiskHit,
)


class ReadOnly(ReadOnlyMixin, admin.ModelAdmin):
    pass


@admin.register(RiskHit)
class RiskHitAdmin(ReadOnly):
    list_display = ["created_at", "rule", "user", "score"]
    list_filter = ["rule"]
    list_select_related = ["user"]
    search_fields = ["user__email"]


@admin.register(DeviceFingerprint)
class DeviceFingerprintAdmin(ReadOnly):
    list_display = ["last_seen", "user", "hash", "ip", "country"]
    list_select_related = ["user"]
    search_fields = ["user__email", "hash", "ip"]


@admin.register(Enforcement)
class EnforcementAdmin(ReadOnly):
    list_display = ["created_at", "user", "action", "created_by", "lifted_at"]
    list_filter = ["action"]
    list_select_related = ["user", "created_by"]
    search_fields = ["user__email"]


@admin.register(Appeal)
class AppealAdmin(ReadOnly):
    list_display = ["created_at", "enforcement", "status", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["enforcement"]


@admin.register(ProjectReport)
class ProjectReportAdmin(ReadOnly):
    list_display = ["created_at", "project", "reporter", "reason"]
    list_select_related = ["project", "reporter"]


class QueueEventInline(admin.TabularInline):
    model = QueueEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "what", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(QueueItem)
class QueueItemAdmin(ReadOnly):
    list_display = ["created_at", "source_kind", "summary", "status", "claimed_by"]
    list_filter = ["source_kind", "status"]
    list_select_related = ["claimed_by"]
    inlines = [QueueEventInline]


@admin.register(QueueEvent)
class QueueEventAdmin(ReadOnly):
    list_display = ["created_at", "item", "what", "actor"]
    list_select_related = ["item", "actor"]
