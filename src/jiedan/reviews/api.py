"""Reviews API under /api/v1/reviews: the contracts the caller may still review, writing a
review, a contract's reviews as its party sees them (the other party's only once revealed),
a person's public reviews, replying and reporting. A contract the caller is not a party to is
404 and nothing changes. Private ratings and feedback appear only in the author's own view."""

from ninja import Router, Status

from jiedan.accounts.api_auth import OPTIONAL_AUTH

from . import selectors, services
from .models import Review
from .schemas import (
    ContractReviewsOut,
    PendingOut,
    ReplyIn,
    ReportIn,
    ReportOut,
    ReviewIn,
    ReviewPageOut,
)

router = Router(tags=["reviews"])


def _person(user) -> dict:
    return {"id": user.pk, "name": user.get_short_name()}


def _review_out(review: Review) -> dict:
    return {
        "id": review.pk,
        "contract_id": review.contract_id,
        "contract_title": review.contract.title,
        "author": _person(review.author),
        "subject_id": review.subject_id,
        "author_role": review.author_role,
        "rating": review.rating,
        "dimensions": {
            name: getattr(review, name) for name in selectors.dimensions_of(review.author_role)
        },
        "text": review.text,
        "revealed_at": review.revealed_at,
        "reply": review.reply,
        "replied_at": review.replied_at,
        "hidden_reason": review.hidden_reason if review.hidden_at else None,
    }


def _own_review_out(review: Review) -> dict:
    return {
        **_review_out(review),
        "private_rating": review.private_rating,
        "private_feedback": review.private_feedback,
    }


def _other_party(contract, user):
    return contract.client if contract.freelancer_id == user.pk else contract.freelancer


@router.get("/pending", response=list[PendingOut])
def pending(request):
    """Contracts you may still review, the window closing soonest first."""
    return [
        {
            "contract_id": contract.pk,
            "contract_title": contract.title,
            "other": _person(_other_party(contract, request.user)),
            "closes_at": selectors.window_closes_at(contract),
            "other_reviewed": contract.other_reviewed,
        }
        for contract in selectors.pending_reviews_of(user=request.user)
    ]


def _contract_reviews(request, contract_id: int) -> dict:
    contract = selectors.contract_to_review(user=request.user, contract_id=contract_id)
    state = selectors.contract_reviews_for(contract=contract, viewer=request.user)
    if state is None:
        return {
            "can_write": False,
            "closes_at": None,
            "other_reviewed": False,
            "mine": None,
            "theirs": None,
        }
    return {
        "can_write": state.can_write,
        "closes_at": state.closes_at,
        "other_reviewed": state.other_reviewed,
        "mine": _own_review_out(state.mine) if state.mine else None,
        "theirs": _review_out(state.theirs) if state.theirs else None,
    }


@router.get("/contracts/{contract_id}", response=ContractReviewsOut)
def contract_reviews(request, contract_id: int):
    """Your review of the contract's other party and, once revealed, theirs of you."""
    return _contract_reviews(request, contract_id)


@router.post("/contracts/{contract_id}", response={201: ContractReviewsOut})
def review_write(request, contract_id: int, payload: ReviewIn):
    """Review the other party of an ended, paid contract (once; never edited). When theirs is
    already there, both are revealed now."""
    services.review_submit(
        author=request.user,
        contract_id=contract_id,
        details=services.ReviewDetails(**payload.dict()),
    )
    return Status(201, _contract_reviews(request, contract_id))


@router.get("/users/{user_id}", response=ReviewPageOut, auth=OPTIONAL_AUTH)
def user_reviews(request, user_id: int, role: str = "freelancer", page: int = 1):
    """A person's public reviews on one side (``role``: ``freelancer`` — by their clients — or
    ``client``), newest first, 10 a page."""
    person = selectors.reviewed_person(viewer=request.user, user_id=user_id, role=role)
    found = selectors.public_reviews_page(person.pk, role=role, page=page)
    return {
        "page": found.number,
        "has_more": found.has_more,
        "results": [_review_out(review) for review in found.reviews],
    }


@router.post("/{review_id}/reply", response=ContractReviewsOut)
def reply(request, review_id: int, payload: ReplyIn):
    """Reply once, publicly, to a revealed review of you."""
    review = services.review_reply(subject=request.user, review_id=review_id, text=payload.text)
    return _contract_reviews(request, review.contract_id)


@router.post("/{review_id}/report", response={201: ReportOut})
def report(request, review_id: int, payload: ReportIn):
    """Ask moderators to look at a public review (one open report per person)."""
    created = services.review_report(
        reporter=request.user, review_id=review_id, reason=payload.reason
    )
    return Status(201, {"id": created.pk, "review_id": created.review_id, "status": created.status})
