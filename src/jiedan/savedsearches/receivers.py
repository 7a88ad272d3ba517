"""Reactions to other apps' events."""

from django.dispatch import receiver

from jiedan.projects.signals import project_published

from .tasks import alert_saved_searches


@receiver(project_published)
def alert_on_publish(sender, project_id: int, **kwargs):
    """Check the saved searches against the new project in the background."""
    alert_saved_searches.delay(project_id)
