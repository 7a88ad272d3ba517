"""Two-way reviews of ended contracts and reports about them.

Each party of a contract that ended with money paid reviews the other once. A review stays
sealed (``revealed_at`` empty) until both have reviewed or the review window closes, so
neither can answer the other's rating with their own. Only revealed, not hidden reviews are
public; ``private_rating`` and ``private_feedback`` are for the platform only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

RATING_MIN, RATING_MAX = 1, 5
PRIVATE_RATING_MAX = 10
TEXT_MAX_LENGTH = 2000
REPLY_MAX_LENGTH = 1000

# The dimensions each side rates: a client rates the freelancer on the first four, a
# freelancer rates the client on the last three.
FREELANCER_DIMENSIONS = ("quality", "communication", "timeliness", "professionalism")
CLIENT_DIMENSIONS = ("clarity", "responsiveness", "payment")


class AuthorRole(models.TextChoices):
    CLIENT = "client", _("Client")
    FREELANCER = "freelancer", _("Freelancer")


def _stars(verbose_name, *, required: bool = False) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(verbose_name, null=not required, blank=not required)


def _in_range(field: str, high: int = RATING_MAX, low: int = RATING_MIN) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": low, f"{field}__lte": high})


class Review(models.Model):
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="reviews"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_written"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_received"
    )
    author_role = models.CharField(_("written by the"), max_length=10, choices=AuthorRole.choices)
    rating = _stars(_("overall rating"), required=True)
    quality = _stars(_("quality of work"))
    communication = _stars(_("communication"))
    timeliness = _stars(_("timeliness"))
    professionalism = _stars(_("professionalism"))
    clarity = _stars(_("clarity of requirements"))
    responsiveness = _stars(_("responsiveness"))
    payment = _stars(pgettext_lazy("rating of a client", "payment"))
    text = models.TextField(
        pgettext_lazy("written about a party", "review"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    private_rating = models.PositiveSmallIntegerField(
        _("would work together again (0–10, private)"), null=True, blank=True
    )
    private_feedback = models.TextField(
        _("private feedback to the platform"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    revealed_at = models.DateTimeField(_("revealed"), null=True, blank=True, db_index=True)
    reply = models.TextField(_("public reply"), blank=True, max_length=REPLY_MAX_LENGTH)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.TextField(_("why it was hidden"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )

    class Meta:
        verbose_name = pgettext_lazy("written about a party", "review")
        verbose_name_plural = pgettext_lazy("written about a party", "reviews")
        ordering = ["-revealed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "author"], name="review_once_per_party"),
            models.CheckConstraint(condition=~Q(author=models.F("subject")), name="review_other"),
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="review_rating_range",
            ),
            models.CheckConstraint(
                condition=_in_range("private_rating", PRIVATE_RATING_MAX, 0),
                name="review_private_rating_range",
            ),
            *(
                models.CheckConstraint(condition=_in_range(name), name=f"review_{name}_range")
                for name in FREELANCER_DIMENSIONS + CLIENT_DIMENSIONS
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="review_hidden_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["subject", "revealed_at"], name="review_subject_idx")]

    def __str__(self):
        return f"{self.author_id}→{self.subject_id} #{self.contract_id}: {self.rating}"

    @property
    def is_public(self) -> bool:
        return self.revealed_at is not None and self.hidden_at is None


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a moderator")
    KEPT = "kept", _("Review kept")
    HIDDEN = "hidden", _("Review hidden")


class ReviewReport(models.Model):
    """Someone asks moderators to look at a public review (one open report per person)."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=6, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("review report")
        verbose_name_plural = _("review reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "reporter"],
                condition=Q(status="open"),
                name="review_report_open_once",
            )
        ]

    def __str__(self):
        return f"report {self.pk} on review {self.review_id}"


class ReviewReminder(models.Model):
    """A party who had not reviewed was reminded, once, that the review window closes soon
    (the reminder job records it here so a re-run or a second worker sends nothing twice)."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("reminded"))

    class Meta:
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        constraints = [
            models.UniqueConstraint(fields=["contract", "party"], name="review_reminder_once")
        ]

    def __str__(self):
        return f"reminded {self.party_id} of #{self.contract_id}"
