"""Reviews of a generated contract that ended with money paid, as ``reviews.services`` leaves
them: each party reviews within the window (most do), both reviews are revealed when the
second arrives or, alone, when the window closes; the person reviewed sometimes replies; a
party who had not reviewed when the window was about to close was reminded once."""

from datetime import datetime
from random import Random

from jiedan.contracts.models import Contract
from jiedan.reviews.models import (
    CLIENT_DIMENSIONS,
    FREELANCER_DIMENSIONS,
    AuthorRole,
    Review,
    ReviewReminder,
)
from jiedan.reviews.selectors import REMIND_BEFORE, review_window

from . import texts
from .plan import Run, days, minutes
from .writer import record

# How often a party writes a review, and how the overall ratings fall.
WRITES = {AuthorRole.CLIENT: 0.85, AuthorRole.FREELANCER: 0.7}
RATINGS = [5, 4, 3, 2, 1]
RATING_WEIGHTS = [60, 85, 93, 97, 100]  # cumulative: 60 % five stars, 25 % four, ...


def _review(run: Run, rng: Random, contract: Contract, role: str, lang: str, at: datetime):
    client_writes = role == AuthorRole.CLIENT
    rating = rng.choices(RATINGS, cum_weights=RATING_WEIGHTS)[0]
    dimensions = FREELANCER_DIMENSIONS if client_writes else CLIENT_DIMENSIONS
    stars = {name: max(1, min(5, rating + rng.choice([-1, 0, 0, 0, 1]))) for name in dimensions}
    private = rng.random() < 0.8
    return record(
        Review,
        id=run.ids.take(Review),
        contract_id=contract.id,
        author_id=contract.client_id if client_writes else contract.freelancer_id,
        subject_id=contract.freelancer_id if client_writes else contract.client_id,
        author_role=role,
        rating=rating,
        text=texts.review_text(rng, lang, rating=rating, of_freelancer=client_writes)
        if rng.random() < 0.85
        else "",
        private_rating=max(0, min(10, rating * 2 + rng.randint(-2, 0))) if private else None,
        created_at=at,
        **stars,
    )


def reviews_write(run: Run, rng: Random, contract: Contract, lang: str) -> None:
    """The reviews (and reminders) of an ended contract on which money was paid."""
    closes = contract.ended_at + review_window()
    written = []
    for role in (AuthorRole.CLIENT, AuthorRole.FREELANCER):
        at = contract.ended_at + days(rng, 0.05, review_window().days - 0.5)
        if rng.random() < WRITES[role] and at < min(closes, run.now):
            written.append(_review(run, rng, contract, role, lang, at))
    if len(written) == 2:
        revealed = max(review.created_at for review in written)
    else:
        revealed = closes + minutes(rng, 1, 60)  # the hourly job, once the window is closed
    rows: list = []
    for review in written:
        if revealed < run.now:
            review.revealed_at = revealed
            replied = revealed + days(rng, 0.05, 5)
            if rng.random() < 0.15 and replied < run.now:
                review.reply = texts.pick(rng, texts.REPLIES, lang)
                review.replied_at = replied
        rows.append(review)
    reminded = closes - REMIND_BEFORE + minutes(rng, 1, 60)
    if reminded < run.now:
        done = {review.author_id: review.created_at for review in written}
        for party in (contract.client_id, contract.freelancer_id):
            if party not in done or done[party] > reminded:
                rows.append(
                    record(
                        ReviewReminder,
                        id=run.ids.take(ReviewReminder),
                        contract_id=contract.id,
                        party_id=party,
                        sent_at=reminded,
                    )
                )
    run.out.add(*rows)
