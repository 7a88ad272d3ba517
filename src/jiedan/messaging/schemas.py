from datetime import datetime

from ninja import Field, Schema

from .models import BODY_MAX_LENGTH


class PersonOut(Schema):
    id: int
    name: str


class ConversationOut(Schema):
    id: int
    subject_kind: str
    subject_id: int
    title: str
    others: list[PersonOut]
    last_message: str | None
    last_message_at: datetime | None
    unread: int


class ConversationListOut(Schema):
    unread_total: int
    results: list[ConversationOut]


class ConversationOpenIn(Schema):
    kind: str
    subject_id: int


class MessageAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    shared_as: str
    url: str


class MessageOut(Schema):
    id: int
    conversation_id: int
    sender: PersonOut
    body: str
    created_at: datetime
    flagged: bool
    flag_reasons: list[str]
    attachments: list[MessageAttachmentOut]
    read: bool  # the sender's own message has been read by the other members


class MessagePageOut(Schema):
    results: list[MessageOut]
    older_cursor: int | None


class SendIn(Schema):
    body: str = Field(..., max_length=BODY_MAX_LENGTH)


class ReadIn(Schema):
    up_to_id: int | None = None


class ReadOut(Schema):
    conversation_id: int
    last_read_id: int
    unread_total: int


class MessagingReportIn(Schema):
    note: str = Field("", max_length=2000)


class MessagingReportOut(Schema):
    id: int
    status: str


class BlockOut(Schema):
    user_id: int
    blocked: bool


class UnreadCountOut(Schema):
    count: int
