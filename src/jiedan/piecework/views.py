"""Piece-rate pages: the open list, a task page with the submit form, the client's tasks, the
draft form, publishing, the review page with bulk actions, and a freelancer's pieces. Thin: form
in, one service or selector call, template out. Someone else's task or piece is a 404 whatever
the id, and nothing changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.core.errors import DomainError, NotFound

from . import selectors, services
from .files import piece_file_response
from .forms import BulkReviewForm, PieceForm, ReviewFilterForm, TaskFilterForm, TaskForm
from .models import AUTO_ACCEPT_DAYS

MY_PIECES_PER_PAGE = 30
REVIEW_PER_PAGE = 50


def _or_404(read, **kwargs):
    try:
        return read(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from error


def browse(request):
    form = TaskFilterForm(request.GET)
    page = selectors.open_task_page(filters=form.filters(), page=request.GET.get("page"))
    for task in page.object_list:
        task.slots_left = selectors.slots_left(task)
    return render(request, "piecework/browse.html", {"form": form, "page": page})


def detail(request, task_id: int):
    """GET: the task, its terms and the viewer's own pieces. POST: submit a piece."""
    task = _or_404(selectors.task_for_viewer, task_id=task_id, viewer=request.user)
    is_owner = request.user.pk == task.client_id
    form = PieceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                services.piece_submit(
                    author=request.user,
                    task_id=task.pk,
                    text=form.cleaned_data["text"],
                    upload=form.cleaned_data["file"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your piece is submitted for review."))
                return redirect("piecework:detail", task_id=task.pk)
    task.slots_left = selectors.slots_left(task)
    context = {
        "task": task,
        "is_owner": is_owner,
        "form": form,
        "auto_accept_days": AUTO_ACCEPT_DAYS,
        "my_pieces": selectors.pieces_of_author_on_task(task=task, author=request.user),
        "history": selectors.task_history(task=task) if is_owner else [],
    }
    return render(request, "piecework/detail.html", context)


@login_required
def mine(request):
    context = {"tasks": selectors.tasks_of_client(client=request.user)}
    return render(request, "piecework/mine.html", context)


@login_required
def edit(request, task_id: int | None = None):
    """Post a task (no id) or edit one of the user's own drafts."""
    task = None
    if task_id is not None:
        task = _or_404(selectors.task_of_client, client=request.user, task_id=task_id)
    form = TaskForm.for_task(request.POST or None, task=task)
    if request.method == "POST" and form.is_valid():
        try:
            if task is None:
                task = services.task_create(client=request.user, details=form.details())
            else:
                services.task_update(client=request.user, task_id=task.pk, details=form.details())
        except NotFound as error:
            raise Http404(error.message) from error
        except DomainError as error:
            form.add_error_message(error.message)
        else:
            messages.success(request, _("Your task is saved."))
            return redirect("piecework:publish", task_id=task.pk)
    return render(request, "piecework/edit.html", {"form": form, "task": task})


@login_required
def publish(request, task_id: int):
    """GET: the task as freelancers will see it, what is missing and the amount to hold.
    POST: hold the budget in escrow and open the task."""
    task = _or_404(selectors.task_of_client, client=request.user, task_id=task_id)
    if request.method == "POST":
        try:
            services.task_publish(client=request.user, task_id=task.pk)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your task is open. The budget is held in escrow."))
            return redirect("piecework:detail", task_id=task.pk)
    context = {
        "task": task,
        "missing": selectors.task_missing_for_publish(task=task),
        "auto_accept_days": AUTO_ACCEPT_DAYS,
    }
    return render(request, "piecework/publish.html", context)


@login_required
def review(request, task_id: int):
    """GET: the task's pieces (pending first by default). POST: accept or reject the ticked
    pieces together."""
    task = _or_404(selectors.task_of_client, client=request.user, task_id=task_id)
    bulk = BulkReviewForm(request.POST or None)
    if request.method == "POST" and bulk.is_valid():
        if _review_selected(request, task, bulk):
            return redirect(request.get_full_path())
    elif request.method == "POST":
        for errors in bulk.errors.values():
            messages.error(request, " ".join(errors))
    filters = ReviewFilterForm(request.GET)
    status = filters.chosen_status()
    pieces = selectors.pieces_for_review(task=task, status=status)
    page = Paginator(pieces, REVIEW_PER_PAGE).get_page(request.GET.get("page"))
    task.slots_left = selectors.slots_left(task)
    context = {
        "task": task,
        "filters": filters,
        "status": status,
        "page": page,
        "bulk": bulk,
        "auto_accept_days": AUTO_ACCEPT_DAYS,
    }
    return render(request, "piecework/review.html", context)


def _review_selected(request, task, bulk: BulkReviewForm) -> bool:
    piece_ids = bulk.cleaned_data["pieces"]
    try:
        if bulk.cleaned_data["action"] == BulkReviewForm.ACCEPT:
            done = services.pieces_accept(client=request.user, task_id=task.pk, piece_ids=piece_ids)
            message = _("Accepted and paid: %(count)s.")
        else:
            done = services.pieces_reject(
                client=request.user,
                task_id=task.pk,
                piece_ids=piece_ids,
                reason=bulk.cleaned_data["reason"],
            )
            message = _("Rejected: %(count)s.")
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, message % {"count": len(done)})
    return True


def _owner_action(request, task_id: int, action, done_message: str):
    try:
        action(client=request.user, task_id=task_id, reason=request.POST.get("reason", ""))
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done_message)
    return redirect("piecework:mine")


@login_required
@require_POST
def close(request, task_id: int):
    return _owner_action(
        request,
        task_id,
        services.task_close,
        _("Your task is closed. Unused budget returns once no piece is waiting for review."),
    )


@login_required
@require_POST
def cancel(request, task_id: int):
    return _owner_action(
        request, task_id, services.task_cancel, _("Your task is cancelled and the budget returned.")
    )


@login_required
def my_pieces(request):
    """The freelancer's pieces on every task, with what accepted pieces earned."""
    pieces = selectors.pieces_of_author(author=request.user)
    context = {
        "page": Paginator(pieces, MY_PIECES_PER_PAGE).get_page(request.GET.get("page")),
        "earnings": selectors.earnings_of_author(author=request.user),
        "auto_accept_days": AUTO_ACCEPT_DAYS,
    }
    return render(request, "piecework/my_pieces.html", context)


@login_required
def piece_file(request, piece_id: int):
    """The original file of a piece, for its author and the task's client only."""
    piece = _or_404(selectors.piece_for_viewer, piece_id=piece_id, viewer=request.user)
    try:
        return piece_file_response(piece)
    except NotFound as error:
        raise Http404(error.message) from error
