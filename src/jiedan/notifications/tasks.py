"""Background jobs of notifications. Each is safe to run again: what went out is marked."""

from celery import shared_task

from .kinds import EmailMode
from .services import (
    message_batch_email_send,
    message_batches_send_due,
    notification_digests_send,
    notification_email_send,
)


@shared_task
def email_notification(notification_id: int) -> bool:
    """After commit: e-mail one notification its recipient wants at once."""
    return notification_email_send(notification_id=notification_id)


@shared_task
def email_message_batch(recipient_id: int, conversation_id) -> bool:
    """After a message notification: the conversation's summary, unless one went out lately."""
    return message_batch_email_send(recipient_id=recipient_id, conversation_id=conversation_id)


@shared_task
def email_due_message_batches() -> int:
    """Periodic (beat): the conversation summaries whose waiting time is over."""
    return message_batches_send_due()


@shared_task
def email_daily_digests() -> int:
    """Periodic (beat, once a day)."""
    return notification_digests_send(mode=EmailMode.DAILY)


@shared_task
def email_weekly_digests() -> int:
    """Periodic (beat, once a week)."""
    return notification_digests_send(mode=EmailMode.WEEKLY)
