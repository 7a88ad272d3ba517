from datetime import datetime

from ninja import Schema
from pydantic import StrictBool

from jiedan.profiles.models import Visibility


class PrivacySettingsIn(Schema):
    share_phone: StrictBool = False
    share_wechat_id: StrictBool = False
    share_qq: StrictBool = False
    share_contact_email: StrictBool = False
    allow_recommendations: StrictBool = True
    visibility: Visibility | None = None
    allow_promotion: StrictBool | None = None


class PrivacySettingsOut(Schema):
    share_phone: bool
    share_wechat_id: bool
    share_qq: bool
    share_contact_email: bool
    allow_recommendations: bool
    visibility: str | None
    allow_promotion: bool | None


class ContactOut(Schema):
    label: str
    value: str


class ExportOut(Schema):
    id: int
    status: str
    size: int
    requested_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None
    download_url: str | None


class DeletionBlockerOut(Schema):
    code: str
    message: str


class DeletionStateOut(Schema):
    can_delete: bool
    blockers: list[DeletionBlockerOut]


class AccountDeleteIn(Schema):
    password: str


class AccountDeletedOut(Schema):
    deleted: bool
