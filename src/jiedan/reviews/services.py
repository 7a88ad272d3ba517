"""Writes for reviews: writing one, the double-blind reveal, replies, reports, moderation and
the reminder before the window closes.

Rules:

- Each party of a contract that ended with money paid to the freelancer reviews the other
  once, within ``JIEDAN_REVIEW_WINDOW_DAYS`` of the end: an overall rating and the dimensions
  of their side (a client rates quality, communication, timeliness and professionalism; a
  freelancer rates clarity, responsiveness and payment), all 1–5 stars, an optional text, and,
  for the platform only, a 0–10 "would work together again" and private feedback. A review is
  never edited. Anyone but the two parties gets "not found" and nothing is written.
- Double-blind: a review stays sealed until the other party's review arrives (both are
  revealed at once) or the window closes (``reviews_reveal_due`` reveals what exists). The
  subject is told (``review.received``) when a review of them is revealed.
- The subject may reply once, publicly, to a revealed review that is not hidden.
- Anyone signed in but its author may report a public review, with a reason, once while their
  report is open. Moderators (``content.moderate``) keep the review (its open reports close as
  kept) or hide it with a recorded reason (the reports close as hidden); a hidden review leaves
  every public list and average.
- A party who has not reviewed is reminded once (``review.reminder``), ``REMIND_BEFORE`` the
  window closes.

Writes that touch a contract's reviews lock the contract row first (``contracts.locks``), so
two parties submitting at the same moment cannot both miss the other's review.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.accounts.roles import user_can
from jiedan.contracts import locks
from jiedan.contracts.models import Contract
from jiedan.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jiedan.notifications.services import notification_send
from jiedan.reputation.services import reputation_refresh_later

from .labels import RATING_LABELS
from .models import (
    PRIVATE_RATING_MAX,
    RATING_MAX,
    RATING_MIN,
    REPLY_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    AuthorRole,
    ReportStatus,
    Review,
    ReviewReminder,
    ReviewReport,
)
from .selectors import (
    ENDED,
    REMIND_BEFORE,
    author_role_of,
    contract_is_paid,
    dimensions_of,
    public_reviews,
    review_window,
    reviewable_contracts,
    window_closes_at,
)

REPORT_REASON_MAX_LENGTH = 1000
MODERATION_CAPABILITY = "content.moderate"


@dataclass(frozen=True)
class ReviewDetails:
    """What an author writes: ``dimensions`` maps each dimension of their side to 1–5."""

    rating: int
    dimensions: dict[str, int] = field(default_factory=dict)
    text: str = ""
    private_rating: int | None = None
    private_feedback: str = ""


def _signed_in(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()


def _locked_contract_of_party(user, contract_id: int) -> Contract:
    _signed_in(user)
    contract = locks.contracts().filter(pk=contract_id).first()
    if contract is None or author_role_of(contract, user) is None:
        raise NotFound(_("No such contract."), code="contract_not_found")
    return contract


def _require_reviewable(contract: Contract, now: datetime) -> None:
    if contract.status not in ENDED:
        raise Conflict(
            _("You can review the other party once the contract has ended."),
            code="contract_not_ended",
        )
    if not contract_is_paid(contract):
        raise Conflict(
            _("Only contracts where money was paid to the freelancer can be reviewed."),
            code="contract_not_paid",
        )
    if now >= window_closes_at(contract):
        raise Conflict(_("The time to review this contract is over."), code="review_window_closed")


def _stars(value, label) -> int:
    if not isinstance(value, int) or not RATING_MIN <= value <= RATING_MAX:
        raise InvalidInput(
            _("Rate “%(label)s” from 1 to 5 stars.") % {"label": label}, code="rating_out_of_range"
        )
    return value


def _limited(text: str, limit: int, code: str) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise InvalidInput(
            _("Keep it to %(limit)s characters.") % {"limit": limit}, code=f"{code}_too_long"
        )
    return text


def _checked(role: str, details: ReviewDetails) -> dict:
    """The review's fields from ``details``, every rule checked (InvalidInput otherwise)."""
    expected = dimensions_of(role)
    unexpected = set(details.dimensions) - set(expected)
    if unexpected:
        raise InvalidInput(
            _("These ratings are not for your side of the contract: %(names)s.")
            % {"names": ", ".join(sorted(unexpected))},
            code="wrong_dimensions",
        )
    values = {"rating": _stars(details.rating, RATING_LABELS["rating"])}
    for name in expected:
        values[name] = _stars(details.dimensions.get(name), RATING_LABELS[name])
    private = details.private_rating
    if private is not None and (not isinstance(private, int) or not 0 <= private <= 10):
        raise InvalidInput(
            _("Answer “would you work together again” from 0 to %(max)s.")
            % {"max": PRIVATE_RATING_MAX},
            code="private_rating_out_of_range",
        )
    values["private_rating"] = private
    values["text"] = _limited(details.text, TEXT_MAX_LENGTH, "text")
    values["private_feedback"] = _limited(
        details.private_feedback, TEXT_MAX_LENGTH, "private_feedback"
    )
    return values


