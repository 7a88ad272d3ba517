"""The ledger in the back office: read-only for finance (``payments.view``). Nobody adds,
changes or deletes accounts, journals or entries here; corrections are reversal journals."""

from django.contrib import admin

from jiedan.audit.admin_access import AccessLoggedAdmin
from jiedan.core.admin import ReadOnlyMixin

from .models import Account, Entry, Journal, PendingFunds


class EntryInline(ReadOnlyMixin, admin.TabularInline):
    model = Entry
    fields = ("account", "amount", "currency")
    readonly_fields = fields
    extra = 0


@admin.register(Account)
class AccountAdmin(AccessLoggedAdmin, ReadOnlyMixin, admin.ModelAdmin):
    access_subject_user = "owner"
    list_display = ("pk", "purpose", "owner", "reference", "currency", "balance", "updated_at")
    list_filter = ("purpose", "currency")
    search_fields = ("owner__email", "reference")
    list_select_related = ("owner",)


@admin.register(Journal)
class JournalAdmin(AccessLoggedAdmin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("pk", "kind", "reference", "memo", "actor", "created_at")
    list_filter = ("kind",)
    search_fields = ("idempotency_key", "reference", "memo")
    list_select_related = ("actor",)
    inlines = [EntryInline]


@admin.register(PendingFunds)
class PendingFundsAdmin(AccessLoggedAdmin, ReadOnlyMixin, admin.ModelAdmin):
    access_subject_user = "owner"
    list_display = ("pk", "owner", "amount", "currency", "available_at", "settled_journal")
    list_filter = ("currency",)
    search_fields = ("owner__email",)
    list_select_related = ("owner", "settled_journal")
