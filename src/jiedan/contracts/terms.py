"""Contract terms as a document: checking what a party wrote, the milestone templates, and the
canonical form whose SHA-256 digest is what each party accepts.

A fixed-price contract is paid by its milestone plan; an hourly one by an hourly rate, up to a
weekly number of hours, and has no plan.

The canonical form is JSON with sorted keys, amounts as strings in the currency's smallest
unit and dates in ISO form, so the same terms always give the same digest and any change —
one character of scope, one cent of one milestone — gives another.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import InvalidInput
from jiedan.core.money import money_positive, money_quantize
from jiedan.ledger.fees import shares_split

from .models import MAX_MILESTONES, MAX_REVISIONS, DelayPolicy, IpTransfer, Kind

MAX_DELIVERABLES = 20
MAX_WEEKLY_HOURS = 100
MAX_CONTRACT_TOTAL = Decimal("10000000")

# Named splits a client can start from, as percentages of the total.
MILESTONE_TEMPLATES: dict[str, tuple[int, ...]] = {
    "100": (100,),
    "50-50": (50, 50),
    "30-30-40": (30, 30, 40),
    "25-25-25-25": (25, 25, 25, 25),
}


@dataclass(frozen=True)
class MilestoneDetails:
    title: str
    amount: Decimal | str
    due_date: date | None = None
    # In a change request: the existing milestone this line keeps or changes (None: a new one).
    milestone_id: int | None = None


@dataclass(frozen=True)
class TermsDetails:
    """What a party writes; ``terms_checked`` turns it into a ``TermsDocument`` or refuses it."""

    scope: str
    deadline: date | None
    milestones: list[MilestoneDetails]
    deliverables: list[str] = field(default_factory=list)
    revisions: int = 2
    delay_policy: str = DelayPolicy.RENEGOTIATE
    ip_transfer: str = IpTransfer.ON_FULL_PAYMENT
    kind: str = Kind.FIXED
    hourly_rate: Decimal | str | None = None
    weekly_limit: int | None = None


@dataclass(frozen=True)
class TermsDocument:
    scope: str
    deliverables: list[str]
    revisions: int
    deadline: date
    delay_policy: str
    ip_transfer: str
    # {"title", "amount" (str), "due_date" (ISO str or None)[, "milestone" (id)]}
    milestones: list[dict]
    total: Decimal
    currency: str
    kind: str = Kind.FIXED
    hourly_rate: Decimal | None = None
    weekly_limit: int | None = None


def milestones_from_template(
    template: str, total, currency: str, titles: list[str] | None = None
) -> list[MilestoneDetails]:
    """Split ``total`` by a named template; any cent left by rounding goes to the last one."""
    if template not in MILESTONE_TEMPLATES:
        raise InvalidInput(_("Choose one of the milestone splits."), code="milestone_template")
    total = money_positive(total, currency, maximum=MAX_CONTRACT_TOTAL)
    parts, remainder = shares_split(total, currency, list(MILESTONE_TEMPLATES[template]))
    parts[-1] += remainder
    titles = titles or []
    return [
        MilestoneDetails(
            title=titles[index] if index < len(titles) else _("Milestone %(n)s") % {"n": index + 1},
            amount=part,
        )
        for index, part in enumerate(parts)
    ]


def _checked_milestones(milestones: list[MilestoneDetails], currency: str, deadline: date):
    if not milestones:
        raise InvalidInput(_("Add at least one milestone."), code="milestones_missing")
    if len(milestones) > MAX_MILESTONES:
        raise InvalidInput(
            _("A contract has at most %(count)s milestones.") % {"count": MAX_MILESTONES},
            code="too_many_milestones",
        )
    checked = []
    for milestone in milestones:
        title = " ".join(str(milestone.title or "").split())[:200]
        if not title:
            raise InvalidInput(_("Give every milestone a title."), code="milestone_title")
        amount = money_positive(milestone.amount, currency, maximum=MAX_CONTRACT_TOTAL)
        if milestone.due_date and milestone.due_date > deadline:
            raise InvalidInput(
                _("A milestone cannot be due after the contract's deadline."),
                code="milestone_after_deadline",
            )
        due = milestone.due_date.isoformat() if milestone.due_date else None
        line = {"title": title, "amount": str(amount), "due_date": due}
        if milestone.milestone_id is not None:
            line["milestone"] = int(milestone.milestone_id)
        checked.append(line)
    return checked


def _checked_hourly(details: TermsDetails, currency: str) -> tuple[Decimal, int]:
    if details.milestones:
        raise InvalidInput(
            _("An hourly contract is paid by the hour and has no milestones."),
            code="hourly_milestones",
        )
    if details.hourly_rate in (None, ""):
        raise InvalidInput(_("Set the hourly rate."), code="hourly_rate")
    rate = money_positive(details.hourly_rate, currency, maximum=MAX_CONTRACT_TOTAL)
    try:
        limit = int(details.weekly_limit)
    except (TypeError, ValueError):
        limit = 0
    if not 1 <= limit <= MAX_WEEKLY_HOURS:
        raise InvalidInput(
            _("Allow from 1 to %(max)s hours a week.") % {"max": MAX_WEEKLY_HOURS},
            code="weekly_limit",
        )
    return rate, limit


def terms_checked(details: TermsDetails, *, currency: str, today: date) -> TermsDocument:
    """Refuse incomplete or impossible terms with a clear error; nothing is stored here."""
    scope = (details.scope or "").strip()
    if not scope:
        raise InvalidInput(_("Describe the scope of the work."), code="scope_missing")
    if details.deadline is None or details.deadline < today:
        raise InvalidInput(_("Set a deadline that is not in the past."), code="deadline")
    if not 0 <= int(details.revisions) <= MAX_REVISIONS:
        raise InvalidInput(
            _("Allow from 0 to %(max)s revisions.") % {"max": MAX_REVISIONS}, code="revisions"
        )
    if details.delay_policy not in DelayPolicy.values:
        raise InvalidInput(_("Choose what happens if the work is late."), code="delay_policy")
    if details.ip_transfer not in IpTransfer.values:
        raise InvalidInput(_("Choose who owns the work."), code="ip_transfer")
    deliverables = [" ".join(item.split())[:300] for item in details.deliverables if item.strip()]
    if len(deliverables) > MAX_DELIVERABLES:
        raise InvalidInput(
            _("List at most %(count)s deliverables.") % {"count": MAX_DELIVERABLES},
            code="too_many_deliverables",
        )
    if details.kind not in Kind.values:
        raise InvalidInput(_("Choose fixed price or hourly."), code="kind")
    if details.kind == Kind.HOURLY:
        rate, limit = _checked_hourly(details, currency)
        return TermsDocument(
            **_common(details, scope, deliverables),
            milestones=[],
            total=Decimal(0),
            currency=currency,
            kind=Kind.HOURLY,
            hourly_rate=rate,
            weekly_limit=limit,
        )
    milestones = _checked_milestones(details.milestones, currency, details.deadline)
    total = sum((Decimal(m["amount"]) for m in milestones), Decimal(0))
    if total > MAX_CONTRACT_TOTAL:
        raise InvalidInput(_("The contract total is too large."), code="total_too_large")
    return TermsDocument(
        **_common(details, scope, deliverables),
        milestones=milestones,
        total=total,
        currency=currency,
    )


def _common(details: TermsDetails, scope: str, deliverables: list[str]) -> dict:
    return {
        "scope": scope[:10000],
        "deliverables": deliverables,
        "revisions": int(details.revisions),
        "deadline": details.deadline,
        "delay_policy": details.delay_policy,
        "ip_transfer": details.ip_transfer,
    }


def terms_digest(*, contract_id: int, version: int, parties: tuple[int, int], doc) -> str:
    """The SHA-256 of the canonical JSON of one version of the terms (``doc`` is a
    ``TermsDocument`` or a stored ``ContractTerms``: the same fields, the same digest).
    Amounts are written with the currency's minor unit, as stored ("0.00", never "0").
    Hourly terms add their rate and weekly limit; fixed-price terms keep the form they always
    had, so digests accepted before hourly contracts existed still verify."""
    canonical = {
        "contract": contract_id,
        "version": version,
        "client": parties[0],
        "freelancer": parties[1],
        "scope": doc.scope,
        "deliverables": list(doc.deliverables),
        "revisions": doc.revisions,
        "deadline": doc.deadline.isoformat(),
        "delay_policy": str(doc.delay_policy),
        "ip_transfer": str(doc.ip_transfer),
        "milestones": list(doc.milestones),
        "total": str(money_quantize(doc.total, doc.currency)),
        "currency": doc.currency,
    }
    if doc.kind == Kind.HOURLY:
        canonical["kind"] = str(doc.kind)
        canonical["hourly_rate"] = str(money_quantize(doc.hourly_rate, doc.currency))
        canonical["weekly_limit"] = doc.weekly_limit
    encoded = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()
