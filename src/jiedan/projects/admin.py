"""Back office for projects: read-only, with the status history inline.

Every change goes through ``services.py`` so the status machine and its history hold.
"""

from django.contrib import admin

from .models import Project, ProjectAttachment, ProjectStatusChange


class StatusChangeInline(admin.TabularInline):
    model = ProjectStatusChange
    fields = ["created_at", "actor", "from_status", "to_status", "reason"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttachmentInline(StatusChangeInline):
    model = ProjectAttachment
    fields = ["original_name", "content_type", "size", "sha256", "created_at"]
    readonly_fields = fields


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "client", "category", "status", "budget_type", "published_at"]
    list_filter = ["status", "category", "budget_type", "visibility"]
    list_select_related = ["client", "category"]
    search_fields = ["title", "client__email"]
    date_hierarchy = "created_at"
    inlines = [StatusChangeInline, AttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
