"""Profiles API: public freelancer and client profiles; the owner's own profile."""

from ninja import Query, Router

from jiedan.accounts.api_auth import OPTIONAL_AUTH

from . import selectors, services
from .models import ClientProfile, FreelancerProfile
from .schemas import (
    ClientProfileOut,
    FreelancerPageOut,
    FreelancerProfileOut,
    FreelancerQuery,
    OwnProfileOut,
    ProfileDetailsIn,
    SkillsIn,
)

router = Router(tags=["profiles"])


def _skill(skill, verified: frozenset[int] = frozenset()) -> dict:
    return {
        "id": skill.pk,
        "slug": skill.slug,
        "name": skill.name,
        "verified": skill.pk in verified,
    }


def _public(profile: FreelancerProfile) -> dict:
    """What anyone allowed to see the profile gets: never contact details or originals."""
    badges = selectors.profile_badges(user_id=profile.user_id)
    return {
        "user_id": profile.user_id,
        "identity_verified": badges.identity_verified,
        "name": profile.user.get_short_name(),
        "headline": profile.headline,
        "bio": profile.bio,
        "avatar_url": profile.avatar.url if profile.avatar else None,
        "hourly_rate": profile.hourly_rate,
        "currency": profile.currency,
        "languages": profile.languages,
        "city": profile.city,
        "service_mode": profile.service_mode,
        "service_radius_km": profile.service_radius_km,
        "availability": profile.availability,
        "years_experience": profile.years_experience,
        "skills": [
            _skill(entry.skill, badges.verified_skill_ids)
            for entry in profile.profileskill_set.all()
        ],
        "certifications": [
            {"name": c.name, "issuer": c.issuer, "year": c.year, "url": c.url}
            for c in profile.certifications.all()
        ],
        "portfolio": [
            {
                "id": item.pk,
                "title": item.title,
                "challenge": item.challenge,
                "solution": item.solution,
                "result": item.result,
                "category": item.category.name if item.category else None,
                "skills": [_skill(skill) for skill in item.skills.all()],
                "files": [
                    {
                        "id": f.pk,
                        "kind": f.kind,
                        "preview_url": f.preview.url if f.preview else None,
                    }
                    for f in item.files.all()
                ],
            }
            for item in profile.portfolio_items.all()
        ],
        "updated_at": profile.updated_at,
    }


def _own(user) -> dict:
    services.freelancer_profile_ensure(user=user)
    profile = selectors.freelancer_profile_of(user=user)
    completeness = selectors.profile_completeness(profile)
    return {
        **_public(profile),
        "visibility": profile.visibility,
        "allow_promotion": profile.allow_promotion,
        "contacts": selectors.contacts_of(profile),
        "completeness": completeness.percent,
        "next_steps": [
            {"label": str(s.label), "done": s.done, "weight": s.weight}
            for s in completeness.next_steps
        ],
    }


def _card(profile: FreelancerProfile) -> dict:
    """A search result: the public basics and the reputation snapshot joined with it."""
    reputation = getattr(profile.user, "freelancer_reputation", None)
    return {
        "user_id": profile.user_id,
        "name": profile.user.get_short_name(),
        "headline": profile.headline,
        "hourly_rate": profile.hourly_rate,
        "currency": profile.currency,
        "city": profile.city,
        "skills": [entry.skill.name for entry in profile.profileskill_set.all()],
        "level": reputation.level if reputation else "new",
        "rating": reputation.rating if reputation else None,
        "rating_count": reputation.rating_count if reputation else 0,
        "job_success": reputation.job_success if reputation else None,
    }


@router.get("/freelancers", response=FreelancerPageOut, auth=OPTIONAL_AUTH)
def freelancer_list(request, query: Query[FreelancerQuery]):
    """Public freelancer profiles by need, minimum rating and level; best match first with a
    text query, else best rated first."""
    sort = selectors.FreelancerSort
    default = sort.RELEVANCE if query.q.strip() else sort.RATING
    filters = selectors.FreelancerFilters(
        query=query.q, rating_min=query.rating_min, level=query.level, sort=query.sort or default
    )
    page = selectors.freelancer_page(filters=filters, page=query.page)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_card(profile) for profile in page.object_list],
    }


@router.get("/freelancers/{user_id}", response=FreelancerProfileOut, auth=OPTIONAL_AUTH)
def freelancer_detail(request, user_id: int):
    """A freelancer's profile, if its visibility lets the caller see it (else 404)."""
    return _public(selectors.freelancer_profile_for_viewer(user_id=user_id, viewer=request.user))


@router.get("/me", response=OwnProfileOut)
def own_profile(request):
    return _own(request.user)


@router.put("/me", response=OwnProfileOut)
def own_profile_update(request, payload: ProfileDetailsIn):
    services.freelancer_profile_update(
        user=request.user, details=services.ProfileDetails(**payload.dict())
    )
    return _own(request.user)


@router.put("/me/skills", response=OwnProfileOut)
def own_skills_set(request, payload: SkillsIn):
    services.freelancer_skills_set(user=request.user, skill_ids=payload.skill_ids)
    return _own(request.user)


@router.get("/clients/{user_id}", response=ClientProfileOut, auth=OPTIONAL_AUTH)
def client_detail(request, user_id: int):
    profile: ClientProfile = selectors.client_profile_for_viewer(user_id=user_id)
    return {
        "user_id": profile.user_id,
        "identity_verified": selectors.profile_badges(user_id=profile.user_id).identity_verified,
        "name": str(profile),
        "about": profile.about,
        "city": profile.city,
        "website": profile.website,
        "member_since": profile.user.date_joined,
    }
