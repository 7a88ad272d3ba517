"""Project pages: the public list and project page, the client's projects, the posting form and
the review-and-publish page. Thin: form in, one service or selector call, template out. Someone
else's project is a 404 whatever the id, and nothing changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.core.errors import DomainError, NotFound
from jiedan.core.public_pages import public_page
from jiedan.matching.assistants.handoff import brief_handoff_initial
from jiedan.proposals.selectors import inbox_counts, proposal_counts_by_project, propose_state
from jiedan.savedsearches.forms import SavedSearchForm

from . import selectors, services
from .forms import ProjectFilterForm, ProjectForm
from .models import EDITABLE_STATUSES, MAX_ATTACHMENTS, Status


def _or_404(read, **kwargs):
    try:
        return read(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from error


def _criteria_fields(filters) -> list[tuple[str, str]]:
    """The search's criteria as (name, value) form fields, for saving it; empty when there is
    nothing to save (invalid filters or no criteria)."""
    criteria = selectors.filters_criteria(filters) if filters else {}
    return [
        (name, "on" if value is True else str(item))
        for name, value in criteria.items()
        for item in (value if isinstance(value, list) else [value])
    ]


@public_page
def browse(request):
    form = ProjectFilterForm(request.GET)
    filters = form.filters()
    page = selectors.project_page(filters=filters, page=request.GET.get("page"))
    context = {"form": form, "page": page, "criteria_fields": _criteria_fields(filters)}
    if request.user.is_authenticated:
        context["save_search_form"] = SavedSearchForm()
    return render(request, "projects/browse.html", context)


@public_page
def detail(request, project_id: int):
    project = _or_404(selectors.project_for_viewer, project_id=project_id, viewer=request.user)
    is_owner = request.user.pk == project.client_id
    context = {
        "project": project,
        "is_owner": is_owner,
        "history": selectors.project_history(project=project) if is_owner else [],
        "proposal_counts": inbox_counts(project_id=project.pk) if is_owner else None,
        "propose": None if is_owner else propose_state(freelancer=request.user, project=project),
    }
    return render(request, "projects/detail.html", context)


@login_required
def mine(request):
    projects = list(selectors.projects_of_client(client=request.user))
    context = {
        "projects": projects,
        "editable": EDITABLE_STATUSES,
        "proposal_counts": proposal_counts_by_project(project_ids=[p.pk for p in projects]),
    }
    return render(request, "projects/mine.html", context)


@login_required
def edit(request, project_id: int | None = None):
    """Post a project (no id) or edit one of the user's own drafts or open projects."""
    project = None
    if project_id is not None:
        project = _or_404(selectors.project_of_client, client=request.user, project_id=project_id)
    form = ProjectForm.for_project(request.POST or None, project=project)
    if project is None and not form.is_bound:
        form.initial = brief_handoff_initial(request)  # "Use this brief" (matching assistants)
    if request.method == "POST" and form.is_valid():
        try:
            if project is None:
                project = services.project_create(client=request.user, details=form.details())
            else:
                services.project_update(
                    client=request.user, project_id=project.pk, details=form.details()
                )
        except NotFound as error:
            raise Http404(error.message) from error
        except DomainError as error:
            form.add_error_message(error.message)
        else:
            messages.success(request, _("Your project is saved."))
            if project.status == Status.DRAFT:
                return redirect("projects:review", project_id=project.pk)
            return redirect("projects:detail", project_id=project.pk)
    return render(request, "projects/edit.html", {"form": form, "project": project})


@login_required
def review(request, project_id: int):
    """GET: the project as freelancers will see it, with what is missing and clarity hints.
    POST: publish it."""
    project = _or_404(selectors.project_of_client, client=request.user, project_id=project_id)
    if request.method == "POST":
        try:
            services.project_publish(client=request.user, project_id=project.pk)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your project is published."))
            return redirect("projects:detail", project_id=project.pk)
    context = {
        "project": project,
        "missing": selectors.project_missing_for_publish(project=project),
        "warnings": selectors.project_clarity(project),
        "max_attachments": MAX_ATTACHMENTS,
        "files_editable": project.status in EDITABLE_STATUSES,
    }
    return render(request, "projects/review.html", context)


def _owner_action(request, project_id: int, action, done_message: str):
    try:
        action(client=request.user, project_id=project_id)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done_message)
    return redirect("projects:mine")


@login_required
@require_POST
def cancel(request, project_id: int):
    return _owner_action(
        request, project_id, services.project_cancel, _("Your project is cancelled.")
    )


@login_required
@require_POST
def close(request, project_id: int):
    return _owner_action(request, project_id, services.project_close, _("Your project is closed."))


@login_required
@require_POST
def attachments_add(request, project_id: int):
    """Owner only: add files to a draft or open project, then back to the review page."""
    try:
        services.project_attachments_add(
            client=request.user, project_id=project_id, uploads=request.FILES.getlist("files")
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Files added."))
    return redirect("projects:review", project_id=project_id)


@login_required
@require_POST
def attachment_remove(request, attachment_id: int):
    record = _or_404(
        selectors.project_attachment_for_viewer, viewer=request.user, attachment_id=attachment_id
    )
    try:
        services.project_attachment_remove(client=request.user, attachment_id=attachment_id)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("File removed."))
    return redirect("projects:review", project_id=record.project_id)


def attachment(request, attachment_id: int):
    """A project file, for anyone who may see the project; always a download."""
    record = _or_404(
        selectors.project_attachment_for_viewer, viewer=request.user, attachment_id=attachment_id
    )
    response = FileResponse(
        record.file.open("rb"), as_attachment=True, filename=record.original_name
    )
    response["Content-Type"] = record.content_type
    response["Cache-Control"] = "private, no-store"
    return response
