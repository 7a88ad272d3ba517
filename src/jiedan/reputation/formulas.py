"""The published reputation formulas: every constant the figures, levels and badges use.

There is no secret score. ``metrics`` computes from these constants, and the public help page
(``/reputation/how-it-works/``) renders its text from them too, so the two cannot drift.
Change a number here and both follow.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from jiedan.core.money import DEFAULT_CURRENCY, money_display

# --- average rating ------------------------------------------------------------------------------
# Each public review weighs (money released on its contract) × 2^(−age / half-life), age from
# the contract's end. A contract that released less than one unit weighs one unit.
RATING_HALF_LIFE_DAYS = 365
RATING_MIN_VALUE = Decimal(1)
RATING_PLACES = Decimal("0.01")

# --- job success score ---------------------------------------------------------------------------
# Contracts that ended in the window; a contract is "good" when it was completed, the
# freelancer lost no dispute on it, and the client's private and public ratings (if given) are
# at least these. Shown only from JSS_MIN_CONTRACTS ended contracts.
JSS_WINDOW = timedelta(days=730)
JSS_MIN_CONTRACTS = 5
JSS_GOOD_PRIVATE_RATING = 7  # "would work together again", 0–10
JSS_GOOD_RATING = 4  # stars, 1–5

# --- disputes ------------------------------------------------------------------------------------
# A dispute settled or decided is lost by the freelancer when they got less than this share of
# the amount in dispute; lost by the client when the client opened it and got back less.
DISPUTE_LOST_BELOW = Decimal("0.5")
LOST_DISPUTE_WINDOW = timedelta(days=365)

# --- response time -------------------------------------------------------------------------------
# Per conversation with messages in the window: the time from the client's first message to the
# freelancer's first message after it. A message still unanswered after RESPONSE_GRACE counts
# with the time it has waited so far; a younger one does not count yet.
RESPONSE_WINDOW = timedelta(days=90)
RESPONSE_GRACE = timedelta(hours=24)
RESPONSE_PLACES = Decimal("0.1")

# --- money bands ---------------------------------------------------------------------------------
# Totals are shown as a band, never the figure: earned (net, from the ledger's credited
# earnings) and spent (released on contracts), both in BAND_CURRENCY only.
BAND_CURRENCY = DEFAULT_CURRENCY
BAND_FLOORS = (Decimal(0), Decimal(1000), Decimal(10000), Decimal(100000))

# --- levels --------------------------------------------------------------------------------------
RISING_MIN_COMPLETED = 3
RISING_MIN_JSS = 80
RISING_MIN_RATING = Decimal("4.5")
TOP_MIN_COMPLETED = 10
TOP_MIN_JSS = 90
TOP_MIN_RATING = Decimal("4.8")
TOP_MIN_EARNED_BAND = 2  # index into BAND_FLOORS: 10k and more
TOP_MIN_ACCOUNT_AGE = timedelta(days=183)  # six months

# --- badges --------------------------------------------------------------------------------------
CLEAN_RECORD_YEAR = timedelta(days=365)
FAST_RESPONDER_BELOW_HOURS = Decimal(2)
FAST_RESPONDER_MIN_CONVERSATIONS = 3
ON_TIME_MIN_PERCENT = 90
ON_TIME_MIN_MILESTONES = 5


class Level(models.TextChoices):
    NEW = "new", pgettext_lazy("reputation level", "New")
    RISING = "rising", gettext_lazy("Rising talent")
    TOP_RATED = "top_rated", gettext_lazy("Top rated")


LEVEL_ORDER = (Level.NEW, Level.RISING, Level.TOP_RATED)


def levels_at_least(level: str) -> list[str]:
    """The levels at or above ``level`` (every level for an unknown one)."""
    if level not in LEVEL_ORDER:
        return list(LEVEL_ORDER)
    return list(LEVEL_ORDER[LEVEL_ORDER.index(level) :])


class Badge(models.TextChoices):
    CLEAN_RECORD = "clean_record", gettext_lazy("Years without a lost dispute")
    FAST_RESPONDER = "fast_responder", gettext_lazy("Fast responder")
    ON_TIME = "on_time", gettext_lazy("Delivers on time")


# What must hold for each level and badge, by criterion code (see ``criterion_text``).
LEVEL_CRITERIA = {
    Level.RISING: ("rising_completed", "rising_jss", "rising_rating", "no_recent_lost_dispute"),
    Level.TOP_RATED: (
        "top_completed",
        "top_jss",
        "top_rating",
        "top_earned",
        "top_account_age",
        "no_recent_lost_dispute",
    ),
}
BADGE_CRITERIA = {
    Badge.CLEAN_RECORD: ("has_completed", "clean_year"),
    Badge.FAST_RESPONDER: ("response_samples", "response_fast"),
    Badge.ON_TIME: ("on_time_samples", "on_time_rate"),
}


def band_label(index: int | None) -> str:
    """``¥0 – ¥1,000``, …, ``¥100,000 and more``: the band, in the reader's language."""
    if index is None:
        return ""
    low = money_display(BAND_FLOORS[index], BAND_CURRENCY)
    if index + 1 >= len(BAND_FLOORS):
        return _("%(low)s and more") % {"low": low}
    high = money_display(BAND_FLOORS[index + 1], BAND_CURRENCY)
    return _("%(low)s – %(high)s") % {"low": low, "high": high}


