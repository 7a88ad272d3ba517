"""The audit trail in the back office: read-only, for staff holding ``audit.view``.

Nobody adds, changes or deletes entries here (the chain would break). Reading the trail is
itself logged (``AccessLoggedAdmin``). "Verify the chain" walks every entry and says whether
the chain is intact or where it first breaks.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _

from jiedan.core.admin import ReadOnlyMixin

from .admin_access import AccessLoggedAdmin
from .models import AuditEntry
from .selectors import audit_chain_verify

ENTRY_FIELDS = [
    "created_at",
    "kind",
    "actor",
    "action",
    "subject_type",
    "subject_id",
    "subject_user",
    "reason",
    "data",
    "previous_hash",
    "hash",
]


@admin.register(AuditEntry)
class AuditEntryAdmin(AccessLoggedAdmin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "created_at", "kind", "actor", "action", "subject_user", "reason"]
    list_filter = ["kind"]
    list_select_related = ["actor", "subject_user"]
    search_fields = ["=actor__email", "=subject_user__email", "action", "=subject_id"]
    date_hierarchy = "created_at"
    fields = readonly_fields = ENTRY_FIELDS
    access_subject_user = "subject_user"

    def get_urls(self):
        verify = self.admin_site.admin_view(self.verify_chain_view)
        return [path("verify/", verify, name="audit_auditentry_verify"), *super().get_urls()]

    def verify_chain_view(self, request):
        """Walk the whole chain and report intact or the first broken entry."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        check = audit_chain_verify()
        if check.intact:
            messages.success(
                request,
                _("The audit chain is intact: %(count)s entries checked.")
                % {"count": check.entries},
            )
        else:
            messages.error(
                request,
                _("The audit chain is broken at entry %(id)s: it was changed, removed or moved.")
                % {"id": check.first_broken_id},
            )
        return redirect("admin:audit_auditentry_changelist")
