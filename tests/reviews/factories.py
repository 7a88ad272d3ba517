"""Reviews on contracts built through the real services: a one-milestone contract completed
by the client's approval (money released to the freelancer), and reviews written through
``review_submit``."""

from datetime import datetime

from django.utils import timezone

from jiedan.contracts import services as contracts
from jiedan.contracts.models import Contract
from jiedan.reviews.models import AuthorRole, Review
from jiedan.reviews.selectors import dimensions_of
from jiedan.reviews.services import ReviewDetails, review_submit
from tests.contracts.factories import active_contract, submitted_milestone

ONE_MILESTONE = (("Logo and business card", "500.00"),)


def completed_contract(*, ended: datetime | None = None, **parties) -> Contract:
    """A contract whose only milestone the client approved (at ``ended``): completed, paid."""
    contract = active_contract(plan=ONE_MILESTONE, **parties)
    milestone = submitted_milestone(contract)
    contracts.milestone_approve(client=contract.client, milestone_id=milestone.pk, now=ended)
    contract.refresh_from_db()
    return contract


def unpaid_cancelled_contract() -> Contract:
    """Ended by the client before anything was funded: cancelled, nothing paid."""
    contract = active_contract(plan=ONE_MILESTONE)
    return contracts.contract_end(
        actor=contract.client, contract_id=contract.pk, reason="The project was called off."
    )


def role_of(contract: Contract, author) -> str:
    return AuthorRole.CLIENT if author.pk == contract.client_id else AuthorRole.FREELANCER


def details(contract: Contract, author, *, stars: int = 5, **overrides) -> ReviewDetails:
    """Every rating of the author's side at ``stars``, with a short text."""
    values = {
        "rating": stars,
        "dimensions": dict.fromkeys(dimensions_of(role_of(contract, author)), stars),
        "text": f"{stars} stars: clear and on time.",
        **overrides,
    }
    return ReviewDetails(**values)


def review(contract: Contract, author, *, now=None, **kwargs) -> Review:
    return review_submit(
        author=author,
        contract_id=contract.pk,
        details=details(contract, author, **kwargs),
        now=now or timezone.now(),
    )


def both_reviewed(contract: Contract | None = None, **kwargs) -> tuple[Review, Review]:
    """The client's review, then the freelancer's, which reveals both; returns the pair."""
    contract = contract or completed_contract(**kwargs)
    by_client = review(contract, contract.client, stars=4)
    by_freelancer = review(contract, contract.freelancer, stars=5)
    by_client.refresh_from_db()
    return by_client, by_freelancer
