"""Queueing background jobs so that a broker outage delays them but never loses them.

``enqueue_after_commit("app.tasks.name", args, kwargs)`` sends the Celery task once the
surrounding transaction commits (tasks are named by dotted path: task modules import the
services, not the other way round). When the broker refuses it (Redis stopped), the job is
kept as a ``DeferredJob`` row instead of failing the request, and ``deferred_jobs_resend``
(every minute, from beat) sends the kept jobs again, oldest first, once the broker answers.
A job may so run late, or (if a resend is interrupted after sending) twice: every task
re-checks the state it acts on, as it must anyway with late acknowledgement.
"""

import logging

from django.db import transaction
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

from .models import DeferredJob

logger = logging.getLogger(__name__)
RESEND_BATCH = 500


def enqueue_after_commit(task: str, args=(), kwargs=None, *, robust=False) -> None:
    """Send ``task`` with ``args``/``kwargs`` (JSON values) after commit, or keep it
    (``robust``: where the task runs in place, its failure is logged, not raised)."""
    args, kwargs = list(args), dict(kwargs or {})
    transaction.on_commit(lambda: enqueue(task, args, kwargs), robust=robust)


def enqueue(task: str, args: list, kwargs: dict) -> None:
    """Send ``task`` now; when the broker refuses it, keep it for ``deferred_jobs_resend``."""
    try:
        import_string(task).apply_async(args, kwargs, retry=False)
    except OperationalError:
        DeferredJob.objects.create(task=task, args=args, kwargs=kwargs)
        logger.warning("broker unreachable: %s kept to send later", task, exc_info=True)


def deferred_jobs_resend() -> int:
    """Send the kept jobs again, oldest first, until one is refused (the broker is still
    down: the rest wait for the next run). Returns how many were sent."""
    sent = 0
    for job in DeferredJob.objects.all()[:RESEND_BATCH]:
        try:
            import_string(job.task).apply_async(job.args, job.kwargs, retry=False)
        except OperationalError:
            DeferredJob.objects.filter(pk=job.pk).update(attempts=job.attempts + 1)
            logger.warning("broker still unreachable: %d jobs wait", DeferredJob.objects.count())
            break
        job.delete()
        sent += 1
    return sent
