"""The reputation figures as pure functions over plain data: no database, no clock.

Every function takes what it needs (and ``now`` or ``today`` where time matters) and follows
the published rules in ``formulas``. Percentages are whole numbers rounded half up; "not enough
data" is ``None``.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from . import formulas as f
from .formulas import Badge, Level

HUNDRED = Decimal(100)
SECONDS_A_DAY = Decimal(86400)
SECONDS_AN_HOUR = Decimal(3600)
CLOSED_DISPUTE_STATUSES = ("settled", "decided")


def percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a whole percentage, rounded half up; None when ``whole`` is 0."""
    if not whole:
        return None
    return int((Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP))


# --- average rating ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatedWork:
    """A public review with the money released on its contract and when the contract ended."""

    rating: int
    value: Decimal
    ended_at: datetime


def recency_factor(ended_at: datetime, *, now: datetime) -> Decimal:
    """2^(−age / half-life): 1 for work that just ended, ½ a half-life later."""
    age_days = max(Decimal(0), Decimal((now - ended_at).total_seconds()) / SECONDS_A_DAY)
    return Decimal(2) ** (-age_days / Decimal(f.RATING_HALF_LIFE_DAYS))


def weighted_rating(works: list[RatedWork], *, now: datetime) -> Decimal | None:
    """Average of the ratings weighted by contract value × recency, to two places."""
    if not works:
        return None
    weights = [
        max(work.value, f.RATING_MIN_VALUE) * recency_factor(work.ended_at, now=now)
        for work in works
    ]
    total = sum(Decimal(w.rating) * weight for w, weight in zip(works, weights, strict=True))
    return (total / sum(weights)).quantize(f.RATING_PLACES, ROUND_HALF_UP)


# --- disputes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisputeOutcome:
    status: str
    opener_side: str
    amount: Decimal
    freelancer_amount: Decimal | None
    client_amount: Decimal | None


def _closed_below_half(outcome: DisputeOutcome, share: Decimal | None) -> bool:
    return (
        outcome.status in CLOSED_DISPUTE_STATUSES
        and share is not None
        and share < outcome.amount * f.DISPUTE_LOST_BELOW
    )


def lost_by_freelancer(outcome: DisputeOutcome) -> bool:
    """Settled or decided with less than half of the amount to the freelancer."""
    return _closed_below_half(outcome, outcome.freelancer_amount)


def lost_by_client(outcome: DisputeOutcome) -> bool:
    """Opened by the client, settled or decided with less than half back to the client."""
    return outcome.opener_side == "client" and _closed_below_half(outcome, outcome.client_amount)


# --- contracts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EndedContract:
    """A contract that ended (completed or cancelled) with the client's review of the
    freelancer, if public, and whether the freelancer lost a dispute on it."""

    ended_at: datetime
    completed: bool
    rating: int | None = None
    private_rating: int | None = None
    lost_dispute: bool = False

    @property
    def good(self) -> bool:
        return (
            self.completed
            and not self.lost_dispute
            and (self.private_rating is None or self.private_rating >= f.JSS_GOOD_PRIVATE_RATING)
            and (self.rating is None or self.rating >= f.JSS_GOOD_RATING)
        )


def job_success(contracts: list[EndedContract], *, now: datetime) -> int | None:
    """Good contracts among those ended in the window, in percent; None below the minimum."""
    recent = [c for c in contracts if c.ended_at >= now - f.JSS_WINDOW]
    if len(recent) < f.JSS_MIN_CONTRACTS:
        return None
    return percent(sum(c.good for c in recent), len(recent))


def completion_rate(contracts: list[EndedContract]) -> int | None:
    """Completed among all ended contracts."""
    return percent(sum(c.completed for c in contracts), len(contracts))


def repeat_client_rate(client_ids: list[int]) -> int | None:
    """Clients with two or more contracts among all clients (one id per started contract)."""
    counts: dict[int, int] = {}
    for client_id in client_ids:
        counts[client_id] = counts.get(client_id, 0) + 1
    return percent(sum(n >= 2 for n in counts.values()), len(counts))


@dataclass(frozen=True)
class DueMilestone:
    """A funded milestone with a due date: when its work was first delivered and when it
    closed (platform dates)."""

    due_date: date
    delivered_on: date | None
    closed_on: date | None = None

    def counts(self, today: date) -> bool:
        """Delivered, or its due date passed while it was still open."""
        if self.delivered_on is not None:
            return True
        return self.due_date < today and (self.closed_on is None or self.closed_on > self.due_date)

    @property
    def on_time(self) -> bool:
        return self.delivered_on is not None and self.delivered_on <= self.due_date


def on_time_delivery(milestones: list[DueMilestone], *, today: date) -> tuple[int | None, int]:
    """(percent delivered by the due date, how many milestones counted)."""
    counted = [m for m in milestones if m.counts(today)]
    return percent(sum(m.on_time for m in counted), len(counted)), len(counted)


# --- response time -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FirstContact:
    """In one conversation: the client's first message in the window and the freelancer's first
    message after it (None while unanswered)."""

    asked_at: datetime
    answered_at: datetime | None


