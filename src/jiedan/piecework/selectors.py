"""Reads for piece-rate tasks: the open list, a task page, the client's tasks and review queue,
a freelancer's pieces and earnings, and what a draft still needs before publishing.

Anyone sees open and closed tasks of active clients; drafts and cancelled tasks only their
client. A piece (and its file) is seen only by its author and the task's client. Anything else
is "not found", never "forbidden".
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotFound

from .models import (
    PUBLIC_STATUSES,
    SLOT_STATUSES,
    Piece,
    PieceStatus,
    PieceTask,
    PieceTaskStatusChange,
    Status,
)

PER_PAGE = 20


@dataclass(frozen=True)
class TaskFilters:
    category: str | None = None  # a category slug


@dataclass(frozen=True)
class Earning:
    currency: str
    total: Decimal
    pieces: int


def _with_counts(queryset: QuerySet[PieceTask]) -> QuerySet[PieceTask]:
    """Each task with ``taken`` (pending + accepted), ``pending_count`` and ``accepted_count``."""
    return queryset.annotate(
        taken=Count("pieces", filter=Q(pieces__status__in=SLOT_STATUSES)),
        pending_count=Count("pieces", filter=Q(pieces__status=PieceStatus.PENDING)),
        accepted_count=Count("pieces", filter=Q(pieces__status=PieceStatus.ACCEPTED)),
    )


def slots_left(task: PieceTask) -> int:
    """Pieces still wanted on a task from ``_with_counts`` (never below zero)."""
    return max((task.pieces_wanted or 0) - task.taken, 0)


def open_tasks(*, filters: TaskFilters) -> QuerySet[PieceTask]:
    """Open tasks of active clients still before their deadline, newest first, with their
    slot counts."""
    queryset = PieceTask.objects.filter(
        status=Status.OPEN, client__is_active=True, deadline__gt=timezone.now()
    )
    if filters.category:
        queryset = queryset.filter(category__slug=filters.category)
    return _with_counts(queryset.select_related("client", "category")).order_by(
        "-published_at", "-id"
    )


def open_task_page(*, filters: TaskFilters, page: int | str | None, per_page=PER_PAGE) -> Page:
    """One page of ``open_tasks``; an out-of-range page number gives the last page."""
    return Paginator(open_tasks(filters=filters), per_page).get_page(page)


def _not_found() -> NotFound:
    return NotFound(_("No such task."), code="task_not_found")


def task_for_viewer(*, task_id: int, viewer) -> PieceTask:
    """A task page: open or closed tasks for everyone, any of their own for the client."""
    visible = Q(status__in=PUBLIC_STATUSES, client__is_active=True)
    if viewer is not None and viewer.is_authenticated:
        visible |= Q(client=viewer)
    queryset = PieceTask.objects.filter(visible, pk=task_id).select_related("client", "category")
    task = _with_counts(queryset).first()
    if task is None:
        raise _not_found()
    return task


def task_of_client(*, client, task_id: int) -> PieceTask:
    """One of the client's own tasks in any status; another person's id is ``NotFound``."""
    if not getattr(client, "is_authenticated", False):
        raise _not_found()
    queryset = PieceTask.objects.filter(pk=task_id, client=client).select_related("category")
    task = _with_counts(queryset).first()
    if task is None:
        raise _not_found()
    return task


def tasks_of_client(*, client) -> QuerySet[PieceTask]:
    """The client's tasks in every status, newest first, with their slot counts."""
    queryset = PieceTask.objects.filter(client=client).select_related("category")
    return _with_counts(queryset).order_by("-created_at", "-id")


def task_history(*, task: PieceTask) -> QuerySet[PieceTaskStatusChange]:
    return task.status_changes.select_related("actor").order_by("created_at", "id")


def pieces_of_author_on_task(*, task: PieceTask, author) -> QuerySet[Piece]:
    """The freelancer's own pieces on one task, newest first."""
    if not getattr(author, "is_authenticated", False):
        return Piece.objects.none()
    return Piece.objects.filter(task=task, author=author).order_by("-submitted_at", "-id")


def pieces_for_review(*, task: PieceTask, status: str | None = None) -> QuerySet[Piece]:
    """The task's pieces for its client, oldest first (first come, first reviewed)."""
    queryset = task.pieces.select_related("author")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("submitted_at", "id")


def pieces_of_author(*, author) -> QuerySet[Piece]:
    """Every piece the freelancer submitted, newest first, with its task."""
    return (
        Piece.objects.filter(author=author).select_related("task").order_by("-submitted_at", "-id")
    )


def earnings_of_author(*, author) -> list[Earning]:
    """What the freelancer earned from accepted pieces, one total per currency."""
    rows = (
        Piece.objects.filter(author=author, status=PieceStatus.ACCEPTED)
        .values("task__currency")
        .annotate(total=Sum("task__unit_price"), pieces=Count("id"))
        .order_by("task__currency")
    )
    return [Earning(row["task__currency"], row["total"], row["pieces"]) for row in rows]


def piece_for_viewer(*, piece_id: int, viewer) -> Piece:
    """A piece for its author or the task's client; anyone else gets ``NotFound``."""
    if not getattr(viewer, "is_authenticated", False):
        raise NotFound(_("No such piece."), code="piece_not_found")
    piece = (
        Piece.objects.filter(Q(author=viewer) | Q(task__client=viewer), pk=piece_id)
        .select_related("task")
        .first()
    )
    if piece is None:
        raise NotFound(_("No such piece."), code="piece_not_found")
    return piece


def task_missing_for_publish(*, task: PieceTask, now: datetime | None = None) -> list[str]:
    """What must be fixed before publishing (empty when the task can be published)."""
    now = now or timezone.now()
    missing = []
    if not task.title.strip():
        missing.append(_("Add a title."))
    if not task.instructions.strip():
        missing.append(_("Explain what one piece is and how to do it."))
    if not task.acceptance_criteria.strip():
        missing.append(_("Say how you will decide to accept a piece."))
    if task.category_id is None:
        missing.append(_("Choose a category."))
    if task.unit_price is None:
        missing.append(_("Set the price per piece."))
    if task.pieces_wanted is None:
        missing.append(_("Say how many pieces you want."))
    if task.deadline is None:
        missing.append(_("Set a deadline."))
    elif task.deadline <= now:
        missing.append(_("The deadline is in the past."))
    return missing
