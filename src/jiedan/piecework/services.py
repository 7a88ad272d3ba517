"""Writes for piece-rate tasks: drafts, publishing with an escrow hold, submitting pieces,
reviewing them (paid from escrow), closing, cancelling and settling, and the periodic jobs.

Rules that hold everywhere:

- Only the client who posted a task edits, publishes, reviews, closes or cancels it; for anyone
  else its id (and its pieces' ids) is "not found" and nothing changes.
- Bad input is ``InvalidInput`` with a code and nothing is written; a move the current state
  does not allow is a ``Conflict`` and nothing is written.
- Status moves only along ``ALLOWED_TRANSITIONS`` through ``task_transition``, which writes a
  history row (who, when, from, to, why).
- Every write that counts slots or moves money locks the task row first (``locks.tasks``), then
  its pieces by primary key, and re-checks state after locking: pending + accepted pieces never
  exceed ``pieces_wanted``, and no freelancer holds more than ``max_per_freelancer`` of them.
- Money: publishing holds ``unit_price × pieces_wanted`` (key ``piecework-hold:<id>``); each
  accepted piece releases the unit price to its author (key ``piecework-piece:<piece id>``);
  once a closed task has no pending piece, the rest is refunded to the client (key
  ``piecework-refund:<id>``), as is the whole hold of a cancelled open task. So a closed or
  cancelled task with no pending piece holds exactly zero.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jiedan.core.money import Currency, money_positive, money_quantize
from jiedan.core.uploads import upload_check
from jiedan.escrow.services import escrow_hold, escrow_refund_rest, escrow_release
from jiedan.notifications.realtime import user_event_push
from jiedan.notifications.services import notification_send
from jiedan.taxonomy.models import Category

from . import locks
from .models import (
    ALLOWED_TRANSITIONS,
    AUTO_ACCEPT_AFTER,
    DEADLINE_REASON,
    ESCROW_PREFIX,
    FULL_REASON,
    MAX_PIECE_TEXT_LENGTH,
    MAX_PIECES_WANTED,
    PUBLIC_STATUSES,
    REJECTION_REASON_MAX_LENGTH,
    SLOT_STATUSES,
    Piece,
    PieceStatus,
    PieceTask,
    PieceTaskStatusChange,
    Status,
)
from .selectors import task_missing_for_publish

MAX_BUDGET = Decimal("1000000")  # the most one escrow hold may take


@dataclass(frozen=True)
class TaskDetails:
    """Everything the client writes about a task; an update replaces all of it. A draft may
    leave the numbers, category and deadline empty; publishing needs them."""

    title: str
    instructions: str = ""
    acceptance_criteria: str = ""
    category_id: int | None = None
    unit_price: object = None  # Decimal or str; never a float
    currency: str = Currency.CNY
    pieces_wanted: int | None = None
    max_per_freelancer: int | None = None  # None: no limit beyond the pieces wanted
    deadline: datetime | None = None


def _signed_in(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()


def _whole_number(value, *, maximum: int, code: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise InvalidInput(_("Enter a whole number."), code=code) from error
    if number != value and str(number) != str(value).strip():
        raise InvalidInput(_("Enter a whole number."), code=code)
    if not 1 <= number <= maximum:
        raise InvalidInput(
            _("Enter a number from 1 to %(maximum)s.") % {"maximum": maximum}, code=code
        )
    return number


def _numbers(details: TaskDetails, now: datetime):
    """Unit price, pieces wanted, per-freelancer maximum and deadline, checked together."""
    if details.currency not in Currency.values:
        raise InvalidInput(_("Unsupported currency."), code="unsupported_currency")
    unit_price = (
        None
        if details.unit_price in (None, "")
        else money_positive(details.unit_price, details.currency)
    )
    wanted = _whole_number(details.pieces_wanted, maximum=MAX_PIECES_WANTED, code="bad_pieces")
    per_freelancer = _whole_number(
        details.max_per_freelancer, maximum=wanted or MAX_PIECES_WANTED, code="bad_per_freelancer"
    )
    if unit_price is not None and wanted is not None and unit_price * wanted > MAX_BUDGET:
        raise InvalidInput(
            _("Price per piece × pieces wanted may be at most %(maximum)s.")
            % {"maximum": MAX_BUDGET},
            code="budget_too_large",
        )
    deadline = details.deadline
    if deadline is not None and timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    if deadline is not None and deadline <= now:
        raise InvalidInput(_("The deadline is in the past."), code="deadline_past")
    return unit_price, wanted, per_freelancer, deadline


def _apply_details(task: PieceTask, details: TaskDetails, now: datetime) -> PieceTask:
    """Check everything first, then write the task."""
    title = details.title.strip()
    if not title:
        raise InvalidInput(_("Add a title."), code="title_required")
    if (
        details.category_id is not None
        and not Category.objects.filter(pk=details.category_id).exists()
    ):
        raise InvalidInput(_("Choose a category from the list."), code="unknown_category")
    unit_price, wanted, per_freelancer, deadline = _numbers(details, now)
    task.title = title
    task.instructions = details.instructions.strip()
    task.acceptance_criteria = details.acceptance_criteria.strip()
    task.category_id = details.category_id
    task.unit_price, task.currency = unit_price, details.currency
    task.pieces_wanted, task.max_per_freelancer = wanted, per_freelancer
    task.deadline = deadline
    try:
        task.full_clean(exclude=["client", "category", "status"])
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), code="invalid_task") from error
    task.save()
    return task


def _own_task(client, task_id: int) -> PieceTask:
    """The client's task, locked for update; another person's id is ``NotFound``."""
    _signed_in(client)
    task = locks.tasks().filter(pk=task_id, client=client).first()
    if task is None:
        raise NotFound(_("No such task."), code="task_not_found")
    return task


@transaction.atomic
def task_transition(*, task: PieceTask, to: str, actor, reason: str = "") -> PieceTask:
    """The one way a task's status changes: along ``ALLOWED_TRANSITIONS``, with a history row.
    The caller passes a task it has locked."""
    current = task.status
    if to not in ALLOWED_TRANSITIONS.get(current, frozenset()):
        raise Conflict(
            _("A task cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(current).label, "to": Status(to).label},
            code="illegal_transition",
        )
    PieceTaskStatusChange.objects.create(
        task=task, actor=actor, from_status=current, to_status=to, reason=reason
    )
    task.status = to
    task.save()
    return task


@transaction.atomic
def task_create(*, client, details: TaskDetails, now: datetime | None = None) -> PieceTask:
    """A new draft owned by ``client``; only the client sees it until it is published."""
    _signed_in(client)
    return _apply_details(
        PieceTask(client=client, status=Status.DRAFT), details, now or timezone.now()
    )


@transaction.atomic
def task_update(
    *, client, task_id: int, details: TaskDetails, now: datetime | None = None
) -> PieceTask:
    """Replace a draft's content. A published task is fixed: its budget is held in escrow and
    freelancers work to its terms."""
    task = _own_task(client, task_id)
    if task.status != Status.DRAFT:
        raise Conflict(_("Only a draft can be edited."), code="task_not_editable")
    return _apply_details(task, details, now or timezone.now())


@transaction.atomic
def task_publish(*, client, task_id: int, now: datetime | None = None) -> PieceTask:
    """Open a complete draft: hold ``unit_price × pieces_wanted`` of the client's money in
    escrow and open the task to freelancers, in one transaction."""
    task = _own_task(client, task_id)
    if task.status != Status.DRAFT:
        raise Conflict(_("Only a draft can be published."), code="task_not_draft")
    now = now or timezone.now()
    if missing := task_missing_for_publish(task=task, now=now):
        raise InvalidInput(" ".join(str(text) for text in missing), code="task_incomplete")
    escrow_hold(
        reference=task.escrow_reference,
        payer=client,
        amount=money_quantize(task.budget, task.currency),
        currency=task.currency,
        idempotency_key=f"{ESCROW_PREFIX}-hold:{task.pk}",
        memo=f"piece-rate task {task.pk}: {task.pieces_wanted} × {task.unit_price}",
    )
    task.published_at = now
    return task_transition(task=task, to=Status.OPEN, actor=client)


def _settle_if_done(task: PieceTask, now: datetime) -> None:
    """A closed task with no pending piece returns what is left in escrow to its client, once.
    The caller holds the task's lock."""
    if task.status != Status.CLOSED or task.settled_at is not None:
        return
    if task.pieces.filter(status=PieceStatus.PENDING).exists():
        return
    escrow_refund_rest(
        reference=task.escrow_reference,
        payer=task.client,
        idempotency_key=f"{ESCROW_PREFIX}-refund:{task.pk}",
        memo=f"piece-rate task {task.pk}: unused budget",
    )
    task.settled_at = now
    task.save(update_fields=["settled_at", "updated_at"])


