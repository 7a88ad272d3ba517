from datetime import datetime

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool

from jiedan.core.api_types import DecimalIn
from jiedan.core.money import Currency
from jiedan.projects.models import BudgetType, WorkMode

from .models import NAME_MAX_LENGTH, EmailAlerts


class CriteriaIn(Schema):
    """What to look for: the filters of ``GET /api/v1/projects``, without order and page."""

    model_config = ConfigDict(extra="forbid")

    q: str = Field("", max_length=200)
    category: str | None = None
    skills: list[str] = Field([], max_length=20)
    budget_type: BudgetType | None = None
    currency: Currency | None = None
    budget_min: DecimalIn | None = None
    budget_max: DecimalIn | None = None
    work_mode: WorkMode | None = None
    near: str = Field("", max_length=80)
    distance_km: int | None = None
    client_verified: StrictBool = False
    client_rating_min: DecimalIn | None = None


class SavedSearchIn(Schema):
    criteria: CriteriaIn
    name: str = Field("", max_length=NAME_MAX_LENGTH, description="Default: the search words")
    email_alerts: EmailAlerts = EmailAlerts.DAILY


class SavedSearchPatch(Schema):
    name: str | None = Field(None, max_length=NAME_MAX_LENGTH)
    email_alerts: EmailAlerts | None = None


class SavedSearchOut(Schema):
    id: int
    name: str
    criteria: dict
    email_alerts: str
    new_count: int
    alert_count: int
    browse_url: str
    created_at: datetime


class AlertQuery(Schema):
    page: int = Field(1, ge=1)


class AlertOut(Schema):
    project_id: int
    project_title: str
    project_status: str
    matched_at: datetime
    seen: bool


class AlertPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[AlertOut]
