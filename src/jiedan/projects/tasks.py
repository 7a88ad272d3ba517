"""Background jobs for projects. Safe to run again at any time."""

from celery import shared_task
from django.utils import timezone

from .services import projects_expire_overdue


@shared_task
def expire_overdue_projects() -> int:
    """Periodic (beat): close open projects whose 30 days are up."""
    return projects_expire_overdue(now=timezone.now())