def _reveal(contract: Contract, reviews: list[Review], now: datetime) -> None:
    """Unseal ``reviews``, tell each subject and recompute their reputation after commit."""
    reputation_refresh_later(user_ids=[review.subject_id for review in reviews])
    for review in reviews:
        review.revealed_at = now
        review.save(update_fields=["revealed_at"])
        notification_send(
            recipient_id=review.subject_id,
            kind="review.received",
            data={
                "contract_id": contract.pk,
                "contract_title": contract.title,
                "review_id": review.pk,
            },
            actor=review.author,
        )


@transaction.atomic
def review_submit(*, author, contract_id: int, details: ReviewDetails, now=None) -> Review:
    """``author`` reviews the other party of the contract; when the other party's review is
    already there, both are revealed now."""
    now = now or timezone.now()
    contract = _locked_contract_of_party(author, contract_id)
    _require_reviewable(contract, now)
    if contract.reviews.filter(author=author).exists():
        raise Conflict(
            _("You have already reviewed this contract; reviews cannot be changed."),
            code="already_reviewed",
        )
    role = author_role_of(contract, author)
    values = _checked(role, details)
    subject_id = contract.freelancer_id if role == AuthorRole.CLIENT else contract.client_id
    review = Review.objects.create(
        contract=contract, author=author, subject_id=subject_id, author_role=role, **values
    )
    other = contract.reviews.exclude(pk=review.pk).select_related("author").first()
    if other is not None:
        _reveal(contract, [other, review], now)
    return review


@transaction.atomic
def reviews_reveal_closed(*, contract_id: int, now=None) -> int:
    """Reveal the sealed reviews of a contract whose window has closed (re-checked under the
    contract's lock); returns how many."""
    now = now or timezone.now()
    contract = locks.contracts().get(pk=contract_id)
    closes_at = window_closes_at(contract)
    if closes_at is None or closes_at > now:
        return 0
    sealed = list(contract.reviews.filter(revealed_at__isnull=True).select_related("author"))
    _reveal(contract, sealed, now)
    return len(sealed)


def reviews_reveal_due(*, now=None, limit: int = 500) -> int:
    """The periodic job: reveal every review still sealed when its window closed."""
    now = now or timezone.now()
    due = (
        Review.objects.filter(
            revealed_at__isnull=True, contract__ended_at__lte=now - review_window()
        )
        .order_by("contract_id")
        .values_list("contract_id", flat=True)
        .distinct()
    )
    return sum(reviews_reveal_closed(contract_id=pk, now=now) for pk in list(due[:limit]))


@transaction.atomic
def review_reply(*, subject, review_id: int, text: str, now=None) -> Review:
    """The person reviewed answers a revealed review, once, in public."""
    _signed_in(subject)
    review = Review.objects.select_for_update().filter(pk=review_id).first()
    if review is None or subject.pk not in (review.author_id, review.subject_id):
        raise NotFound(_("No such review."), code="review_not_found")
    if subject.pk != review.subject_id:
        raise PermissionDenied(_("Only the person reviewed can reply."), code="subject_only")
    if review.revealed_at is None:
        raise Conflict(_("This review is not revealed yet."), code="review_sealed")
    if review.hidden_at is not None:
        raise Conflict(_("This review was hidden by moderators."), code="review_hidden")
    if review.replied_at is not None:
        raise Conflict(
            _("You have already replied; replies cannot be changed."), code="already_replied"
        )
    text = _limited(text, REPLY_MAX_LENGTH, "reply")
    if not text:
        raise InvalidInput(_("Write your reply."), code="reply_missing")
    review.reply = text
    review.replied_at = now or timezone.now()
    review.save(update_fields=["reply", "replied_at"])
    return review


