"""The monthly proposal quota: bidding is free, but each freelancer may send at most
``PROPOSALS_MONTHLY_QUOTA`` (setting, default 30) proposals per calendar month (platform time
zone). A proposal answering an invitation is free.

Refunds: when a project is awarded, the proposals its client never opened are refunded; when a
project ends without a hire (closed, expired or cancelled), every proposal still standing on it
is refunded. A withdrawn proposal is not refunded — the freelancer chose to withdraw it. A
refund gives the slot back in the month it happens: used = charged this month − refunded this
month (never below zero), so refunds cannot pile up beyond one month's allowance.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from jiedan.projects.models import Project

from .models import Proposal, Status


@dataclass(frozen=True)
class QuotaStatus:
    allowance: int
    used: int
    resets_on: date

    @property
    def remaining(self) -> int:
        return max(self.allowance - self.used, 0)


def monthly_allowance() -> int:
    return int(settings.PROPOSALS_MONTHLY_QUOTA)


def _month_bounds(now: datetime) -> tuple[datetime, datetime]:
    local = timezone.localtime(now)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (start.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)
    return start, following


def quota_status(*, freelancer, now: datetime | None = None) -> QuotaStatus:
    """How many proposals the freelancer has used this month and may still send."""
    start, following = _month_bounds(now or timezone.now())
    mine = Proposal.objects.filter(freelancer=freelancer)
    charged = mine.filter(quota_charged_at__gte=start, quota_charged_at__lt=following).count()
    refunded = mine.filter(quota_refunded_at__gte=start, quota_refunded_at__lt=following).count()
    return QuotaStatus(
        allowance=monthly_allowance(),
        used=max(charged - refunded, 0),
        resets_on=following.date(),
    )


def quota_refund_on_project_end(*, project: Project, hired: bool, now: datetime) -> int:
    """Refund the quota of proposals on a project that was awarded (only those never opened by
    the client) or ended without a hire (all still standing). Idempotent; returns how many
    were refunded. The caller holds the project's row lock."""
    refundable = Proposal.objects.filter(
        project=project, quota_charged_at__isnull=False, quota_refunded_at__isnull=True
    ).exclude(status__in=(Status.WITHDRAWN, Status.HIRED))
    if hired:
        refundable = refundable.filter(viewed_at__isnull=True)
    return refundable.update(quota_refunded_at=now)
