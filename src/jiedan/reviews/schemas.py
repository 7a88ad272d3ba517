from datetime import datetime

from ninja import Field, Schema

from .models import PRIVATE_RATING_MAX, RATING_MAX, RATING_MIN, REPLY_MAX_LENGTH, TEXT_MAX_LENGTH
from .services import REPORT_REASON_MAX_LENGTH

Stars = Field(..., ge=RATING_MIN, le=RATING_MAX)


class PersonOut(Schema):
    id: int
    name: str


class ReviewIn(Schema):
    """``dimensions``: a client rates quality, communication, timeliness and
    professionalism; a freelancer rates clarity, responsiveness and payment (1–5 each)."""

    rating: int = Stars
    dimensions: dict[str, int] = {}
    text: str = Field("", max_length=TEXT_MAX_LENGTH)
    private_rating: int | None = Field(None, ge=0, le=PRIVATE_RATING_MAX)
    private_feedback: str = Field("", max_length=TEXT_MAX_LENGTH)


class ReviewOut(Schema):
    id: int
    contract_id: int
    contract_title: str
    author: PersonOut
    subject_id: int
    author_role: str
    rating: int
    dimensions: dict[str, int]
    text: str
    revealed_at: datetime | None
    reply: str
    replied_at: datetime | None
    hidden_reason: str | None = Field(
        None, description="Set when moderators hid the review (shown to its author and subject)."
    )


class OwnReviewOut(ReviewOut):
    """The author's own view: also what they told the platform privately."""

    private_rating: int | None
    private_feedback: str


class ContractReviewsOut(Schema):
    can_write: bool
    closes_at: datetime | None
    other_reviewed: bool
    mine: OwnReviewOut | None
    theirs: ReviewOut | None = Field(None, description="Only once revealed.")


class PendingOut(Schema):
    contract_id: int
    contract_title: str
    other: PersonOut
    closes_at: datetime
    other_reviewed: bool


class ReviewPageOut(Schema):
    page: int
    has_more: bool
    results: list[ReviewOut]


class ReplyIn(Schema):
    text: str = Field(..., max_length=REPLY_MAX_LENGTH)


class ReportIn(Schema):
    reason: str = Field(..., max_length=REPORT_REASON_MAX_LENGTH)


class ReportOut(Schema):
    id: int
    review_id: int
    status: str
