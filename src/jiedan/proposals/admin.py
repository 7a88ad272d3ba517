"""Back office for proposals and invitations: read-only, with history inline.

Every change goes through ``services.py`` so the status machine, the quota and the history hold.
Cover letters are visible to moderators handling reports; attachments are private files and are
listed by name only.
"""

from django.contrib import admin

from .models import (
    Invitation,
    Proposal,
    ProposalAttachment,
    ProposalMilestone,
    ProposalOption,
    ProposalStatusChange,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OptionInline(ReadOnlyInline):
    model = ProposalOption
    fields = readonly_fields = ["tier", "summary", "amount", "delivery_days"]


class MilestoneInline(ReadOnlyInline):
    model = ProposalMilestone
    fields = readonly_fields = ["position", "title", "amount", "due_in_days"]


class AttachmentInline(ReadOnlyInline):
    model = ProposalAttachment
    fields = readonly_fields = ["original_name", "content_type", "size", "sha256"]


class StatusChangeInline(ReadOnlyInline):
    model = ProposalStatusChange
    fields = readonly_fields = ["created_at", "actor", "from_status", "to_status", "reason"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["project", "freelancer", "status", "amount", "currency", "created_at"]
    list_filter = ["status", "invited"]
    list_select_related = ["project", "freelancer"]
    search_fields = ["project__title", "freelancer__email"]
    date_hierarchy = "created_at"
    exclude = ["answers"]
    inlines = [OptionInline, MilestoneInline, AttachmentInline, StatusChangeInline]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["project", "freelancer", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["project", "freelancer"]
    search_fields = ["project__title", "freelancer__email"]
