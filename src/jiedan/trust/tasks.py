"""Background jobs of the trust app (primary keys in, safe to retry)."""

from celery import shared_task
from django.contrib.auth import get_user_model


@shared_task(name="jiedan.trust.tasks.risk_evaluate_task")
def risk_evaluate_task(*, kind: str, user_id: int, data: dict) -> int:
    """Run the rules for one event; returns how many fired."""
    from .services import risk_evaluate

    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return 0
    return len(risk_evaluate(kind=kind, user=user, data=data))


@shared_task(name="jiedan.trust.tasks.queue_sync_task")
def queue_sync_task() -> int:
    """Bring open flags, review reports and identity submissions into the review queue."""
    from .services import queue_sync

    return queue_sync()
