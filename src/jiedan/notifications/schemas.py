from datetime import datetime

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool

from .kinds import Category, EmailMode


class NotificationOut(Schema):
    id: int
    kind: str
    category: Category
    text: str
    url: str
    data: dict
    created_at: datetime
    read_at: datetime | None
    unread: bool


class NotificationPageOut(Schema):
    results: list[NotificationOut]
    next_cursor: int | None = Field(None, description="Pass as ``before`` for the next page")


class NotificationQuery(Schema):
    before: int | None = Field(None, gt=0, lt=2**63, description="Cursor: older than this id")


class UnreadCountOut(Schema):
    count: int


class ReadAllOut(Schema):
    marked: int


class PreferenceItem(Schema):
    model_config = ConfigDict(extra="forbid")

    category: Category
    in_app: StrictBool
    email: EmailMode


class PreferencesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    preferences: list[PreferenceItem] = Field(..., max_length=len(Category.values))


class PreferencesOut(Schema):
    preferences: list[PreferenceItem]
