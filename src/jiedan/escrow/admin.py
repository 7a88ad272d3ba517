from django.contrib import admin

from .models import EscrowMovement


@admin.register(EscrowMovement)
class EscrowMovementAdmin(admin.ModelAdmin):
    """Read-only: escrow rows are append-only and only services write them."""

    list_display = ("reference", "kind", "party", "amount", "currency", "created_at")
    list_filter = ("kind", "currency")
    search_fields = ("reference", "idempotency_key")
    list_select_related = ("party",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
