"""Recommendations: projects for a freelancer, freelancers for a client's project.

Candidates come from SQL (listed, available, not dismissed, able to work where the project
is) in two ways, and are then scored with ``scoring.score``:

- by skills: sharing a skill, or a related one, with the other side;
- by meaning: the ``SEMANTIC_CANDIDATES`` nearest by the vectors of the project's and the
  profile's texts.

Reputation figures come from ``jiedan.reputation`` snapshots (neutral when absent).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from jiedan.core.geo import city_lookup, haversine_km
from jiedan.profiles.models import SEARCH_KIND as FREELANCER_KIND
from jiedan.profiles.models import Availability, FreelancerProfile, ServiceMode
from jiedan.profiles.models import Visibility as ProfileVisibility
from jiedan.projects.models import SEARCH_KIND as PROJECT_KIND
from jiedan.projects.models import BudgetType, Project, Status, WorkMode
from jiedan.projects.selectors.visibility import public_projects
from jiedan.proposals.models import Proposal
from jiedan.reputation.models import ClientReputation, FreelancerReputation
from jiedan.taxonomy.models import Skill

from .encoders import text_encoder
from .models import Feedback, RecommendationFeedback
from .scoring import Reason, Signals, category_affinity, score
from .selectors import nearest_to_vector, stored_vector

SKILL_CANDIDATES = 300
SEMANTIC_CANDIDATES = 200
DEFAULT_COUNT = 10


@dataclass
class Recommendation:
    item: object  # a Project or a FreelancerProfile
    score: float
    reasons: list[Reason]


def _related_skill_ids(skill_ids: set[int]) -> set[int]:
    if not skill_ids:
        return set()
    pairs = Skill.related.through.objects.filter(from_skill_id__in=skill_ids)
    return set(pairs.values_list("to_skill_id", flat=True)) - skill_ids


def _skill_counts(mine: set[int], related: set[int], theirs: set[int]) -> tuple[int, int]:
    shared = mine & theirs
    return len(shared), len((related & theirs) - shared)


def _rate_fits(project: Project, profile: FreelancerProfile) -> bool | None:
    """For an hourly project in the profile's currency: is the rate within the budget?"""
    if project.budget_type != BudgetType.HOURLY or profile.hourly_rate is None:
        return None
    if profile.currency != project.currency:
        return None
    low, high = project.budget_min, project.budget_max
    return (low is None or profile.hourly_rate >= low) and (
        high is None or profile.hourly_rate <= high
    )


def _place(project: Project, profile: FreelancerProfile) -> tuple[float | None, float | None]:
    """(distance, reach) in km for on-site work; (None, None) for remote work."""
    if project.work_mode != WorkMode.LOCAL or project.latitude is None:
        return None, None
    city = city_lookup(profile.city) if profile.city else None
    if city is None:
        return None, 0.0
    distance = haversine_km(project.latitude, project.longitude, city.latitude, city.longitude)
    return distance, float((profile.service_radius_km or 0) + (project.radius_km or 0))


def _reachable(project: Project, profile: FreelancerProfile) -> bool:
    distance, reach = _place(project, profile)
    if distance is None:
        return reach is None  # remote work; (None, 0.0) is an on-site project and no known city
    return distance <= reach


def _days_since(moment: datetime | None, now: datetime) -> int | None:
    return None if moment is None else (now - moment).days


# ------------------------------------------------------------------ freelancers for a project


def listed_freelancers():
    """Profiles that may be recommended: not hidden, account active, taking work, and not
    switched off for recommendations on the person's privacy page."""
    return (
        FreelancerProfile.objects.filter(user__is_active=True)
        .exclude(visibility=ProfileVisibility.HIDDEN)
        .exclude(availability=Availability.UNAVAILABLE)
        .exclude(user__privacy_settings__allow_recommendations=False)
    )


def _freelancer_candidates(project: Project, skill_ids: set[int]) -> tuple[set[int], dict]:
    listed = listed_freelancers().exclude(user_id=project.client_id)
    if project.work_mode == WorkMode.LOCAL:
        listed = listed.filter(service_mode__in=[ServiceMode.LOCAL, ServiceMode.BOTH])
    dismissed = RecommendationFeedback.objects.filter(
        user_id=project.client_id, project=project, feedback=Feedback.DISMISSED
    ).values("freelancer_id")
    listed = listed.exclude(user_id__in=dismissed)
    by_skill = set()
    if skill_ids:
        by_skill = set(
            listed.filter(skills__in=skill_ids)
            .values_list("user_id", flat=True)
            .distinct()[:SKILL_CANDIDATES]
        )
    similar = {}
    vector = stored_vector(kind=PROJECT_KIND, object_id=project.pk)
    if vector is not None:
        similar = nearest_to_vector(kind=FREELANCER_KIND, vector=vector, limit=SEMANTIC_CANDIDATES)
    wanted = by_skill | set(similar)
    allowed = set(listed.filter(user_id__in=wanted).values_list("user_id", flat=True))
    return allowed, similar


