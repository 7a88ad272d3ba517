"""The ledger in the back office: read-only for finance (``payments.view``). Nobody adds,
changes or deletes accounts, journals or entries here; corrections are reversal journals."""

from django.contrib import admin

from .models import Account, Entry, Journal


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EntryInline(admin.TabularInline):
    model = Entry
    fields = ("account", "amount", "currency")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("pk", "purpose", "owner", "reference", "currency", "balance", "updated_at")
    list_filter = ("purpose", "currency")
    search_fields = ("owner__email", "reference")
    list_select_related = ("owner",)


@admin.register(Journal)
class JournalAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "reference", "memo", "actor", "created_at")
    list_filter = ("kind",)
    search_fields = ("idempotency_key", "reference", "memo")
    list_select_related = ("actor",)
    inlines = [EntryInline]
