"""Back office for contests and entries: read-only, with prizes, status history and files
inline. Original files are not linked here: they belong to their authors (and, after the
award, the winning ones to the client).

Every change goes through ``services`` so the status machine, its history and the escrow
hold stay in step.
"""

from django.contrib import admin

from .models import Contest, ContestPrize, ContestStatusChange, Entry, EntryFile


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PrizeInline(ReadOnlyInline):
    model = ContestPrize
    fields = ["place", "amount"]
    readonly_fields = fields


class StatusChangeInline(ReadOnlyInline):
    model = ContestStatusChange
    fields = ["created_at", "actor", "from_status", "to_status", "reason"]
    readonly_fields = fields


class EntryFileInline(ReadOnlyInline):
    model = EntryFile
    fields = ["original_name", "kind", "content_type", "size", "sha256"]
    readonly_fields = fields


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contest)
class ContestAdmin(ReadOnlyAdmin):
    list_display = ["title", "client", "category", "status", "entry_deadline", "published_at"]
    list_filter = ["status", "entry_visibility", "category"]
    list_select_related = ["client", "category"]
    search_fields = ["title", "client__email"]
    date_hierarchy = "created_at"
    exclude = ["skills"]
    inlines = [PrizeInline, StatusChangeInline]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["title", "contest", "author", "status", "rating", "place", "submitted_at"]
    list_filter = ["status"]
    list_select_related = ["contest", "author"]
    search_fields = ["title", "author__email", "contest__title"]
    inlines = [EntryFileInline]
