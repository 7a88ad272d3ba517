"""Risk warnings: what in a contract's terms often ends in a dispute, said before it starts.

Pure rules over the terms (``TermsFacts``) and, when there are enough, the comparable deals'
figures (``pricing.PriceSuggestion``). They warn and never block: both parties see them on
the offer (while writing it and before accepting it) and decide.

- ``no_deliverables``: nothing is listed as handed over, so nobody can tell when it is done.
- ``scope_thin``: the scope is a line or two (under ``SCOPE_MIN_SIZE``, a Chinese character
  counting twice, as it carries about as much as a short English word).
- ``single_large_milestone``: a fixed price paid as one milestone above
  ``JIEDAN_RISK_SINGLE_MILESTONE_LIMIT`` for its currency (e.g. 5,000 CNY, 800 USD): all the
  money rides on one approval.
- ``deadline_too_soon``: fewer days than the quickest tenth of comparable deals took (their
  p10 duration), or, for a budget above that same limit, under ``LARGE_BUDGET_MIN_DAYS``.
- ``price_far_below``: a fixed price under half the comparable deals' median.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jiedan.contracts.models import ContractTerms, Kind
from jiedan.core.money import money_display
from jiedan.taxonomy.text import is_cjk

from .pricing import PriceSuggestion

SCOPE_MIN_SIZE = 40
LARGE_BUDGET_MIN_DAYS = 7
FAR_BELOW_SHARE = Decimal("0.5")


@dataclass(frozen=True)
class TermsFacts:
    """What the rules read from terms, written or stored."""

    scope: str
    deliverables: tuple[str, ...]
    deadline: date | None
    milestone_amounts: tuple[Decimal, ...]
    currency: str
    today: date
    kind: str = Kind.FIXED

    @property
    def total(self) -> Decimal:
        return sum(self.milestone_amounts, Decimal("0"))


@dataclass(frozen=True)
class RiskWarning:
    code: str
    message: str


def facts_of_terms(terms: ContractTerms, *, today: date) -> TermsFacts:
    return TermsFacts(
        scope=terms.scope,
        deliverables=tuple(item for item in terms.deliverables if str(item).strip()),
        deadline=terms.deadline,
        milestone_amounts=tuple(Decimal(line["amount"]) for line in terms.milestones),
        currency=terms.currency,
        today=today,
        kind=terms.kind,
    )


def single_milestone_limit(currency: str) -> Decimal | None:
    limit = settings.JIEDAN_RISK_SINGLE_MILESTONE_LIMIT.get(currency)
    return Decimal(limit) if limit is not None else None


def scope_size(scope: str) -> int:
    """Visible characters, Chinese ones counted twice."""
    return sum(2 if is_cjk(char) else 1 for char in scope or "" if not char.isspace())


def _deliverables(facts: TermsFacts) -> list[RiskWarning]:
    found = []
    if not facts.deliverables:
        found.append(
            RiskWarning(
                "no_deliverables",
                _(
                    "No deliverables are listed. Write down what will be handed over, so both "
                    "of you can tell when the work is done."
                ),
            )
        )
    if scope_size(facts.scope) < SCOPE_MIN_SIZE:
        found.append(
            RiskWarning(
                "scope_thin",
                _(
                    "The scope is very short. Say what is included and what is not: most "
                    "disputes start from different ideas of the work."
                ),
            )
        )
    return found


def _milestones(facts: TermsFacts, limit: Decimal | None) -> list[RiskWarning]:
    amounts = facts.milestone_amounts
    if facts.kind != Kind.FIXED or limit is None or len(amounts) != 1 or amounts[0] <= limit:
        return []
    message = _(
        "The whole price of %(total)s is paid as one milestone. Above %(limit)s, split it "
        "into steps, each approved and paid on its own."
    ) % {
        "total": money_display(amounts[0], facts.currency),
        "limit": money_display(limit, facts.currency),
    }
    return [RiskWarning("single_large_milestone", message)]


def _deadline(
    facts: TermsFacts, comparables: PriceSuggestion | None, limit: Decimal | None
) -> list[RiskWarning]:
    if facts.deadline is None:
        return []
    days = (facts.deadline - facts.today).days
    quickest = comparables.days_p10 if comparables else None
    if quickest is not None and days < quickest:
        message = ngettext(
            "The deadline is %(days)s day away, while nine in ten similar completed projects "
            "took %(quickest)s days or more. Agree a date the work can really be done by.",
            "The deadline is %(days)s days away, while nine in ten similar completed projects "
            "took %(quickest)s days or more. Agree a date the work can really be done by.",
            days,
        ) % {"days": days, "quickest": quickest}
        return [RiskWarning("deadline_too_soon", message)]
    large = facts.kind == Kind.FIXED and limit is not None and facts.total > limit
    if large and days < LARGE_BUDGET_MIN_DAYS:
        message = ngettext(
            "The deadline is %(days)s day away for a budget of %(total)s. Work of this size "
            "rarely fits in under %(min)s days; agree a date it can really be done by.",
            "The deadline is %(days)s days away for a budget of %(total)s. Work of this size "
            "rarely fits in under %(min)s days; agree a date it can really be done by.",
            days,
        ) % {
            "days": days,
            "total": money_display(facts.total, facts.currency),
            "min": LARGE_BUDGET_MIN_DAYS,
        }
        return [RiskWarning("deadline_too_soon", message)]
    return []


def _price(facts: TermsFacts, comparables: PriceSuggestion | None) -> list[RiskWarning]:
    if facts.kind != Kind.FIXED or comparables is None or not facts.milestone_amounts:
        return []
    if facts.total >= comparables.median * FAR_BELOW_SHARE:
        return []
    message = ngettext(
        "The price of %(total)s is less than half of what similar completed projects were "
        "paid (median %(median)s, from %(count)s project). A price far below the usual often "
        "means the scope is understood differently.",
        "The price of %(total)s is less than half of what similar completed projects were "
        "paid (median %(median)s, from %(count)s projects). A price far below the usual often "
        "means the scope is understood differently.",
        comparables.count,
    ) % {
        "total": money_display(facts.total, facts.currency),
        "median": money_display(comparables.median, comparables.currency),
        "count": comparables.count,
    }
    return [RiskWarning("price_far_below", message)]


def terms_risks(
    facts: TermsFacts, *, comparables: PriceSuggestion | None = None
) -> list[RiskWarning]:
    """Every warning that applies, in a fixed order (work, payment, time, price)."""
    limit = single_milestone_limit(facts.currency)
    return [
        *_deliverables(facts),
        *_milestones(facts, limit),
        *_deadline(facts, comparables, limit),
        *_price(facts, comparables),
    ]
