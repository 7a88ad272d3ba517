from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class BadgeOut(Schema):
    code: str
    label: str
    years: int | None = Field(None, description="For clean_record: whole years.")


class CriterionOut(Schema):
    code: str
    text: str
    met: bool


class FreelancerReputationOut(Schema):
    level: str = Field(description="new, rising or top_rated")
    level_label: str
    rating: Decimal | None = Field(description="Weighted average, 1 to 5; null without reviews")
    rating_count: int
    job_success: int | None = Field(description="Percent; null below the minimum of contracts")
    completed_contracts: int
    ended_contracts: int
    completion_rate: int | None
    on_time_rate: int | None
    response_hours: Decimal | None = Field(description="Median hours to a first answer")
    repeat_client_rate: int | None
    earned_band: int = Field(description="Index of the band, see earned_band_label")
    earned_band_label: str
    badges: list[BadgeOut]
    criteria: dict[str, list[CriterionOut]] = Field(
        description="Per level and badge, each criterion and whether it is met"
    )
    computed_at: datetime


class ClientReputationOut(Schema):
    rating: Decimal | None
    rating_count: int
    hire_rate: int | None
    ended_projects: int
    payment_record: int | None
    payment_count: int
    spent_band: int
    spent_band_label: str
    computed_at: datetime


class ReputationOut(Schema):
    user_id: int
    freelancer: FreelancerReputationOut | None
    client: ClientReputationOut | None
    formulas_url: str
