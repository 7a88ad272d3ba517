"""Projects API under /api/v1/projects: public browsing and the client's own drafts.

Public reads need no sign-in. Writes use the default auth (token or session). Another person's
project is 404 for every write, and nothing changes.
"""

from django.urls import reverse
from ninja import Query, Router, Status

from jiedan.accounts.api_auth import OPTIONAL_AUTH

from . import selectors, services
from .models import Project
from .schemas import ProjectIn, ProjectOut, ProjectPageOut, ProjectQuery

router = Router(tags=["projects"])


def _summary(project: Project) -> dict:
    category = project.category
    return {
        "id": project.pk,
        "title": project.title,
        "client": {"id": project.client_id, "name": project.client.get_short_name()},
        "category": category and {"id": category.pk, "slug": category.slug, "name": category.name},
        "budget_type": project.budget_type,
        "budget_min": project.budget_min,
        "budget_max": project.budget_max,
        "currency": project.currency,
        "work_mode": project.work_mode,
        "city": project.city,
        "status": project.status,
        "published_at": project.published_at,
    }


def _full(project: Project) -> dict:
    return {
        **_summary(project),
        "description": project.description,
        "skills": [
            {"id": skill.pk, "slug": skill.slug, "name": skill.name}
            for skill in project.skills.all()
        ],
        "deadline": project.deadline,
        "expected_duration": project.expected_duration,
        "radius_km": project.radius_km,
        "visibility": project.visibility,
        "screening_questions": project.screening_questions,
        "expires_at": project.expires_at,
        "updated_at": project.updated_at,
        "attachments": [
            {
                "id": file.pk,
                "name": file.original_name,
                "content_type": file.content_type,
                "size": file.size,
                "sha256": file.sha256,
                "download_url": reverse("projects:attachment", args=[file.pk]),
            }
            for file in project.attachments.all()
        ],
    }


def _details(payload: ProjectIn) -> services.ProjectDetails:
    return services.ProjectDetails(**payload.dict())


def _own(request, project_id: int) -> dict:
    return _full(selectors.project_of_client(client=request.user, project_id=project_id))


def _list_item(project: Project) -> dict:
    return {
        **_summary(project),
        "skills": [
            {"id": skill.pk, "slug": skill.slug, "name": skill.name}
            for skill in project.skills.all()
        ],
        "client_verified": project.client_verified,
        "client_rating": project.client_rating,
        "client_rating_count": project.client_rating_count or 0,
    }


@router.get("", response=ProjectPageOut, auth=None)
def project_list(request, query: Query[ProjectQuery]):
    """Open public projects: filters, facets and sorting, as on the browse page.

    Page with ``cursor`` (the ``next_cursor`` / ``previous_cursor`` of a response): keyset
    pagination, as fast deep down as on the first page. ``page`` numbers still work for the
    first 50 pages. Bad filter input is 422 with a code naming the problem (``unknown_city``,
    ``budget_range_inverted``, ``bad_cursor``…)."""
    filters = selectors.project_filters(**query.filter_values())
    page = selectors.project_page(filters=filters, page=query.page, per_page=query.page_size)
    return {
        "count": page.count,
        "page": page.number,
        "pages": page.pages,
        "sort": page.sort,
        "next_cursor": page.next_cursor,
        "previous_cursor": page.previous_cursor,
        "facets": {facet.name: facet.options for facet in page.facets},
        "results": [_list_item(project) for project in page.object_list],
    }


@router.get("/{project_id}", response=ProjectOut, auth=OPTIONAL_AUTH)
def project_detail(request, project_id: int):
    """A public project (open, in review or awarded), or any of the caller's own."""
    return _full(selectors.project_for_viewer(project_id=project_id, viewer=request.user))


@router.post("", response={201: ProjectOut})
def project_create(request, payload: ProjectIn):
    """Create a draft project."""
    project = services.project_create(client=request.user, details=_details(payload))
    return Status(201, _own(request, project.pk))


@router.put("/{project_id}", response=ProjectOut)
def project_update(request, project_id: int, payload: ProjectIn):
    """Replace a draft or open project's content."""
    services.project_update(client=request.user, project_id=project_id, details=_details(payload))
    return _own(request, project_id)


@router.post("/{project_id}/publish", response=ProjectOut)
def project_publish(request, project_id: int):
    """Open a complete draft to proposals for 30 days."""
    services.project_publish(client=request.user, project_id=project_id)
    return _own(request, project_id)
