"""Background jobs for reviews. Safe to run again at any time: each contract is re-checked
under its lock, a revealed review stays revealed and a reminder is recorded once."""

from celery import shared_task

from .services import review_reminders_send, reviews_reveal_due


@shared_task
def reveal_due_reviews() -> int:
    """Periodic (beat, every 15 minutes): reveal the reviews still sealed when their contract's
    review window closed."""
    return reviews_reveal_due()


@shared_task
def remind_pending_reviews() -> int:
    """Periodic (beat, hourly): remind parties who have not reviewed that the window closes
    soon."""
    return review_reminders_send()
