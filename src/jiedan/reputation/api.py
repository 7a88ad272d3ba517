"""Reputation API: a person's public figures, as a freelancer and as a client."""

from django.urls import reverse
from ninja import Router

from jiedan.accounts.api_auth import OPTIONAL_AUTH

from . import formulas, selectors
from .models import ClientReputation, FreelancerReputation
from .schemas import ReputationOut

router = Router(tags=["reputation"])


def _freelancer(reputation: FreelancerReputation | None) -> dict | None:
    if reputation is None:
        return None
    return {
        **{name: getattr(reputation, name) for name in selectors.PUBLIC_FREELANCER_FIELDS},
        "level_label": formulas.level_label(reputation.level),
        "earned_band_label": formulas.band_label(reputation.earned_band),
        "badges": [{**badge, "label": formulas.badge_label(badge)} for badge in reputation.badges],
        "criteria": {
            key: [{**item, "text": formulas.criterion_text(item["code"])} for item in items]
            for key, items in reputation.criteria.items()
        },
    }


def _client(reputation: ClientReputation | None) -> dict | None:
    if reputation is None:
        return None
    return {
        **{name: getattr(reputation, name) for name in selectors.PUBLIC_CLIENT_FIELDS},
        "spent_band_label": formulas.band_label(reputation.spent_band),
    }


@router.get("/{user_id}", response=ReputationOut, auth=OPTIONAL_AUTH)
def reputation_detail(request, user_id: int):
    """Public figures only (no private ratings, no money figures, only bands). Freelancer
    figures follow the freelancer profile's visibility; 404 when there is nothing to show."""
    reputation = selectors.public_reputation(user_id=user_id, viewer=request.user)
    return {
        "user_id": reputation.user_id,
        "freelancer": _freelancer(reputation.freelancer),
        "client": _client(reputation.client),
        "formulas_url": reverse("reputation:how_it_works"),
    }
