"""Reputation on other apps' pages: ``{% load reputation_tags %}`` then
``{% freelancer_reputation profile.user_id %}`` or ``{% client_reputation profile.user_id %}``
on a profile (one query each), and ``{% reputation_summary user %}`` on a search result, which
reads the snapshot the list already joined (``select_related("freelancer_reputation")``)."""

from dataclasses import dataclass

from django import template

from .. import formulas, selectors
from ..models import FreelancerReputation

register = template.Library()


@dataclass(frozen=True)
class Criterion:
    text: str
    met: bool


@dataclass(frozen=True)
class Reason:
    """A level or badge, whether the person holds it, and each of its criteria."""

    label: str
    held: bool
    criteria: list[Criterion]


def _reasons(reputation: FreelancerReputation) -> list[Reason]:
    held_badges = {badge["code"] for badge in reputation.badges}
    order = formulas.LEVEL_ORDER
    reached = order[: order.index(reputation.level) + 1]
    reasons = []
    for key, label in [*formulas.Level.choices[1:], *formulas.Badge.choices]:
        criteria = [
            Criterion(formulas.criterion_text(item["code"]), item["met"])
            for item in reputation.criteria.get(key, [])
        ]
        held = key in held_badges or (key in formulas.LEVEL_CRITERIA and key in reached)
        reasons.append(Reason(str(label), held, criteria))
    return reasons


def _freelancer_context(reputation: FreelancerReputation | None) -> dict:
    if reputation is None:
        return {"reputation": None}
    return {
        "reputation": reputation,
        "level": formulas.level_label(reputation.level),
        "earned": formulas.band_label(reputation.earned_band),
        "badges": [formulas.badge_label(badge) for badge in reputation.badges],
        "reasons": _reasons(reputation),
    }


@register.inclusion_tag("reputation/_freelancer.html")
def freelancer_reputation(user_id: int) -> dict:
    return _freelancer_context(selectors.freelancer_reputation_of(user_id=user_id))


@register.inclusion_tag("reputation/_client.html")
def client_reputation(user_id: int) -> dict:
    reputation = selectors.client_reputation_of(user_id=user_id)
    spent = formulas.band_label(reputation.spent_band) if reputation else ""
    return {"reputation": reputation, "spent": spent}


@register.inclusion_tag("reputation/_summary.html")
def reputation_summary(user) -> dict:
    reputation = getattr(user, "freelancer_reputation", None)
    level = formulas.level_label(reputation.level) if reputation else ""
    return {"reputation": reputation, "level": level}
