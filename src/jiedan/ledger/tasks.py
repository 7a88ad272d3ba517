"""Background jobs of the ledger. Safe to run again at any time: each batch settles once."""

from celery import shared_task

from .services import pending_funds_settle_due


@shared_task
def settle_pending_funds() -> int:
    """Periodic (beat): make earnings whose hold period is over available in the wallet."""
    return pending_funds_settle_due()
