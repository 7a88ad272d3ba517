"""Pages for recommendations: the freelancer's feed of projects, and the client's answers
about freelancers recommended for a project (shown on the project page, see
``templatetags/recommendations.py``). Plain POST forms that come back where they were sent
from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.core.errors import DomainError, NotFound
from jiedan.profiles.selectors import freelancer_profile_of

from .recommend import projects_for_freelancer
from .services import recommendations as services


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
def feed(request):
    """Open projects that fit the signed-in freelancer, best first, with the reasons."""
    profile = freelancer_profile_of(user=request.user)
    has_skills = profile is not None and bool(profile.profileskill_set.all())
    context = {
        "profile": profile,
        "has_skills": has_skills,
        "recommendations": projects_for_freelancer(profile=profile) if profile else [],
    }
    return render(request, "matching/feed.html", context)


def _act(request, action, done: str, fallback: str, **kwargs):
    try:
        action(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _back(request, fallback)


@login_required
@require_POST
def project_feedback(request, project_id: int):
    interested = request.POST.get("interested") == "1"
    done = _("Thanks: we will show more like it.") if interested else _("Hidden from your list.")
    return _act(
        request,
        services.project_feedback,
        done,
        "recommendations:feed",
        freelancer=request.user,
        project_id=project_id,
        interested=interested,
    )


@login_required
@require_POST
def invite(request, project_id: int, freelancer_id: int):
    return _act(
        request,
        services.freelancer_invite,
        _("Invitation sent."),
        "recommendations:feed",
        client=request.user,
        project_id=project_id,
        freelancer_id=freelancer_id,
    )


@login_required
@require_POST
def dismiss(request, project_id: int, freelancer_id: int):
    return _act(
        request,
        services.freelancer_dismiss,
        _("We will not suggest them for this project again."),
        "recommendations:feed",
        client=request.user,
        project_id=project_id,
        freelancer_id=freelancer_id,
    )
