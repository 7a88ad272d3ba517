"""Contracts in the back office, read-only: terms, acceptances, milestones and deliveries are
evidence; they change only through the services."""

from django.contrib import admin

from jiedan.audit.admin_access import AccessLoggedAdmin
from jiedan.core.admin import ReadOnlyMixin

from .models import (
    Cancellation,
    ChangeRequest,
    Contract,
    ContractStatusChange,
    ContractTerms,
    Delivery,
    DeliveryFile,
    Milestone,
    MilestoneStatusChange,
    TermsAcceptance,
    TimeEntry,
    WeeklyStatement,
)


class TermsInline(ReadOnlyMixin, admin.TabularInline):
    model = ContractTerms
    fields = ("version", "total", "currency", "deadline", "digest", "created_by", "created_at")
    readonly_fields = fields
    extra = 0


class MilestoneInline(ReadOnlyMixin, admin.TabularInline):
    model = Milestone
    fields = ("position", "title", "amount", "currency", "status", "released_amount")
    readonly_fields = fields
    extra = 0


class ContractStatusInline(ReadOnlyMixin, admin.TabularInline):
    model = ContractStatusChange
    fields = ("created_at", "actor", "from_status", "to_status", "reason")
    readonly_fields = fields
    extra = 0


@admin.register(Contract)
class ContractAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("pk", "title", "client", "freelancer", "status", "currency", "created_at")
    list_filter = ("status", "source")
    search_fields = ("title", "client__email", "freelancer__email")
    list_select_related = ("client", "freelancer")
    inlines = [TermsInline, MilestoneInline, ContractStatusInline]


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("pk", "terms", "party", "digest", "ip_address", "accepted_at")
    list_select_related = ("terms", "party")


class MilestoneStatusInline(ReadOnlyMixin, admin.TabularInline):
    model = MilestoneStatusChange
    fields = ("created_at", "actor", "from_status", "to_status", "reason")
    readonly_fields = fields
    extra = 0


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("pk", "contract", "position", "title", "amount", "status", "auto_approve_at")
    list_filter = ("status",)
    list_select_related = ("contract",)
    inlines = [MilestoneStatusInline]


class DeliveryFileInline(ReadOnlyMixin, admin.TabularInline):
    model = DeliveryFile
    fields = ("original_name", "content_type", "size", "sha256")
    readonly_fields = fields
    extra = 0


@admin.register(Delivery)
class DeliveryAdmin(AccessLoggedAdmin, ReadOnlyMixin, admin.ModelAdmin):
    access_subject_user = "author"
    list_display = ("pk", "milestone", "number", "author", "digest", "created_at")
    list_select_related = ("milestone", "author")
    inlines = [DeliveryFileInline]


@admin.register(Cancellation)
class CancellationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("pk", "contract", "proposed_by", "freelancer_share", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("contract", "proposed_by")


class TimeEntryInline(ReadOnlyMixin, admin.TabularInline):
    model = TimeEntry
    fields = ("work_date", "source", "minutes", "memo", "updated_at")
    readonly_fields = fields
    extra = 0


@admin.register(WeeklyStatement)
class WeeklyStatementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("pk", "contract", "week_start", "minutes", "amount", "status", "billed_at")
    list_filter = ("status",)
    list_select_related = ("contract",)
    inlines = [TimeEntryInline]


@admin.register(TimeEntry)
class TimeEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("pk", "contract", "work_date", "source", "minutes", "statement")
    list_filter = ("source",)
    list_select_related = ("contract", "statement")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("pk", "contract", "proposed_by", "status", "created_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("contract", "proposed_by")
