from jiedan.projects import services as project_services
from jiedan.projects.selectors import project_filters
from jiedan.savedsearches import services
from tests.projects.factories import ProjectFactory


def save(owner, *, name: str = "", email_alerts: str = "daily", **asked):
    """Save a search for filters given as query parameters."""
    return services.saved_search_create(
        owner=owner, filters=project_filters(**asked), name=name, email_alerts=email_alerts
    )


def publish(capture, **fields):
    """A new project published by its client, with the hooks that run after commit."""
    project = ProjectFactory(**fields)
    with capture(execute=True):
        project_services.project_publish(client=project.client, project_id=project.pk)
    project.refresh_from_db()
    return project
