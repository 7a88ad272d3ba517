"""Disputes in the back office: status only. Support (``disputes.status``) sees which
contracts are in dispute, over what and at which stage, with the dates — never the reasons,
what happened, offers, evidence or the history, which only the parties and the assigned
mediator read on the dispute's page. Nothing is edited here."""

from django.contrib import admin

from jiedan.core.admin import ReadOnlyMixin

from .models import Dispute

STATUS_FIELDS = (
    "pk",
    "contract",
    "milestone",
    "statement",
    "status",
    "created_at",
    "negotiation_ends_at",
    "evidence_ends_at",
    "assigned_at",
    "decision_due_at",
    "closed_at",
)


@admin.register(Dispute)
class DisputeStatusAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "pk",
        "contract",
        "status",
        "created_at",
        "negotiation_ends_at",
        "decision_due_at",
        "closed_at",
    )
    list_filter = ("status",)
    search_fields = ("=contract__pk", "=pk")
    list_select_related = ("contract",)
    fields = STATUS_FIELDS
    readonly_fields = STATUS_FIELDS
