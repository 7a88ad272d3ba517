"""Template pieces other pages include: the account banner, the fingerprint script and the
"Report this project" form."""

from django import template
from django.conf import settings

from ..forms import ProjectReportForm
from ..selectors import request_actions

register = template.Library()


@register.inclusion_tag("trust/_banner.html", takes_context=True)
def trust_banner(context):
    """A banner while any action is active on the signed-in person's account."""
    request = context.get("request")
    signed_in = request is not None and request.user.is_authenticated
    return {"active": request_actions(request) if signed_in else []}


@register.inclusion_tag("trust/_fingerprint.html", takes_context=True)
def trust_fingerprint(context):
    """The fingerprint script, for signed-in people whose session has not sent it yet (unless
    ``JIEDAN_TRUST_FINGERPRINT`` is off)."""
    request = context.get("request")
    wanted = (
        settings.JIEDAN_TRUST_FINGERPRINT
        and request is not None
        and request.user.is_authenticated
        and not request.session.get("trust_device")
    )
    return {"wanted": wanted}


@register.inclusion_tag("trust/_report_project.html", takes_context=True)
def project_report_form(context, project):
    request = context.get("request")
    user = getattr(request, "user", None)
    show = bool(user and user.is_authenticated and user.pk != project.client_id)
    return {
        "show": show,
        "project": project,
        "form": ProjectReportForm(auto_id="report_%s"),
        "next": request.get_full_path() if request else "/",
        "csrf_token": context.get("csrf_token"),
    }