@transaction.atomic
def review_report(*, reporter, review_id: int, reason: str) -> ReviewReport:
    """Ask moderators to look at a public review (one open report per person and review)."""
    _signed_in(reporter)
    review = public_reviews().select_for_update().filter(pk=review_id).first()
    if review is None:
        raise NotFound(_("No such review."), code="review_not_found")
    if reporter.pk == review.author_id:
        raise PermissionDenied(_("You cannot report your own review."), code="own_review")
    reason = _limited(reason, REPORT_REASON_MAX_LENGTH, "reason")
    if not reason:
        raise InvalidInput(_("Say what is wrong with this review."), code="reason_missing")
    if review.reports.filter(reporter=reporter, status=ReportStatus.OPEN).exists():
        raise Conflict(
            _("You have already reported this review; moderators will look at it."),
            code="already_reported",
        )
    return ReviewReport.objects.create(review=review, reporter=reporter, reason=reason)


def _locked_review_for_moderator(moderator, review_id: int) -> Review:
    _signed_in(moderator)
    if not user_can(moderator, MODERATION_CAPABILITY):
        raise PermissionDenied()
    review = Review.objects.select_for_update().filter(pk=review_id).first()
    if review is None:
        raise NotFound(_("No such review."), code="review_not_found")
    return review


def _close_reports(review: Review, status: str, moderator, now) -> int:
    return review.reports.filter(status=ReportStatus.OPEN).update(
        status=status, closed_at=now, closed_by=moderator
    )


@transaction.atomic
def review_hide(*, moderator, review_id: int, reason: str, now=None) -> Review:
    """A moderator hides a review, with the reason its author and subject will read; the
    open reports about it close as "hidden"."""
    now = now or timezone.now()
    review = _locked_review_for_moderator(moderator, review_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for hiding the review."), code="reason_missing")
    if review.hidden_at is not None:
        raise Conflict(_("This review is already hidden."), code="review_hidden")
    review.hidden_at = now
    review.hidden_by = moderator
    review.hidden_reason = reason
    review.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _close_reports(review, ReportStatus.HIDDEN, moderator, now)
    reputation_refresh_later(user_ids=[review.subject_id])
    return review


@transaction.atomic
def review_keep(*, moderator, review_id: int, now=None) -> int:
    """A moderator finds nothing wrong: the open reports about the review close as "kept";
    returns how many."""
    review = _locked_review_for_moderator(moderator, review_id)
    return _close_reports(review, ReportStatus.KEPT, moderator, now or timezone.now())


def _party_still_owes(party_field: str):
    """Filter on contracts: that party has neither reviewed nor been reminded."""
    wrote = Review.objects.filter(contract=OuterRef("pk"), author=OuterRef(party_field))
    reminded = ReviewReminder.objects.filter(contract=OuterRef("pk"), party=OuterRef(party_field))
    return ~Exists(wrote) & ~Exists(reminded)


@transaction.atomic
def review_remind(*, contract_id: int, now=None) -> int:
    """Remind, once, each party who has not reviewed a contract whose window closes within
    ``REMIND_BEFORE``; re-checked under the contract's lock. Returns how many were reminded."""
    now = now or timezone.now()
    contract = locks.contracts().get(pk=contract_id)
    closes_at = window_closes_at(contract)
    if closes_at is None or not now < closes_at <= now + REMIND_BEFORE:
        return 0
    done = set(contract.reviews.values_list("author_id", flat=True))
    done |= set(ReviewReminder.objects.filter(contract=contract).values_list("party_id", flat=True))
    owing = [party_id for party_id in contract.party_ids() if party_id not in done]
    for party_id in owing:
        ReviewReminder.objects.create(contract=contract, party_id=party_id, sent_at=now)
        notification_send(
            recipient_id=party_id,
            kind="review.reminder",
            data={"contract_id": contract.pk, "contract_title": contract.title},
        )
    return len(owing)


def review_reminders_send(*, now=None, limit: int = 500) -> int:
    """The periodic job: remind whoever still owes a review on a contract whose window closes
    soon; returns how many were reminded."""
    now = now or timezone.now()
    closing = (
        reviewable_contracts(now=now)
        .filter(ended_at__lte=now - review_window() + REMIND_BEFORE)
        .filter(_party_still_owes("client") | _party_still_owes("freelancer"))
        .order_by("ended_at", "pk")
        .values_list("pk", flat=True)
    )
    return sum(review_remind(contract_id=pk, now=now) for pk in list(closing[:limit]))
