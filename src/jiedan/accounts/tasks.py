"""Background jobs for accounts. Safe to run again at any time."""

from celery import shared_task

from .services import access_tokens_purge_expired


@shared_task
def purge_expired_access_tokens() -> int:
    """Periodic (beat): drop tokens revoked or expired a month ago."""
    return access_tokens_purge_expired()
