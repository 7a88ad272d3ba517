"""Proposals API under /api/v1/proposals: sending and editing proposals, the monthly quota,
the client's inbox and actions, and invitations.

Every endpoint needs a signed-in caller (token or session). Another person's proposal,
project or invitation is 404 and nothing changes.
"""

from typing import Annotated

from django.core.paginator import Paginator
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from . import selectors, services
from .models import Invitation, Proposal
from .quota import quota_status
from .schemas import (
    DeclineIn,
    HireIn,
    InboxPageOut,
    InboxQuery,
    InvitationDeclineIn,
    InvitationIn,
    InvitationOut,
    ProposalCreateIn,
    ProposalIn,
    ProposalOut,
    QuotaOut,
    StatusChoice,
)

router = Router(tags=["proposals"])


def _out(proposal: Proposal) -> dict:
    return {
        "id": proposal.pk,
        "project_id": proposal.project_id,
        "project_title": proposal.project.title,
        "freelancer": {"id": proposal.freelancer_id, "name": proposal.freelancer.get_short_name()},
        "status": proposal.status,
        "cover_letter": proposal.cover_letter,
        "amount": proposal.amount,
        "currency": proposal.currency,
        "delivery_days": proposal.delivery_days,
        "answers": proposal.answers,
        "options": list(proposal.options.all()),
        "milestones": list(proposal.milestones.all()),
        "attachments": [
            {
                "id": file.pk,
                "name": file.original_name,
                "content_type": file.content_type,
                "size": file.size,
                "sha256": file.sha256,
            }
            for file in proposal.attachments.all()
        ],
        "invited": proposal.invited,
        "viewed": proposal.viewed_at is not None,
        "editable": proposal.is_editable,
        "decline_reason": proposal.decline_reason,
        "decline_note": proposal.decline_note,
        "hired_option_id": proposal.hired_option_id,
        "created_at": proposal.created_at,
        "updated_at": proposal.updated_at,
    }


def _invitation_out(invitation: Invitation) -> dict:
    return {
        "id": invitation.pk,
        "project_id": invitation.project_id,
        "project_title": invitation.project.title,
        "freelancer_id": invitation.freelancer_id,
        "status": invitation.status,
        "message": invitation.message,
        "decline_note": invitation.decline_note,
        "created_at": invitation.created_at,
    }


def _details(payload: ProposalIn) -> services.ProposalDetails:
    return services.ProposalDetails(
        cover_letter=payload.cover_letter,
        amount=payload.amount,
        delivery_days=payload.delivery_days,
        answers=payload.answers,
        options=[services.OptionDetails(**option.dict()) for option in payload.options],
        milestones=[services.MilestoneDetails(**step.dict()) for step in payload.milestones],
    )


def _viewer_out(request, proposal_id: int) -> dict:
    return _out(selectors.proposal_for_viewer(viewer=request.user, proposal_id=proposal_id))


@router.post("", response={201: ProposalOut})
def proposal_submit(request, payload: ProposalCreateIn):
    """Send a proposal on an open project (uses one of this month's proposals unless invited)."""
    proposal = services.proposal_submit(
        freelancer=request.user, project_id=payload.project_id, details=_details(payload)
    )
    return Status(201, _viewer_out(request, proposal.pk))


@router.get("/quota", response=QuotaOut)
def proposal_quota(request):
    """This month's proposal allowance, how many are used and when it renews."""
    status = quota_status(freelancer=request.user)
    return {
        "allowance": status.allowance,
        "used": status.used,
        "remaining": status.remaining,
        "resets_on": status.resets_on,
    }


@router.get("/mine", response=list[ProposalOut])
def proposals_mine(request, status: StatusChoice | None = None):
    """The caller's proposals, newest first (at most 200)."""
    proposals = selectors.proposals_of_freelancer(freelancer=request.user, status=status)
    proposals = proposals.select_related("freelancer").prefetch_related(
        "options", "milestones", "attachments"
    )
    return [_out(proposal) for proposal in proposals[:200]]


