"""Back office for the catalogue: read-only views of services and orders.

Every change goes through ``services.py`` so the tier rules, the status machine and its history
hold: staff unpublish a service on the moderation page (linked from each service here), owners
edit their own services, and orders are never edited by hand.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jiedan.core.admin import ReadOnlyMixin

from .models import (
    Service,
    ServiceExtra,
    ServiceFaq,
    ServiceOrder,
    ServiceOrderStatusChange,
    ServiceStatusChange,
    ServiceTier,
)


class TierInline(ReadOnlyMixin, admin.TabularInline):
    model = ServiceTier
    fields = ["level", "name", "price", "delivery_days", "revisions", "features"]


class ExtraInline(ReadOnlyMixin, admin.TabularInline):
    model = ServiceExtra
    fields = ["title", "price", "days_saved", "extra_revisions"]


class FaqInline(ReadOnlyMixin, admin.StackedInline):
    model = ServiceFaq
    fields = ["question", "answer"]


class StatusChangeInline(ReadOnlyMixin, admin.TabularInline):
    model = ServiceStatusChange
    fields = ["created_at", "actor", "from_status", "to_status", "reason"]
    readonly_fields = fields


@admin.register(Service)
class ServiceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "owner", "category", "status", "currency", "updated_at"]
    list_filter = ["status", "category", "currency"]
    search_fields = ["title", "owner__email", "owner__display_name"]
    list_select_related = ["owner", "category"]
    date_hierarchy = "created_at"
    fields = [
        "title",
        "owner",
        "category",
        "skills",
        "currency",
        "description",
        "cover",
        "status",
        "moderation_reason",
        "moderated_at",
        "edited_at",
        "published_at",
        "moderation_link",
    ]
    readonly_fields = fields
    inlines = [TierInline, ExtraInline, FaqInline, StatusChangeInline]

    @admin.display(description=_("moderation"))
    def moderation_link(self, obj):
        url = reverse("catalog:moderate", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Unpublish with a reason"))


class OrderStatusChangeInline(ReadOnlyMixin, admin.TabularInline):
    model = ServiceOrderStatusChange
    fields = ["created_at", "actor", "from_status", "to_status", "reason"]
    readonly_fields = fields


@admin.register(ServiceOrder)
class ServiceOrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "service_title", "buyer", "seller", "tier_level", "total", "currency"]
    list_display += ["status", "created_at"]
    list_filter = ["status", "currency", "tier_level"]
    search_fields = ["service_title", "buyer__email", "seller__email", "idempotency_key"]
    list_select_related = ["buyer", "seller"]
    readonly_fields = [field.name for field in ServiceOrder._meta.fields]
    inlines = [OrderStatusChangeInline]
