"""Back office: the reputation snapshots, read-only (the recompute job writes them)."""

from django.contrib import admin

from jiedan.core.admin import ReadOnlyMixin

from .models import ClientReputation, FreelancerReputation


@admin.register(FreelancerReputation)
class FreelancerReputationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "level", "rating", "rating_count", "job_success", "computed_at"]
    list_filter = ["level"]
    list_select_related = ["user"]
    search_fields = ["user__email"]


@admin.register(ClientReputation)
class ClientReputationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "rating", "rating_count", "hire_rate", "payment_record", "computed_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
