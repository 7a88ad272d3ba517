"""Background jobs for reputation. Both recompute from scratch, so they are safe to run again."""

from celery import shared_task

from .services import reputation_refresh, reputations_recompute


@shared_task
def recompute_reputations() -> int:
    """Periodic (beat, daily): every active account's figures, level and badges."""
    return reputations_recompute()


@shared_task
def refresh_reputations(user_ids: list[int]) -> int:
    """After an event that changes these people's figures (see
    ``services.reputation_refresh_later``). Returns how many snapshots were written."""
    return sum(reputation_refresh(user_ids=user_ids))
