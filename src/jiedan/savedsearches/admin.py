"""Saved searches in the back office: read-only, for answering a person's questions about
their alerts. Criteria are search filters, not private details."""

from django.contrib import admin

from jiedan.core.admin import ReadOnlyMixin

from .models import SavedSearch, SavedSearchMatch


@admin.register(SavedSearch)
class SavedSearchAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "owner", "email_alerts", "last_emailed_at", "created_at")
    list_filter = ("email_alerts",)
    search_fields = ("name", "owner__email")
    readonly_fields = [field.name for field in SavedSearch._meta.fields]
    list_select_related = ("owner",)


@admin.register(SavedSearchMatch)
class SavedSearchMatchAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("saved_search", "project", "matched_at", "seen_at", "emailed_at")
    readonly_fields = [field.name for field in SavedSearchMatch._meta.fields]
    list_select_related = ("saved_search", "project")
