"""Reads for reviews: who may review which contract and until when, what each party of a
contract sees of its reviews, and the public reviews of a person.

Rules read here:

- A contract is reviewable when it ended (completed, or cancelled) with money paid to the
  freelancer — a milestone with something released (a contest prize is one) or a billed weekly
  statement — and its review window (``JIEDAN_REVIEW_WINDOW_DAYS`` after ``ended_at``) is
  still open.
- A review's content reaches its subject only once revealed; before that the subject learns
  only that the other party has reviewed.
- Public means revealed and not hidden. ``private_rating`` and ``private_feedback`` are never
  part of a public answer: only the author's own view shows them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.contracts.models import Contract, Milestone, StatementStatus, Status, WeeklyStatement
from jiedan.core.errors import NotFound
from jiedan.profiles.models import FreelancerProfile
from jiedan.profiles.selectors import can_view_profile

from .models import (
    CLIENT_DIMENSIONS,
    FREELANCER_DIMENSIONS,
    AuthorRole,
    Review,
)

ENDED = (Status.COMPLETED, Status.CANCELLED)
# A party who has not reviewed is reminded once, this long before the window closes.
REMIND_BEFORE = timedelta(days=3)
PUBLIC_PAGE_SIZE = 10


def review_window() -> timedelta:
    return timedelta(days=settings.JIEDAN_REVIEW_WINDOW_DAYS)


def window_closes_at(contract: Contract) -> datetime | None:
    """When the parties can no longer review (and sealed reviews are revealed)."""
    return contract.ended_at + review_window() if contract.ended_at else None


def dimensions_of(role: str) -> tuple[str, ...]:
    """The dimensions an author in ``role`` rates: a client rates the freelancer's work, a
    freelancer rates the client."""
    return FREELANCER_DIMENSIONS if role == AuthorRole.CLIENT else CLIENT_DIMENSIONS


def author_role_of(contract: Contract, user) -> str | None:
    if user.pk == contract.client_id:
        return AuthorRole.CLIENT
    if user.pk == contract.freelancer_id:
        return AuthorRole.FREELANCER
    return None


def _paid() -> Q:
    """Money reached the freelancer on the contract (as a filter on contracts)."""
    released = Milestone.objects.filter(contract=OuterRef("pk"), released_amount__gt=0)
    billed = WeeklyStatement.objects.filter(
        contract=OuterRef("pk"), status=StatementStatus.BILLED, amount__gt=0
    )
    return Q(Exists(released)) | Q(Exists(billed))


def ended_paid_contracts() -> QuerySet[Contract]:
    """Contracts that ended with money paid: the only ones ever reviewed."""
    return Contract.objects.filter(status__in=ENDED, ended_at__isnull=False).filter(_paid())


def reviewable_contracts(*, now: datetime) -> QuerySet[Contract]:
    """Ended, paid contracts whose review window is still open at ``now``."""
    return ended_paid_contracts().filter(ended_at__gt=now - review_window())


def contract_is_paid(contract: Contract) -> bool:
    return ended_paid_contracts().filter(pk=contract.pk).exists()


def pending_reviews_of(*, user, now: datetime | None = None) -> QuerySet[Contract]:
    """Contracts ``user`` may still review, the window closing soonest first."""
    now = now or timezone.now()
    written = Review.objects.filter(contract=OuterRef("pk"), author=user)
    other_wrote = Review.objects.filter(contract=OuterRef("pk")).exclude(author=user)
    return (
        reviewable_contracts(now=now)
        .filter(Q(client=user) | Q(freelancer=user))
        .exclude(Exists(written))
        .annotate(other_reviewed=Exists(other_wrote))
        .select_related("client", "freelancer")
        .order_by("ended_at", "pk")
    )


@dataclass
class ContractReviews:
    """What one party sees of a contract's reviews. ``theirs`` (the other party's review of
    the viewer) is set only once revealed; before that ``other_reviewed`` says it exists."""

    reviewable: bool
    closes_at: datetime | None
    mine: Review | None
    theirs: Review | None
    other_reviewed: bool

    @property
    def can_write(self) -> bool:
        return self.reviewable and self.mine is None


def contract_reviews_for(*, contract: Contract, viewer, now: datetime | None = None):
    """The reviews block of a contract page for one of its parties, or None when the contract
    has no reviews to show or write (still running, nothing paid, or ``viewer`` is no party).
    At most two queries, none for a running contract."""
    if contract.status not in ENDED or author_role_of(contract, viewer) is None:
        return None
    now = now or timezone.now()
    reviews = list(contract.reviews.select_related("author", "subject", "hidden_by"))
    if not reviews and not contract_is_paid(contract):
        return None
    mine = next((r for r in reviews if r.author_id == viewer.pk), None)
    theirs = next((r for r in reviews if r.author_id != viewer.pk), None)
    closes_at = window_closes_at(contract)
    return ContractReviews(
        reviewable=closes_at is not None and now < closes_at,
        closes_at=closes_at,
        mine=mine,
        theirs=theirs if theirs is not None and theirs.revealed_at else None,
        other_reviewed=theirs is not None,
    )


def contract_to_review(*, user, contract_id: int) -> Contract:
    """A contract ``user`` is a party to (for the review form); anyone else gets NotFound."""
    contract = (
        Contract.objects.filter(Q(client=user) | Q(freelancer=user), pk=contract_id)
        .select_related("client", "freelancer")
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if contract is None:
        raise NotFound(_("No such contract."), code="contract_not_found")
    return contract


def public_reviews() -> QuerySet[Review]:
    return Review.objects.filter(revealed_at__isnull=False, hidden_at__isnull=True)


def public_reviews_of(user_id: int, *, role: str | None = None) -> QuerySet[Review]:
    """The public reviews of a person, newest first. ``role`` is the side they were reviewed
    on: ``freelancer`` (written by their clients) or ``client`` (by their freelancers). The
    reputation figures read the same rows."""
    reviews = public_reviews().filter(subject_id=user_id)
    if role is not None:
        reviews = reviews.filter(author_role=other_side(role))
    return reviews.select_related("author", "contract").order_by("-revealed_at", "-id")


def other_side(role: str) -> str:
    """Client for freelancer and the other way round: who reviews a person on ``role``'s side,
    or the side a review's subject was on. An unknown side is NotFound."""
    if role == AuthorRole.FREELANCER:
        return AuthorRole.CLIENT
    if role == AuthorRole.CLIENT:
        return AuthorRole.FREELANCER
    raise NotFound(_("No such list of reviews."), code="reviews_not_found")


