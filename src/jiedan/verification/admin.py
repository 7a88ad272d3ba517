"""Back office for verification. What staff see follows the roles matrix (``accounts.roles``).

Identity submissions are read-only here: numbers and names are never listed, and the review
itself (decision, document image) happens on the access-checked staff page linked from each
row. Question banks are edited by staff holding ``verification.review``.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import (
    DocumentAccess,
    IdentitySubmission,
    IdentitySubmissionHistory,
    SkillTest,
    SkillTestAttempt,
    SkillTestChoice,
    SkillTestQuestion,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IdentitySubmissionHistoryInline(ReadOnlyInline):
    model = IdentitySubmissionHistory
    fields = ["at", "actor", "from_status", "to_status", "reason"]
    readonly_fields = fields


class DocumentAccessInline(ReadOnlyInline):
    model = DocumentAccess
    fields = ["at", "staff", "event", "reason"]
    readonly_fields = fields


@admin.register(IdentitySubmission)
class IdentitySubmissionAdmin(admin.ModelAdmin):
    list_display = ["user", "document_type", "status", "submitted_at", "decided_at", "review_link"]
    list_filter = ["status", "document_type"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    ordering = ["status", "submitted_at"]
    fields = [
        "user",
        "document_type",
        "status",
        "rejection_reason",
        "submitted_at",
        "decided_at",
        "decided_by",
        "review_link",
    ]
    readonly_fields = fields
    inlines = [IdentitySubmissionHistoryInline, DocumentAccessInline]

    @admin.display(description=_("review"))
    def review_link(self, obj):
        url = reverse("verification:staff_review", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open the review page"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SkillTestChoiceInline(admin.TabularInline):
    model = SkillTestChoice
    extra = 0
    fields = ["position", "text_zh", "text_en", "is_correct"]


@admin.register(SkillTestQuestion)
class SkillTestQuestionAdmin(admin.ModelAdmin):
    list_display = ["key", "test", "text_zh", "is_active"]
    list_filter = ["is_active", "test"]
    list_select_related = ["test__skill"]
    search_fields = ["key", "text_zh", "text_en"]
    inlines = [SkillTestChoiceInline]


@admin.register(SkillTest)
class SkillTestAdmin(admin.ModelAdmin):
    list_display = [
        "skill",
        "kind",
        "pass_percent",
        "time_limit_minutes",
        "questions_per_attempt",
        "cooldown_days",
        "is_active",
    ]
    list_filter = ["is_active", "kind"]
    list_select_related = ["skill"]
    raw_id_fields = ["skill"]


@admin.register(SkillTestAttempt)
class SkillTestAttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "test", "status", "started_at", "score_percent", "passed"]
    list_filter = ["status", "passed"]
    list_select_related = ["user", "test__skill"]
    search_fields = ["user__email"]
    readonly_fields = [
        "user",
        "test",
        "status",
        "started_at",
        "deadline",
        "finished_at",
        "score_percent",
        "passed",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