def freelancers_for_project(*, project: Project, limit: int = DEFAULT_COUNT):
    """The freelancers who fit ``project`` best, with reasons addressed to its client."""
    now = timezone.now()
    skill_ids = {skill.pk for skill in project.skills.all()}
    related = _related_skill_ids(skill_ids)
    allowed, similar = _freelancer_candidates(project, skill_ids | related)
    profiles = (
        FreelancerProfile.objects.filter(user_id__in=allowed)
        .select_related("user")
        .prefetch_related("skills")
    )
    reputations = FreelancerReputation.objects.in_bulk(list(allowed))
    floor = text_encoder().related_above
    found = []
    for profile in profiles:
        if not _reachable(project, profile):
            continue
        shared, near = _skill_counts(skill_ids, related, {s.pk for s in profile.skills.all()})
        reputation = reputations.get(profile.user_id)
        distance, reach = _place(project, profile)
        scored = score(
            Signals(
                shared_skills=shared,
                related_skills=near,
                project_skills=len(skill_ids),
                similarity=similar.get(profile.user_id),
                related_above=floor,
                rating=reputation.rating if reputation else None,
                job_success=reputation.job_success if reputation else None,
                response_hours=reputation.response_hours if reputation else None,
                rate_fits=_rate_fits(project, profile),
                availability=profile.availability,
                distance_km=distance,
                reach_km=reach,
                days_on_platform=_days_since(profile.user.date_joined, now),
                for_freelancer=False,
            )
        )
        found.append(Recommendation(profile, scored.score, scored.reasons))
    found.sort(key=lambda r: (-r.score, r.item.user_id))
    return found[:limit]


# ------------------------------------------------------------------ projects for a freelancer


def _open_projects_for(profile: FreelancerProfile):
    user_id = profile.user_id
    projects = public_projects().filter(status=Status.OPEN).exclude(client_id=user_id)
    projects = projects.exclude(
        pk__in=Proposal.objects.filter(freelancer_id=user_id).values("project_id")
    )
    projects = projects.exclude(
        pk__in=RecommendationFeedback.objects.filter(
            user_id=user_id, freelancer__isnull=True, feedback=Feedback.DISMISSED
        ).values("project_id")
    )
    if profile.service_mode == ServiceMode.REMOTE:
        projects = projects.exclude(work_mode=WorkMode.LOCAL)
    elif profile.service_mode == ServiceMode.LOCAL:
        projects = projects.filter(work_mode=WorkMode.LOCAL)
    return projects


def category_affinities(*, user_id: int) -> dict[int, float]:
    """Per category: −1…+1 from the freelancer's proposals and "interested" answers against
    their dismissals."""
    answers = (
        RecommendationFeedback.objects.filter(user_id=user_id, freelancer__isnull=True)
        .values("project__category_id")
        .annotate(
            up=Count("id", filter=Q(feedback=Feedback.SHOWN_INTEREST)),
            down=Count("id", filter=Q(feedback=Feedback.DISMISSED)),
        )
    )
    proposals = (
        Proposal.objects.filter(freelancer_id=user_id)
        .values("project__category_id")
        .annotate(n=Count("id"))
    )
    tally: dict[int, list[int]] = {}
    for row in answers:
        tally.setdefault(row["project__category_id"], [0, 0])
        tally[row["project__category_id"]][0] += row["up"]
        tally[row["project__category_id"]][1] += row["down"]
    for row in proposals:
        tally.setdefault(row["project__category_id"], [0, 0])[0] += row["n"]
    return {
        category: category_affinity(up, down)
        for category, (up, down) in tally.items()
        if category is not None
    }


def projects_for_freelancer(*, profile: FreelancerProfile, limit: int = 20):
    """Open projects that fit the freelancer best, with reasons addressed to them."""
    skill_ids = {skill.pk for skill in profile.skills.all()}
    related = _related_skill_ids(skill_ids)
    projects = _open_projects_for(profile)
    by_skill = set()
    if skill_ids or related:
        by_skill = set(
            projects.filter(skills__in=skill_ids | related)
            .order_by("-published_at")
            .values_list("pk", flat=True)
            .distinct()[:SKILL_CANDIDATES]
        )
    similar = {}
    vector = stored_vector(kind=FREELANCER_KIND, object_id=profile.user_id)
    if vector is not None:
        similar = nearest_to_vector(kind=PROJECT_KIND, vector=vector, limit=SEMANTIC_CANDIDATES)
    rows = (
        projects.filter(pk__in=by_skill | set(similar))
        .select_related("client", "category")
        .prefetch_related("skills")
    )
    rows = [project for project in rows if _reachable(project, profile)]
    clients = ClientReputation.objects.in_bulk({project.client_id for project in rows})
    affinity = category_affinities(user_id=profile.user_id)
    floor = text_encoder().related_above
    found = []
    for project in rows:
        project_skills = {skill.pk for skill in project.skills.all()}
        shared = len(project_skills & skill_ids)
        near = len((project_skills & related) - skill_ids)
        client = clients.get(project.client_id)
        distance, reach = _place(project, profile)
        scored = score(
            Signals(
                shared_skills=shared,
                related_skills=near,
                project_skills=len(project_skills),
                similarity=similar.get(project.pk),
                related_above=floor,
                rating=client.rating if client else None,
                job_success=client.payment_record if client else None,
                rate_fits=_rate_fits(project, profile),
                availability=profile.availability,
                distance_km=distance,
                reach_km=reach,
                affinity=affinity.get(project.category_id, 0.0),
            )
        )
        found.append(Recommendation(project, scored.score, scored.reasons))
    found.sort(key=lambda r: (-r.score, -r.item.pk))
    return found[:limit]
