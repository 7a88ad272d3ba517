"""Background jobs for disputes. Safe to run again at any time: each dispute is re-checked
under its locks, and its money moves at most once."""

from celery import shared_task

from .services import disputes_advance


@shared_task
def advance_disputes() -> tuple[int, int, int, int]:
    """Periodic (beat, every 15 minutes): end due negotiations (to mediation, or settled as
    asked when the other party stayed silent), assign waiting disputes to mediators, report
    late decisions; returns (to mediation, settled as asked, assigned, reported late)."""
    return tuple(disputes_advance())
