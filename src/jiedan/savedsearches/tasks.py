"""Background jobs for saved searches. Safe to run again at any time."""

from celery import shared_task
from django.utils import timezone

from .models import EmailAlerts
from .services import saved_search_alerts_record, saved_search_emails_send


@shared_task
def alert_saved_searches(project_id: int) -> int:
    """After a project is published: record and push the alerts, then e-mail the people who
    want to hear at once. Returns how many alerts were new."""
    now = timezone.now()
    alerts = saved_search_alerts_record(project_id=project_id, now=now)
    owner_ids = sorted({alert.saved_search.owner_id for alert in alerts})
    if owner_ids:
        saved_search_emails_send(email_alerts=EmailAlerts.INSTANT, now=now, owner_ids=owner_ids)
    return len(alerts)


@shared_task
def email_daily_digests() -> int:
    """Periodic (beat): the daily e-mail of new alerts to each person whose day has passed."""
    return saved_search_emails_send(email_alerts=EmailAlerts.DAILY, now=timezone.now())
