"""Background jobs for piece-rate tasks. Each is safe to run again at any time: what it has
done no longer matches what it looks for."""

from celery import shared_task
from django.utils import timezone

from .services import pieces_accept_stale, tasks_close_overdue, tasks_settle_closed


@shared_task
def close_overdue_piece_tasks() -> int:
    """Periodic (beat): close open tasks whose deadline has passed."""
    return tasks_close_overdue(now=timezone.now())


@shared_task
def accept_stale_pieces() -> int:
    """Periodic (beat): accept pieces the client left unreviewed for three days."""
    return pieces_accept_stale(now=timezone.now())


@shared_task
def settle_closed_piece_tasks() -> int:
    """Periodic (beat): refund the unused budget of closed tasks with nothing pending."""
    return tasks_settle_closed(now=timezone.now())
