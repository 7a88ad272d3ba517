from celery import shared_task

from .services import embedding_refresh_if_current, embedding_removals_purge


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def embed_text(kind: str, object_id: int, text: str) -> bool:
    """Background half of ``embedding_refresh_later``: True when a vector is stored."""
    return embedding_refresh_if_current(kind=kind, object_id=object_id, text=text) is not None


@shared_task
def purge_embedding_removals() -> int:
    """Daily: forget vector removals every index has had time to see."""
    return embedding_removals_purge()


@shared_task
def alert_strong_matches() -> int:
    """Every 15 minutes: tell freelancers about newly published projects that fit them
    strongly (each once)."""
    from .services.recommendations import new_projects_alert

    return new_projects_alert()
