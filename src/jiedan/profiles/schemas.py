from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field, StrictBool

from jiedan.core.api_types import PositiveAmountIn, RatingIn, choice_input
from jiedan.core.money import Currency

from .models import Availability, ServiceMode, SpokenLanguage, Visibility


class ProfileSkillOut(Schema):
    id: int
    slug: str
    name: str
    verified: bool = Field(description="The freelancer passed this skill's test.")


class CertificationOut(Schema):
    name: str
    issuer: str
    year: int | None
    url: str


class PortfolioFileOut(Schema):
    id: int
    kind: str
    preview_url: str | None


class PortfolioItemOut(Schema):
    id: int
    title: str
    challenge: str
    solution: str
    result: str
    category: str | None
    skills: list[ProfileSkillOut]
    files: list[PortfolioFileOut]


class FreelancerProfileOut(Schema):
    user_id: int
    identity_verified: bool
    name: str
    headline: str
    bio: str
    avatar_url: str | None
    hourly_rate: Decimal | None
    currency: str
    languages: list[str]
    city: str
    service_mode: str
    service_radius_km: int | None
    availability: str
    years_experience: int
    skills: list[ProfileSkillOut]
    certifications: list[CertificationOut]
    portfolio: list[PortfolioItemOut]
    updated_at: datetime


class CompletenessStepOut(Schema):
    label: str
    done: bool
    weight: int


class OwnProfileOut(FreelancerProfileOut):
    visibility: str
    allow_promotion: bool
    contacts: dict[str, str]
    completeness: int
    next_steps: list[CompletenessStepOut]


CurrencyChoice = choice_input(Currency)
LanguageChoice = choice_input(SpokenLanguage)
ServiceModeChoice = choice_input(ServiceMode)
AvailabilityChoice = choice_input(Availability)
VisibilityChoice = choice_input(Visibility)


class ProfileDetailsIn(Schema):
    headline: str = Field(default="", max_length=120)
    bio: str = Field(default="", max_length=5000)
    hourly_rate: PositiveAmountIn | None = None
    currency: CurrencyChoice = Currency.CNY
    languages: list[LanguageChoice] = []
    city: str = Field(default="", max_length=80)
    service_mode: ServiceModeChoice = ServiceMode.REMOTE
    service_radius_km: int | None = None
    availability: AvailabilityChoice = Availability.AS_NEEDED
    years_experience: int = Field(default=0, ge=0, le=80)
    visibility: VisibilityChoice = Visibility.PUBLIC
    allow_promotion: StrictBool = False


class SkillsIn(Schema):
    skill_ids: list[int] = Field(description="In display order; at most 15.")


class ClientProfileOut(Schema):
    user_id: int
    identity_verified: bool
    name: str
    about: str
    city: str
    website: str
    member_since: datetime


class FreelancerQuery(Schema):
    """Find freelancers: ``q`` is a need in words, Chinese or English (words and meaning)."""

    q: str = Field("", max_length=200)
    rating_min: RatingIn | None = Field(None, description="Rated freelancers only")
    level: str = Field("", pattern="^(|new|rising|top_rated)$", description="At least this level")
    sort: str = Field(
        "", pattern="^(|relevance|rating|newest)$", description="Default: best match with q"
    )
    page: int = Field(1, ge=1)


class FreelancerCardOut(Schema):
    user_id: int
    name: str
    headline: str
    hourly_rate: Decimal | None
    currency: str
    city: str
    skills: list[str]
    level: str = Field(description="new, rising or top_rated (see /reputation/how-it-works/)")
    rating: Decimal | None
    rating_count: int
    job_success: int | None


class FreelancerPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[FreelancerCardOut]