def _close(task: PieceTask, *, actor, reason: str, now: datetime) -> None:
    task.closed_at = now
    task_transition(task=task, to=Status.CLOSED, actor=actor, reason=reason)
    _settle_if_done(task, now)


@transaction.atomic
def task_close(*, client, task_id: int, reason: str = "", now: datetime | None = None):
    """Stop taking pieces. Pending pieces are still reviewed (or accepted automatically); once
    none is pending the unused budget goes back to the client."""
    task = _own_task(client, task_id)
    _close(task, actor=client, reason=reason.strip(), now=now or timezone.now())
    return task


@transaction.atomic
def task_cancel(*, client, task_id: int, reason: str = "", now: datetime | None = None):
    """Withdraw a draft, or an open task nobody has a pending or accepted piece on; the whole
    hold goes back to the client."""
    task = _own_task(client, task_id)
    if task.pieces.filter(status__in=SLOT_STATUSES).exists():
        raise Conflict(
            _("Pieces have been submitted to this task. Close it instead of cancelling."),
            code="task_has_pieces",
        )
    was_open = task.status == Status.OPEN
    task_transition(task=task, to=Status.CANCELLED, actor=client, reason=reason.strip())
    if was_open:
        escrow_refund_rest(
            reference=task.escrow_reference,
            payer=client,
            idempotency_key=f"{ESCROW_PREFIX}-refund:{task.pk}",
            memo=f"piece-rate task {task.pk}: cancelled",
        )
    task.settled_at = now or timezone.now()
    task.save(update_fields=["settled_at", "updated_at"])
    return task


