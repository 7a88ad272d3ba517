"""Reads for proposals and invitations.

Only the project's client sees its proposals (the inbox); a freelancer sees only their own. An
id outside those sets is "not found", never "forbidden".
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotFound
from jiedan.projects.models import Project
from jiedan.projects.models import Status as ProjectStatus

from .models import (
    ACTIVE_STATUSES,
    Invitation,
    InvitationStatus,
    Proposal,
    ProposalAttachment,
    ProposalMilestone,
    ProposalOption,
    Status,
)
from .quota import quota_status

INBOX_PER_PAGE = 20


class InboxView:
    """The client's inbox filters: everything but withdrawn, the unread ones, the shortlist, the
    declined ones, or the hired one."""

    ALL = "all"
    UNREAD = "unread"
    SHORTLISTED = "shortlisted"
    DECLINED = "declined"
    HIRED = "hired"
    CHOICES = (ALL, UNREAD, SHORTLISTED, DECLINED, HIRED)


INBOX_SORTS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "price_low": ("amount", "id"),
    "price_high": ("-amount", "-id"),
    "delivery": ("delivery_days", "id"),
}


@dataclass(frozen=True)
class InboxFilters:
    view: str = InboxView.ALL
    sort: str = "newest"


@dataclass(frozen=True)
class HireTerms:
    """What a contract offer starts from when a proposal is hired."""

    price: Decimal
    currency: str
    budget_type: str
    delivery_days: int
    option: ProposalOption | None
    milestones: list[ProposalMilestone]


def _with_details(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return queryset.select_related("project", "project__client", "freelancer").prefetch_related(
        "options", "milestones", "attachments"
    )


def proposal_for_freelancer(*, freelancer, proposal_id: int) -> Proposal:
    proposal = _with_details(
        Proposal.objects.filter(pk=proposal_id, freelancer_id=getattr(freelancer, "pk", None))
    ).first()
    if proposal is None:
        raise NotFound(_("No such proposal."), code="proposal_not_found")
    return proposal


def proposal_for_client(*, client, proposal_id: int) -> Proposal:
    """A proposal on one of the client's projects; a withdrawn one is no longer shown."""
    proposal = _with_details(
        Proposal.objects.filter(
            pk=proposal_id, project__client_id=getattr(client, "pk", None)
        ).exclude(status=Status.WITHDRAWN)
    ).first()
    if proposal is None:
        raise NotFound(_("No such proposal."), code="proposal_not_found")
    return proposal


def proposal_for_viewer(*, viewer, proposal_id: int) -> Proposal:
    """The author's or the project client's view of one proposal."""
    try:
        return proposal_for_freelancer(freelancer=viewer, proposal_id=proposal_id)
    except NotFound:
        return proposal_for_client(client=viewer, proposal_id=proposal_id)


def proposals_of_freelancer(*, freelancer, status: str | None = None) -> QuerySet[Proposal]:
    queryset = Proposal.objects.filter(freelancer=freelancer).select_related("project")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-id")


def proposal_of_freelancer_on(*, freelancer, project: Project) -> Proposal | None:
    """The freelancer's standing (not withdrawn) proposal on the project, if any."""
    if not getattr(freelancer, "is_authenticated", False):
        return None
    return (
        Proposal.objects.filter(project=project, freelancer=freelancer)
        .exclude(status=Status.WITHDRAWN)
        .first()
    )


def inbox(*, client, project_id: int, filters: InboxFilters) -> QuerySet[Proposal]:
    """Proposals on the client's project, filtered and sorted; ``NotFound`` for another
    person's project."""
    if not Project.objects.filter(pk=project_id, client_id=getattr(client, "pk", None)).exists():
        raise NotFound(_("No such project."), code="project_not_found")
    queryset = Proposal.objects.filter(project_id=project_id).exclude(status=Status.WITHDRAWN)
    if filters.view == InboxView.UNREAD:
        queryset = queryset.filter(viewed_at__isnull=True, status__in=ACTIVE_STATUSES)
    elif filters.view in (InboxView.SHORTLISTED, InboxView.DECLINED, InboxView.HIRED):
        queryset = queryset.filter(status=filters.view)
    order = INBOX_SORTS.get(filters.sort, INBOX_SORTS["newest"])
    return (
        queryset.select_related("freelancer", "freelancer__freelancer_profile")
        .prefetch_related(Prefetch("options", queryset=ProposalOption.objects.order_by("id")))
        .annotate(attachment_count=Count("attachments", distinct=True))
        .order_by(*order)
    )


