"""Members reporting projects to the moderators."""

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jiedan.projects.models import PUBLIC_STATUSES, Project

from ..models import ProjectReport, SourceKind
from .queue import queue_item_add


@transaction.atomic
def project_report(*, reporter, project_id: int, reason: str, note: str = "") -> ProjectReport:
    """Report a public project (once per person and project); it enters the review queue."""
    if not reporter.is_authenticated:
        raise PermissionDenied()
    project = Project.objects.filter(pk=project_id, status__in=PUBLIC_STATUSES).first()
    if project is None:
        raise NotFound(_("No such project."), code="project_not_found")
    if project.client_id == reporter.pk:
        raise PermissionDenied(_("You cannot report your own project."), code="own_project")
    if reason not in ProjectReport.Reason.values:
        raise InvalidInput(_("Choose what is wrong with this project."), code="reason_invalid")
    if ProjectReport.objects.filter(project=project, reporter=reporter).exists():
        raise Conflict(
            _("You have already reported this project; moderators will look at it."),
            code="already_reported",
        )
    report = ProjectReport.objects.create(
        project=project, reporter=reporter, reason=reason, note=(note or "").strip()[:1000]
    )
    queue_item_add(
        source_kind=SourceKind.PROJECT_REPORT,
        source_id=report.pk,
        subject_user=project.client,
        summary=gettext("Project “%(title)s” reported: %(reason)s")
        % {"title": project.title[:120], "reason": report.get_reason_display()},
    )
    return report