def _fingerprint(text: str) -> str:
    """Texts that differ only in spacing are the same piece."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def _ensure_can_take_slot(task: PieceTask, author, now: datetime) -> None:
    """Checked with the task row locked, so two submissions cannot both take the last slot."""
    if task.client_id == author.pk:
        raise PermissionDenied(_("You cannot submit pieces to your own task."), code="own_task")
    if task.status != Status.OPEN or (task.deadline is not None and task.deadline <= now):
        raise Conflict(_("This task is not taking pieces any more."), code="task_not_open")
    taken = task.pieces.filter(status__in=SLOT_STATUSES)
    if taken.count() >= task.pieces_wanted:
        raise Conflict(
            _("All wanted pieces are taken. A slot frees up if a piece is rejected."),
            code="no_slots_left",
        )
    if task.max_per_freelancer and taken.filter(author=author).count() >= task.max_per_freelancer:
        raise Conflict(
            _("You have reached the most pieces one freelancer may submit (%(count)s).")
            % {"count": task.max_per_freelancer},
            code="freelancer_limit",
        )


def _ensure_not_duplicate(task: PieceTask, text_sha256: str, file_sha256: str) -> None:
    duplicate = (text_sha256 and task.pieces.filter(text_sha256=text_sha256).exists()) or (
        file_sha256 and task.pieces.filter(file_sha256=file_sha256).exists()
    )
    if duplicate:
        raise Conflict(
            _("The same text or file was already submitted to this task."),
            code="duplicate_piece",
        )


@transaction.atomic
def piece_submit(
    *, author, task_id: int, text: str = "", upload=None, now: datetime | None = None
) -> Piece:
    """A freelancer submits one piece (text, one checked file, or both) to an open task. The
    piece takes a slot until it is reviewed; a rejected piece frees it."""
    _signed_in(author)
    text = (text or "").strip()
    if not text and upload is None:
        raise InvalidInput(_("Add the text of your piece or a file."), code="piece_empty")
    if len(text) > MAX_PIECE_TEXT_LENGTH:
        raise InvalidInput(
            _("Keep a piece under %(count)s characters.") % {"count": MAX_PIECE_TEXT_LENGTH},
            code="piece_too_long",
        )
    checked = upload_check(upload) if upload is not None else None
    task = locks.tasks().filter(pk=task_id).first()
    visible = task is not None and (
        task.client_id == author.pk or (task.status in PUBLIC_STATUSES and task.client.is_active)
    )
    if not visible:
        raise NotFound(_("No such task."), code="task_not_found")
    now = now or timezone.now()
    _ensure_can_take_slot(task, author, now)
    text_sha256 = _fingerprint(text) if text else ""
    file_sha256 = checked.sha256 if checked else ""
    _ensure_not_duplicate(task, text_sha256, file_sha256)
    piece = Piece(task=task, author=author, text=text, text_sha256=text_sha256, submitted_at=now)
    if checked is not None:
        piece.file_name = (upload.name or checked.stored_name())[:200]
        piece.file_type = checked.content_type
        piece.file_size = checked.size
        piece.file_sha256 = file_sha256
        piece.file.save(checked.stored_name(), upload, save=False)
    piece.save()
    user_event_push(
        user_id=task.client_id,
        event="piecework.piece.submitted",
        data={"task_id": task.pk, "piece_id": piece.pk},
    )
    notification_send(
        recipient_id=task.client_id,
        kind="piecework.piece.submitted",
        data={"task_id": task.pk, "piece_id": piece.pk, "task_title": task.title},
        actor=author,
    )
    return piece


def _locked_pending(task: PieceTask, piece_ids: list[int]) -> list[Piece]:
    """The task's pieces with these ids, locked; every one must exist and be pending."""
    wanted = sorted(set(piece_ids))
    if not wanted:
        raise InvalidInput(_("Select at least one piece."), code="no_pieces_selected")
    pieces = list(locks.pieces().filter(task=task, pk__in=wanted).select_related("author"))
    if len(pieces) != len(wanted):
        raise NotFound(_("No such piece."), code="piece_not_found")
    if any(piece.status != PieceStatus.PENDING for piece in pieces):
        raise Conflict(_("Only a piece waiting for review can be reviewed."), code="piece_reviewed")
    return pieces


