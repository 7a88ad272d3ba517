"""Proposal pages: sending and editing a proposal, the freelancer's proposals and invitations,
the client's inbox and actions, invitations and private attachments. Thin: form in, one service
or selector call, template out. Another person's proposal is a 404 and nothing changes."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.contracts.models import Source
from jiedan.contracts.selectors import contract_for_source
from jiedan.core.errors import DomainError, NotFound
from jiedan.projects.selectors import project_for_viewer, project_of_client

from . import selectors, services
from .forms import DeclineForm, InboxFilterForm, InvitationDeclineForm, InvitationForm, ProposalForm
from .quota import quota_status


def _or_404(read, **kwargs):
    try:
        return read(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from error


@login_required
def propose(request, project_id: int):
    project = _or_404(project_for_viewer, project_id=project_id, viewer=request.user)
    state = selectors.propose_state(freelancer=request.user, project=project)
    if state.existing is not None:
        return redirect("proposals:detail", proposal_id=state.existing.pk)
    form = ProposalForm.for_proposal(request.POST or None, request.FILES or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_submit(
                freelancer=request.user,
                project_id=project.pk,
                details=form.details(),
                attachments=form.attachments(),
            )
        except NotFound as error:
            raise Http404(error.message) from error
        except DomainError as error:
            form.add_error_message(error.message)
        else:
            messages.success(request, _("Your proposal is sent."))
            return redirect("proposals:detail", proposal_id=proposal.pk)
    context = {
        "project": project,
        "form": form,
        "state": state,
        "quota": quota_status(freelancer=request.user),
    }
    return render(request, "proposals/propose.html", context)


@login_required
def mine(request):
    context = {
        "proposals": selectors.proposals_of_freelancer(freelancer=request.user),
        "invitations": selectors.invitations_of_freelancer(freelancer=request.user),
        "quota": quota_status(freelancer=request.user),
        "decline_form": InvitationDeclineForm(),
    }
    return render(request, "proposals/mine.html", context)


@login_required
def detail(request, proposal_id: int):
    """The author's view (edit, withdraw) or the client's (shortlist, decline, hire). The
    client opening it marks it read."""
    proposal = _or_404(selectors.proposal_for_viewer, viewer=request.user, proposal_id=proposal_id)
    is_client = proposal.project.client_id == request.user.pk
    if is_client and proposal.viewed_at is None:
        proposal = services.proposal_mark_viewed(client=request.user, proposal_id=proposal.pk)
        proposal = selectors.proposal_for_client(client=request.user, proposal_id=proposal.pk)
    context = {
        "proposal": proposal,
        "project": proposal.project,
        "is_client": is_client,
        "decline_form": DeclineForm(),
        "history": selectors.proposal_history(proposal=proposal),
        "terms": selectors.hire_terms(proposal=proposal) if proposal.status == "hired" else None,
        "contract": contract_for_source(source=Source.PROPOSAL, source_id=proposal.pk)
        if proposal.status == "hired"
        else None,
    }
    return render(request, "proposals/detail.html", context)


@login_required
def edit(request, proposal_id: int):
    proposal = _or_404(
        selectors.proposal_for_freelancer, freelancer=request.user, proposal_id=proposal_id
    )
    form = ProposalForm.for_proposal(
        request.POST or None, project=proposal.project, proposal=proposal
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(
                freelancer=request.user, proposal_id=proposal.pk, details=form.details()
            )
        except DomainError as error:
            form.add_error_message(error.message)
        else:
            messages.success(request, _("Your proposal is updated."))
            return redirect("proposals:detail", proposal_id=proposal.pk)
    context = {"proposal": proposal, "project": proposal.project, "form": form}
    return render(request, "proposals/edit.html", context)


def _act(request, proposal_id: int, action, done: str, **kwargs):
    """Run one POST action on a proposal and go back to it."""
    try:
        action(proposal_id=proposal_id, **kwargs)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(request.POST.get("next") or "proposals:detail", proposal_id=proposal_id)


@login_required
@require_POST
def withdraw(request, proposal_id: int):
    return _act(
        request,
        proposal_id,
        services.proposal_withdraw,
        _("Your proposal is withdrawn."),
        freelancer=request.user,
    )


@login_required
@require_POST
def shortlist(request, proposal_id: int):
    return _act(
        request,
        proposal_id,
        services.proposal_shortlist,
        _("Added to the shortlist."),
        client=request.user,
    )


@login_required
@require_POST
def unshortlist(request, proposal_id: int):
    return _act(
        request,
        proposal_id,
        services.proposal_unshortlist,
        _("Removed from the shortlist."),
        client=request.user,
    )


@login_required
@require_POST
def decline(request, proposal_id: int):
    form = DeclineForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"reason": "", "note": ""}
    return _act(
        request,
        proposal_id,
        services.proposal_decline,
        _("The proposal is declined; the freelancer is told."),
        client=request.user,
        reason=data["reason"],
        note=data["note"],
    )


@login_required
@require_POST
def hire(request, proposal_id: int):
    option = request.POST.get("option")
    return _act(
        request,
        proposal_id,
        services.proposal_hire,
        _("You hired this freelancer. The project is awarded."),
        client=request.user,
        option_id=int(option) if option and option.isdigit() else None,
    )


@login_required
def inbox(request, project_id: int):
    project = _or_404(project_of_client, client=request.user, project_id=project_id)
    form = InboxFilterForm(request.GET)
    filters = form.filters()
    context = {
        "project": project,
        "form": form,
        "filters": filters,
        "page": Paginator(
            selectors.inbox(client=request.user, project_id=project.pk, filters=filters),
            selectors.INBOX_PER_PAGE,
        ).get_page(request.GET.get("page")),
        "counts": selectors.inbox_counts(project_id=project.pk),
        "invitations": selectors.invitations_of_project(client=request.user, project_id=project.pk),
    }
    return render(request, "proposals/inbox.html", context)


@login_required
def invite(request, freelancer_id: int):
    """Invite a freelancer to one of the signed-in client's open projects."""
    freelancer = get_user_model().objects.filter(pk=freelancer_id, is_active=True).first()
    if freelancer is None or freelancer.pk == request.user.pk:
        raise Http404(_("No such freelancer."))
    projects = selectors.invitable_projects(client=request.user, freelancer=freelancer)
    form = InvitationForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_send(
                client=request.user,
                project_id=form.cleaned_data["project"],
                freelancer_id=freelancer.pk,
                message=form.cleaned_data["message"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Invitation sent."))
            return redirect("proposals:inbox", project_id=form.cleaned_data["project"])
    context = {"freelancer": freelancer, "form": form, "projects": projects}
    return render(request, "proposals/invite.html", context)


@login_required
@require_POST
def invitation_decline(request, invitation_id: int):
    form = InvitationDeclineForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.invitation_decline(freelancer=request.user, invitation_id=invitation_id, note=note)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invitation declined."))
    return redirect("proposals:mine")


@login_required
def attachment(request, attachment_id: int):
    """A private proposal file, for its author and the project's client only."""
    record = _or_404(
        selectors.attachment_for_viewer, viewer=request.user, attachment_id=attachment_id
    )
    response = FileResponse(
        record.file.open("rb"), as_attachment=True, filename=record.original_name
    )
    response["Content-Type"] = record.content_type
    response["Cache-Control"] = "private, no-store"
    return response
