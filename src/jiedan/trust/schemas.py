from datetime import datetime

from ninja import Schema


class AppealOut(Schema):
    id: int
    status: str
    text: str
    created_at: datetime
    decided_at: datetime | None
    decision_reason: str


class EnforcementOut(Schema):
    id: int
    action: str
    action_label: str
    features: list[str]
    reason: str
    active: bool
    created_at: datetime
    lifted_at: datetime | None
    lift_reason: str
    appeals: list[AppealOut]


class AppealIn(Schema):
    text: str


class QueueItemOut(Schema):
    id: int
    source_kind: str
    source_id: int
    subject_user_id: int | None
    summary: str
    status: str
    claimed_by_id: int | None
    decision: str
    reason: str
    created_at: datetime
    decided_at: datetime | None


class DecisionIn(Schema):
    decision: str
    reason: str
    features: list[str] = []
