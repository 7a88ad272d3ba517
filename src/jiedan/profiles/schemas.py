from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class SkillOut(Schema):
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
    skills: list[SkillOut]
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
    skills: list[SkillOut]
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


class ProfileDetailsIn(Schema):
    headline: str = Field(default="", max_length=120)
    bio: str = Field(default="", max_length=5000)
    hourly_rate: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)
    currency: str = "CNY"
    languages: list[str] = []
    city: str = Field(default="", max_length=80)
    service_mode: str = "remote"
    service_radius_km: int | None = None
    availability: str = "as_needed"
    years_experience: int = Field(default=0, ge=0, le=80)
    visibility: str = "public"
    allow_promotion: bool = False


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
    rating_min: Decimal | None = Field(None, ge=0, le=5, description="Rated freelancers only")
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
