"""Who may see which project: the public list, a project page, the client's own projects.

The public sees public projects that are open, in review or awarded. Invite-only projects are
seen by their client and the freelancers invited to them. A draft, cancelled or closed project
is seen only by its client. Anything else is "not found", never "forbidden".
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotFound
from jiedan.proposals.models import Invitation

from ..models import (
    PUBLIC_STATUSES,
    Project,
    ProjectAttachment,
    ProjectStatusChange,
    Visibility,
)


def public_projects() -> QuerySet[Project]:
    """Projects anyone may see: public, open/in review/awarded, by an active account."""
    return Project.objects.filter(
        visibility=Visibility.PUBLIC, status__in=PUBLIC_STATUSES, client__is_active=True
    )


def _with_everything(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return queryset.select_related("client", "category").prefetch_related("skills", "attachments")


def project_for_viewer(*, project_id: int, viewer) -> Project:
    """A project page: public ones in a public status for everyone, invite-only ones for the
    freelancers invited to them, any of their own for the client; otherwise ``NotFound``."""
    visible = Q(visibility=Visibility.PUBLIC, status__in=PUBLIC_STATUSES, client__is_active=True)
    if viewer is not None and viewer.is_authenticated:
        invited = Exists(
            Invitation.objects.filter(project_id=OuterRef("pk"), freelancer_id=viewer.pk)
        )
        visible |= Q(client=viewer) | Q(invited, status__in=PUBLIC_STATUSES, client__is_active=True)
    project = _with_everything(Project.objects.filter(visible, pk=project_id)).first()
    if project is None:
        raise NotFound(_("No such project."), code="project_not_found")
    return project


def project_of_client(*, client, project_id: int) -> Project:
    """One of the client's own projects in any status; another person's id is ``NotFound``."""
    if not getattr(client, "is_authenticated", False):
        raise NotFound(_("No such project."), code="project_not_found")
    project = _with_everything(Project.objects.filter(pk=project_id, client=client)).first()
    if project is None:
        raise NotFound(_("No such project."), code="project_not_found")
    return project


def projects_of_client(*, client) -> QuerySet[Project]:
    """The client's projects in every status, newest first."""
    return (
        Project.objects.filter(client=client)
        .select_related("category")
        .order_by("-created_at", "-id")
    )


def project_history(*, project: Project) -> QuerySet[ProjectStatusChange]:
    return project.status_changes.select_related("actor").order_by("created_at", "id")


def project_attachment_for_viewer(*, viewer, attachment_id: int) -> ProjectAttachment:
    """A project's file for anyone who may see the project (see ``project_for_viewer``);
    otherwise ``NotFound``."""
    record = ProjectAttachment.objects.filter(pk=attachment_id).first()
    if record is None:
        raise NotFound(_("No such file."), code="attachment_not_found")
    project_for_viewer(project_id=record.project_id, viewer=viewer)  # raises NotFound
    return record