@router.get("/inbox/{project_id}", response=InboxPageOut)
def proposal_inbox(request, project_id: int, query: Query[InboxQuery]):
    """Proposals on one of the caller's projects, filtered (all, unread, shortlisted, declined,
    hired) and sorted (newest, oldest, price_low, price_high, delivery)."""
    filters = selectors.InboxFilters(view=query.view, sort=query.sort)
    queryset = selectors.inbox(client=request.user, project_id=project_id, filters=filters)
    queryset = queryset.select_related("project").prefetch_related("milestones", "attachments")
    page = Paginator(queryset, selectors.INBOX_PER_PAGE).get_page(query.page)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "counts": selectors.inbox_counts(project_id=project_id),
        "results": [_out(proposal) for proposal in page.object_list],
    }


@router.get("/invitations", response=list[InvitationOut])
def invitations_mine(request):
    """Invitations to the caller on projects that are still open."""
    invitations = selectors.invitations_of_freelancer(freelancer=request.user)
    return [_invitation_out(invitation) for invitation in invitations[:200]]


@router.post("/invitations", response={201: InvitationOut})
def invitation_send(request, payload: InvitationIn):
    """Invite a freelancer to one of the caller's open projects."""
    invitation = services.invitation_send(
        client=request.user,
        project_id=payload.project_id,
        freelancer_id=payload.freelancer_id,
        message=payload.message,
    )
    return Status(201, _invitation_out(invitation))


@router.post("/invitations/{invitation_id}/decline", response=InvitationOut)
def invitation_decline(request, invitation_id: int, payload: InvitationDeclineIn):
    invitation = services.invitation_decline(
        freelancer=request.user, invitation_id=invitation_id, note=payload.note
    )
    return _invitation_out(invitation)


@router.get("/{proposal_id}", response=ProposalOut)
def proposal_detail(request, proposal_id: int):
    """One proposal, for its author or the project's client. Reading it through the API does not
    mark it read; the client marks it with POST .../read."""
    return _viewer_out(request, proposal_id)


@router.put("/{proposal_id}", response=ProposalOut)
def proposal_update(request, proposal_id: int, payload: ProposalIn):
    """Replace the proposal while the client has not read it."""
    services.proposal_update(
        freelancer=request.user, proposal_id=proposal_id, details=_details(payload)
    )
    return _viewer_out(request, proposal_id)


@router.post("/{proposal_id}/attachments", response={201: ProposalOut})
def proposal_attachments_add(
    request, proposal_id: int, files: Annotated[list[UploadedFile], File(min_length=1)]
):
    """Add files (images, PDF or ZIP; at most 5 in all) while the client has not read it."""
    services.proposal_attachments_add(
        freelancer=request.user, proposal_id=proposal_id, uploads=files
    )
    return Status(201, _viewer_out(request, proposal_id))


@router.post("/{proposal_id}/withdraw", response=ProposalOut)
def proposal_withdraw(request, proposal_id: int):
    services.proposal_withdraw(freelancer=request.user, proposal_id=proposal_id)
    return _viewer_out(request, proposal_id)


@router.post("/{proposal_id}/read", response=ProposalOut)
def proposal_read(request, proposal_id: int):
    """The client marks the proposal read (it can no longer be edited)."""
    services.proposal_mark_viewed(client=request.user, proposal_id=proposal_id)
    return _viewer_out(request, proposal_id)


@router.post("/{proposal_id}/shortlist", response=ProposalOut)
def proposal_shortlist(request, proposal_id: int):
    services.proposal_shortlist(client=request.user, proposal_id=proposal_id)
    return _viewer_out(request, proposal_id)


@router.post("/{proposal_id}/unshortlist", response=ProposalOut)
def proposal_unshortlist(request, proposal_id: int):
    services.proposal_unshortlist(client=request.user, proposal_id=proposal_id)
    return _viewer_out(request, proposal_id)


@router.post("/{proposal_id}/decline", response=ProposalOut)
def proposal_decline(request, proposal_id: int, payload: DeclineIn):
    services.proposal_decline(
        client=request.user, proposal_id=proposal_id, reason=payload.reason, note=payload.note
    )
    return _viewer_out(request, proposal_id)


@router.post("/{proposal_id}/hire", response=ProposalOut)
def proposal_hire(request, proposal_id: int, payload: HireIn):
    """Hire the freelancer (choose an option when the proposal offers tiers); the project is
    awarded and the other proposals are declined."""
    services.proposal_hire(
        client=request.user, proposal_id=proposal_id, option_id=payload.option_id
    )
    return _viewer_out(request, proposal_id)
