"""Piece-rate tasks API under /api/v1/tasks: browsing, the client's drafts and reviews, and
freelancers' pieces.

Public reads need no sign-in. Writes use the default auth (token or session). Another person's
task or piece is 404 for every write, and nothing changes. Money moves only through the
services, each with an idempotency key derived from the task or piece id, so a repeated call
never pays twice. The POSTs that move money (publish, close, cancel, accept) also need an
``Idempotency-Key`` header: a repeat with the same key gets the first answer again
(``jiedan.core.idempotency``).
"""

import json

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from jiedan.accounts.api_auth import OPTIONAL_AUTH
from jiedan.core.errors import InvalidInput
from jiedan.core.idempotency import idempotent

from . import selectors, services
from .files import piece_file_response
from .models import AUTO_ACCEPT_DAYS, Piece, PieceTask
from .schemas import (
    PieceOut,
    PieceQuery,
    PieceTextIn,
    TaskIn,
    TaskOut,
    TaskPageOut,
    TaskQuery,
    TaskReasonIn,
)
from .selectors import TaskFilters

router = Router(tags=["piece-rate tasks"])

SUBMIT_BODY = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"text": {"type": "string"}},
                    "required": ["text"],
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string"},
                        "file": {"type": "string", "format": "binary"},
                    },
                }
            },
        }
    }
}


def _summary(task: PieceTask) -> dict:
    category = task.category
    return {
        "id": task.pk,
        "title": task.title,
        "client": {"id": task.client_id, "name": task.client.get_short_name()},
        "category": category and {"id": category.pk, "slug": category.slug, "name": category.name},
        "unit_price": task.unit_price,
        "currency": task.currency,
        "pieces_wanted": task.pieces_wanted,
        "max_per_freelancer": task.max_per_freelancer,
        "slots_left": selectors.slots_left(task),
        "accepted_count": task.accepted_count,
        "deadline": task.deadline,
        "status": task.status,
        "published_at": task.published_at,
    }


def _full(task: PieceTask) -> dict:
    return {
        **_summary(task),
        "instructions": task.instructions,
        "acceptance_criteria": task.acceptance_criteria,
        "budget": task.budget,
        "auto_accept_days": AUTO_ACCEPT_DAYS,
        "closed_at": task.closed_at,
        "settled_at": task.settled_at,
        "updated_at": task.updated_at,
    }


def _piece(piece: Piece) -> dict:
    file_url = (
        reverse("api-v1:piecework_piece_file", kwargs={"piece_id": piece.pk})
        if piece.file
        else None
    )
    return {
        "id": piece.pk,
        "task_id": piece.task_id,
        "author": {"id": piece.author_id, "name": piece.author.get_short_name()},
        "text": piece.text,
        "file_name": piece.file_name,
        "file_type": piece.file_type,
        "file_url": file_url,
        "status": piece.status,
        "rejection_reason": piece.rejection_reason,
        "auto_accepted": piece.auto_accepted,
        "submitted_at": piece.submitted_at,
        "reviewed_at": piece.reviewed_at,
    }


def _details(payload: TaskIn) -> services.TaskDetails:
    return services.TaskDetails(**payload.dict())


def _own(request, task_id: int) -> dict:
    task = selectors.task_of_client(client=request.user, task_id=task_id)
    task.client = request.user
    return _full(task)


def _piece_text(request) -> tuple[str, object]:
    """Text and file from a multipart form, or text from a JSON body."""
    if request.content_type == "multipart/form-data":
        return request.POST.get("text", ""), request.FILES.get("file")
    try:
        return PieceTextIn(**json.loads(request.body or b"{}")).text, None
    except (ValueError, TypeError) as error:
        raise InvalidInput(
            _('Send {"text": "..."} as JSON, or a multipart form with text and/or a file.'),
            code="bad_piece_body",
        ) from error


