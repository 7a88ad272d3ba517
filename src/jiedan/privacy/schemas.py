from datetime import datetime

from ninja import Schema

from jiedan.profiles.models import Visibility


class PrivacySettingsIn(Schema):
    share_phone: bool = False
    share_wechat_id: bool = False
    share_qq: bool = False
    share_contact_email: bool = False
    allow_recommendations: bool = True
    visibility: Visibility | None = None
    allow_promotion: bool | None = None


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
