"""How well a freelancer and a project fit: one hybrid score from 0 to 1 and the reasons
behind it, the same for both directions (projects for a freelancer, freelancers for a
client's project). Pure functions over plain values.

Each signal is scaled to 0–1 and weighted (``WEIGHTS``); a signal that cannot be known
(no reputation yet, no rate, a remote project) counts as neutral (0.5), so nobody is pushed
down for being new. On top:

- fair exposure: a freelancer in their first ``NEW_DAYS`` days gets ``NEW_BOOST``;
- feedback: a freelancer's interest in or dismissals of a category's projects move that
  category's projects by up to ``AFFINITY_RANGE`` either way.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

NEUTRAL = 0.5
WEIGHTS = {
    "skills": 0.30,
    "meaning": 0.25,
    "reputation": 0.15,
    "price": 0.10,
    "availability": 0.08,
    "response": 0.07,
    "distance": 0.05,
}
NEW_DAYS = 30
NEW_BOOST = 0.05
AFFINITY_RANGE = 0.10
# A related skill (taxonomy "related skills") counts this much of a shared one.
RELATED_SKILL_SHARE = 0.5
AVAILABILITY = {"full_time": 1.0, "part_time": 0.8, "as_needed": 0.6, "unavailable": 0.0}


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


@dataclass(frozen=True)
class Signals:
    """What is known about one freelancer–project pair."""

    shared_skills: int = 0
    related_skills: int = 0
    project_skills: int = 0
    similarity: float | None = None  # cosine of the two texts' vectors, when both have one
    related_above: float = 0.8  # the encoder's floor for "related"
    rating: Decimal | None = None
    job_success: int | None = None
    response_hours: Decimal | None = None
    rate_fits: bool | None = None  # the freelancer's hourly rate within an hourly budget
    availability: str = ""
    distance_km: float | None = None
    reach_km: float | None = None  # how far the on-site work may be
    days_on_platform: int | None = None
    affinity: float = 0.0  # −1 (always dismissed) … +1 (always interested)
    for_freelancer: bool = True  # the reasons speak to the freelancer, else to the client


@dataclass
class Scored:
    score: float
    reasons: list[Reason] = field(default_factory=list)


def _skills(s: Signals) -> tuple[float, Reason | None]:
    if not s.project_skills:
        return NEUTRAL, None
    matched = s.shared_skills + RELATED_SKILL_SHARE * s.related_skills
    value = min(1.0, matched / s.project_skills)
    if not s.shared_skills:
        return value, None
    if s.for_freelancer:
        text = ngettext("%(count)s of your skills", "%(count)s of your skills", s.shared_skills)
    else:
        text = ngettext(
            "%(count)s of the skills asked for",
            "%(count)s of the skills asked for",
            s.shared_skills,
        )
    return value, Reason("skills", text % {"count": s.shared_skills})


def _meaning(s: Signals) -> tuple[float, Reason | None]:
    if s.similarity is None:
        return NEUTRAL, None
    span = max(1e-6, 1 - s.related_above)
    value = min(1.0, max(0.0, (s.similarity - s.related_above) / span + 0.5))
    if s.similarity < s.related_above:
        return value, None
    return value, Reason("meaning", str(_("The descriptions are close in meaning")))


def _reputation(s: Signals) -> tuple[float, Reason | None]:
    parts = []
    if s.rating is not None:
        parts.append(float(s.rating) / 5)
    if s.job_success is not None:
        parts.append(s.job_success / 100)
    if not parts:
        return NEUTRAL, None
    value = sum(parts) / len(parts)
    if s.rating is not None and s.rating >= Decimal("4.5"):
        return value, Reason("rating", str(_("Rated %(rating)s of 5") % {"rating": s.rating}))
    return value, None


def _price(s: Signals) -> tuple[float, Reason | None]:
    if s.rate_fits is None:
        return NEUTRAL, None
    if s.rate_fits:
        if s.for_freelancer:
            return 1.0, Reason("price", str(_("The budget fits your rate")))
        return 1.0, Reason("price", str(_("Their rate fits your budget")))
    return 0.2, None


def _availability(s: Signals) -> tuple[float, Reason | None]:
    return AVAILABILITY.get(s.availability, NEUTRAL), None


def _response(s: Signals) -> tuple[float, Reason | None]:
    if s.response_hours is None:
        return NEUTRAL, None
    hours = float(s.response_hours)
    if hours <= 2:
        return 1.0, Reason("response", str(_("Usually answers within 2 hours")))
    return (0.7 if hours <= 24 else 0.3), None


def _distance(s: Signals) -> tuple[float, Reason | None]:
    if s.distance_km is None or not s.reach_km:
        return NEUTRAL, None
    value = max(0.0, 1 - s.distance_km / s.reach_km)
    km = max(1, round(s.distance_km))
    return value, Reason("distance", str(_("Within %(km)s km") % {"km": km}))


SIGNALS = {
    "skills": _skills,
    "meaning": _meaning,
    "reputation": _reputation,
    "price": _price,
    "availability": _availability,
    "response": _response,
    "distance": _distance,
}


def score(signals: Signals) -> Scored:
    """The weighted score (0–1, plus the boosts) and the reasons worth showing, strongest
    signal first."""
    total, found = 0.0, []
    for name, weigh in SIGNALS.items():
        value, reason = weigh(signals)
        total += WEIGHTS[name] * value
        if reason is not None:
            found.append((WEIGHTS[name] * value, reason))
    if signals.days_on_platform is not None and signals.days_on_platform < NEW_DAYS:
        total += NEW_BOOST
        found.append((NEW_BOOST, Reason("new", str(_("New on Jiedan")))))
    total += AFFINITY_RANGE * max(-1.0, min(1.0, signals.affinity))
    found.sort(key=lambda pair: -pair[0])
    return Scored(score=round(total, 4), reasons=[reason for _weight, reason in found])


def category_affinity(interested: int, dismissed: int) -> float:
    """−1…+1 from a person's answers about one category, smoothed so one answer moves it
    only a little: (interested − dismissed) / (interested + dismissed + 2)."""
    return (interested - dismissed) / (interested + dismissed + 2)