@dataclass(frozen=True)
class ReviewPage:
    reviews: list[Review]
    number: int
    has_more: bool


def public_reviews_page(
    user_id: int, *, role: str, page: int = 1, size: int = PUBLIC_PAGE_SIZE
) -> ReviewPage:
    """One page of a person's public reviews on one side, in one query (a row past the page
    tells whether there is more)."""
    page = max(page, 1)
    start = (page - 1) * size
    rows = list(public_reviews_of(user_id, role=role)[start : start + size + 1])
    return ReviewPage(reviews=rows[:size], number=page, has_more=len(rows) > size)


def reviewed_person(*, viewer, user_id: int, role: str):
    """The person whose reviews on ``role``'s side ``viewer`` asks for, or NotFound: an
    inactive account, or a freelancer profile the viewer may not see (a hidden profile keeps
    its reviews hidden too)."""
    other_side(role)
    person = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise NotFound(_("No such person."), code="person_not_found")
    if role == AuthorRole.FREELANCER:
        profile = FreelancerProfile.objects.filter(user=person).first()
        if profile is not None:
            profile.user = person
            if not can_view_profile(profile, viewer):
                raise NotFound(_("No such person."), code="person_not_found")
    return person


def review_to_reply(*, user, review_id: int) -> Review:
    """A revealed review of ``user`` (for the reply form); anything else is NotFound, so a
    sealed review stays unseen."""
    review = (
        Review.objects.filter(pk=review_id, subject_id=user.pk, revealed_at__isnull=False)
        .select_related("author", "contract")
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if review is None:
        raise NotFound(_("No such review."), code="review_not_found")
    return review


def public_review(*, review_id: int) -> Review:
    review = public_reviews().filter(pk=review_id).select_related("author", "contract").first()
    if review is None:
        raise NotFound(_("No such review."), code="review_not_found")
    return review
