"""Access logging for back-office screens that show private data.

``AccessLoggedAdmin`` goes in front of ``admin.ModelAdmin`` on every screen that shows
someone's private data (payment details, payouts, the ledger, flagged message text,
deliveries, notification history, the audit trail itself). Rules:

- opening one record asks the staff member why first (at least ``MIN_REASON_LENGTH``
  characters); the record is shown only once the reason is written to the audit trail;
- a list is logged as it is shown, with the query that produced it, under a fixed reason;
- a refused view (no permission, no such record) is left to the admin and logs nothing.

The reason travels in the ``access_reason`` query parameter, so the change form, which posts
back to its own address, carries it too.
"""

from django.contrib.admin.utils import unquote
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .services import audit_access

REASON_PARAM = "access_reason"
MIN_REASON_LENGTH = 5
LIST_REASON = "back-office list"
MAX_QUERY_LENGTH = 500


class AccessLoggedAdmin:
    """Mixin for a ModelAdmin whose records are private data (see the module rules).

    ``access_subject_user`` names the attribute holding the person whose data a record is
    (``"user"``, ``"subject_user"``…), or None when a record belongs to nobody in particular.
    """

    access_subject_user: str | None = None

    def _access_action(self, what: str) -> str:
        return f"admin.{self.model._meta.label_lower}.{what}"

    def _access_owner(self, obj):
        if self.access_subject_user is None:
            return None
        owner = obj
        for name in self.access_subject_user.split("."):
            owner = getattr(owner, name, None)
        return owner

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            audit_access(
                staff=request.user,
                action=self._access_action("list"),
                reason=LIST_REASON,
                data={"query": request.GET.urlencode()[:MAX_QUERY_LENGTH]},
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return super().change_view(request, object_id, form_url, extra_context)
        reason = request.GET.get(REASON_PARAM, "").strip()
        if len(reason) < MIN_REASON_LENGTH:
            return self._access_reason_prompt(request, obj, given=reason)
        audit_access(
            staff=request.user,
            action=self._access_action("view"),
            reason=reason,
            subject=obj,
            subject_user=self._access_owner(obj),
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def _access_reason_prompt(self, request, obj, *, given: str):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Why do you need to see this?"),
            "opts": self.model._meta,
            "object": obj,
            "reason_param": REASON_PARAM,
            "min_length": MIN_REASON_LENGTH,
            "given": given,
            "error": bool(given),
            "kept": [(k, v) for k, v in request.GET.items() if k != REASON_PARAM],
        }
        return TemplateResponse(request, "admin/access_reason.html", context)
