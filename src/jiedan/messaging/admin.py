"""Back office for messaging: only the trust & safety review queue.

Moderators (``content.moderate``) see open ``SafetyFlag`` entries with the flagged message's
text and close them with a resolution. Conversations and messages themselves have no admin
screen: nobody on staff browses private messages (``messages.read`` is for a case that needs
it, such as a dispute, and is granted to no role).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jiedan.audit.admin_access import AccessLoggedAdmin

from . import services
from .models import SafetyFlag
from .safety import reason_labels


@admin.register(SafetyFlag)
class SafetyFlagAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    access_subject_user = "subject_user"
    list_display = ["id", "created_at", "source", "reason_list", "subject_user", "status"]
    list_filter = ["status", "source"]
    list_select_related = ["subject_user", "message"]
    ordering = ["status", "created_at"]
    fields = readonly_fields = [
        "source",
        "status",
        "reason_list",
        "subject_user",
        "reporter",
        "message_text",
        "note",
        "created_at",
        "closed_at",
        "resolution",
    ]
    actions = ["close_flags"]

    @admin.display(description=_("reasons"))
    def reason_list(self, flag):
        return ", ".join(str(label) for label in reason_labels(flag.reasons))

    @admin.display(description=_("flagged message"))
    def message_text(self, flag):
        return flag.message.body if flag.message_id else "—"

    @admin.action(description=_("Close the selected entries as reviewed"))
    def close_flags(self, request, queryset):
        closed = services.safety_flags_close(
            flag_ids=list(queryset.values_list("pk", flat=True)), resolution=_("Reviewed")
        )
        self.message_user(
            request, _("Entries closed: %(count)s") % {"count": closed}, messages.SUCCESS
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
