from celery import shared_task

from .services import deals_embed_missing


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def embed_completed_deals() -> int:
    """Hourly: one bounded batch of completed deals without a vector; how many it embedded."""
    return deals_embed_missing()
