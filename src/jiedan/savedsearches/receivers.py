"""Reactions to other apps' events."""

from django.dispatch import receiver

from jiedan.core.jobs import enqueue
from jiedan.projects.signals import project_published


@receiver(project_published)
def alert_on_publish(sender, project_id: int, **kwargs):
    """Check the saved searches against the new project in the background (the signal is
    sent after the project's transaction committed)."""
    enqueue("jiedan.savedsearches.tasks.alert_saved_searches", [project_id], {})