def level_label(level: str) -> str:
    return str(dict(Level.choices).get(level, level))


def badge_label(badge: dict) -> str:
    """A badge as stored (``{"code": ..., "years": n}``) as people read it."""
    if badge["code"] == Badge.CLEAN_RECORD:
        years = badge.get("years", 1)
        return ngettext(
            "%(years)s year without a lost dispute",
            "%(years)s years without a lost dispute",
            years,
        ) % {"years": years}
    return str(dict(Badge.choices).get(badge["code"], badge["code"]))


def criterion_text(code: str) -> str:
    """The rule behind a criterion code, with its numbers, in the reader's language."""
    texts = {
        "rising_completed": lambda: (
            _("At least %(count)s completed contracts") % {"count": RISING_MIN_COMPLETED}
        ),
        "rising_jss": lambda: (
            _("Job success score at least %(percent)s%% (once it is shown)")
            % {"percent": RISING_MIN_JSS}
        ),
        "rising_rating": lambda: (
            _("Average rating at least %(rating)s") % {"rating": RISING_MIN_RATING}
        ),
        "no_recent_lost_dispute": lambda: (
            _("No dispute lost in the last %(days)s days") % {"days": LOST_DISPUTE_WINDOW.days}
        ),
        "top_completed": lambda: (
            _("At least %(count)s completed contracts") % {"count": TOP_MIN_COMPLETED}
        ),
        "top_jss": lambda: _("Job success score at least %(percent)s%%") % {"percent": TOP_MIN_JSS},
        "top_rating": lambda: _("Average rating at least %(rating)s") % {"rating": TOP_MIN_RATING},
        "top_earned": lambda: (
            _("Earned at least %(amount)s in total")
            % {"amount": money_display(BAND_FLOORS[TOP_MIN_EARNED_BAND], BAND_CURRENCY)}
        ),
        "top_account_age": lambda: (
            _("On the platform for at least %(days)s days") % {"days": TOP_MIN_ACCOUNT_AGE.days}
        ),
        "has_completed": lambda: _("At least one completed contract"),
        "clean_year": lambda: (
            _("At least %(days)s days on the platform since joining or since the last lost dispute")
            % {"days": CLEAN_RECORD_YEAR.days}
        ),
        "response_samples": lambda: (
            _("Answered clients in at least %(count)s conversations in the last %(days)s days")
            % {"count": FAST_RESPONDER_MIN_CONVERSATIONS, "days": RESPONSE_WINDOW.days}
        ),
        "response_fast": lambda: (
            _("Median first answer under %(hours)s hours") % {"hours": FAST_RESPONDER_BELOW_HOURS}
        ),
        "on_time_samples": lambda: (
            _("At least %(count)s milestones with a due date") % {"count": ON_TIME_MIN_MILESTONES}
        ),
        "on_time_rate": lambda: (
            _("At least %(percent)s%% delivered by the due date") % {"percent": ON_TIME_MIN_PERCENT}
        ),
    }
    return texts[code]() if code in texts else code
