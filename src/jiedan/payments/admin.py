"""Payments in the back office: read-only for finance (``payments.view``). Nothing here moves
money or changes a status; that happens through the services and the provider's events.
Payout methods show only their masked account: the encrypted details are never listed."""

from django.contrib import admin

from jiedan.audit.admin_access import AccessLoggedAdmin
from jiedan.core.admin import ReadOnlyMixin

from .models import (
    PayoutMethod,
    Refund,
    SandboxOperation,
    StatusChange,
    TopUp,
    WebhookEvent,
    Withdrawal,
)

HISTORY_FIELDS = ["created_at", "from_status", "to_status", "actor", "event", "reason"]


class HistoryInline(ReadOnlyMixin, admin.TabularInline):
    model = StatusChange
    fields = HISTORY_FIELDS
    readonly_fields = HISTORY_FIELDS
    extra = 0


class RefundInline(ReadOnlyMixin, admin.TabularInline):
    model = Refund
    fields = ["created_at", "amount", "currency", "status", "provider_reference"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(TopUp)
class TopUpAdmin(AccessLoggedAdmin, ReadOnlyMixin, admin.ModelAdmin):
    access_subject_user = "user"
    list_display = ["pk", "user", "amount", "charged", "currency", "status", "created_at"]
    list_filter = ["status", "gateway", "currency"]
    list_select_related = ["user"]
    search_fields = ["user__email", "provider_reference"]
    date_hierarchy = "created_at"
    exclude = ["idempotency_key"]
    inlines = [HistoryInline, RefundInline]


@admin.register(Refund)
class RefundAdmin(AccessLoggedAdmin, ReadOnlyMixin, admin.ModelAdmin):
    access_subject_user = "user"
    list_display = ["pk", "user", "top_up", "amount", "currency", "status", "created_at"]
    list_filter = ["status", "gateway", "currency"]
    list_select_related = ["user", "top_up"]
    search_fields = ["user__email", "provider_reference"]
    exclude = ["idempotency_key"]
    inlines = [HistoryInline]


@admin.register(Withdrawal)
class WithdrawalAdmin(AccessLoggedAdmin, ReadOnlyMixin, admin.ModelAdmin):
    access_subject_user = "user"
    list_display = [
        "pk",
        "user",
        "method",
        "amount",
        "fee",
        "paid_out",
        "currency",
        "status",
        "created_at",
    ]
    list_filter = ["status", "gateway", "currency"]
    list_select_related = ["user", "method"]
    search_fields = ["user__email", "provider_reference"]
    date_hierarchy = "created_at"
    exclude = ["idempotency_key"]
    inlines = [HistoryInline]


@admin.register(PayoutMethod)
class PayoutMethodAdmin(AccessLoggedAdmin, ReadOnlyMixin, admin.ModelAdmin):
    access_subject_user = "user"
    list_display = ["pk", "user", "kind", "masked", "created_at", "removed_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    fields = ["user", "kind", "masked", "created_at", "removed_at"]
    readonly_fields = fields


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pk", "provider", "event_id", "type", "reference", "outcome", "received_at"]
    list_filter = ["provider", "type", "outcome"]
    search_fields = ["event_id", "reference"]
    date_hierarchy = "received_at"


@admin.register(SandboxOperation)
class SandboxOperationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pk", "kind", "token", "reference", "amount", "currency", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["token", "reference"]
