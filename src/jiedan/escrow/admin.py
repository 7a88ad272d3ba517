from django.contrib import admin

from jiedan.core.admin import ReadOnlyMixin

from .models import EscrowMovement


@admin.register(EscrowMovement)
class EscrowMovementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: escrow rows are append-only and only services write them."""

    list_display = ("reference", "kind", "party", "amount", "currency", "created_at")
    list_filter = ("kind", "currency")
    search_fields = ("reference", "idempotency_key")
    list_select_related = ("party",)
