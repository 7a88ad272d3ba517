"""Back office for piece-rate tasks: read-only, with status history and pieces inline.

Every change goes through ``services.py`` so the status machine, the slot counts and the
escrow movements stay in step. Piece files are not linked here: originals are private to the
author and the client.
"""

from django.contrib import admin

from jiedan.core.admin import ReadOnlyMixin

from .models import Piece, PieceTask, PieceTaskStatusChange


class StatusChangeInline(ReadOnlyMixin, admin.TabularInline):
    model = PieceTaskStatusChange
    fields = ["created_at", "actor", "from_status", "to_status", "reason"]
    readonly_fields = fields
    extra = 0


class PieceInline(ReadOnlyMixin, admin.TabularInline):
    model = Piece
    fields = ["author", "status", "submitted_at", "reviewed_at", "auto_accepted", "file_name"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(PieceTask)
class PieceTaskAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "client",
        "category",
        "status",
        "unit_price",
        "currency",
        "pieces_wanted",
        "deadline",
        "settled_at",
    ]
    list_filter = ["status", "category", "currency"]
    list_select_related = ["client", "category"]
    search_fields = ["title", "client__email"]
    date_hierarchy = "created_at"
    inlines = [StatusChangeInline, PieceInline]


@admin.register(Piece)
class PieceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pk", "task", "author", "status", "auto_accepted", "submitted_at"]
    list_filter = ["status", "auto_accepted"]
    list_select_related = ["task", "author"]
    search_fields = ["task__title", "author__email", "text_sha256", "file_sha256"]
    exclude = ["file"]
