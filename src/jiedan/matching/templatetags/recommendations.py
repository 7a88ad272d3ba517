from django import template

from ..recommend import freelancers_for_project

register = template.Library()


@register.inclusion_tag("matching/_recommended_freelancers.html", takes_context=True)
def recommended_freelancers(context, project):
    """The freelancers who fit the owner's open project, with invite and "not a fit"."""
    return {
        "project": project,
        "recommendations": freelancers_for_project(project=project),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }
