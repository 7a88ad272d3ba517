"""Contests (悬赏 / 比稿): a client posts a brief with prizes for up to three places, freelancers
submit entries, and the client picks the winners.

Fair to freelancers by construction:

- Publishing holds the whole prize in escrow (reference ``contest:<id>``), so the money exists
  before anyone works.
- A contest that has a valid entry cannot be cancelled, and one that is still judging when
  ``judging_days`` have passed after the entry deadline is awarded automatically
  (``AUTO_AWARD_RULE``): the prize is guaranteed, nobody works for free.
- Entries stay their authors' property. Only a win transfers an entry to the client: after the
  award the client may download the originals of the winning entries, and of no others.

A ``Contest`` moves along ``ALLOWED_TRANSITIONS`` only, and every move is recorded in
``ContestStatusChange``. All writes go through ``services``.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import amount_field, currency_field
from jiedan.core.storage import private_storage
from jiedan.taxonomy.models import Category, Skill

MAX_PLACES = 3
MAX_SKILLS = 10
BRIEF_MIN_LENGTH = 40
DEFAULT_JUDGING_DAYS = 7
MAX_JUDGING_DAYS = 30
# The entry deadline, counted from publishing.
MIN_ENTRY_PERIOD = timedelta(days=1)
MAX_ENTRY_PERIOD = timedelta(days=60)
MAX_ENTRIES_PER_AUTHOR = 5
MAX_FILES_PER_ENTRY = 5
MIN_RATING, MAX_RATING = 1, 5

AUTO_AWARD_RULE = _(
    "If the client has not awarded the prizes when the judging period ends, they are awarded "
    "automatically: places go to the valid entries with the client's highest rating, then to "
    "the earliest submitted."
)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for entries")
    JUDGING = "judging", _("Judging")
    AWARDED = "awarded", _("Awarded")
    CLOSED = "closed", _("Closed without valid entries")
    CANCELLED = "cancelled", _("Cancelled")


# Who may move a contest where is decided in services; this map only says which moves exist.
# Judging has one way out: the award (a contest only reaches judging with a valid entry, and
# the last valid entry cannot be set aside while judging).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.OPEN, Status.CANCELLED}),
    Status.OPEN: frozenset({Status.JUDGING, Status.CLOSED, Status.CANCELLED}),
    Status.JUDGING: frozenset({Status.AWARDED}),
    Status.AWARDED: frozenset(),
    Status.CLOSED: frozenset(),
    Status.CANCELLED: frozenset(),
}

# Statuses in which anyone may see a contest; drafts and cancelled ones only their client.
PUBLIC_STATUSES = (Status.OPEN, Status.JUDGING, Status.AWARDED, Status.CLOSED)
# Statuses in which the client judges entries (rates them, sets them aside).
JUDGEABLE_STATUSES = (Status.OPEN, Status.JUDGING)


class EntryVisibility(models.TextChoices):
    PREVIEWS = "previews", _("Watermarked previews for everyone")
    SEALED = "sealed", _("Sealed until the award (only you see entries)")


class Contest(models.Model):
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contests",
        verbose_name=_("client"),
    )
    title = models.CharField(_("title"), max_length=120)
    brief = models.TextField(_("brief"), max_length=10000, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contests",
        verbose_name=_("category"),
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="contests", verbose_name=_("skills")
    )
    currency = currency_field()
    entry_deadline = models.DateTimeField(_("entry deadline"), null=True, blank=True)
    judging_days = models.PositiveSmallIntegerField(
        _("judging period (days)"), default=DEFAULT_JUDGING_DAYS
    )
    entry_visibility = models.CharField(
        _("entry visibility"),
        max_length=10,
        choices=EntryVisibility.choices,
        default=EntryVisibility.PREVIEWS,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Set on publishing: the entry deadline plus the judging period. The automatic award is due
    # then if the client has not awarded.
    judging_ends_at = models.DateTimeField(_("judging ends"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["category", "status"]),
            models.Index(fields=["client", "status"]),
            models.Index(fields=["status", "entry_deadline"]),
            models.Index(fields=["status", "judging_ends_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(judging_days__gte=1) & Q(judging_days__lte=MAX_JUDGING_DAYS),
                name="contests_judging_days_in_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def escrow_reference(self) -> str:
        return f"contest:{self.pk}"

    def takes_entries(self, now) -> bool:
        return (
            self.status == Status.OPEN
            and self.entry_deadline is not None
            and (now < self.entry_deadline)
        )

    @property
    def is_taking_entries(self) -> bool:
        """For pages: whether entries are accepted right now."""
        return self.takes_entries(timezone.now())

    @property
    def prize_total(self):
        """The sum of all places (uses prefetched ``prizes``)."""
        return sum((prize.amount for prize in self.prizes.all()), Decimal(0))

    @property
    def is_sealed(self) -> bool:
        return self.entry_visibility == EntryVisibility.SEALED


class ContestPrize(models.Model):
    """The prize for one place; place 1 is the winner. A lower place never pays more."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="prizes")
    place = models.PositiveSmallIntegerField(_("place"))
    amount = amount_field(_("prize"))

    class Meta:
        verbose_name = _("contest prize")
        verbose_name_plural = _("contest prizes")
        ordering = ["place"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "place"], name="contests_one_prize_a_place"),
            models.CheckConstraint(
                condition=Q(place__gte=1) & Q(place__lte=MAX_PLACES),
                name="contests_prize_place_in_range",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="contests_prize_positive"),
        ]

    def __str__(self):
        return f"{self.contest_id} #{self.place}: {self.amount}"


class ContestStatusChange(models.Model):
    """History: who moved a contest from which status to which, when and why."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="status_changes")
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
        verbose_name = _("contest status change")
        verbose_name_plural = _("contest status changes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.contest_id}: {self.from_status} → {self.to_status}"


class EntryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    NOT_VALID = "not_valid", _("Not valid (off-brief)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Entry(models.Model):
    """A freelancer's entry. Only ``submitted`` entries are valid: they count for the prize
    guarantee and can win. ``place`` is set by the award."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contest_entries",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=120)
    note = models.TextField(_("note to the client"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.SUBMITTED
    )
    invalid_reason = models.TextField(_("why it is not valid"), max_length=1000, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    place = models.PositiveSmallIntegerField(_("place won"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("contest entry")
        verbose_name_plural = _("contest entries")
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["contest", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "place"],
                condition=Q(place__isnull=False),
                name="contests_one_entry_a_place",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | (Q(rating__gte=MIN_RATING) & Q(rating__lte=MAX_RATING)),
                name="contests_rating_in_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_valid(self) -> bool:
        return self.status == EntryStatus.SUBMITTED


def _entry_file_path(instance, filename, folder: str) -> str:
    # A random folder: names are never guessable, even inside private storage.
    entry = instance.entry
    return f"{folder}/{entry.contest_id}/{entry.pk}/{uuid.uuid4().hex}/{filename}"


def entry_original_path(instance, filename):
    return _entry_file_path(instance, filename, "contest-entries")


def entry_preview_path(instance, filename):
    return _entry_file_path(instance, filename, "contest-previews")


class EntryFile(models.Model):
    """A file of an entry. Both the original and the watermarked preview (images only) are in
    private storage and served only through views that check who may see them."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        DOCUMENT = "document", _("Document")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    original = models.FileField(storage=private_storage, upload_to=entry_original_path)
    preview = models.FileField(storage=private_storage, upload_to=entry_preview_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("entry file")
        verbose_name_plural = _("entry files")
        ordering = ["position", "id"]

    def __str__(self):
        return self.original_name