def _accept(task: PieceTask, pieces: list[Piece], *, now: datetime, auto: bool) -> None:
    """Pay each piece the unit price from escrow; close the task once every wanted piece is
    accepted, and settle a closed task with nothing left pending."""
    for piece in pieces:
        piece.status = PieceStatus.ACCEPTED
        piece.reviewed_at = now
        piece.auto_accepted = auto
        piece.save(update_fields=["status", "reviewed_at", "auto_accepted"])
        escrow_release(
            reference=task.escrow_reference,
            payee=piece.author,
            amount=task.unit_price,
            currency=task.currency,
            idempotency_key=piece.escrow_key,
            memo=f"piece-rate task {task.pk}: piece {piece.pk}",
        )
        _tell_author(task, piece)
    accepted = task.pieces.filter(status=PieceStatus.ACCEPTED).count()
    if task.status == Status.OPEN and accepted >= task.pieces_wanted:
        _close(task, actor=None, reason=FULL_REASON, now=now)
    else:
        _settle_if_done(task, now)


def _tell_author(task: PieceTask, piece: Piece) -> None:
    event = f"piecework.piece.{piece.status}"
    data = {"task_id": piece.task_id, "piece_id": piece.pk}
    user_event_push(user_id=piece.author_id, event=event, data=data)
    notification_send(
        recipient_id=piece.author_id, kind=event, data={**data, "task_title": task.title}
    )


def _task_of_piece(client, piece_id: int) -> int:
    _signed_in(client)
    task_id = (
        Piece.objects.filter(pk=piece_id, task__client=client)
        .values_list("task_id", flat=True)
        .first()
    )
    if task_id is None:
        raise NotFound(_("No such piece."), code="piece_not_found")
    return task_id


