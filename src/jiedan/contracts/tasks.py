"""Background jobs for contracts. Safe to run again at any time: each milestone and weekly
statement is re-checked under its locks, and its money moves at most once."""

from celery import shared_task

from .services import (
    milestone_reminders_send,
    milestones_auto_approve_due,
    statements_close_and_bill,
)


@shared_task
def auto_approve_milestones() -> int:
    """Periodic (beat): release submissions the client left unanswered past their time."""
    return milestones_auto_approve_due()


@shared_task
def remind_auto_approvals() -> int:
    """Periodic (beat): remind clients of submissions that will be approved soon."""
    return milestone_reminders_send()


@shared_task
def close_and_bill_hourly_weeks() -> tuple[int, int]:
    """Periodic (beat): close the ended weeks of hourly contracts and bill the statements due
    (review over, or waiting for the client's payment); returns (closed, billed)."""
    return tuple(statements_close_and_bill())
