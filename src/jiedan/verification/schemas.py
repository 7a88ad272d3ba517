"""API shapes for verification. No shape carries a document number, an image or a correct answer."""

from datetime import datetime

from ninja import Schema
from pydantic import Field


class IdentitySubmissionOut(Schema):
    id: int
    document_type: str
    status: str
    submitted_at: datetime
    decided_at: datetime | None
    rejection_reason: str = Field(description="Why it was rejected; empty otherwise.")


class IdentityOut(Schema):
    status: str = Field(description="none, pending, approved or rejected")
    verified: bool
    can_submit: bool
    submission: IdentitySubmissionOut | None


class SkillRefOut(Schema):
    id: int
    slug: str
    name: str


class SkillTestOut(Schema):
    id: int
    kind: str
    skill: SkillRefOut
    pass_percent: int
    time_limit_minutes: int
    questions_per_attempt: int
    cooldown_days: int
    state: str = Field(description="available, open, cooldown, passed or not_ready")
    retry_at: datetime | None
    open_attempt_id: int | None
    score_percent: int | None = Field(description="The passing score, once passed.")


class ChoiceOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    id: int
    text: str
    choices: list[ChoiceOut]


class AttemptOut(Schema):
    id: int
    test_id: int
    status: str = Field(description="open, submitted or expired")
    started_at: datetime
    deadline: datetime
    seconds_left: int
    questions: list[QuestionOut] = Field(description="Only while the attempt is open.")
    score_percent: int | None
    passed: bool | None = Field(description="Null while the attempt is open.")


class AnswerIn(Schema):
    question_id: int
    choice_id: int


class AnswersIn(Schema):
    answers: list[AnswerIn] = Field(max_length=200)
