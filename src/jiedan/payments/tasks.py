"""Background jobs of the payments app. Each takes primary keys (or nothing) and is safe to run
again at any time: the provider deduplicates on our references, events are stored once, and
what a job has done no longer matches what it looks for."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .gateways.sandbox import deliver_sandbox_event
from .models import SandboxOperation
from .services import (
    refund_submit,
    refunds_resubmit,
    top_ups_expire,
    withdrawal_submit,
    withdrawals_resubmit,
)

REDELIVER_AFTER = timedelta(minutes=1)
REDELIVER_BATCH = 200


@shared_task
def submit_withdrawal(withdrawal_id: int) -> str:
    """Queued after a withdrawal request commits: hand it to the provider."""
    return withdrawal_submit(withdrawal_id=withdrawal_id).status


@shared_task
def submit_refund(refund_id: int) -> str:
    """Queued after a refund request commits: hand it to the provider."""
    return refund_submit(refund_id=refund_id).status


@shared_task
def expire_abandoned_top_ups() -> int:
    """Periodic (beat): top-ups nobody paid in time become expired."""
    return top_ups_expire(now=timezone.now())


@shared_task
def resubmit_waiting_payouts() -> int:
    """Periodic (beat): withdrawals and refunds the provider never acknowledged (a crash or an
    outage between the request and the provider) are sent again."""
    now = timezone.now()
    return withdrawals_resubmit(now=now) + refunds_resubmit(now=now)


@shared_task
def redeliver_sandbox_events() -> int:
    """Periodic (beat): the sandbox delivers again every decision not acknowledged, as a real
    provider retries its webhooks."""
    waiting = SandboxOperation.objects.filter(
        delivered_at__isnull=True, decided_at__lte=timezone.now() - REDELIVER_AFTER
    ).order_by("pk")
    operation_ids = list(waiting.values_list("pk", flat=True)[:REDELIVER_BATCH])
    for operation_id in operation_ids:
        deliver_sandbox_event(operation_id)
    return len(operation_ids)
