"""The risk rules: each reads recent rows for one person and either fires (a reason in plain
words and details) or stays quiet.

A rule lists the events that make it run (see ``trust.services.risk_event``), a default score
and its thresholds. ``settings.JIEDAN_RISK_RULES`` overrides any of them per rule code, e.g.
``{"quick_withdrawal": {"score": 40, "minutes": 30}, "late_night_cancel": {"enabled": False}}``.
A rule fires at most once per person within its ``cooldown_hours``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import median
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiedan.contests.models import Contest
from jiedan.contests.models import Status as ContestStatus
from jiedan.contracts.models import Cancellation
from jiedan.messaging.models import FlagSource, Message, SafetyFlag
from jiedan.payments.models import Refund, TopUp, Withdrawal
from jiedan.projects.models import Project, ProjectStatusChange
from jiedan.projects.models import Status as ProjectStatus
from jiedan.proposals.models import Proposal

from .models import DeviceFingerprint


@dataclass(frozen=True)
class Event:
    """Something a person just did: ``kind`` (e.g. ``withdrawal.requested``), who, details."""

    kind: str
    user: object
    data: dict = field(default_factory=dict)
    now: datetime | None = None


@dataclass(frozen=True)
class Finding:
    reason: str
    data: dict


@dataclass(frozen=True)
class Rule:
    code: str
    description: str
    events: tuple[str, ...]
    defaults: dict
    check: Callable[[Event, dict], Finding | None]

    def params(self) -> dict:
        """Defaults merged with ``JIEDAN_RISK_RULES[code]``."""
        overrides = getattr(settings, "JIEDAN_RISK_RULES", {}).get(self.code, {})
        return {"enabled": True, "cooldown_hours": 24, **self.defaults, **overrides}


# ---------------------------------------------------------------------------------------------


def _new_account_burst(event: Event, p: dict) -> Finding | None:
    user, now = event.user, event.now
    if user.date_joined < now - timedelta(days=p["account_age_days"]):
        return None
    since = now - timedelta(minutes=p["window_minutes"])
    actions = (
        Project.objects.filter(client=user, created_at__gte=since).count()
        + Proposal.objects.filter(freelancer=user, created_at__gte=since).count()
        + Message.objects.filter(sender=user, created_at__gte=since).count()
    )
    if actions < p["actions"]:
        return None
    return Finding(
        gettext("%(n)s projects, proposals and messages within %(m)s minutes from a new account.")
        % {"n": actions, "m": p["window_minutes"]},
        {"actions": actions},
    )


def _frequent_cancellations(event: Event, p: dict) -> Finding | None:
    user = event.user
    since = event.now - timedelta(days=p["days"])
    projects = ProjectStatusChange.objects.filter(
        project__client=user, to_status=ProjectStatus.CANCELLED, created_at__gte=since
    ).count()
    contracts = Cancellation.objects.filter(proposed_by=user, created_at__gte=since).count()
    refunds = Refund.objects.filter(user=user, created_at__gte=since).count()
    total = projects + contracts + refunds
    if total < p["count"]:
        return None
    return Finding(
        gettext(
            "%(n)s cancellations or refund claims in %(d)s days (projects %(p)s, contracts "
            "%(c)s, refunds %(r)s)."
        )
        % {"n": total, "d": p["days"], "p": projects, "c": contracts, "r": refunds},
        {"projects": projects, "contracts": contracts, "refunds": refunds},
    )


def _is_night(moment: datetime, p: dict) -> bool:
    hour = moment.astimezone(ZoneInfo(settings.TIME_ZONE)).hour
    return p["night_start_hour"] <= hour < p["night_end_hour"]


def _late_night_cancel(event: Event, p: dict) -> Finding | None:
    since = event.now - timedelta(days=p["days"])
    changes = ProjectStatusChange.objects.filter(
        project__client=event.user,
        to_status=ProjectStatus.CANCELLED,
        created_at__gte=since,
        project__published_at__isnull=False,
    ).select_related("project")[:200]
    night = [
        c.project_id
        for c in changes
        if _is_night(c.created_at, p)
        and c.created_at - c.project.published_at <= timedelta(hours=p["within_hours"])
    ]
    if len(night) < p["count"]:
        return None
    return Finding(
        gettext("%(n)s projects published then cancelled at night within %(d)s days.")
        % {"n": len(night), "d": p["days"]},
        {"project_ids": night},
    )


def _shared_device(event: Event, p: dict) -> Finding | None:
    since = event.now - timedelta(days=p["days"])
    mine = DeviceFingerprint.objects.filter(user=event.user, last_seen__gte=since)
    hashes = set(mine.values_list("hash", flat=True)[:50])
    ips = set(mine.exclude(ip=None).values_list("ip", flat=True)[:50])
    if not hashes and not ips:
        return None
    recent = DeviceFingerprint.objects.filter(last_seen__gte=since)
    by_device = recent.filter(hash__in=hashes).values("user_id").distinct().count()
    by_ip = recent.filter(ip__in=ips).values("user_id").distinct().count()
    if by_device < p["accounts_per_device"] and by_ip < p["accounts_per_ip"]:
        return None
    return Finding(
        gettext("%(d)s accounts on the same device and %(i)s from the same address.")
        % {"d": by_device, "i": by_ip},
        {"accounts_per_device": by_device, "accounts_per_ip": by_ip},
    )


def _new_device_then_payout(event: Event, p: dict) -> Finding | None:
    since = event.now - timedelta(hours=p["hours"])
    devices = list(
        DeviceFingerprint.objects.filter(user=event.user).order_by("first_seen", "id")[:100]
    )
    if len(devices) < 2:
        return None  # the first device ever is not "new"
    known_hashes, known_countries, fresh = set(), set(), []
    for device in devices:
        if device.first_seen >= since and (
            device.hash not in known_hashes
            or (device.country and known_countries and device.country not in known_countries)
        ):
            fresh.append(device)
        known_hashes.add(device.hash)
        if device.country:
            known_countries.add(device.country)
    fresh = [d for d in fresh if d.pk != devices[0].pk]
    if not fresh:
        return None
    return Finding(
        gettext("%(what)s within %(h)s hours of signing in from a new device or country.")
        % {"what": event.kind, "h": p["hours"]},
        {"device_ids": [d.pk for d in fresh], "event": event.kind},
    )


def _quick_withdrawal(event: Event, p: dict) -> Finding | None:
    amount = Decimal(str(event.data.get("amount", "0")))
    since = event.now - timedelta(minutes=p["minutes"])
    top_ups = TopUp.objects.filter(
        user=event.user,
        status=TopUp.Status.SUCCEEDED,
        completed_at__gte=since,
        currency=event.data.get("currency", ""),
    ).values_list("amount", flat=True)
    deposited = sum(top_ups, Decimal(0))
    if not deposited or amount < deposited * Decimal(str(p["share"])):
        return None
    return Finding(
        gettext("Withdrew %(a)s within %(m)s minutes of depositing %(d)s.")
        % {"a": amount, "m": p["minutes"], "d": deposited},
        {"amount": str(amount), "deposited": str(deposited)},
    )


def _unusual_amount(event: Event, p: dict) -> Finding | None:
    amount = Decimal(str(event.data.get("amount", "0")))
    currency = event.data.get("currency", "")
    if amount < Decimal(str(p["minimum"])):
        return None
    model = TopUp if event.kind == "top_up.succeeded" else Withdrawal
    past = list(
        model.objects.filter(user=event.user, currency=currency)
        .exclude(pk=event.data.get("id"))
        .order_by("-id")
        .values_list("amount", flat=True)[:50]
    )
    if len(past) < p["history"]:
        return None
    usual = median(past)
    if amount < usual * Decimal(str(p["multiplier"])):
        return None
    return Finding(
        gettext("%(a)s %(c)s is %(x)s times this person's usual amount (%(u)s).")
        % {"a": amount, "c": currency, "x": round(amount / usual, 1), "u": usual},
        {"amount": str(amount), "usual": str(usual)},
    )


def _flagged_messages(event: Event, p: dict) -> Finding | None:
    since = event.now - timedelta(days=p["days"])
    flags = SafetyFlag.objects.filter(
        subject_user=event.user, source=FlagSource.DETECTED, created_at__gte=since
    ).count()
    if flags < p["count"]:
        return None
    return Finding(
        gettext("%(n)s messages in %(d)s days shared contact details or asked to pay outside.")
        % {"n": flags, "d": p["days"]},
        {"flags": flags},
    )


def _idea_harvesting(event: Event, p: dict) -> Finding | None:
    since = event.now - timedelta(days=p["days"])
    ended = (ProjectStatus.CLOSED, ProjectStatus.CANCELLED)
    projects = (
        Project.objects.filter(client=event.user, status__in=ended, updated_at__gte=since)
        .annotate(n=Count("proposals"))
        .filter(n__gte=p["min_responses"])
        .count()
    )
    contests = (
        Contest.objects.filter(
            client=event.user,
            status__in=(ContestStatus.CLOSED, ContestStatus.CANCELLED),
            created_at__gte=since,
        )
        .annotate(n=Count("entries"))
        .filter(n__gte=p["min_responses"])
        .count()
    )
    awarded = (
        Project.objects.filter(
            client=event.user, status=ProjectStatus.AWARDED, updated_at__gte=since
        ).count()
        + Contest.objects.filter(
            client=event.user, status=ContestStatus.AWARDED, created_at__gte=since
        ).count()
    )
    if projects + contests < p["count"] or awarded > p["max_awarded"]:
        return None
    return Finding(
        gettext("%(n)s projects or contests ended without an award after receiving work.")
        % {"n": projects + contests},
        {"projects": projects, "contests": contests, "awarded": awarded},
    )


PAYOUT_EVENTS = ("withdrawal.requested", "payout_method.added")

RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "new_account_burst",
            _("A new account does many things in a short time."),
            ("project.published", "proposal.submitted", "message.flagged"),
            {"score": 20, "account_age_days": 7, "window_minutes": 60, "actions": 15},
            _new_account_burst,
        ),
        Rule(
            "frequent_cancellations",
            _("Frequent cancellations or refund claims."),
            ("project.cancelled", "contract.cancellation", "refund.requested"),
            {"score": 20, "days": 30, "count": 5},
            _frequent_cancellations,
        ),
        Rule(
            "late_night_cancel",
            _("Projects posted then cancelled late at night, repeatedly."),
            ("project.cancelled",),
            {
                "score": 15,
                "days": 30,
                "count": 3,
                "within_hours": 24,
                "night_start_hour": 0,
                "night_end_hour": 6,
            },
            _late_night_cancel,
        ),
        Rule(
            "shared_device",
            _("Many accounts from one device or address."),
            ("device.seen", "signed_up"),
            {"score": 30, "days": 30, "accounts_per_device": 3, "accounts_per_ip": 5},
            _shared_device,
        ),
        Rule(
            "new_device_then_payout",
            _(
                "A withdrawal or payout-method change soon after signing in from a new device or "
                "country."
            ),
            PAYOUT_EVENTS,
            {"score": 40, "hours": 48},
            _new_device_then_payout,
        ),
        Rule(
            "quick_withdrawal",
            _("Money withdrawn soon after it was deposited."),
            ("withdrawal.requested",),
            {"score": 30, "minutes": 60, "share": "0.5", "cooldown_hours": 1},
            _quick_withdrawal,
        ),
        Rule(
            "unusual_amount",
            _("An amount far above the account's usual ones."),
            ("withdrawal.requested", "top_up.succeeded"),
            {"score": 25, "multiplier": 5, "history": 3, "minimum": "500", "cooldown_hours": 1},
            _unusual_amount,
        ),
        Rule(
            "flagged_messages",
            _("Messages flagged for sharing contact details or asking to pay outside Jiedan."),
            ("message.flagged",),
            {"score": 15, "days": 7, "count": 2},
            _flagged_messages,
        ),
        Rule(
            "idea_harvesting",
            _("Projects or contests that collect work but are never awarded."),
            ("project.closed", "project.cancelled", "contest.ended"),
            {"score": 25, "days": 90, "count": 3, "min_responses": 1, "max_awarded": 0},
            _idea_harvesting,
        ),
    )
}


def rules_for(event_kind: str) -> list[Rule]:
    return [r for r in RULES.values() if event_kind in r.events]


def thresholds() -> dict:
    """Recent-score thresholds for automatic actions (``JIEDAN_RISK_THRESHOLDS`` overrides)."""
    return {
        "window_days": 30,
        "queue": 40,
        "hold_payouts": 70,
        **getattr(settings, "JIEDAN_RISK_THRESHOLDS", {}),
    }
