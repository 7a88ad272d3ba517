"""Background jobs for contests. Each contest is handled in its own transaction and checked
again after locking, and every escrow call has a key derived from the contest, so a job can be
retried or run twice at any time."""

from celery import shared_task
from django.utils import timezone

from .services import contests_award_overdue, contests_close_entries


@shared_task
def close_contest_entries() -> int:
    """Periodic (beat): contests past their entry deadline go to judging, or close and refund
    when they have no valid entry."""
    return contests_close_entries(now=timezone.now())


@shared_task
def award_overdue_contests() -> int:
    """Periodic (beat): contests whose judging period ended without an award are awarded by
    the client's ratings, then earliest submission."""
    return contests_award_overdue(now=timezone.now())
