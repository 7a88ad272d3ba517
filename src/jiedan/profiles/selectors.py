"""Reads for profiles: visibility rules, the public page's data, profile completeness."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotFound
from jiedan.reputation.formulas import Level, levels_at_least
from jiedan.search.selectors import RankedRows, hybrid_ranked_ids
from jiedan.verification.selectors import verified_skill_ids, verified_user_ids

from .models import (
    SEARCH_KIND,
    ClientProfile,
    FreelancerProfile,
    PortfolioFile,
    PortfolioItem,
    ProfileSkill,
    Visibility,
)


def can_view_profile(profile: FreelancerProfile, viewer) -> bool:
    """Hidden: the owner only. Signed-in: any member. Public: everyone."""
    if viewer is not None and viewer.is_authenticated and viewer.pk == profile.user_id:
        return True
    if not profile.user.is_active:
        return False
    if profile.visibility == Visibility.PUBLIC:
        return True
    return profile.visibility == Visibility.SIGNED_IN and bool(viewer and viewer.is_authenticated)


@dataclass(frozen=True)
class Badges:
    """What the platform has checked about a person: identity, and skills proven by a test."""

    identity_verified: bool
    verified_skill_ids: frozenset[int]


def profile_badges(*, user_id: int) -> Badges:
    return Badges(
        identity_verified=user_id in verified_user_ids(user_ids=[user_id]),
        verified_skill_ids=frozenset(verified_skill_ids(user_id=user_id)),
    )


def public_freelancer_profiles():
    """Profiles anyone (and any search engine) may see."""
    return FreelancerProfile.objects.filter(visibility=Visibility.PUBLIC, user__is_active=True)


FREELANCERS_PER_PAGE = 20


class FreelancerSort:
    RELEVANCE = "relevance"
    RATING = "rating"
    NEWEST = "newest"

    CHOICES = [
        (RELEVANCE, _("Best match")),
        (RATING, _("Best rated")),
        (NEWEST, _("Newest profiles")),
    ]
    REPUTATION = "user__freelancer_reputation"
    ORDERING = {
        RATING: (
            F(f"{REPUTATION}__rating").desc(nulls_last=True),
            F(f"{REPUTATION}__rating_count").desc(nulls_last=True),
            "-pk",
        ),
        NEWEST: ("-created_at", "-pk"),
    }


@dataclass(frozen=True)
class FreelancerFilters:
    query: str = ""  # words of a need, Chinese or English (the search index, words and meaning)
    rating_min: Decimal | None = None  # rated freelancers only
    level: str = ""  # at least this reputation level
    sort: str = FreelancerSort.RATING


def freelancer_search(*, filters: FreelancerFilters) -> QuerySet[FreelancerProfile] | RankedRows:
    """Public profiles matching the filters. With a text query the default order is best match
    first (the search index's hybrid rank); otherwise best rated first. Each profile comes with
    its reputation snapshot joined (``user.freelancer_reputation``) and its skills prefetched,
    so a page costs the same few queries whatever its length."""
    queryset = (
        public_freelancer_profiles()
        .select_related("user", FreelancerSort.REPUTATION)
        .prefetch_related(
            Prefetch(
                "profileskill_set",
                queryset=ProfileSkill.objects.select_related("skill").order_by("position", "id"),
            )
        )
    )
    ranked: list[int] = []
    if filters.query.strip():
        ranked = hybrid_ranked_ids(kind=SEARCH_KIND, query=filters.query)
        queryset = queryset.filter(user_id__in=ranked)
    if filters.rating_min is not None:
        queryset = queryset.filter(user__freelancer_reputation__rating__gte=filters.rating_min)
    if filters.level and filters.level != Level.NEW:
        queryset = queryset.filter(
            user__freelancer_reputation__level__in=levels_at_least(filters.level)
        )
    if ranked and filters.sort in ("", FreelancerSort.RELEVANCE):
        return RankedRows(queryset, ranked, field="user_id")
    ordering = FreelancerSort.ORDERING.get(filters.sort, FreelancerSort.ORDERING["rating"])
    return queryset.order_by(*ordering)


def freelancer_page(
    *, filters: FreelancerFilters, page: int | str | None, per_page: int = FREELANCERS_PER_PAGE
) -> Page:
    """One page of ``freelancer_search``; an out-of-range page number gives the last page."""
    return Paginator(freelancer_search(filters=filters), per_page).get_page(page)


def _profile_queryset():
    return FreelancerProfile.objects.select_related("user").prefetch_related(
        Prefetch(
            "profileskill_set",
            queryset=ProfileSkill.objects.select_related("skill").order_by("position", "id"),
        ),
        "certifications",
        Prefetch(
            "portfolio_items",
            queryset=PortfolioItem.objects.select_related("category").prefetch_related(
                "skills", Prefetch("files", queryset=PortfolioFile.objects.order_by("position"))
            ),
        ),
    )


def freelancer_profile_for_viewer(*, user_id: int, viewer) -> FreelancerProfile:
    """The profile with everything its page shows, or ``NotFound`` when the viewer may not see
    it (a hidden profile looks exactly like a missing one)."""
    profile = _profile_queryset().filter(user_id=user_id).first()
    if profile is None or not can_view_profile(profile, viewer):
        raise NotFound(_("No such profile."), code="profile_not_found")
    return profile


def freelancer_profile_of(*, user) -> FreelancerProfile | None:
    """The user's own profile with everything the editor shows, if they have one."""
    return _profile_queryset().filter(user=user).first()


def contacts_of(profile: FreelancerProfile) -> dict[str, str]:
    """The private contact details, for the owner's editor only."""
    return {
        "phone": profile.phone,
        "wechat_id": profile.wechat_id,
        "qq": profile.qq,
        "contact_email": profile.contact_email,
    }


def skill_ids_of(*, user) -> list[int]:
    """The user's profile skills, in their chosen order."""
    return list(
        ProfileSkill.objects.filter(profile__user=user)
        .order_by("position", "id")
        .values_list("skill_id", flat=True)
    )


def portfolio_item_of(*, user, item_id: int) -> PortfolioItem:
    """One of the user's own portfolio items with its files, or ``NotFound``."""
    item = (
        PortfolioItem.objects.filter(pk=item_id, profile__user=user)
        .select_related("category")
        .prefetch_related("skills", "files")
        .first()
    )
    if item is None:
        raise NotFound(_("No such portfolio item."), code="portfolio_item_not_found")
    return item


def portfolio_file_of(*, user, file_id: int) -> PortfolioFile:
    record = PortfolioFile.objects.filter(pk=file_id, item__profile__user=user).first()
    if record is None:
        raise NotFound(_("No such file."), code="portfolio_file_not_found")
    return record


def client_profile_of(*, user) -> ClientProfile:
    """The user's client profile; an unsaved empty one when they have none yet."""
    return ClientProfile.objects.filter(user=user).first() or ClientProfile(user=user)


def client_profile_for_viewer(*, user_id: int) -> ClientProfile:
    profile = ClientProfile.objects.select_related("user").filter(user_id=user_id).first()
    if profile is None or not profile.user.is_active:
        raise NotFound(_("No such profile."), code="profile_not_found")
    return profile


@dataclass(frozen=True)
class CompletenessStep:
    label: str
    done: bool
    weight: int
    anchor: str


@dataclass(frozen=True)
class Completeness:
    percent: int
    steps: list[CompletenessStep]

    @property
    def next_steps(self) -> list[CompletenessStep]:
        return [step for step in self.steps if not step.done]


def profile_completeness(profile: FreelancerProfile) -> Completeness:
    """How complete a profile is, weighted by what clients look at first.

    Photo 15, headline 15, about (120+ characters) 15, three or more skills 15, rate 10,
    a portfolio item with an image 15, languages 5, location 5, a certification 5.
    """
    skills = list(profile.profileskill_set.all())
    items = list(profile.portfolio_items.all())
    has_image_item = any(f.kind == PortfolioFile.Kind.IMAGE for i in items for f in i.files.all())
    steps = [
        CompletenessStep(_("Add a clear photo of yourself"), bool(profile.avatar), 15, "photo"),
        CompletenessStep(_("Write a headline"), bool(profile.headline), 15, "headline"),
        CompletenessStep(
            _("Tell clients about yourself (120+ characters)"), len(profile.bio) >= 120, 15, "bio"
        ),
        CompletenessStep(_("Add at least three skills"), len(skills) >= 3, 15, "skills"),
        CompletenessStep(_("Set your hourly rate"), profile.hourly_rate is not None, 10, "rate"),
        CompletenessStep(_("Show a portfolio item with an image"), has_image_item, 15, "portfolio"),
        CompletenessStep(
            _("List the languages you work in"), bool(profile.languages), 5, "languages"
        ),
        CompletenessStep(_("Say where you are based"), bool(profile.city), 5, "location"),
        CompletenessStep(
            _("Add a certification"), bool(list(profile.certifications.all())), 5, "certifications"
        ),
    ]
    percent = sum(step.weight for step in steps if step.done)
    return Completeness(percent=percent, steps=steps)
