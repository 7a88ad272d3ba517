"""Recommendations API under /api/v1/recommendations: projects for the caller (a freelancer),
freelancers for one of the caller's open projects, and the answers that teach both lists."""

from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from pydantic import StrictBool

from jiedan.core.errors import NotFound
from jiedan.profiles.selectors import freelancer_profile_of
from jiedan.projects.models import Project
from jiedan.projects.models import Status as ProjectStatus

from .recommend import freelancers_for_project, projects_for_freelancer
from .services import recommendations as services

router = Router(tags=["recommendations"])


class ReasonOut(Schema):
    code: str
    text: str


class ProjectMatchOut(Schema):
    project_id: int
    title: str
    score: float
    reasons: list[ReasonOut]


class FreelancerMatchOut(Schema):
    user_id: int
    name: str
    headline: str
    score: float
    reasons: list[ReasonOut]


class FeedbackIn(Schema):
    interested: StrictBool


class DoneOut(Schema):
    ok: bool


def _reasons(match) -> list[dict]:
    return [{"code": reason.code, "text": reason.text} for reason in match.reasons]


@router.get("/projects", response=list[ProjectMatchOut])
def projects(request):
    """Open projects that fit the caller's freelancer profile, best first (empty without one)."""
    profile = freelancer_profile_of(user=request.user)
    matches = projects_for_freelancer(profile=profile) if profile else []
    return [
        {
            "project_id": m.item.pk,
            "title": m.item.title,
            "score": m.score,
            "reasons": _reasons(m),
        }
        for m in matches
    ]


@router.post("/projects/{project_id}/feedback", response=DoneOut)
def project_feedback(request, project_id: int, payload: FeedbackIn):
    services.project_feedback(
        freelancer=request.user, project_id=project_id, interested=payload.interested
    )
    return {"ok": True}


@router.get("/projects/{project_id}/freelancers", response=list[FreelancerMatchOut])
def freelancers(request, project_id: int):
    """Freelancers who fit one of the caller's open projects, best first."""
    project = Project.objects.filter(
        pk=project_id, client_id=request.user.pk, status=ProjectStatus.OPEN
    ).first()
    if project is None:
        raise NotFound(_("No such project."), code="project_not_found")
    return [
        {
            "user_id": m.item.user_id,
            "name": m.item.user.get_short_name(),
            "headline": m.item.headline,
            "score": m.score,
            "reasons": _reasons(m),
        }
        for m in freelancers_for_project(project=project)
    ]


@router.post("/projects/{project_id}/freelancers/{user_id}/invite", response=DoneOut)
def invite(request, project_id: int, user_id: int):
    services.freelancer_invite(client=request.user, project_id=project_id, freelancer_id=user_id)
    return {"ok": True}


@router.post("/projects/{project_id}/freelancers/{user_id}/dismiss", response=DoneOut)
def dismiss(request, project_id: int, user_id: int):
    services.freelancer_dismiss(client=request.user, project_id=project_id, freelancer_id=user_id)
    return {"ok": True}
