"""Background jobs of the core app. Safe to run again at any time."""

from celery import shared_task
from django.utils import timezone

from .idempotency import idempotent_requests_purge
from .jobs import deferred_jobs_resend


@shared_task
def purge_idempotent_requests() -> int:
    """Periodic (beat): forget idempotency keys older than the retention time."""
    return idempotent_requests_purge(now=timezone.now())


@shared_task
def resend_deferred_jobs() -> int:
    """Every minute (beat): send the jobs the broker refused while it was down."""
    return deferred_jobs_resend()