def median(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def response_time(contacts: list[FirstContact], *, now: datetime) -> tuple[Decimal | None, int]:
    """(median hours to the first answer, how many conversations counted)."""
    waits: list[timedelta] = []
    for contact in contacts:
        if contact.answered_at is not None:
            waits.append(contact.answered_at - contact.asked_at)
        elif now - contact.asked_at > f.RESPONSE_GRACE:
            waits.append(now - contact.asked_at)
    hours = median([Decimal(w.total_seconds()) / SECONDS_AN_HOUR for w in waits])
    if hours is None:
        return None, 0
    return hours.quantize(f.RESPONSE_PLACES, ROUND_HALF_UP), len(waits)


# --- money bands ---------------------------------------------------------------------------------


def money_band(total: Decimal) -> int:
    """The index of the band ``total`` falls in (``formulas.BAND_FLOORS``)."""
    return max(i for i, floor in enumerate(f.BAND_FLOORS) if total >= floor or i == 0)


# --- clients -------------------------------------------------------------------------------------


def hire_rate(*, ended_projects: int, hired_projects: int) -> int | None:
    """Projects with a hire among the client's projects that were awarded or closed."""
    return percent(hired_projects, ended_projects)


@dataclass(frozen=True)
class PaymentItem:
    """A funded milestone that closed, or a weekly statement that was billed or waits for the
    client's money."""

    lost_by_client: bool = False
    waiting_for_payment: bool = False

    @property
    def good(self) -> bool:
        return not (self.lost_by_client or self.waiting_for_payment)


def payment_record(items: list[PaymentItem]) -> int | None:
    return percent(sum(item.good for item in items), len(items))


# --- levels and badges ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """The figures a level and the badges are judged on."""

    completed_contracts: int
    job_success: int | None
    rating: Decimal | None
    lost_disputes_recent: int
    earned_band: int
    account_age: timedelta
    clean_since: datetime
    response_hours: Decimal | None
    response_count: int
    on_time_rate: int | None
    on_time_count: int


def _at_least(value, threshold) -> bool:
    return value is not None and value >= threshold


def criteria_met(standing: Standing, *, now: datetime) -> dict[str, bool]:
    """Each criterion code of ``formulas`` → whether it holds."""
    s = standing
    return {
        "rising_completed": s.completed_contracts >= f.RISING_MIN_COMPLETED,
        "rising_jss": s.job_success is None or s.job_success >= f.RISING_MIN_JSS,
        "rising_rating": _at_least(s.rating, f.RISING_MIN_RATING),
        "no_recent_lost_dispute": s.lost_disputes_recent == 0,
        "top_completed": s.completed_contracts >= f.TOP_MIN_COMPLETED,
        "top_jss": _at_least(s.job_success, f.TOP_MIN_JSS),
        "top_rating": _at_least(s.rating, f.TOP_MIN_RATING),
        "top_earned": s.earned_band >= f.TOP_MIN_EARNED_BAND,
        "top_account_age": s.account_age >= f.TOP_MIN_ACCOUNT_AGE,
        "has_completed": s.completed_contracts >= 1,
        "clean_year": now - s.clean_since >= f.CLEAN_RECORD_YEAR,
        "response_samples": s.response_count >= f.FAST_RESPONDER_MIN_CONVERSATIONS,
        "response_fast": s.response_hours is not None
        and s.response_hours < f.FAST_RESPONDER_BELOW_HOURS,
        "on_time_samples": s.on_time_count >= f.ON_TIME_MIN_MILESTONES,
        "on_time_rate": _at_least(s.on_time_rate, f.ON_TIME_MIN_PERCENT),
    }


@dataclass(frozen=True)
class Verdict:
    level: str
    badges: list[dict]
    criteria: dict[str, list[dict]]  # level or badge → [{"code", "met"}], for "why this level"


def verdict(standing: Standing, *, now: datetime) -> Verdict:
    """The level (the highest whose criteria, and those of every level below it, all hold),
    the badges earned, and every criterion of every level and badge with whether it is met."""
    met = criteria_met(standing, now=now)
    rules = {**f.LEVEL_CRITERIA, **f.BADGE_CRITERIA}
    criteria = {
        str(key): [{"code": code, "met": met[code]} for code in codes]
        for key, codes in rules.items()
    }
    level = Level.NEW
    for candidate in (Level.RISING, Level.TOP_RATED):
        if not all(met[code] for code in f.LEVEL_CRITERIA[candidate]):
            break
        level = candidate
    badges = []
    for badge, codes in f.BADGE_CRITERIA.items():
        if all(met[code] for code in codes):
            badges.append({"code": str(badge), **_badge_details(badge, standing, now)})
    return Verdict(level=str(level), badges=badges, criteria=criteria)


def _badge_details(badge: str, standing: Standing, now: datetime) -> dict:
    if badge == Badge.CLEAN_RECORD:
        return {"years": (now - standing.clean_since).days // f.CLEAN_RECORD_YEAR.days}
    return {}