def inbox_counts(*, project_id: int) -> dict[str, int]:
    """How many proposals each inbox view holds, in one query."""
    live = ~Q(status=Status.WITHDRAWN)
    return Proposal.objects.filter(project_id=project_id).aggregate(
        all=Count("pk", filter=live),
        unread=Count("pk", filter=Q(viewed_at__isnull=True, status__in=ACTIVE_STATUSES)),
        shortlisted=Count("pk", filter=Q(status=Status.SHORTLISTED)),
        declined=Count("pk", filter=Q(status=Status.DECLINED)),
        hired=Count("pk", filter=Q(status=Status.HIRED)),
    )


def proposal_counts_by_project(*, project_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per project: proposals standing (not withdrawn) and how many the client has not read."""
    rows = (
        Proposal.objects.filter(project_id__in=project_ids)
        .exclude(status=Status.WITHDRAWN)
        .values("project_id")
        .annotate(
            total=Count("pk"),
            unread=Count("pk", filter=Q(viewed_at__isnull=True, status__in=ACTIVE_STATUSES)),
        )
    )
    return {row["project_id"]: {"total": row["total"], "unread": row["unread"]} for row in rows}


def proposal_history(*, proposal: Proposal):
    return proposal.status_changes.select_related("actor").order_by("created_at", "id")


def hire_terms(*, proposal: Proposal, option: ProposalOption | None = None) -> HireTerms:
    """The terms a contract offer starts from: the chosen option's price and delivery time
    (or the proposal's own), and the proposed milestones when hiring the proposal as written."""
    option = option or proposal.hired_option
    return HireTerms(
        price=option.amount if option else proposal.amount,
        currency=proposal.currency,
        budget_type=proposal.project.budget_type,
        delivery_days=option.delivery_days if option else proposal.delivery_days,
        option=option,
        milestones=[] if option else list(proposal.milestones.all()),
    )


@dataclass(frozen=True)
class ProposeState:
    """Whether the freelancer may propose on a project now, and if not, why."""

    allowed: bool
    reason: str = ""
    existing: Proposal | None = None
    invited: bool = False


def propose_state(*, freelancer, project: Project) -> ProposeState:
    if not getattr(freelancer, "is_authenticated", False):
        return ProposeState(False, str(_("Sign in to send a proposal.")))
    if project.client_id == freelancer.pk:
        return ProposeState(False)
    existing = proposal_of_freelancer_on(freelancer=freelancer, project=project)
    if existing is not None:
        return ProposeState(False, existing=existing)
    if project.status != ProjectStatus.OPEN:
        return ProposeState(False, str(_("This project is not taking proposals.")))
    invited = Invitation.objects.filter(project=project, freelancer=freelancer).exists()
    if not invited and quota_status(freelancer=freelancer).remaining <= 0:
        return ProposeState(False, str(_("You have used this month's proposals.")))
    return ProposeState(True, invited=invited)


def invitations_of_freelancer(*, freelancer) -> QuerySet[Invitation]:
    """Invitations to the freelancer on projects that are still open, waiting ones first."""
    return (
        Invitation.objects.filter(freelancer=freelancer, project__status=ProjectStatus.OPEN)
        .select_related("project", "project__client")
        .order_by("-created_at", "-id")
    )


def pending_invitation_count(*, freelancer) -> int:
    return (
        invitations_of_freelancer(freelancer=freelancer)
        .filter(status=InvitationStatus.PENDING)
        .count()
    )


def invitations_of_project(*, client, project_id: int) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(project_id=project_id, project__client=client)
        .select_related("freelancer")
        .order_by("-created_at", "-id")
    )


def invitation_for_freelancer(*, freelancer, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.filter(pk=invitation_id, freelancer_id=getattr(freelancer, "pk", None))
        .select_related("project", "project__client")
        .first()
    )
    if invitation is None:
        raise NotFound(_("No such invitation."), code="invitation_not_found")
    return invitation


def invitable_projects(*, client, freelancer) -> QuerySet[Project]:
    """The client's open projects the freelancer is not yet invited to and has not proposed on."""
    return (
        Project.objects.filter(client=client, status=ProjectStatus.OPEN)
        .exclude(invitations__freelancer=freelancer)
        .exclude(
            pk__in=Proposal.objects.filter(freelancer=freelancer)
            .exclude(status=Status.WITHDRAWN)
            .values("project_id")
        )
        .order_by("-published_at", "-id")
    )


def attachment_for_viewer(*, viewer, attachment_id: int):
    """A proposal file for its author or the project's client; ``NotFound`` for anyone else."""
    viewer_id = getattr(viewer, "pk", None)
    record = (
        ProposalAttachment.objects.filter(pk=attachment_id)
        .filter(Q(proposal__freelancer_id=viewer_id) | Q(proposal__project__client_id=viewer_id))
        .first()
    )
    if record is None or viewer_id is None:
        raise NotFound(_("No such file."), code="attachment_not_found")
    return record