@router.get("", response=TaskPageOut, auth=None)
def task_list(request, query: Query[TaskQuery]):
    """Open tasks, newest first, with the slots still free."""
    filters = TaskFilters(category=query.category)
    page = selectors.open_task_page(filters=filters, page=query.page, per_page=query.page_size)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_summary(task) for task in page.object_list],
    }


@router.get("/{task_id}", response=TaskOut, auth=OPTIONAL_AUTH)
def task_detail(request, task_id: int):
    """An open or closed task, or any of the caller's own."""
    return _full(selectors.task_for_viewer(task_id=task_id, viewer=request.user))


@router.post("", response={201: TaskOut})
def task_create(request, payload: TaskIn):
    """Create a draft task."""
    task = services.task_create(client=request.user, details=_details(payload))
    return Status(201, _own(request, task.pk))


@router.put("/{task_id}", response=TaskOut)
def task_update(request, task_id: int, payload: TaskIn):
    """Replace a draft's content."""
    services.task_update(client=request.user, task_id=task_id, details=_details(payload))
    return _own(request, task_id)


@router.post("/{task_id}/publish", response=TaskOut)
@idempotent
def task_publish(request, task_id: int):
    """Hold price × pieces wanted in escrow and open the task."""
    services.task_publish(client=request.user, task_id=task_id)
    return _own(request, task_id)


@router.post("/{task_id}/close", response=TaskOut)
@idempotent
def task_close(request, task_id: int, payload: TaskReasonIn | None = None):
    """Stop taking pieces; the unused budget returns once nothing is pending."""
    services.task_close(
        client=request.user, task_id=task_id, reason=payload.reason if payload else ""
    )
    return _own(request, task_id)


@router.post("/{task_id}/cancel", response=TaskOut)
@idempotent
def task_cancel(request, task_id: int, payload: TaskReasonIn | None = None):
    """Withdraw a draft, or an open task without pending or accepted pieces."""
    services.task_cancel(
        client=request.user, task_id=task_id, reason=payload.reason if payload else ""
    )
    return _own(request, task_id)


@router.post("/{task_id}/pieces", response={201: PieceOut}, openapi_extra=SUBMIT_BODY)
def piece_submit(request, task_id: int):
    """Submit a piece: JSON ``{"text": ...}``, or multipart with ``text`` and/or ``file``."""
    text, upload = _piece_text(request)
    piece = services.piece_submit(author=request.user, task_id=task_id, text=text, upload=upload)
    return Status(201, _piece(piece))


@router.get("/{task_id}/pieces", response=list[PieceOut])
def piece_list(request, task_id: int, query: Query[PieceQuery]):
    """The client sees every piece of their task; a freelancer sees their own."""
    task = selectors.task_for_viewer(task_id=task_id, viewer=request.user)
    if task.client_id == request.user.pk:
        pieces = selectors.pieces_for_review(task=task, status=query.status)
    else:
        pieces = selectors.pieces_of_author_on_task(task=task, author=request.user)
        pieces = pieces.filter(status=query.status) if query.status else pieces
        pieces = pieces.select_related("author")
    return [_piece(piece) for piece in pieces]


@router.post("/pieces/{piece_id}/accept", response=PieceOut)
@idempotent
def piece_accept(request, piece_id: int):
    """Accept a pending piece: its author is paid the unit price from escrow."""
    return _piece(services.piece_accept(client=request.user, piece_id=piece_id))


@router.post("/pieces/{piece_id}/reject", response=PieceOut)
def piece_reject(request, piece_id: int, payload: TaskReasonIn):
    """Reject a pending piece with a reason its author sees; its slot frees up."""
    return _piece(
        services.piece_reject(client=request.user, piece_id=piece_id, reason=payload.reason)
    )


@router.get("/pieces/{piece_id}/file", url_name="piecework_piece_file")
def piece_file(request, piece_id: int):
    """The piece's original file, for its author and the task's client only."""
    piece = selectors.piece_for_viewer(piece_id=piece_id, viewer=request.user)
    return piece_file_response(piece)
