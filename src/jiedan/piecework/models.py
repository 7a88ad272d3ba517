"""Piece-rate tasks (计件): a client pays a fixed unit price for every accepted piece.

A ``PieceTask`` starts as a draft. Publishing it holds ``unit_price × pieces_wanted`` in escrow
(reference ``piecework:<id>``) and opens it; it ends ``closed`` (every wanted piece accepted,
closed by the client, or past its deadline) or ``cancelled``. Its ``status`` moves only along
``ALLOWED_TRANSITIONS``; every move is recorded in ``PieceTaskStatusChange``.

A ``Piece`` is one unit of work a freelancer submits: text, one file, or both. While it is
pending or accepted it takes one of the task's ``pieces_wanted`` slots; a rejected piece frees
its slot. An accepted piece is paid the unit price from the task's escrow. Once a closed task
has no pending piece left, the rest of its escrow goes back to the client and ``settled_at`` is
set. All writes go through ``services.py``.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import amount_field, currency_field
from jiedan.core.storage import private_storage
from jiedan.taxonomy.models import Category

# A pending piece the client leaves unreviewed this long is accepted automatically.
AUTO_ACCEPT_DAYS = 3
AUTO_ACCEPT_AFTER = timedelta(days=AUTO_ACCEPT_DAYS)
MAX_PIECES_WANTED = 10000
MAX_PIECE_TEXT_LENGTH = 10000
REJECTION_REASON_MAX_LENGTH = 500
ESCROW_PREFIX = "piecework"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Who may move a task where is decided in services.py; this map only says which moves exist.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.OPEN, Status.CANCELLED}),
    Status.OPEN: frozenset({Status.CLOSED, Status.CANCELLED}),
    Status.CLOSED: frozenset(),
    Status.CANCELLED: frozenset(),
}

# Reasons the system writes in the history when it closes a task by itself.
FULL_REASON = "full"
DEADLINE_REASON = "deadline"
SYSTEM_REASONS = {
    FULL_REASON: _("every wanted piece was accepted"),
    DEADLINE_REASON: _("the deadline passed"),
}

# Statuses in which anyone may see a task.
PUBLIC_STATUSES = (Status.OPEN, Status.CLOSED)


class PieceStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


# Pieces that hold one of the task's slots.
SLOT_STATUSES = (PieceStatus.PENDING, PieceStatus.ACCEPTED)


class PieceTask(models.Model):
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="piece_tasks",
        verbose_name=_("client"),
    )
    title = models.CharField(_("title"), max_length=120)
    instructions = models.TextField(_("instructions"), max_length=10000, blank=True)
    acceptance_criteria = models.TextField(_("acceptance criteria"), max_length=5000, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="piece_tasks",
        verbose_name=_("category"),
    )
    unit_price = amount_field(_("price per piece"), null=True, blank=True)
    currency = currency_field()
    pieces_wanted = models.PositiveIntegerField(_("pieces wanted"), null=True, blank=True)
    max_per_freelancer = models.PositiveIntegerField(
        _("most pieces per freelancer"), null=True, blank=True
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    settled_at = models.DateTimeField(_("escrow settled"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("piece-rate task")
        verbose_name_plural = _("piece-rate tasks")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["category", "status"]),
            models.Index(fields=["client", "status"]),
            models.Index(fields=["status", "deadline"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price__isnull=True) | Q(unit_price__gt=0),
                name="piecework_unit_price_positive",
            ),
            models.CheckConstraint(
                condition=Q(pieces_wanted__isnull=True) | Q(pieces_wanted__gte=1),
                name="piecework_pieces_wanted_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_per_freelancer__isnull=True) | Q(max_per_freelancer__gte=1),
                name="piecework_max_per_freelancer_positive",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def escrow_reference(self) -> str:
        return f"{ESCROW_PREFIX}:{self.pk}"

    @property
    def budget(self):
        """What publishing holds in escrow: the unit price for every wanted piece."""
        if self.unit_price is None or self.pieces_wanted is None:
            return None
        return self.unit_price * self.pieces_wanted


class PieceTaskStatusChange(models.Model):
    """History: who moved a task from which status to which, when and why."""

    task = models.ForeignKey(PieceTask, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=10, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("piece-rate task status change")
        verbose_name_plural = _("piece-rate task status changes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.task_id}: {self.from_status} → {self.to_status}"

    @property
    def reason_display(self) -> str:
        """The reason as people read it: system reasons in the reader's language."""
        return str(SYSTEM_REASONS.get(self.reason, self.reason))


def piece_file_path(instance, filename):
    return f"piecework/{instance.task_id}/{instance.author_id}/{filename}"


class Piece(models.Model):
    """One submitted unit of work. ``text_sha256`` and ``file_sha256`` fingerprint its content:
    the same text or the same file is never submitted twice to one task."""

    task = models.ForeignKey(
        PieceTask, on_delete=models.CASCADE, related_name="pieces", verbose_name=_("task")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pieces",
        verbose_name=_("freelancer"),
    )
    text = models.TextField(_("text"), max_length=MAX_PIECE_TEXT_LENGTH, blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=piece_file_path, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PieceStatus.choices, default=PieceStatus.PENDING
    )
    rejection_reason = models.TextField(
        _("reason for rejection"), max_length=REJECTION_REASON_MAX_LENGTH, blank=True
    )
    auto_accepted = models.BooleanField(_("accepted automatically"), default=False)
    submitted_at = models.DateTimeField(_("submitted"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("piece")
        verbose_name_plural = _("pieces")
        ordering = ["submitted_at", "id"]
        indexes = [
            models.Index(fields=["task", "status"]),
            models.Index(fields=["author", "status"]),
            models.Index(fields=["status", "submitted_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "text_sha256"],
                condition=~Q(text_sha256=""),
                name="piecework_piece_text_unique_per_task",
            ),
            models.UniqueConstraint(
                fields=["task", "file_sha256"],
                condition=~Q(file_sha256=""),
                name="piecework_piece_file_unique_per_task",
            ),
            models.CheckConstraint(
                condition=~Q(text_sha256="") | ~Q(file_sha256=""),
                name="piecework_piece_has_content",
            ),
        ]

    def __str__(self):
        return f"{self.task_id}#{self.pk}"

    @property
    def escrow_key(self) -> str:
        """The idempotency key of this piece's payout."""
        return f"{ESCROW_PREFIX}-piece:{self.pk}"
