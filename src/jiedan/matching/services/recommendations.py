"""Writes for recommendations: what people answer about them, inviting from them, and the
alerts that tell freelancers about new projects that fit them strongly."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotFound
from jiedan.notifications.services import notification_send
from jiedan.projects.models import Project
from jiedan.projects.models import Status as ProjectStatus
from jiedan.projects.selectors.visibility import public_projects
from jiedan.proposals.services import invitation_send

from ..models import Feedback, ProjectAlert, RecommendationFeedback
from ..recommend import freelancers_for_project

ALERT_WINDOW = timedelta(hours=6)
ALERT_CANDIDATES = 50


def _own_open_project(client, project_id: int) -> Project:
    project = Project.objects.filter(pk=project_id, client_id=client.pk).first()
    if project is None:
        raise NotFound(_("No such project."), code="project_not_found")
    return project


def _visible_open_project(project_id: int) -> Project:
    project = public_projects().filter(pk=project_id, status=ProjectStatus.OPEN).first()
    if project is None:
        raise NotFound(_("No such project."), code="project_not_found")
    return project


def _answer(*, user, project: Project, feedback: str, freelancer_id: int | None = None):
    answer, _created = RecommendationFeedback.objects.update_or_create(
        user=user, project=project, freelancer_id=freelancer_id, defaults={"feedback": feedback}
    )
    return answer


@transaction.atomic
def project_feedback(*, freelancer, project_id: int, interested: bool) -> RecommendationFeedback:
    """A freelancer says a recommended project is (not) for them: a dismissed one is not
    shown again, and either answer shifts that category's projects up or down."""
    project = _visible_open_project(project_id)
    feedback = Feedback.SHOWN_INTEREST if interested else Feedback.DISMISSED
    return _answer(user=freelancer, project=project, feedback=feedback)


@transaction.atomic
def freelancer_dismiss(*, client, project_id: int, freelancer_id: int) -> RecommendationFeedback:
    """A client says a recommended freelancer does not fit this project: not shown again."""
    project = _own_open_project(client, project_id)
    return _answer(
        user=client, project=project, feedback=Feedback.DISMISSED, freelancer_id=freelancer_id
    )


@transaction.atomic
def freelancer_invite(*, client, project_id: int, freelancer_id: int, message: str = ""):
    """Invite a recommended freelancer (the proposals app's invitation, with its rules) and
    remember the interest."""
    invitation = invitation_send(
        client=client, project_id=project_id, freelancer_id=freelancer_id, message=message
    )
    project = _own_open_project(client, project_id)
    _answer(
        user=client,
        project=project,
        feedback=Feedback.SHOWN_INTEREST,
        freelancer_id=freelancer_id,
    )
    return invitation


def strong_matches_alert(*, project_id: int, now=None) -> int:
    """Tell the freelancers who fit a newly published project strongly (score at least
    ``JIEDAN_ALERT_MIN_SCORE``) about it, once each, at most ``JIEDAN_ALERTS_PER_DAY`` a day
    per freelancer; returns how many were told."""
    project = public_projects().filter(pk=project_id, status=ProjectStatus.OPEN).first()
    if project is None:
        return 0
    now = now or timezone.now()
    told = 0
    for match in freelancers_for_project(project=project, limit=ALERT_CANDIDATES):
        if match.score < settings.JIEDAN_ALERT_MIN_SCORE:
            break
        if _alert_once(project, match, now):
            told += 1
    return told


@transaction.atomic
def _alert_once(project: Project, match, now) -> bool:
    freelancer_id = match.item.user_id
    today = ProjectAlert.objects.filter(
        freelancer_id=freelancer_id, created_at__gte=now - timedelta(days=1)
    )
    if today.count() >= settings.JIEDAN_ALERTS_PER_DAY:
        return False
    _alert, created = ProjectAlert.objects.get_or_create(
        freelancer_id=freelancer_id,
        project=project,
        defaults={"score": Decimal(str(match.score)).quantize(Decimal("0.001"))},
    )
    if not created:
        return False
    notification_send(
        recipient_id=freelancer_id,
        kind="recommendation.project",
        data={
            "project_id": project.pk,
            "project_title": project.title,
            "reasons": [reason.text for reason in match.reasons[:3]],
        },
    )
    return True


def new_projects_alert(*, now=None) -> int:
    """The periodic job: strong-match alerts for projects published in the last
    ``ALERT_WINDOW`` (each project's freelancers are told once, so overlapping runs are
    harmless); returns how many freelancers were told."""
    now = now or timezone.now()
    recent = public_projects().filter(
        status=ProjectStatus.OPEN, published_at__gte=now - ALERT_WINDOW
    )
    return sum(
        strong_matches_alert(project_id=pk, now=now)
        for pk in recent.order_by("published_at").values_list("pk", flat=True)
    )
