"""Background jobs for contracts. Safe to run again at any time: each milestone is re-checked
under its locks, and its money moves at most once."""

from celery import shared_task

from .services import milestone_reminders_send, milestones_auto_approve_due


@shared_task
def auto_approve_milestones() -> int:
    """Periodic (beat): release submissions the client left unanswered past their time."""
    return milestones_auto_approve_due()


@shared_task
def remind_auto_approvals() -> int:
    """Periodic (beat): remind clients of submissions that will be approved soon."""
    return milestone_reminders_send()