@transaction.atomic
def pieces_accept(
    *, client, task_id: int, piece_ids: list[int], now: datetime | None = None
) -> list[Piece]:
    """The client accepts pending pieces: each is paid the unit price from escrow. All or
    nothing: one unknown or already reviewed piece refuses the whole selection."""
    task = _own_task(client, task_id)
    pieces = _locked_pending(task, piece_ids)
    _accept(task, pieces, now=now or timezone.now(), auto=False)
    return pieces


@transaction.atomic
def pieces_reject(
    *, client, task_id: int, piece_ids: list[int], reason: str, now: datetime | None = None
) -> list[Piece]:
    """The client rejects pending pieces with a reason their authors see; their slots free
    up. All or nothing, like ``pieces_accept``."""
    task = _own_task(client, task_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the piece is rejected."), code="reason_required")
    if len(reason) > REJECTION_REASON_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the reason under %(count)s characters.")
            % {"count": REJECTION_REASON_MAX_LENGTH},
            code="reason_too_long",
        )
    pieces = _locked_pending(task, piece_ids)
    now = now or timezone.now()
    for piece in pieces:
        piece.status = PieceStatus.REJECTED
        piece.rejection_reason = reason
        piece.reviewed_at = now
        piece.save(update_fields=["status", "rejection_reason", "reviewed_at"])
        _tell_author(task, piece)
    _settle_if_done(task, now)
    return pieces


def piece_accept(*, client, piece_id: int, now: datetime | None = None) -> Piece:
    """Accept one piece (see ``pieces_accept``)."""
    task_id = _task_of_piece(client, piece_id)
    return pieces_accept(client=client, task_id=task_id, piece_ids=[piece_id], now=now)[0]


def piece_reject(*, client, piece_id: int, reason: str, now: datetime | None = None) -> Piece:
    """Reject one piece with a reason (see ``pieces_reject``)."""
    task_id = _task_of_piece(client, piece_id)
    return pieces_reject(
        client=client, task_id=task_id, piece_ids=[piece_id], reason=reason, now=now
    )[0]


def pieces_accept_stale(*, now: datetime) -> int:
    """Fair to workers: accept (and pay) every piece left pending for ``AUTO_ACCEPT_DAYS``
    days. One transaction per task; running it again accepts nothing more. Returns how many
    pieces were accepted."""
    cutoff = now - AUTO_ACCEPT_AFTER
    stale = Piece.objects.filter(status=PieceStatus.PENDING, submitted_at__lte=cutoff)
    task_ids = sorted(set(stale.values_list("task_id", flat=True)))
    accepted = 0
    for task_id in task_ids:
        with transaction.atomic():
            task = locks.tasks().get(pk=task_id)
            pieces = list(
                locks.pieces()
                .filter(task=task, status=PieceStatus.PENDING, submitted_at__lte=cutoff)
                .select_related("author")
            )
            if pieces:
                _accept(task, pieces, now=now, auto=True)
                accepted += len(pieces)
    return accepted


def tasks_close_overdue(*, now: datetime) -> int:
    """Close every open task whose deadline has passed (no actor, reason ``deadline``).
    Running it again closes nothing more. Returns how many tasks were closed."""
    task_ids = list(
        PieceTask.objects.filter(status=Status.OPEN, deadline__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    closed = 0
    for task_id in task_ids:
        with transaction.atomic():
            task = locks.tasks().get(pk=task_id)
            if task.status == Status.OPEN and task.deadline <= now:
                _close(task, actor=None, reason=DEADLINE_REASON, now=now)
                closed += 1
    return closed


def tasks_settle_closed(*, now: datetime) -> int:
    """Refund the unused budget of every closed task that has no pending piece and has not
    been settled yet. Returns how many tasks were settled."""
    task_ids = list(
        PieceTask.objects.filter(status=Status.CLOSED, settled_at__isnull=True)
        .exclude(pieces__status=PieceStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    settled = 0
    for task_id in task_ids:
        with transaction.atomic():
            task = locks.tasks().get(pk=task_id)
            _settle_if_done(task, now)
            settled += task.settled_at == now
    return settled
